// The assignments a grading run knows (scripts/src/grade/masters.ts): every master in the
// masters folder, by file name, with its tests, their points and how each reports.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadAssignments } from "../../scripts/src/grade/masters";
import { CourseError, EXIT } from "../../scripts/src/errors";
import { cellSource, newCodeCell, newMarkdownCell, newNotebook, serializeNotebook } from "../../scripts/src/notebook";
import { nbgrader } from "../helpers/master-cells";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "grade-masters-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/** How a loading error reads, and what kind of error it is. */
function refusal(dir: string): [string, string | undefined, number] {
  try {
    loadAssignments(dir);
  } catch (e) {
    assert.ok(e instanceof CourseError, String(e));
    return [e.message, e.fix, e.exitCode];
  }
  return assert.fail("loaded");
}

const written = newMarkdownCell("Explain.", {
  nbgrader: { schema_version: 3, grade_id: "why", solution: true, grade: true, locked: false, task: false, points: 2 },
});
const master = newNotebook([
  newMarkdownCell("## Exercise 1 (6 points)"),
  newCodeCell("function f(): number {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}", nbgrader("f", "answer")),
  newCodeCell('check .test("a", () => check.equal(f(), 1));', nbgrader("t-test", "test", 1)),
  newCodeCell('const s = check. score("b");\ns.part(1, "b", () => {});\ns.finish();', nbgrader("t-score", "test", 1)),
  newCodeCell('check.partial (1, "c");', nbgrader("t-partial", "test", 1)),
  newCodeCell("check.equal(f(), 1); // check.test is not called here", nbgrader("t-bare", "test", 1)),
  written,
]);
master.metadata.nncourse = { time_limits: { cell_seconds: 120 } } as never;

test("each master is an assignment by its file name, with its tests, their points, how each reports, and its written answers", () => {
  const text = serializeNotebook(master);
  const dir = folder("loaded", {
    "b-second.ipynb": text,
    "a-first.ipynb": text,
    "plain.ipynb": serializeNotebook(newNotebook([newCodeCell("1;")])),
    "notes.md": "# not a notebook",
  });
  const assignments = loadAssignments(dir);
  assert.deepEqual([...assignments.keys()], ["a-first", "b-second"], "sorted, plain notebooks and other files left out");
  const a = assignments.get("a-first")!;
  assert.equal(a.name, "a-first");
  assert.equal(a.file, path.join(dir, "a-first.ipynb"));
  assert.deepEqual(a.tests, [
    { gradeId: "t-test", points: 1, partial: true },
    { gradeId: "t-score", points: 1, partial: true },
    { gradeId: "t-partial", points: 1, partial: true },
    { gradeId: "t-bare", points: 1, partial: false },
  ]);
  assert.deepEqual(
    a.written?.map((w) => [w.gradeId, w.points]),
    [["why", 2]],
  );
  assert.equal(a.maxPoints, 6);
  assert.equal(a.sha256, createHash("sha256").update(text).digest("hex"), "the master file's own hash: a changed master regrades");
  assert.deepEqual(a.timeLimits, { cellTimeoutMs: 120_000 });
  assert.match(cellSource(a.exercise.cells[1]!), /not implemented yet: f/, "the student version to compare copies with");
});

test("a master with errors stops the run with its findings; warnings do not", () => {
  const broken = newNotebook([newCodeCell("// BEGIN SOLUTION\nx;", nbgrader("open", "answer"))]);
  const dir = folder("broken", { "m.ipynb": serializeNotebook(broken) });
  const file = path.join(dir, "m.ipynb");
  assert.deepEqual(refusal(dir), [
    `the master ${file} has errors:\n${file}: cell 1 (grade_id "open"), line 1: "BEGIN SOLUTION" is never closed.\n    Fix: add "// END SOLUTION" after the region.`,
    "fix the master (course build shows the same findings).",
    EXIT.failed,
  ]);
  const unlocked = newCodeCell("check.equal(1, 1);", { nbgrader: { ...nbgrader("t", "test", 1).nbgrader, locked: false } });
  assert.deepEqual([...loadAssignments(folder("warned", { "w.ipynb": serializeNotebook(newNotebook([unlocked])) })).keys()], ["w"]);
});

test("a missing masters folder, a file in its place, or a folder without masters is refused with how to name it", () => {
  const missing = path.join(work, "nope");
  const fix = "pass the folder of master notebooks with --masters DIR.";
  assert.deepEqual(refusal(missing), [`the masters folder ${missing} does not exist.`, fix, EXIT.missing]);
  const file = path.join(folder("file", { "m.ipynb": serializeNotebook(master) }), "m.ipynb");
  assert.deepEqual(refusal(file), [`the masters folder ${file} does not exist.`, fix, EXIT.missing]);
  const plain = folder("plain", { "p.ipynb": serializeNotebook(newNotebook([newCodeCell("1;")])) });
  assert.deepEqual(refusal(plain), [`no master notebooks (notebooks with nbgrader metadata) in ${plain}.`, fix, EXIT.missing]);
});
