// The checks a master must pass (scripts/src/assign/validate.ts), one cell at a time:
// each check here names what it finds, where, and how to fix it. The marker and region
// checks are exercised together in assign-build.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { validateMaster, type Finding } from "../../scripts/src/assign/validate";
import { newCodeCell, newMarkdownCell, newNotebook, type Cell } from "../../scripts/src/notebook";

const nbgrader = (fields: Record<string, unknown>) => ({
  nbgrader: { schema_version: 3, solution: false, grade: false, locked: false, task: false, ...fields },
});
const answer = (id: string) => nbgrader({ grade_id: id, solution: true });
const tests = (id: string, points: unknown = 1) => nbgrader({ grade_id: id, grade: true, locked: true, points });
const solved = "// BEGIN SOLUTION\nx;\n// END SOLUTION";
const checked = 'check.equal(1, 1, "one");';

/** The findings for a notebook of these cells, without the notebook's name (always "m.ipynb"). */
function findings(...cells: Cell[]): Array<Omit<Finding, "notebook">> {
  return validateMaster(newNotebook(cells), "m.ipynb").map(({ notebook, ...rest }) => {
    assert.equal(notebook, "m.ipynb");
    return rest;
  });
}

test("an instructor-only cell with nbgrader metadata is an error: learners never get it", () => {
  const cell = newCodeCell("x;", { ...nbgrader({ grade_id: "notes", locked: true }), nncourse: { instructor_only: true } });
  assert.deepEqual(findings(cell), [
    {
      severity: "error",
      cell: 1,
      gradeId: "notes",
      message:
        "an instructor-only cell (nncourse.instructor_only) with nbgrader metadata: learners never get it, so it cannot be graded or answered.",
      fix: "remove one of the two from the cell's metadata.",
    },
  ]);
  assert.deepEqual(findings(newCodeCell("x;", { nncourse: { instructor_only: true } })), [], "instructor-only alone is fine");
});

test("nbgrader metadata that is not an object is an error whose fix points to the authoring help", () => {
  const [finding, ...rest] = findings(newCodeCell("x;", { nbgrader: ["solution"] }));
  assert.deepEqual(rest, []);
  assert.equal(finding?.severity, "error");
  assert.equal(finding?.message, 'the "nbgrader" metadata is not an object.');
  assert.match(finding?.fix ?? "", /`course build --help` shows under Authoring/);
});

test("another schema_version is a warning; a flag that is not true or false is an error", () => {
  assert.deepEqual(
    findings(newCodeCell("x;", nbgrader({ grade_id: "a", locked: true, schema_version: 2 }))).map((f) => [f.severity, f.message]),
    [["warning", "nbgrader schema_version is 2; this tool reads version 3."]],
  );
  assert.deepEqual(
    findings(newCodeCell("x;", nbgrader({ grade_id: "a", locked: "yes", task: null }))).map((f) => [f.severity, f.message]),
    [
      ["error", 'nbgrader "locked" is "yes"; it must be true or false.'],
      ["error", 'nbgrader "task" is null; it must be true or false.'],
    ],
  );
});

test("grade ids: missing on a flagged cell, malformed, or used twice", () => {
  const missing = findings(newCodeCell("x;", nbgrader({ locked: true })));
  assert.deepEqual(
    missing.map((f) => [f.cell, f.gradeId, f.message]),
    [[1, undefined, 'this nbgrader cell has no "grade_id".']],
  );
  assert.deepEqual(findings(newCodeCell("x;", nbgrader({}))), [], "a cell with no flag set needs no grade_id");
  assert.deepEqual(
    findings(newCodeCell("x;", nbgrader({ grade_id: "and gate", locked: true }))).map((f) => f.message),
    ['the grade_id "and gate" has characters other than letters, digits, "-", "_" and ".".'],
  );
  // Every later use names the first cell; a malformed id is reported as such, never as a repeat.
  const cells = [
    newCodeCell("x;", nbgrader({ grade_id: "a b", locked: true })),
    newCodeCell("x;", nbgrader({ grade_id: "a b", locked: true })),
    newCodeCell("x;", nbgrader({ grade_id: "setup", locked: true })),
    newMarkdownCell("text", nbgrader({ grade_id: "setup", locked: true })),
    newCodeCell("x;", nbgrader({ grade_id: "setup", locked: true })),
  ];
  assert.deepEqual(
    findings(...cells).map((f) => [f.cell, f.message]),
    [
      [1, 'the grade_id "a b" has characters other than letters, digits, "-", "_" and ".".'],
      [2, 'the grade_id "a b" has characters other than letters, digits, "-", "_" and ".".'],
      [4, 'the grade_id "setup" is also used by cell 3.'],
      [5, 'the grade_id "setup" is also used by cell 3.'],
    ],
  );
});

test("points on a cell that is not graded are a warning; 0 is allowed", () => {
  assert.deepEqual(
    findings(newCodeCell("x;", nbgrader({ grade_id: "a", locked: true, points: 2 }))).map((f) => [f.severity, f.message]),
    [["warning", '"points" is set but the cell is not graded (grade is false); the points are ignored.']],
  );
  assert.deepEqual(findings(newCodeCell("x;", nbgrader({ grade_id: "a", locked: true, points: 0 }))), []);
});

test("a written answer is accepted; manually graded code answers and task cells are warnings", () => {
  const written = newMarkdownCell("Explain.", nbgrader({ grade_id: "essay", solution: true, grade: true, points: 2 }));
  const manualCode = newCodeCell("x;", nbgrader({ grade_id: "code-essay", solution: true, grade: true, points: 2 }));
  const task = newMarkdownCell("Draw it.", nbgrader({ grade_id: "drawing", task: true, points: 1 }));
  assert.deepEqual(
    findings(written, manualCode, task).map((f) => [f.severity, f.cell, f.message.split(":")[0]]),
    [
      ["warning", 2, "a manually graded code answer (solution and grade both true)"],
      ["warning", 3, "a task cell"],
    ],
  );
  assert.deepEqual(
    findings(newMarkdownCell("Draw it.", nbgrader({ grade_id: "drawing", task: true }))).map((f) => f.message),
    ["this graded cell has no points.", "a task cell: the autograder leaves its points to be given by hand."],
    "a task cell is graded: it needs points",
  );
});

test("a test cell must be a code cell, and one that is not locked is a warning", () => {
  assert.deepEqual(
    findings(newMarkdownCell("Check it.", tests("t"))).map((f) => [f.severity, f.message]),
    [["error", "a test cell must be a code cell, but this one is markdown."]],
  );
  assert.deepEqual(
    findings(newCodeCell(checked, nbgrader({ grade_id: "t", grade: true, points: 1 }))).map((f) => [f.severity, f.message, f.fix]),
    [["warning", "a test cell that is not locked: it is made read-only in the student version anyway.", "set locked: true."]],
  );
});

test("a solution region belongs in an answer cell (or a manually graded one), not in a locked cell", () => {
  assert.deepEqual(
    findings(newCodeCell(solved, nbgrader({ grade_id: "l", locked: true }))).map((f) => [f.line, f.message]),
    [[1, "a solution region in a cell that is not an answer cell."]],
  );
  assert.deepEqual(findings(newCodeCell(solved, answer("a"))), []);
  assert.deepEqual(
    findings(newCodeCell(solved, nbgrader({ grade_id: "m", solution: true, grade: true, points: 1 }))).map((f) => f.severity),
    ["warning"],
    "only the manual-grading warning",
  );
});

test("a cell's findings come in the order of its checks, then the notebook's points", () => {
  const cell = newCodeCell("// BEGIN HIDDEN TESTS\nx;", {
    ...nbgrader({ grade_id: "bad id", solution: true, schema_version: 2, points: 3 }),
    nncourse: { instructor_only: true },
  });
  assert.deepEqual(
    findings(cell, newMarkdownCell("## Exercise 1 · Sums (2 points)"), newCodeCell(checked, tests("t", 1))).map((f) => [
      f.cell,
      f.message.slice(0, 30),
    ]),
    [
      [1, "an instructor-only cell (nncou"],
      [1, "nbgrader schema_version is 2; "],
      [1, 'the grade_id "bad id" has char'],
      [1, '"points" is set but the cell i'],
      [1, "hidden tests outside a test ce"],
      [1, '"BEGIN HIDDEN TESTS" is never '],
      [1, "an answer cell without a solut"],
      [2, "the exercise heading says 2 po"],
    ],
  );
});
