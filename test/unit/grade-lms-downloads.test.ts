// LMS downloads: the names Canvas, Moodle, Blackboard and Gradescope give submitted
// files, read into students, assignments and hand-in times; names that look like an
// LMS's but do not parse are reported; of two files of one student the newest is graded.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  blackboardReceiptName,
  isProblem,
  parseBlackboardName,
  parseCanvasName,
  parseGradescopeMetadata,
  parseMoodleFlatName,
  parseMoodleFolder,
  parseZonedTime,
} from "../../scripts/src/grade/lms-names";
import { discoverSubmissions, matchFlat, type SubmissionFile } from "../../scripts/src/grade/submissions";
import { pickNewest } from "../../scripts/src/grade/pick-newest";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grade-lms-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const NAMES = ["00-sample-assignment", "01-more"];
const UTC = () => 0;

function folder(name: string, files: Record<string, string>): string {
  const root = path.join(dir, name);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe("LMS names", () => {
  test("Canvas: the user id is the student, the name part is kept, LATE is read", () => {
    const onTime = parseCanvasName("smithjane_12345_67890_00-sample-assignment.ipynb");
    assert.ok(onTime !== undefined && !isProblem(onTime));
    assert.deepEqual(
      [onTime.student.key, onTime.student.displayName, onTime.original, onTime.late],
      ["12345", "smithjane", "00-sample-assignment.ipynb", false],
    );
    const late = parseCanvasName("smithjane_LATE_12345_67890_00-sample-assignment-1.ipynb");
    assert.ok(late !== undefined && !isProblem(late));
    assert.deepEqual([late.student.key, late.late, late.original], ["12345", true, "00-sample-assignment-1.ipynb"]);
    assert.ok(
      !isProblem(parseCanvasName("smithjane_late_12345_67890_x.ipynb")) &&
        (parseCanvasName("smithjane_late_12345_67890_x.ipynb") as { late: boolean }).late,
    );
    // A learner's own file name cannot move the ids: they are read from the start.
    const nested = parseCanvasName("smithjane_12345_67890_doe_99_88_00-sample-assignment.ipynb");
    assert.equal(!isProblem(nested!) && nested!.student.key, "12345");
    // The generic flat names of other tools are not Canvas's.
    assert.equal(parseCanvasName("alice_12345_00-sample-assignment.ipynb"), undefined);
    assert.ok(isProblem(parseCanvasName("smith jane_12345_67890_x.ipynb")), "a Canvas-like name that does not parse is reported");
  });

  test("Moodle: the folder's full name is the student, its participant id is kept", () => {
    const m = parseMoodleFolder("Jane Smith_4567_assignsubmission_file_");
    assert.ok(m !== undefined && !isProblem(m));
    assert.deepEqual([m.key, m.lmsId, m.lms], ["Jane Smith", "4567", "moodle"]);
    assert.ok(isProblem(parseMoodleFolder("Jane Smith_assignsubmission_file_")));
    assert.equal(parseMoodleFolder("jane"), undefined);
  });

  test("Blackboard: username, attempt time (the machine's zone), receipts", () => {
    const b = parseBlackboardName("Homework_1_jsmith_attempt_2024-03-01-14-05-33_00-sample-assignment.ipynb", UTC);
    assert.ok(b !== undefined && !isProblem(b));
    assert.deepEqual(
      [b.student.key, b.original, b.receipt, b.submittedAt!.utcMs],
      ["jsmith", "00-sample-assignment.ipynb", false, Date.UTC(2024, 2, 1, 14, 5, 33)],
    );
    const plusOne = parseBlackboardName("Homework_1_jsmith_attempt_2024-03-01-14-05-33_x.ipynb", () => 60)!;
    assert.equal(!isProblem(plusOne) && plusOne.submittedAt!.utcMs, Date.UTC(2024, 2, 1, 13, 5, 33));
    const receipt = parseBlackboardName("Homework_1_jsmith_attempt_2024-03-01-14-05-33.txt", UTC);
    assert.ok(receipt !== undefined && !isProblem(receipt) && receipt.receipt);
    assert.ok(isProblem(parseBlackboardName("Homework_1_jsmith_attempt_2024-03-01_x.ipynb", UTC)));
    assert.ok(isProblem(parseBlackboardName("Homework_1_jsmith_attempt_2024-02-30-14-05-33_x.ipynb", UTC)), "no 30 February");
  });

  test("Gradescope: the metadata's submitters (SID, else email), time with its zone, late flag", () => {
    const meta = parseGradescopeMetadata(`submission_111:
  :submitters:
  - :name: Jane Smith
    :sid: '900123'
    :email: jane@example.edu
  - :name: Bo Li
    :email: bo@example.edu
  :created_at: 2024-03-01 14:05:33.500000000 -08:00
  :late?: true
submission_222:
  :submitters: []
`);
    const one = meta.get("submission_111");
    assert.ok(one !== undefined && !isProblem(one));
    assert.deepEqual(
      one.submitters.map((s) => [s.key, s.displayName, s.email]),
      [
        ["900123", "Jane Smith", "jane@example.edu"],
        ["bo@example.edu", "Bo Li", "bo@example.edu"],
      ],
    );
    assert.equal(one.submittedAt!.utcMs, Date.UTC(2024, 2, 1, 22, 5, 33, 500));
    assert.equal(one.late, true);
    assert.ok(isProblem(meta.get("submission_222")!));
    assert.equal(parseZonedTime("2024-03-01T14:05:33Z"), Date.UTC(2024, 2, 1, 14, 5, 33));
    assert.equal(parseZonedTime("2024-03-01 14:05:33"), undefined, "a time without a zone is not guessed");
  });
});

describe("LMS names, read strictly", () => {
  /** The problem a name or entry was reported with, or a failure when it parsed. */
  const problemOf = (result: unknown): string => {
    assert.ok(isProblem(result as never), `parsed: ${JSON.stringify(result)}`);
    return (result as { problem: string }).problem;
  };

  test("Canvas: a name with Canvas's mark that does not parse is reported, a mark further on too", () => {
    assert.equal(
      problemOf(parseCanvasName("smith jane_12345_67890_x.ipynb")),
      "looks like a Canvas download name but is not <name>[_LATE]_<userid>_<submissionid>_<file>",
    );
    assert.ok(isProblem(parseCanvasName("smith_jane_LATE_12345_67890_x.ipynb")), "LATE and the ids further on are Canvas's too");
    assert.equal(parseCanvasName("notes_LATE_draft.ipynb"), undefined, "LATE without the ids is no mark");
    assert.equal(parseCanvasName("lab_2024_LATE_x_12345_9.ipynb"), undefined);
    assert.equal(parseCanvasName("a b_1_2.ipynb"), undefined, "the ids must be followed by the file's name");
  });

  test("Moodle: names are trimmed, folders end with the plugin's mark, a flat name needs the uploaded file", () => {
    const folderName = parseMoodleFolder(" Jane Smith _4567_assignsubmission_file_");
    assert.ok(folderName !== undefined && !isProblem(folderName));
    assert.deepEqual([folderName.key, folderName.displayName], ["Jane Smith", "Jane Smith"]);
    assert.ok(!isProblem(parseMoodleFolder("Jane Smith_4567_assignsubmission_onlinetext")!), "the trailing _ is optional");
    assert.ok(isProblem(parseMoodleFolder("Jane Smith_4567_assignsubmission_file_x")), "a folder name ends with the mark");
    const flat = parseMoodleFlatName("Jane Smith_4567_assignsubmission_file_00-sample-assignment.ipynb");
    assert.ok(flat !== undefined && !isProblem(flat));
    assert.deepEqual([flat.student.key, flat.student.lmsId, flat.original], ["Jane Smith", "4567", "00-sample-assignment.ipynb"]);
    assert.equal(
      problemOf(parseMoodleFlatName("Jane Smith_assignsubmission_file_x.ipynb")),
      "looks like a Moodle download name but is not <Full Name>_<participant id>_assignsubmission_file_<file>",
    );
    assert.equal(parseMoodleFlatName("jane_4567_x.ipynb"), undefined);
  });

  test("Blackboard: the time as written, a receipt's name only for its own username", () => {
    const b = parseBlackboardName("HW_jsmith_attempt_2024-03-01-14-05-33_x.ipynb", UTC);
    assert.ok(b !== undefined && !isProblem(b));
    assert.equal(b.submittedAt!.text, "2024-03-01 14:05:33");
    assert.equal(b.original, "x.ipynb");
    const receipt = parseBlackboardName("HW_jsmith_attempt_2024-03-01-14-05-33.txt", UTC);
    assert.equal(!isProblem(receipt!) && receipt!.original, "", "a receipt uploads no file");
    assert.equal(
      problemOf(parseBlackboardName("HW_jsmith_attempt_2024-02-30-14-05-33_x.ipynb", UTC)),
      "a Blackboard name whose time 2024-02-30 14:05:33 is no real time",
    );
    for (const time of ["2024-13-01-14-05-33", "2024-03-01-24-05-33", "2024-03-01-14-60-33", "2024-03-01-14-05-60"])
      assert.ok(isProblem(parseBlackboardName(`HW_jsmith_attempt_${time}_x.ipynb`, UTC)), time);
    assert.ok(isProblem(parseBlackboardName("HW_jsmith_attempt_2024-03-01-14-05-33", UTC)), "neither a file nor a receipt");
    assert.ok(isProblem(parseBlackboardName("HW_jsmith_attempt_2024-03-01-14-05-33.txt.bak", UTC)), "a receipt's name ends with .txt");
    assert.equal(blackboardReceiptName("Assignment: HW\nName: Jane  Smith (jsmith)\nDate: …", "jsmith"), "Jane  Smith");
    assert.equal(blackboardReceiptName("Name:Jane Smith(jsmith)  ", "jsmith"), "Jane Smith");
    assert.equal(blackboardReceiptName("Name: Jane Smith (jsmith)", "bo"), undefined, "another learner's receipt names nobody");
    assert.equal(blackboardReceiptName("Your Name: Jane Smith (jsmith)", "jsmith"), undefined);
    assert.equal(blackboardReceiptName("Name: Jane Smith (jsmith) extra", "jsmith"), undefined, "the username closes the line");
    assert.equal(blackboardReceiptName("no name line", "jsmith"), undefined);
  });

  test("Gradescope: every way an entry can be unreadable is a problem for its folder", () => {
    const entries = parseGradescopeMetadata(`submission_1: [not, a, mapping]
submission_2:
  :submitters: [plain]
submission_3:
  :submitters:
  - :name: Jane Smith
submission_4:
  :submitters:
  - :sid: 7
  :created_at: yesterday
submission_5:
  :submitters:
  - :email: "  "
submission_6: just text
notes: ignored
`);
    assert.deepEqual([...entries.keys()], ["submission_1", "submission_2", "submission_3", "submission_4", "submission_5", "submission_6"]);
    assert.deepEqual([...entries.values()].map(problemOf), [
      "its entry in submission_metadata.yml is not a mapping",
      "a :submitters: entry is not a mapping",
      "the submitter Jane Smith has neither :sid: nor :email:",
      'its :created_at: "yesterday" is not a time with a zone',
      "the submitter (no name) has neither :sid: nor :email:",
      "its entry in submission_metadata.yml is not a mapping",
    ]);
    assert.equal(
      problemOf(parseGradescopeMetadata("submission_9:\n  :submitters: []\n").get("submission_9")),
      "its entry in submission_metadata.yml lists no :submitters:",
    );
    assert.deepEqual(
      [...parseGradescopeMetadata("a: [1").entries()].map(([k, v]) => [k, problemOf(v).split(" (")[0]]),
      [["(export)", "submission_metadata.yml is not YAML"]],
    );
    assert.deepEqual(
      [...parseGradescopeMetadata("- 1\n- 2\n", "submission_5").entries()].map(([k, v]) => [k, problemOf(v)]),
      [["submission_5", "submission_metadata.yml holds no mapping"]],
    );
    assert.deepEqual([...parseGradescopeMetadata("just text").keys()], ["(export)"]);
    assert.deepEqual([...parseGradescopeMetadata("other: 1\n").keys()], [], "no submission keys and no folder: nothing to read");
    assert.deepEqual([...parseGradescopeMetadata("xsubmission_1: {}\nsubmission_2x: {}\n").keys()], [], "only whole submission_<id> keys");
  });

  test("Gradescope: one submission's own file, numbers as ids, the late flag in its spellings, no time", () => {
    const own = parseGradescopeMetadata(":submitters:\n- :sid: 900123\n  :name: ' Jane '\n:late: 'false'\n", "submission_7").get(
      "submission_7",
    );
    assert.ok(own !== undefined && !isProblem(own));
    assert.deepEqual(
      [own.submitters[0]!.key, own.submitters[0]!.displayName, own.submitters[0]!.email, own.submittedAt, own.late],
      ["900123", "Jane", null, null, false],
    );
    const late = (flag: string) => {
      const entry = parseGradescopeMetadata(`submission_1:\n  :submitters:\n  - :sid: '1'\n${flag}`).get("submission_1");
      return !isProblem(entry!) && entry!.late;
    };
    assert.deepEqual(
      [late("  :late?: 'true'\n"), late("  :late: true\n"), late("  late: 'false'\n"), late("  :late?: maybe\n"), late("")],
      [true, true, false, null, null],
    );
    // The core schema keeps the timestamp as text, read with its zone.
    const timed = parseGradescopeMetadata("submission_1:\n  :submitters:\n  - :sid: '1'\n  :created_at: 2024-03-01 14:05:33 UTC\n").get(
      "submission_1",
    );
    assert.equal(!isProblem(timed!) && timed!.submittedAt!.utcMs, Date.UTC(2024, 2, 1, 14, 5, 33));
  });

  test("zoned times: Z, UTC, ±hh:mm and ±hhmm, fractions of a second, and only real times", () => {
    assert.equal(parseZonedTime(" 2024-03-01 14:05:33.25 UTC "), Date.UTC(2024, 2, 1, 14, 5, 33, 250));
    assert.equal(parseZonedTime("2024-03-01T14:05:33.5Z"), Date.UTC(2024, 2, 1, 14, 5, 33, 500));
    assert.equal(parseZonedTime("2024-03-01 14:05:33 +05:30"), Date.UTC(2024, 2, 1, 8, 35, 33));
    assert.equal(parseZonedTime("2024-03-01 14:05:33-0230"), Date.UTC(2024, 2, 1, 16, 35, 33));
    for (const bad of [
      "2024-02-30 14:05:33Z",
      "2024-03-01 14:05Z",
      "x2024-03-01 14:05:33Z",
      "2024-03-01 14:05:33Zx",
      "2024-03-01 14:05:33 CET",
    ])
      assert.equal(parseZonedTime(bad), undefined, bad);
  });
});

describe("finding the submissions of LMS downloads", () => {
  test("each LMS's layout gives students by its id, and the assignment by the uploaded name", () => {
    const root = folder("mixed", {
      "smithjane_12345_67890_00-sample-assignment.ipynb": "{}",
      "doejohn_LATE_222_333_01-more.ipynb": "{}",
      "Jane Smith_4567_assignsubmission_file_/00-sample-assignment.ipynb": "{}",
      "HW1_jsmith_attempt_2024-03-01-14-05-33_00-sample-assignment.ipynb": "{}",
      "HW1_jsmith_attempt_2024-03-01-14-05-33.txt": "Name: Jane Q. Smith (jsmith)\nAssignment: HW1\n",
      "submission_555/00-sample-assignment.ipynb": "{}",
      "submission_metadata.yml":
        "submission_555:\n  :submitters:\n  - :name: Ann Lee\n    :sid: '42'\n  :created_at: 2024-03-02 09:00:00 +00:00\n",
      "carol/00-sample-assignment.ipynb": "{}",
    });
    const found = discoverSubmissions(root, NAMES);
    const seen = found.submissions.map((s) => `${s.layout} ${s.student} ${s.assignment} ${s.lms?.displayName ?? "-"}`).sort();
    assert.deepEqual(seen, [
      "blackboard jsmith 00-sample-assignment Jane Q. Smith",
      "canvas 12345 00-sample-assignment smithjane",
      "canvas 222 01-more doejohn",
      "folder carol 00-sample-assignment -",
      "gradescope 42 00-sample-assignment Ann Lee",
      "moodle Jane Smith 00-sample-assignment Jane Smith",
    ]);
    assert.deepEqual(found.unrecognized, [], "the receipt and the metadata are read, not rejected");
    assert.deepEqual([...found.lmsFiles!.entries()].sort(), [
      ["blackboard", 1],
      ["canvas", 2],
      ["gradescope", 1],
      ["moodle", 1],
    ]);
    const late = found.submissions.find((s) => s.student === "222")!;
    assert.deepEqual(late.time!.lmsLate, { late: true, source: "Canvas's LATE marker" });
  });

  test("names that look like an LMS's but do not parse are reported, never taken as a student", () => {
    const root = folder("broken", {
      "HW1_jsmith_attempt_yesterday_00-sample-assignment.ipynb": "{}",
      "Jane_assignsubmission_file_/00-sample-assignment.ipynb": "{}",
      "submission_777/00-sample-assignment.ipynb": "{}",
    });
    const found = discoverSubmissions(root, NAMES);
    assert.deepEqual(found.submissions, []);
    const reasons = found.unrecognized.map((u) => u.reason).join("\n");
    assert.match(reasons, /looks like a Blackboard download name/);
    assert.match(reasons, /looks like a Moodle download folder/);
    assert.match(reasons, /looks like a Gradescope export folder, but no submission_metadata.yml/);
  });

  test("a submission_metadata.yml inside a Gradescope folder is the learner's upload: it names nobody", () => {
    // Gradescope's export has one metadata file, beside the folders; a folder holds what
    // the learner uploaded. A learner who uploads their own metadata naming another
    // student's SID, with a later time, must not be graded as that student.
    const forged = "submission_metadata.yml";
    const claim = ":submitters:\n- :name: Victim\n  :sid: '42'\n:created_at: 2099-01-01 00:00:00 +00:00\n";
    const alone = folder("gradescope-forged-alone", {
      "submission_901/00-sample-assignment.ipynb": "{}",
      [`submission_901/${forged}`]: claim,
    });
    const found = discoverSubmissions(alone, NAMES);
    assert.deepEqual(found.submissions, [], "nobody is graded from the learner's own metadata");
    assert.match(found.unrecognized.map((u) => u.reason).join("\n"), /no submission_metadata\.yml names submission_901/);
    assert.match(
      found.unrecognized.map((u) => `${u.relative}: ${u.reason}`).join("\n"),
      /submission_901\/submission_metadata\.yml: .*uploaded/,
    );

    const beside = folder("gradescope-forged-beside", {
      "submission_555/00-sample-assignment.ipynb": "{}",
      "submission_901/00-sample-assignment.ipynb": "{}",
      [`submission_901/${forged}`]: claim,
      [forged]: "submission_555:\n  :submitters:\n  - :name: Ann Lee\n    :sid: '42'\n  :created_at: 2024-03-02 09:00:00 +00:00\n",
    });
    const both = discoverSubmissions(beside, NAMES);
    assert.deepEqual(
      both.submissions.map((s) => `${s.student} ${s.relative}`),
      [`42 ${path.join("submission_555", "00-sample-assignment.ipynb")}`],
      "only the export's own metadata names students",
    );
  });

  test("a Gradescope group submission that competes with a member's own hand-in is graded but held for the instructor", () => {
    // Whoever hands in on Gradescope names the group: Eve adds Ann to hers, later than
    // Ann's own submission. Taking the newest would grade Ann on Eve's work unasked.
    const meta = [
      "submission_555:",
      "  :submitters:",
      "  - :name: Ann Lee",
      "    :sid: '42'",
      "  :created_at: 2024-03-02 09:00:00 +00:00",
      "submission_556:",
      "  :submitters:",
      "  - :name: Eve Adams",
      "    :sid: '77'",
      "  - :name: Ann Lee",
      "    :sid: '42'",
      "  :created_at: 2024-03-03 09:00:00 +00:00",
      "submission_557:",
      "  :submitters:",
      "  - :name: Bo Li",
      "    :sid: '88'",
      "  :created_at: 2024-03-03 10:00:00 +00:00",
    ].join("\n");
    const root = folder("gradescope-group", {
      "submission_555/00-sample-assignment.ipynb": "{}",
      "submission_556/00-sample-assignment.ipynb": "{}",
      "submission_557/00-sample-assignment.ipynb": "{}",
      "submission_metadata.yml": meta + "\n",
    });
    const found = discoverSubmissions(root, NAMES);
    const { graded, setAside, held } = pickNewest(found.submissions);
    assert.deepEqual(graded.map((f) => `${f.student} ${path.dirname(f.relative)}`).sort(), [
      "42 submission_556",
      "77 submission_556",
      "88 submission_557",
    ]);
    assert.deepEqual(
      setAside.map((a) => `${a.file.student} ${path.dirname(a.file.relative)}`),
      ["42 submission_555"],
    );
    // Only Ann's choice is in doubt: Eve's group file is her only one, Bo has one of his own.
    assert.deepEqual(
      held.map((h) => h.file.student),
      ["42"],
    );
    assert.match(held[0]!.reason, /student "42" is in more than one hand-in/);
    assert.match(held[0]!.reason, /submission_555\/00-sample-assignment\.ipynb \(their own\)/);
    assert.match(held[0]!.reason, /submission_556\/00-sample-assignment\.ipynb \(a group submission with 77\)/);
    assert.match(held[0]!.reason, /check which hand-in counts/);
  });

  test("Moodle without folders: a name with Moodle's mark twice is reported, not read as anyone", () => {
    // The full name and the uploaded file's name are both the learner's to choose: which
    // "_<id>_assignsubmission_" is Moodle's cannot be told, whichever is taken.
    const root = folder("moodle-flat", {
      "Eve Adams_111_assignsubmission_file_Jane Smith_222_assignsubmission_file_00-sample-assignment.ipynb": "{}",
      "Bo Li_333_assignsubmission_file_00-sample-assignment.ipynb": "{}",
    });
    const found = discoverSubmissions(root, NAMES);
    assert.deepEqual(
      found.submissions.map((s) => [s.student, s.lms?.lmsId, s.assignment]),
      [["Bo Li", "333", "00-sample-assignment"]],
    );
    assert.equal(found.unrecognized.length, 1);
    assert.match(found.unrecognized[0]!.reason, /Moodle's "_<participant id>_assignsubmission_" more than once/);
  });

  test("Moodle names that differ only by what does not show (invisible, bidi, width, case) are namesakes too", () => {
    // A learner who renames themselves "Jane Smith" with a zero-width space, or in
    // full-width letters, would be a second row that reads exactly as Jane's.
    const root = folder("lookalikes", {
      "Jane Smith_1_assignsubmission_file_/00-sample-assignment.ipynb": "{}",
      "Jane\u200b Smith_2_assignsubmission_file_/00-sample-assignment.ipynb": "{}",
      "\uff2aane Smith\u202c_3_assignsubmission_file_/00-sample-assignment.ipynb": "{}",
      "Bo Li_4_assignsubmission_file_/00-sample-assignment.ipynb": "{}",
    });
    const found = discoverSubmissions(root, NAMES);
    assert.deepEqual(found.submissions.map((s) => s.student).sort(), [
      "Bo Li",
      "Jane Smith (participant 1)",
      "Jane\u200b Smith (participant 2)",
      "\uff2aane Smith\u202c (participant 3)",
    ]);
    assert.equal(found.notes!.length, 3);
    assert.match(found.notes!.join("\n"), /read alike/);
  });

  test("two Moodle learners of one name stay two students", () => {
    const root = folder("namesakes", {
      "Jane Smith_1_assignsubmission_file_/00-sample-assignment.ipynb": "{}",
      "Jane Smith_2_assignsubmission_file_/00-sample-assignment.ipynb": "{}",
    });
    const found = discoverSubmissions(root, NAMES);
    assert.deepEqual(found.submissions.map((s) => s.student).sort(), ["Jane Smith (participant 1)", "Jane Smith (participant 2)"]);
    assert.equal(found.notes!.length, 2);
  });
});

describe("what each submission found carries", () => {
  /** Runs fn with this machine's time zone set to UTC, so that Blackboard's wall-clock times read as written. */
  function inUtc<T>(fn: () => T): T {
    const saved = process.env.TZ;
    try {
      process.env.TZ = "UTC";
      return fn();
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  }
  const at = (root: string, relative: string) => ({ file: path.join(root, relative), relative });

  test("each LMS's time, late marker and order, with where they come from", () => {
    const root = folder("carried", {
      "smithjane_12345_67890_00-sample-assignment-2.ipynb": "{}",
      "smithjane_12345_67891_00-sample-assignment.ipynb": "{}",
      "doejohn_LATE_222_333_01-more.ipynb": "{}",
      "HW1_jsmith_attempt_2024-03-01-14-05-33_00-sample-assignment.ipynb": "{}",
      "Jane Smith_4567_assignsubmission_file_/00-sample-assignment.ipynb": "{}",
      "submission_555/01-more.ipynb": "{}",
      "submission_metadata.yml":
        "submission_555:\n  :submitters:\n  - :name: Ann Lee\n    :sid: '42'\n  :created_at: 2024-03-02 09:00:00 +00:00\n  :late?: false\n",
    });
    const found = inUtc(() => discoverSubmissions(root, NAMES));
    const byRelative = new Map(found.submissions.map((s) => [s.relative, s]));
    const canvas = { lms: "canvas", key: "12345", lmsId: "12345", displayName: "smithjane", email: null };
    const onTime = { late: false, source: "Canvas's LATE marker" };
    assert.deepEqual(byRelative.get("smithjane_12345_67890_00-sample-assignment-2.ipynb"), {
      ...at(root, "smithjane_12345_67890_00-sample-assignment-2.ipynb"),
      student: "12345",
      assignment: "00-sample-assignment",
      layout: "canvas",
      lms: canvas,
      time: { lmsTime: null, lmsLate: onTime, fileTimeMs: null },
      order: { value: 2, basis: "Canvas's resubmission number (-1, -2)" },
    });
    assert.deepEqual(byRelative.get("smithjane_12345_67891_00-sample-assignment.ipynb")!.order, {
      value: 0,
      basis: "Canvas's resubmission number (-1, -2)",
    });
    assert.deepEqual(byRelative.get("doejohn_LATE_222_333_01-more.ipynb")!.time!.lmsLate, { late: true, source: "Canvas's LATE marker" });
    assert.deepEqual(byRelative.get("HW1_jsmith_attempt_2024-03-01-14-05-33_00-sample-assignment.ipynb"), {
      ...at(root, "HW1_jsmith_attempt_2024-03-01-14-05-33_00-sample-assignment.ipynb"),
      student: "jsmith",
      assignment: "00-sample-assignment",
      layout: "blackboard",
      lms: { lms: "blackboard", key: "jsmith", lmsId: "jsmith", displayName: "jsmith", email: null },
      time: { lmsTime: { utcMs: Date.UTC(2024, 2, 1, 14, 5, 33), source: "Blackboard file name" }, lmsLate: null, fileTimeMs: null },
      order: { value: Date.UTC(2024, 2, 1, 14, 5, 33), basis: "the time the LMS gives" },
    });
    const moodle = byRelative.get(path.join("Jane Smith_4567_assignsubmission_file_", "00-sample-assignment.ipynb"))!;
    assert.deepEqual(
      [moodle.layout, moodle.time, "order" in moodle],
      ["moodle", { lmsTime: null, lmsLate: null, fileTimeMs: null }, false],
    );
    const gradescope = byRelative.get(path.join("submission_555", "01-more.ipynb"))!;
    assert.deepEqual(gradescope.time, {
      lmsTime: { utcMs: Date.UTC(2024, 2, 2, 9), source: "Gradescope metadata" },
      lmsLate: { late: false, source: "Gradescope's late flag" },
      fileTimeMs: null,
    });
  });

  test("an uploaded name that is no master's is graded under that name; no master at all matches nothing", () => {
    const root = folder("unknown-upload", {
      "smithjane_12345_67890_notes-1.ipynb": "{}",
      "smithjane_12345_67890_00-sample-assignment.ipynb.ipynb": "{}",
    });
    assert.deepEqual(
      discoverSubmissions(root, NAMES).submissions.map((s) => [s.assignment, s.order]),
      [
        ["00-sample-assignment.ipynb", { value: 0, basis: "Canvas's resubmission number (-1, -2)" }],
        ["notes-1", { value: 0, basis: "Canvas's resubmission number (-1, -2)" }],
      ],
    );
    assert.deepEqual(
      discoverSubmissions(root, []).submissions.map((s) => s.assignment),
      ["00-sample-assignment.ipynb", "notes-1"],
    );
  });

  test("a folder's notebooks carry their file time; a student's own folders, other files and hidden files are reported or left out", () => {
    const root = folder("folders", {
      "carol/00-sample-assignment.ipynb": "{}",
      "carol/notes.txt": "x",
      "carol/old/00-sample-assignment.ipynb": "{}",
      "carol/.hidden.ipynb": "{}",
      ".ipynb_checkpoints/x.ipynb": "{}",
      "HW1_jsmith_attempt_2024-03-01-14-05-33_notes.txt": "x",
      "summary.txt": "x",
    });
    const time = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    fs.utimesSync(path.join(root, "carol", "00-sample-assignment.ipynb"), time, time);
    const found = inUtc(() => discoverSubmissions(root, NAMES));
    assert.deepEqual(found.submissions, [
      {
        ...at(root, path.join("carol", "00-sample-assignment.ipynb")),
        student: "carol",
        assignment: "00-sample-assignment",
        layout: "folder",
        time: { lmsTime: null, lmsLate: null, fileTimeMs: time.getTime() },
      },
    ]);
    assert.deepEqual(
      found.unrecognized.map((u) => [u.relative, u.reason]),
      [
        ["HW1_jsmith_attempt_2024-03-01-14-05-33_notes.txt", "not a .ipynb file"],
        [path.join("carol", "notes.txt"), "not a .ipynb file"],
        [path.join("carol", "old"), "a folder inside a student's folder (expected <student>/<assignment>.ipynb)"],
        ["summary.txt", "not a .ipynb file"],
      ],
    );
  });

  test("notebooks named after a master directly in the folder are the folder's own, with their file time", () => {
    const root = folder("solutions", { "00-sample-assignment.ipynb": "{}", "submission_metadata.yml": "x: 1\n" });
    const found = discoverSubmissions(root, NAMES);
    assert.deepEqual(
      found.submissions.map((s) => [s.student, s.assignment, s.layout, typeof s.time?.fileTimeMs]),
      [["solutions", "00-sample-assignment", "flat", "number"]],
    );
    assert.deepEqual(
      found.unrecognized.map((u) => u.relative),
      ["submission_metadata.yml"],
      "a metadata file with no submission in it is no Gradescope export's",
    );
  });

  test("a Gradescope folder's other files, its nested notebooks and a broken metadata entry", () => {
    const root = folder("gradescope-files", {
      "submission_1/00-sample-assignment.ipynb": "{}",
      "submission_1/notes.pdf": "x",
      "submission_1/.DS_Store": "x",
      "submission_1/work/01-more.ipynb": "{}",
      "submission_2/00-sample-assignment.ipynb": "{}",
      "submission_metadata.yml": "submission_1:\n  :submitters:\n  - :sid: '7'\nsubmission_2:\n  :submitters: []\n",
    });
    const found = discoverSubmissions(root, NAMES);
    assert.deepEqual(
      found.submissions.map((s) => [s.student, s.relative]),
      [
        ["7", path.join("submission_1", "00-sample-assignment.ipynb")],
        ["7", path.join("submission_1", "work", "01-more.ipynb")],
      ],
    );
    assert.deepEqual(
      found.unrecognized.map((u) => [u.relative, u.reason]),
      [
        [path.join("submission_1", "notes.pdf"), "not a .ipynb file"],
        [
          path.join("submission_2", "00-sample-assignment.ipynb"),
          "in the Gradescope export folder submission_2, whose its entry in submission_metadata.yml lists no :submitters:",
        ],
      ],
    );
  });

  test("a Blackboard receipt names only its own learner, and only a receipt is read for names", () => {
    const root = folder("receipts", {
      "HW1_jsmith_attempt_2024-03-01-14-05-33_00-sample-assignment.ipynb": "{}",
      "HW1_jsmith_attempt_2024-03-01-14-05-33.txt": "Name: Jane Q. Smith (jsmith)\n",
      "HW1_bli_attempt_2024-03-01-15-00-00_00-sample-assignment.ipynb": "{}",
      "HW1_bli_attempt_2024-03-01-15-00-00.txt": "Name: Someone Else (jsmith)\n",
      "HW1_cdo_attempt_2024-03-01-15-00-00_00-sample-assignment.ipynb": "{}",
      "HW1_cdo_attempt_2024-03-01-15-00-00_notes.txt": "Name: Not A Receipt (cdo)\n",
      "readme.txt": "Name: Nobody (jsmith)\n",
    });
    const found = discoverSubmissions(root, NAMES);
    assert.deepEqual(found.submissions.map((s) => [s.student, s.lms!.displayName]).sort(), [
      ["bli", "bli"],
      ["cdo", "cdo"],
      ["jsmith", "Jane Q. Smith"],
    ]);
  });

  test("Moodle namesakes: the note says who is who, and the gradebook key changes with the student", () => {
    const root = folder("namesake-notes", {
      "Jane Smith_1_assignsubmission_file_/00-sample-assignment.ipynb": "{}",
      "Jane Smith_2_assignsubmission_file_/00-sample-assignment.ipynb": "{}",
      "Jane\u00a0Smith_3_assignsubmission_file_/01-more.ipynb": "{}",
      "jane  smith_4_assignsubmission_file_/01-more.ipynb": "{}",
      "Jane Smith_1_assignsubmission_file_/01-more.ipynb": "{}",
    });
    const found = discoverSubmissions(root, NAMES);
    assert.deepEqual(
      found.submissions.map((s) => [s.assignment, s.student, s.lms!.key]),
      [
        ["00-sample-assignment", "Jane Smith (participant 1)", "Jane Smith (participant 1)"],
        ["01-more", "Jane Smith (participant 1)", "Jane Smith (participant 1)"],
        ["00-sample-assignment", "Jane Smith (participant 2)", "Jane Smith (participant 2)"],
        ["01-more", "Jane\u00a0Smith (participant 3)", "Jane\u00a0Smith (participant 3)"],
        ["01-more", "jane  smith (participant 4)", "jane  smith (participant 4)"],
      ],
    );
    assert.deepEqual(found.notes, [
      'Moodle: two learners named "Jane Smith" handed in 00-sample-assignment; this one is "Jane Smith (participant 1)" in the gradebook.',
      'Moodle: two learners named "Jane Smith" handed in 00-sample-assignment; this one is "Jane Smith (participant 2)" in the gradebook.',
      'Moodle: learners whose names read alike ("Jane Smith", "Jane\\u00a0Smith", "jane  smith") handed in 01-more; this one is "Jane Smith (participant 1)" in the gradebook.',
      'Moodle: learners whose names read alike ("Jane Smith", "Jane\\u00a0Smith", "jane  smith") handed in 01-more; this one is "Jane\\u00a0Smith (participant 3)" in the gradebook.',
      'Moodle: learners whose names read alike ("Jane Smith", "Jane\\u00a0Smith", "jane  smith") handed in 01-more; this one is "jane  smith (participant 4)" in the gradebook.',
    ]);
  });
});

describe("the generic flat names", () => {
  test("a name needs a student before its first _, and a master's name at its end, whatever characters that name has", () => {
    assert.equal(
      matchFlat("_00-sample-assignment.ipynb", NAMES),
      'the name has no "<student>_" prefix (expected <student>_<anything>_<assignment>.ipynb, or a <student>/ folder)',
    );
    assert.deepEqual(matchFlat("bob_x_00.1-intro (v2).ipynb", ["00.1-intro (v2)"]), { student: "bob", assignment: "00.1-intro (v2)" });
    assert.equal(
      matchFlat("bob_x_0001-intro (v2).ipynb", ["00.1-intro (v2)"]),
      'the name does not end with "_<assignment>.ipynb" for any master (00.1-intro (v2))',
    );
    assert.equal(
      matchFlat("bob_02-other.ipynb", NAMES),
      'the name does not end with "_<assignment>.ipynb" for any master (00-sample-assignment, 01-more)',
    );
  });

  test("of two masters' names that a file ends with, the longer is its assignment", () => {
    const root = folder("longest", { "bob_01-xor-extra.ipynb": "{}" });
    assert.deepEqual(
      discoverSubmissions(root, ["xor-extra", "01-xor-extra"]).submissions.map((s) => [s.student, s.assignment]),
      [["bob", "01-xor-extra"]],
    );
  });
});

describe("two files of one student", () => {
  const file = (relative: string, order?: SubmissionFile["order"]): SubmissionFile => ({
    file: `/s/${relative}`,
    relative,
    student: "12345",
    assignment: "00-sample-assignment",
    layout: "canvas",
    ...(order ? { order } : {}),
  });

  test("the newest by the LMS's order is graded, the other kept on record with the reason", () => {
    const basis = "Canvas's resubmission number (-1, -2)";
    const { graded, setAside } = pickNewest([
      file("a-1", { value: 1, basis }),
      file("a-2", { value: 2, basis }),
      file("a", { value: 0, basis }),
    ]);
    assert.deepEqual(
      graded.map((f) => f.relative),
      ["a-2"],
    );
    assert.deepEqual(
      setAside.map((s) => s.file.relative),
      ["a-1", "a"],
    );
    assert.match(setAside[0]!.reason, /earlier hand-in.*the newest, a-2, was graded \(by Canvas's resubmission number/);
  });

  test("without an order the first is graded and the run says nothing orders them", () => {
    const { graded, setAside } = pickNewest([file("a"), file("b", { value: 5, basis: "the time the LMS gives" })]);
    assert.deepEqual(
      graded.map((f) => f.relative),
      ["a"],
    );
    assert.match(setAside[0]!.reason, /nothing says which is newer/);
  });

  test("orders of two kinds, or a tie, order nothing: the first is graded and the reason says so", () => {
    const mixed = pickNewest([
      file("a", { value: 2, basis: "Canvas's resubmission number (-1, -2)" }),
      file("b", { value: 5, basis: "the time the LMS gives" }),
    ]);
    assert.deepEqual([mixed.graded.map((f) => f.relative), mixed.setAside.map((s) => s.file.relative)], [["a"], ["b"]]);
    const basis = "the time the LMS gives";
    const tie = pickNewest([file("a", { value: 1, basis }), file("b", { value: 7, basis }), file("c", { value: 7, basis })]);
    assert.deepEqual(
      tie.graded.map((f) => f.relative),
      ["b"],
      "the first of the newest",
    );
    const unordered = `another file for student "12345" and assignment "00-sample-assignment" was graded: b (nothing says which is newer, so the first by name was taken; remove the file that should not count and grade again)`;
    assert.deepEqual(
      tie.setAside.map((s) => [s.file.relative, s.reason]),
      [
        ["a", unordered],
        ["c", unordered],
      ],
    );
    assert.deepEqual(tie.held, [], "two of a learner's own files are no group's choice");
    const ordered = pickNewest([file("a", { value: 1, basis }), file("b", { value: 2, basis })]);
    assert.equal(
      ordered.setAside[0]!.reason,
      `an earlier hand-in of student "12345" for "00-sample-assignment": the newest, b, was graded (by the time the LMS gives); this one is kept on record`,
    );
  });

  test("a group's hand-in beside a member's own is held, naming each with whose it is", () => {
    const basis = "the time the LMS gives";
    const { held } = pickNewest([file("own", { value: 1, basis }), { ...file("group", { value: 2, basis }), groupWith: ["77", "88"] }]);
    assert.deepEqual(
      held.map((h) => [h.file.relative, h.reason]),
      [
        [
          "group",
          `student "12345" is in more than one hand-in for "00-sample-assignment": own (their own); group (a group submission with 77, 88). ` +
            "group was graded; a group's submitter chooses its members, so check which hand-in counts (remove the other file and grade again).",
        ],
      ],
    );
    assert.deepEqual(
      pickNewest([{ ...file("group", { value: 2, basis }), groupWith: ["77"] }]).held,
      [],
      "a group's only hand-in is theirs",
    );
  });

  test("from a real download folder: Blackboard's later attempt wins", () => {
    const root = folder("attempts", {
      "HW1_jsmith_attempt_2024-03-01-14-05-33_00-sample-assignment.ipynb": "{}",
      "HW1_jsmith_attempt_2024-03-02-09-00-00_00-sample-assignment.ipynb": "{}",
    });
    const { graded, setAside } = pickNewest(discoverSubmissions(root, NAMES).submissions);
    assert.deepEqual(
      graded.map((f) => f.relative),
      ["HW1_jsmith_attempt_2024-03-02-09-00-00_00-sample-assignment.ipynb"],
    );
    assert.equal(setAside.length, 1);
  });
});
