// A Canvas "Download Submissions" graded end to end in the sandbox: two students, one
// marked LATE, one who handed in twice; --due and --late-penalty; then the gradebook,
// the run's summary and the CSV for Canvas's import.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot, runCourse } from "../helpers/cli";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import { cellKind } from "../../scripts/src/notebook/master";
import { readNotebook } from "../../scripts/src/notebook";

const NAME = "00-sample-assignment";
const master = readNotebook(path.join(projectRoot, "notebooks", `${NAME}.ipynb`));
const FULL = master.cells
  .filter((c) => cellKind(c) === "test")
  .reduce((sum, c) => sum + Number((c.metadata.nbgrader as { points: number }).points), 0);
const PENALTY_PERCENT = 20;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "grader-lms-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

const download = path.join(work, "canvas-download");
const gradebookFile = path.join(work, "gradebook.sqlite");
fs.mkdirSync(download);
// Jane handed in twice: the unsolved exercise first (-1), the solution after (-2).
fs.copyFileSync(path.join(projectRoot, "exercises", `${NAME}.ipynb`), path.join(download, `smithjane_12345_67890_${NAME}-1.ipynb`));
fs.copyFileSync(path.join(projectRoot, "solutions", `${NAME}.ipynb`), path.join(download, `smithjane_12345_67891_${NAME}-2.ipynb`));
// John handed in the solution once, after the deadline: Canvas says LATE in the name.
fs.copyFileSync(path.join(projectRoot, "solutions", `${NAME}.ipynb`), path.join(download, `doejohn_LATE_23456_78901_${NAME}.ipynb`));

function stored(): Array<{
  student: string;
  score: number;
  raw_score: number | null;
  late: number | null;
  penalty: string | null;
  lms: string | null;
  display_name: string | null;
  source_path: string;
}> {
  const gradebook = Gradebook.open(gradebookFile, { create: false });
  try {
    return gradebook.submissions();
  } finally {
    gradebook.close();
  }
}

function setAside(): Array<{ path: string; reason: string }> {
  const gradebook = Gradebook.open(gradebookFile, { create: false });
  try {
    return gradebook.rejectedFiles();
  } finally {
    gradebook.close();
  }
}

describe("course grade on a Canvas download", { concurrency: 1 }, () => {
  test("the newest file of each student is graded in the sandbox, the LATE one loses the flat penalty, the summary says so", async () => {
    const run = await runCourse(
      ["grade", download, "--gradebook", gradebookFile, "-j", "2", "--due", "2026-12-01T23:59Z", "--late-penalty", `${PENALTY_PERCENT}%`],
      { timeoutMs: 300_000 },
    );
    const output = run.stdout + run.stderr;
    assert.equal(run.code, 0, output);
    assert.match(output, /Canvas download: 3 notebook\(s\)/);
    assert.match(output, /sandbox: bubblewrap/);
    assert.match(output, /set aside smithjane_12345_67890_00-sample-assignment-1\.ipynb: .*Canvas's resubmission number/);
    assert.match(output, /late {5}23456 · 00-sample-assignment: late \(by how much is not known\) \(Canvas's LATE marker\); penalty -20%/);
    assert.match(output, /2 graded, .* 1 older file\(s\) set aside, .* 1 late \(1 penalised\)/);

    const rows = new Map(stored().map((r) => [r.student, r]));
    assert.deepEqual([...rows.keys()].sort(), ["12345", "23456"], "students by their Canvas user id");
    const jane = rows.get("12345")!;
    assert.equal(jane.source_path, `smithjane_12345_67891_${NAME}-2.ipynb`, "the resubmission is what was graded");
    assert.equal(jane.score, FULL, "the solution's full marks, not the first try's 0");
    assert.equal(jane.late, 0, "Canvas marks no LATE in her name: on time, no penalty");
    assert.equal(jane.raw_score, null);
    assert.equal(jane.lms, "canvas");
    assert.equal(jane.display_name, "smithjane");
    const john = rows.get("23456")!;
    assert.equal(john.late, 1);
    assert.equal(john.raw_score, FULL, "the score before the penalty is kept");
    assert.equal(john.score, FULL * (1 - PENALTY_PERCENT / 100));
    assert.match(john.penalty!, /^-20% of the points/);
    assert.deepEqual(
      setAside().map((f) => f.path),
      [`smithjane_12345_67890_${NAME}-1.ipynb`],
      "the earlier hand-in is kept on record",
    );
  });

  test("course export --csv --layout canvas: Canvas's ids, Points Possible, the penalised total and each exercise", async () => {
    const csvFile = path.join(work, "canvas.csv");
    const run = await runCourse(["export", "--csv", "--layout", "canvas", "--gradebook", gradebookFile, "--out", csvFile]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const [header, possible, ...students] = fs
      .readFileSync(csvFile, "utf8")
      .trim()
      .split(/\r?\n/)
      .map((l) => l.split(","));
    assert.deepEqual(header!.slice(0, 6), ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", NAME]);
    const exercises = master.cells.filter((c) => cellKind(c) === "test").length;
    assert.equal(header!.length, 6 + exercises, "one column per exercise");
    assert.deepEqual(possible!.slice(0, 6), ["Points Possible", "", "", "", "", String(FULL)]);
    const byId = new Map(students.map((r) => [r[1], r]));
    assert.deepEqual(byId.get("12345")!.slice(0, 6), ["smithjane", "12345", "", "", "", String(FULL)]);
    assert.deepEqual(byId.get("23456")!.slice(0, 6), ["doejohn", "23456", "", "", "", String(FULL * (1 - PENALTY_PERCENT / 100))]);
    // The exercises are the points earned, before the penalty: they add up to the raw total.
    const sum = byId
      .get("23456")!
      .slice(6)
      .reduce((s, v) => s + Number(v), 0);
    assert.equal(sum, FULL);
  });

  test("a per-day rule with Canvas's marker alone is not applied, and says why, without grading anything again", async () => {
    const run = await runCourse(
      ["grade", download, "--gradebook", gradebookFile, "--due", "2026-12-01T23:59Z", "--late-penalty", "10%/day"],
      {
        timeoutMs: 120_000,
      },
    );
    const output = run.stdout + run.stderr;
    assert.equal(run.code, 0, output);
    assert.match(output, /0 graded, 2 skipped/);
    const john = stored().find((r) => r.student === "23456")!;
    assert.equal(john.score, FULL, "no penalty where how late is not known");
    assert.match(john.penalty!, /not applied: late by an unknown amount/);
  });
});

describe("course grade on a Gradescope export with a group submission", () => {
  test("a group submission competing with a member's own hand-in is graded and held for review, naming both files", async () => {
    // Ann handed in the unsolved exercise; later Eve handed in the solution and named Ann
    // in her group. Whoever hands in names the group, so the grader does not choose alone.
    const exportDir = path.join(work, "gradescope-export");
    const book = path.join(work, "gradescope.sqlite");
    fs.mkdirSync(path.join(exportDir, "submission_1"), { recursive: true });
    fs.mkdirSync(path.join(exportDir, "submission_2"), { recursive: true });
    fs.copyFileSync(path.join(projectRoot, "exercises", `${NAME}.ipynb`), path.join(exportDir, "submission_1", `${NAME}.ipynb`));
    fs.copyFileSync(path.join(projectRoot, "solutions", `${NAME}.ipynb`), path.join(exportDir, "submission_2", `${NAME}.ipynb`));
    fs.writeFileSync(
      path.join(exportDir, "submission_metadata.yml"),
      [
        "submission_1:",
        "  :submitters:",
        "  - :name: Ann Lee",
        "    :sid: '42'",
        "  :created_at: 2026-11-30 09:00:00 +00:00",
        "submission_2:",
        "  :submitters:",
        "  - :name: Eve Adams",
        "    :sid: '77'",
        "  - :name: Ann Lee",
        "    :sid: '42'",
        "  :created_at: 2026-11-30 10:00:00 +00:00",
        "",
      ].join("\n"),
    );
    const run = await runCourse(["grade", exportDir, "--gradebook", book, "-j", "2"], { timeoutMs: 300_000 });
    const output = run.stdout + run.stderr;
    assert.equal(run.code, 0, output);
    assert.match(output, /held {5}student "42" is in more than one hand-in/);
    const gradebook = Gradebook.open(book, { create: false });
    try {
      const rows = new Map(gradebook.submissions().map((r) => [r.student, r]));
      assert.deepEqual([...rows.keys()].sort(), ["42", "77"]);
      const ann = rows.get("42")!;
      assert.equal(ann.review, 1, "Ann's grade waits for the instructor");
      assert.equal(ann.score, FULL, "graded on the newest, the group's");
      const choice = gradebook.issues(ann.id).find((i) => i.kind === "submission-choice");
      assert.ok(choice, "the reason is stored with her grade");
      assert.match(
        choice.message,
        /submission_1\/00-sample-assignment\.ipynb \(their own\).*submission_2\/00-sample-assignment\.ipynb \(a group submission with 77\)/,
      );
      assert.equal(rows.get("77")!.review, 0, "Eve's only hand-in is hers to be graded on");
    } finally {
      gradebook.close();
    }
  });
});
