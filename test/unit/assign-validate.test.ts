// The checks a master must pass (scripts/src/assign/validate.ts), one cell at a time:
// each check here names what it finds, where, and how to fix it. The marker and region
// checks are exercised together in assign-build.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatFinding, validateMaster, type Finding } from "../../scripts/src/assign/validate";
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

test("a finding prints as notebook, cell, grade_id and line, then the message and its fix; a warning says so", () => {
  assert.equal(
    formatFinding({ severity: "error", notebook: "m.ipynb", message: "the notebook has no kernelspec." }),
    "m.ipynb: the notebook has no kernelspec.",
  );
  assert.equal(
    formatFinding({
      severity: "warning",
      notebook: "m.ipynb",
      cell: 3,
      gradeId: "t",
      line: 2,
      message: "a test cell with no visible test.",
      fix: "keep one visible check.",
    }),
    'm.ipynb: cell 3 (grade_id "t"), line 2: warning: a test cell with no visible test.\n    Fix: keep one visible check.',
  );
});

test("a finding about a cell without a grade_id, or a problem without a fix or line, has no such fields", () => {
  // A Markdown cell with a marker: no nbgrader metadata, so no grade_id.
  assert.deepEqual(findings(newMarkdownCell("Intro\n  // BEGIN SOLUTION")), [
    {
      severity: "error",
      cell: 1,
      line: 2,
      message:
        'a markdown cell contains the marker "// BEGIN SOLUTION"; markers only work in code cells, so this text would reach students as it is.',
      fix: "move the region into a code cell, or reword the text.",
    },
  ]);
  assert.deepEqual(findings(newCodeCell("x;", nbgrader({ grade_id: "a", locked: "yes" }))), [
    { severity: "error", cell: 1, gradeId: "a", message: 'nbgrader "locked" is "yes"; it must be true or false.' },
  ]);
});

test("a kernelspec that is no object counts as none; another kernel is named with its display name when it has one", () => {
  const withKernelspec = (kernelspec: unknown) => {
    const notebook = newNotebook([newCodeCell(checked, tests("t"))]);
    notebook.metadata.kernelspec = kernelspec as never;
    return validateMaster(notebook, "m.ipynb").map((f) => [f.severity, f.message.split(":")[0]]);
  };
  for (const kernelspec of ["tslab", null, ["tslab"]])
    assert.deepEqual(withKernelspec(kernelspec), [["error", "the notebook has no kernelspec"]], JSON.stringify(kernelspec));
  assert.deepEqual(withKernelspec({ name: "python3" }), [
    ["error", `the notebook's kernelspec is "python3", not the course's kernel "tslab"`],
  ]);
  // The right kernel with another language still makes Jupyter rewrite the metadata.
  const otherLanguage = newNotebook([newCodeCell(checked, tests("t"))]);
  otherLanguage.metadata.kernelspec = { name: "tslab", display_name: "TypeScript (nncourse)", language: "javascript" };
  const [warned, ...rest] = validateMaster(otherLanguage, "m.ipynb");
  assert.deepEqual(rest, []);
  assert.equal(warned?.severity, "warning");
  assert.equal(
    warned?.message,
    `the kernelspec's display_name or language ("TypeScript (nncourse)", "javascript") differ from the kernel's: Jupyter rewrites them when a learner opens the notebook, so an untouched copy counts as changed.`,
  );
  assert.match(warned?.fix ?? "", /Change Kernel › TypeScript \(nncourse\)/);
});

test("time limits: null metadata is none, null limits are no object, infinite seconds are refused, equal limits are fine", () => {
  const limited = (nncourse: unknown) => {
    const notebook = newNotebook([newCodeCell(checked, tests("t"))]);
    notebook.metadata.nncourse = nncourse as never;
    return validateMaster(notebook, "m.ipynb").map((f) => [f.severity, f.message, f.fix]);
  };
  const example = 'write e.g. "time_limits": { "cell_seconds": 120, "notebook_seconds": 900 }.';
  assert.deepEqual(limited(null), []);
  assert.deepEqual(limited({ time_limits: null }), [["error", "metadata.nncourse.time_limits is null; it must be an object.", example]]);
  // JSON's 1e999 reads as Infinity.
  assert.deepEqual(limited(JSON.parse('{ "time_limits": { "cell_seconds": 1e999 } }')), [
    ["error", "metadata.nncourse.time_limits.cell_seconds is null; it must be a number of seconds above 0.", example],
  ]);
  assert.deepEqual(limited({ time_limits: { cell_timeout: 1 } })[0]![2], example);
  assert.deepEqual(
    limited({ time_limits: { cell_seconds: 300, notebook_seconds: 300 } }),
    [],
    "one cell may take the whole notebook's time",
  );
  assert.deepEqual(
    limited({ time_limits: { cell_seconds: 600, notebook_seconds: 300 } }).map((f) => f[2]),
    ["make notebook_seconds at least cell_seconds."],
  );
  assert.deepEqual(
    limited({ time_limits: { cell_seconds: 600, notebook_seconds: 300, cell_timeout: 1 } }).map((f) => f[0]),
    ["error"],
    "the comparison waits until the limits themselves are right",
  );
});

test("nbgrader metadata that is a string or null is no object either; every flag alone asks for a grade_id", () => {
  for (const raw of ["solution", null])
    assert.deepEqual(
      findings(newCodeCell("x;", { nbgrader: raw })).map((f) => f.message),
      ['the "nbgrader" metadata is not an object.'],
      JSON.stringify(raw),
    );
  assert.equal(
    findings(newCodeCell("x;", nbgrader({ grade_id: "a", locked: true, schema_version: 2 })))[0]?.fix,
    "set schema_version to 3 and check the cell's flags.",
  );
  for (const flag of ["solution", "grade", "locked", "task"]) {
    const [first] = findings(newCodeCell("// BEGIN SOLUTION\nx;\n// END SOLUTION", nbgrader({ [flag]: true, points: 1 })));
    assert.equal(first?.message, 'this nbgrader cell has no "grade_id".', flag);
    assert.equal(first?.fix, 'give every nbgrader cell a unique grade_id, e.g. "perceptron-step".');
  }
  assert.equal(
    findings(newCodeCell("x;", nbgrader({ grade_id: "a b", locked: true })))[0]?.fix,
    'use ids like "and-gate" or "perceptron_step_tests".',
  );
});

test("points: infinite is refused; 0 is an error only for a test cell, a written answer worth 0 a warning", () => {
  assert.deepEqual(
    findings(newCodeCell(checked, JSON.parse('{ "nbgrader": { "grade_id": "t", "grade": true, "locked": true, "points": 1e999 } }'))).map(
      (f) => [f.message, f.fix],
    ),
    [["this graded cell has points null; points must be a number ≥ 0.", 'write e.g. "points": 2.']],
  );
  assert.match(findings(newCodeCell(checked, tests("t", 0)))[0]!.fix!, /give it the points its exercise is worth/);
  assert.deepEqual(findings(newMarkdownCell("Explain.", nbgrader({ grade_id: "essay", solution: true, grade: true, points: 0 }))), [
    {
      severity: "warning",
      cell: 1,
      gradeId: "essay",
      message: "a written answer worth 0 points: learners' text is kept, but it counts for nothing.",
      fix: 'give it points, e.g. "points": 2.',
    },
  ]);
  assert.deepEqual(
    findings(newMarkdownCell("Draw it.", nbgrader({ grade_id: "drawing", task: true, points: 0 }))).map((f) => f.severity),
    ["warning"],
  );
  assert.equal(
    findings(newCodeCell("x;", nbgrader({ grade_id: "a", locked: true, points: 2 })))[0]?.fix,
    "set grade: true for a test cell, or remove points.",
  );
  assert.match(
    findings(newCodeCell("x;", nbgrader({ grade_id: "c", solution: true, grade: true, points: 2 })))[0]!.fix!,
    /make it a Markdown cell for a written answer/,
  );
  assert.equal(findings(newMarkdownCell("Check it.", tests("t")))[0]?.fix, "make it a code cell, or set grade: false.");
});

test("an unfinished score is looked for in code test cells only; a finish after or before the hidden tests is visible", () => {
  const opened = 'const score = check.score("sums");\nscore.part(1, "a", () => check.equal(1, 1));';
  assert.deepEqual(findings(newCodeCell(opened, nbgrader({ grade_id: "l", locked: true }))), [], "a locked cell's score is no test");
  assert.deepEqual(
    findings(newMarkdownCell(opened, tests("t"))).map((f) => f.message.split(",")[0]),
    ["a test cell must be a code cell"],
  );
  const hidden = ["// BEGIN HIDDEN TESTS", "check.equal(2, 2);", "// END HIDDEN TESTS"];
  assert.deepEqual(findings(newCodeCell([opened, ...hidden, "score.finish();"].join("\n"), tests("t"))), []);
  assert.deepEqual(findings(newCodeCell([opened, "score.finish();", ...hidden].join("\n"), tests("t"))), []);
  // The message quotes the line that opens the score as it reads, without its indentation.
  const [indented] = findings(newCodeCell(`{\n  ${opened.split("\n")[0]}\n}`, tests("t")));
  assert.equal(indented?.line, 2);
  assert.match(indented!.message, /^"const score = check\.score\("sums"\);" opens a score that is never finished/);
  assert.equal(
    indented?.fix,
    'end the test with score.finish(), or give check.score a body, which finishes by itself: check.score("label", (score) => { score.part(…); }).',
  );
  const [onlyHidden] = findings(
    newCodeCell([opened, "// BEGIN HIDDEN TESTS", "score.finish();", "// END HIDDEN TESTS"].join("\n"), tests("t")),
  );
  assert.equal(onlyHidden?.fix, "move score.finish() after // END HIDDEN TESTS.");
});

test("markers: quoted as they read, on their own line number, and each fix names the END marker to write", () => {
  assert.deepEqual(
    findings(newMarkdownCell("Intro\n\n   // END HIDDEN TESTS  ")).map((f) => [f.line, f.message.split(";")[0]]),
    [[3, 'a markdown cell contains the marker "// END HIDDEN TESTS"']],
  );
  assert.deepEqual(
    findings(newMarkdownCell("Never write END SOLUTION in a sentence.")).map((f) => f.message.split(";")[0]),
    ['a markdown cell contains the marker "Never write END SOLUTION in a sentence."'],
    "marker words anywhere in text would reach students too",
  );
  const [inline] = findings(newCodeCell("x;\n  y; // BEGIN SOLUTION  ", answer("a")));
  assert.equal(inline?.message.split(" looks")[0], '"y; // BEGIN SOLUTION"');
  const fixes = (source: string) =>
    findings(newCodeCell(source, tests("t")))
      .filter((f) => f.severity === "error")
      .map((f) => f.fix);
  assert.deepEqual(fixes("check.equal(1, 1);\n// BEGIN HIDDEN TESTS\n// BEGIN HIDDEN TESTS\n// END HIDDEN TESTS"), [
    'close the first region with "// END HIDDEN TESTS" before opening another.',
  ]);
  assert.deepEqual(fixes("check.equal(1, 1);\n// BEGIN HIDDEN TESTS\nx;\n// END SOLUTION"), ['close it with "// END HIDDEN TESTS".']);
  assert.deepEqual(fixes("check.equal(1, 1);\n// BEGIN HIDDEN TESTS\nx;"), ['add "// END HIDDEN TESTS" after the region.']);
  assert.equal(
    findings(newCodeCell(solved, nbgrader({ grade_id: "l", locked: true })))[0]?.fix,
    'mark the cell as an answer cell: nbgrader { "solution": true, "grade": false, "grade_id": ... }.',
  );
});

test("a visible check is looked for in balanced test cells only: comments, imports and the hidden tests are not one", () => {
  const warnings = (source: string, metadata = tests("t")) => findings(newCodeCell(source, metadata)).map((f) => f.message.split(":")[0]);
  const hidden = "// BEGIN HIDDEN TESTS\ncheck.equal(1, 1);\n// END HIDDEN TESTS";
  assert.deepEqual(warnings(`${hidden}\ncheck.equal(2, 2);`), [], "a check after the hidden tests is visible");
  assert.deepEqual(warnings(`  // a note\nimport { check } from "nncourse/grading";\n${hidden}`), ["a test cell with no visible test"]);
  assert.deepEqual(warnings(`// a note\n${hidden}`), ["a test cell with no visible test"]);
  assert.deepEqual(warnings("// a comment only", nbgrader({ grade_id: "l", locked: true })), [], "a locked cell needs no check");
  assert.deepEqual(
    warnings("// BEGIN HIDDEN TESTS\ncheck.equal(1, 1);"),
    ['"BEGIN HIDDEN TESTS" is never closed.'],
    "one finding for an open region",
  );
  assert.deepEqual(
    warnings("// BEGIN HIDDEN TESTS\n// to do"),
    ['"BEGIN HIDDEN TESTS" is never closed.'],
    "an open region is the finding, not what it hides",
  );
  assert.equal(findings(newCodeCell(hidden, tests("t")))[0]?.fix, "keep at least one visible check, with a helpful message.");
  assert.equal(findings(newCodeCell("x;", answer("a")))[0]?.fix, "mark the part to hide with // BEGIN SOLUTION and // END SOLUTION.");
});
