// The authoring mistakes that once passed `course build` silently (scripts/src/assign/validate.ts):
// each is an error now, naming the cell or the notebook and the fix.
import { test } from "node:test";
import assert from "node:assert/strict";
import { validateMaster, type Finding } from "../../scripts/src/assign/validate";
import { newCodeCell, newNotebook, type Cell, type Notebook } from "../../scripts/src/notebook";

const nbgrader = (fields: Record<string, unknown>) => ({
  nbgrader: { schema_version: 3, solution: false, grade: false, locked: false, task: false, ...fields },
});
const tests = (id: string, points: unknown = 1) => nbgrader({ grade_id: id, grade: true, locked: true, points });

function findings(notebook: Notebook): Finding[] {
  return validateMaster(notebook, "m.ipynb");
}
const withCells = (...cells: Cell[]) => newNotebook(cells);
const testCell = (source: string, points: unknown = 1) => newCodeCell(source, tests("t", points));
const messages = (notebook: Notebook) => findings(notebook).map((f) => [f.severity, f.cell, f.line, f.message]);

test("a Python kernelspec is an error for the notebook: learners would get Python", () => {
  const notebook = withCells(testCell('check.test("t", () => check.equal(1, 1));'));
  notebook.metadata.kernelspec = { display_name: "Python 3 (ipykernel)", language: "python", name: "python3" };
  const [finding, ...rest] = findings(notebook);
  assert.deepEqual(rest, []);
  assert.equal(finding?.severity, "error");
  assert.equal(finding?.cell, undefined, "about the notebook, not a cell");
  assert.match(finding!.message, /kernelspec is "python3" \(Python 3 \(ipykernel\)\), not the course's kernel "tslab"/);
  assert.match(finding!.fix!, /"name":"tslab"/);
  assert.match(finding!.fix!, /Change Kernel › TypeScript \(nncourse\)/);
});

test("a missing kernelspec is an error; the course's own is fine; other display names are a warning", () => {
  const missing = withCells(testCell("check.equal(1, 1);"));
  delete missing.metadata.kernelspec;
  assert.deepEqual(
    findings(missing).map((f) => [f.severity, f.message.slice(0, 35)]),
    [["error", "the notebook has no kernelspec: Jup"]],
  );
  assert.deepEqual(findings(withCells(testCell("check.equal(1, 1);"))), [], "newNotebook carries the course's kernelspec");
  const renamed = withCells(testCell("check.equal(1, 1);"));
  renamed.metadata.kernelspec = { display_name: "TypeScript", language: "typescript", name: "tslab" };
  assert.deepEqual(
    findings(renamed).map((f) => f.severity),
    ["warning"],
  );
});

test("a test cell worth 0 points is an error; an ungraded cell with 0 points is not", () => {
  assert.deepEqual(messages(withCells(testCell("check.equal(1, 1);", 0))), [
    ["error", 1, undefined, "this test cell is worth 0 points: whatever a learner's code does here, the grade does not change."],
  ]);
  assert.deepEqual(findings(withCells(newCodeCell("x;", nbgrader({ grade_id: "a", locked: true, points: 0 })))), []);
});

test("check.score(label) never finished is an error on its line; a body, or a finish, is fine", () => {
  const forgotten = [
    'import { check } from "nncourse/grading";',
    'const score = check.score("sums");',
    'score.part(1, "a", () => check.equal(1, 1));',
  ];
  const [finding, ...rest] = findings(withCells(testCell(forgotten.join("\n"))));
  assert.deepEqual(rest, []);
  assert.equal(finding?.severity, "error");
  assert.equal(finding?.line, 2);
  assert.match(finding!.message, /opens a score that is never finished: without score\.finish\(\) the cell emits no grade record/);
  assert.match(finding!.fix!, /score\.finish\(\)/);

  assert.deepEqual(findings(withCells(testCell([...forgotten, "score.finish();"].join("\n")))), []);
  assert.deepEqual(
    findings(withCells(testCell('check.score("sums", (score) => {\n  score.part(1, "a", () => check.equal(1, 1));\n});'))),
    [],
  );
  // In a comment or a string it is no call; split over lines it still is one.
  assert.deepEqual(findings(withCells(testCell('// check.score("sums")\nconst s = "check.score(\\"x\\")";\ncheck.equal(1, 1);'))), []);
  assert.equal(findings(withCells(testCell('const score = check\n  .score(\n    "sums",\n  );\nscore.part(1, "a", () => {});'))).length, 1);
});

test("score.finish() only inside the hidden tests is an error: the learner's copy never reports", () => {
  const source = [
    'const score = check.score("sums");',
    'score.part(1, "a", () => check.equal(1, 1));',
    "// BEGIN HIDDEN TESTS",
    "score.finish();",
    "// END HIDDEN TESTS",
  ].join("\n");
  assert.deepEqual(
    findings(withCells(testCell(source))).map((f) => [f.line, f.message]),
    [[1, "score.finish() is only in the hidden tests: the learner's copy never reports a result for this test."]],
  );
});

test("metadata.nncourse.time_limits: an unknown key, a bad value or a non-object is an error; cell above notebook a warning", () => {
  const limited = (time_limits: unknown) => {
    const notebook = withCells(testCell("check.equal(1, 1);"));
    notebook.metadata.nncourse = { time_limits } as never;
    return findings(notebook).map((f) => [f.severity, f.message]);
  };
  assert.deepEqual(limited({ cell_seconds: 120, notebook_seconds: 900 }), []);
  assert.deepEqual(limited({ cell_timeout: 120 }), [
    [
      "error",
      'metadata.nncourse.time_limits has the key "cell_timeout", which nothing reads: the limits are cell_seconds and notebook_seconds.',
    ],
  ]);
  assert.deepEqual(limited({ cell_seconds: "120" }), [
    ["error", 'metadata.nncourse.time_limits.cell_seconds is "120"; it must be a number of seconds above 0.'],
  ]);
  assert.deepEqual(limited({ notebook_seconds: 0 }), [
    ["error", "metadata.nncourse.time_limits.notebook_seconds is 0; it must be a number of seconds above 0."],
  ]);
  assert.deepEqual(limited(300), [["error", "metadata.nncourse.time_limits is 300; it must be an object."]]);
  assert.deepEqual(limited({ cell_seconds: 600, notebook_seconds: 300 }), [
    ["warning", "metadata.nncourse.time_limits gives one cell 600 s but the whole notebook only 300 s."],
  ]);
});

test("check.score is found with spaces around the dot or before the parenthesis, on check only, and only .finish() finishes it", () => {
  const neverFinished = (source: string) => findings(withCells(testCell(source))).filter((f) => /never finished/.test(f.message)).length;
  assert.equal(neverFinished('const s = check.\n  score("sums");\ns.part(1, "a", () => {});'), 1);
  assert.equal(neverFinished('const s = check.score ("sums");\ns.part(1, "a", () => {});'), 1);
  assert.equal(neverFinished('const s = grader.score("sums");\ncheck.equal(1, 1);'), 0, "another object's score is not the check API's");
  assert.equal(neverFinished('check.truthy(ok);\nconst s = other.score("x");'), 0, "a one-argument check is no score");
  assert.equal(
    neverFinished('const s = check.score("sums");\ns.part(1, "a", () => {});\ndata.reset();'),
    1,
    "another call with no arguments is no finish",
  );
});
