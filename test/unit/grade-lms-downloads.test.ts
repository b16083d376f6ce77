// LMS downloads: the names Canvas, Moodle, Blackboard and Gradescope give submitted
// files, read into students, assignments and hand-in times; names that look like an
// LMS's but do not parse are reported; of two files of one student the newest is graded.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  isProblem,
  parseBlackboardName,
  parseCanvasName,
  parseGradescopeMetadata,
  parseMoodleFolder,
  parseZonedTime,
} from "../../scripts/src/grade/lms-names";
import { discoverSubmissions, type SubmissionFile } from "../../scripts/src/grade/submissions";
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
