// One number for a learner everywhere: the exercise heading, the parts' weights in the
// notebook and the cells' points must agree (scripts/src/assign/points.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkPoints } from "../../scripts/src/assign/points";
import { validateMaster } from "../../scripts/src/assign/validate";
import { newCodeCell, newMarkdownCell, newNotebook, type Cell } from "../../scripts/src/notebook";

const testMeta = (id: string, points: number) => ({
  nbgrader: { schema_version: 3, grade_id: id, solution: false, grade: true, locked: true, task: false, points },
});

function testCell(id: string, points: number, source: string): Cell {
  return newCodeCell(source, testMeta(id, points));
}

const scored = (weights: number[], hiddenWeight?: number) =>
  [
    'const s = check.score("x");',
    ...weights.map((w, i) => `s.part(${w}, "part ${i}", () => check.equal(1, 1));`),
    ...(hiddenWeight === undefined
      ? []
      : ["// BEGIN HIDDEN TESTS", `s.part(${hiddenWeight}, "hidden", () => check.equal(1, 1));`, "// END HIDDEN TESTS"]),
    "s.finish();",
  ].join("\n");

const notebookOf = (...cells: Cell[]) => ({ ...newNotebook(), cells });
const messages = (cells: Cell[]) => checkPoints(notebookOf(...cells), "nb.ipynb").map((f) => f.message);

test("agreeing heading, cells and parts raise nothing", () => {
  assert.deepEqual(
    messages([
      newMarkdownCell("## Exercise 1 · Gates (3 points, partial credit)"),
      testCell("a", 1, 'check.test("a", () => check.equal(1, 1));'),
      testCell("b", 2, scored([1, 1])),
      newMarkdownCell("## Exercise 2 · More (1 point)"),
      testCell("c", 1, scored([0.5, 0.5])),
    ]),
    [],
  );
});

test("a heading that promises other points than its test cells is an error naming both", () => {
  const found = messages([
    newMarkdownCell("## Exercise 1 · Gates (1 point)"),
    testCell("a", 1, "check.equal(1, 1);"),
    testCell("b", 2, "check.equal(1, 1);"),
  ]);
  assert.deepEqual(found, ["the exercise heading says 1 point, but its test cells and written answers are worth 3."]);
});

test("an exercise ends at the next heading of its level, so later tests are not counted in it", () => {
  const found = messages([
    newMarkdownCell("## Exercise 1 · Gates (1 point)"),
    testCell("a", 1, "check.equal(1, 1);"),
    newMarkdownCell("### A detail\n\ntext"),
    testCell("b", 0, "check.equal(1, 1);"),
    newMarkdownCell("## Reading on"),
    testCell("c", 5, "check.equal(1, 1);"),
  ]);
  assert.deepEqual(found, []);
});

test("parts whose weights do not add up to the cell's points are an error", () => {
  const found = messages([testCell("a", 3, scored([1, 1]))]);
  assert.equal(found.length, 1);
  assert.match(found[0]!, /add up to 2, but the cell is worth 3 points/);
});

test("a part inside the hidden tests is an error, even when the visible parts match the points", () => {
  const found = checkPoints(notebookOf(testCell("a", 2, scored([1, 1], 1))), "nb.ipynb");
  assert.equal(found.length, 1);
  assert.equal(found[0]!.severity, "error");
  assert.equal(found[0]!.line, 5);
  assert.match(found[0]!.message, /inside the hidden tests/);
});

test("the build's validation reports these findings", () => {
  const found = validateMaster(notebookOf(testCell("a", 3, scored([1, 1]))), "nb.ipynb");
  assert.ok(found.some((f) => f.severity === "error" && /add up to 2/.test(f.message)));
});

test("a heading's points of two digits or with decimals are read, and a mismatch is one error with its fix", () => {
  const heading = (points: string, cellPoints: number) =>
    checkPoints(
      notebookOf(newMarkdownCell(`## Exercise 1 · Gates (${points})`), testCell("a", cellPoints, "check.equal(1, 1);")),
      "nb.ipynb",
    );
  assert.deepEqual(heading("12 points", 5), [
    {
      severity: "error",
      notebook: "nb.ipynb",
      cell: 1,
      message: "the exercise heading says 12 points, but its test cells and written answers are worth 5.",
      fix: "make the heading and the test cells' nbgrader points agree.",
    },
  ]);
  assert.equal(heading("2.25 points, partial credit", 2)[0]?.message.split(",")[0], "the exercise heading says 2.25 points");
  assert.deepEqual(heading("2.25 points, partial credit", 2.25), []);
  assert.deepEqual(heading("1.5 points", 1.5), []);
});

test("only a heading line whose points close it starts an exercise, however it is spaced", () => {
  const wrong = (heading: string) => messages([newMarkdownCell(heading), testCell("a", 1, "check.equal(1, 1);")]);
  assert.deepEqual(wrong("Headings read like ## Exercise 1 (5 points)"), [], "quoted inside a sentence");
  assert.deepEqual(wrong("## Exercise 1 (5 points) — read the notes first"), [], "points that do not end the heading");
  const says5 = ["the exercise heading says 5 points, but its test cells and written answers are worth 1."];
  assert.deepEqual(wrong("##  Exercise 1 (5 points)  "), says5);
  assert.deepEqual(wrong("##Exercise 1 (5 points)"), says5);
  // A "#" inside a line is no heading: it does not end the exercise.
  assert.deepEqual(
    messages([
      newMarkdownCell("## Exercise 1 (2 points)"),
      testCell("a", 1, "check.equal(1, 1);"),
      newMarkdownCell("See note # 2."),
      testCell("b", 1, "check.equal(1, 1);"),
    ]),
    [],
  );
});

test("an exercise goes on through plain text and deeper headings, and ends at a heading of its level or above", () => {
  const exercise = (between: string) =>
    messages([
      newMarkdownCell("## Exercise 1 · Gates (3 points)"),
      testCell("a", 1, "check.equal(1, 1);"),
      newMarkdownCell(between),
      testCell("b", 2, "check.equal(1, 1);"),
    ]);
  assert.deepEqual(exercise("Now the harder part."), []);
  assert.deepEqual(exercise("### A hint\n\ntext"), []);
  const ended = ["the exercise heading says 3 points, but its test cells and written answers are worth 1."];
  assert.deepEqual(exercise("## Reading on"), ended);
  assert.deepEqual(exercise("### A hint\n\n# Part two"), ended, "one heading of the cell at the exercise's level or above ends it");
});

test("a heading without test cells, and cells that are not graded, count for nothing", () => {
  assert.deepEqual(
    messages([
      newMarkdownCell("## Exercise 0 · Reading (2 points)"),
      newMarkdownCell("## Exercise 1 (1 point)"),
      testCell("a", 1, "check.equal(1, 1);"),
    ]),
    [],
  );
  const ungraded = newCodeCell("x;", {
    nbgrader: { schema_version: 3, grade_id: "l", solution: false, grade: false, locked: true, task: false, points: 2 },
  });
  assert.deepEqual(messages([newMarkdownCell("## Exercise 1 (1 point)"), ungraded, testCell("a", 1, "check.equal(1, 1);")]), []);
  // A test cell without points is validateMaster's to report, not a sum of NaN.
  const pointless = newCodeCell("check.equal(1, 1);", {
    nbgrader: { schema_version: 3, grade_id: "a", solution: false, grade: true, locked: true, task: false },
  });
  assert.deepEqual(messages([newMarkdownCell("## Exercise 1 (1 point)"), pointless]), []);
});

test("a written answer's reference text is not read for parts, though its points count toward the heading", () => {
  const written = newMarkdownCell('One would write `s.part(2, "a", …)` here.', {
    nbgrader: { schema_version: 3, grade_id: "essay", solution: true, grade: true, locked: false, task: false, points: 1 },
  });
  assert.deepEqual(messages([newMarkdownCell("## Exercise 1 (2 points)"), testCell("a", 1, "check.equal(1, 1);"), written]), []);
});

test("parts after the hidden tests are visible; weights that are not numbers are not added up", () => {
  const source = [
    'const s = check.score("x");',
    "// BEGIN HIDDEN TESTS",
    "check.equal(1, 1);",
    "// END HIDDEN TESTS",
    's.part(2, "after", () => check.equal(1, 1));',
    "s.finish();",
  ].join("\n");
  assert.deepEqual(messages([testCell("a", 2, source)]), []);
  assert.match(
    checkPoints(notebookOf(testCell("a", 2, scored([1], 1))), "nb.ipynb")[0]!.fix!,
    /put the hidden checks inside a visible part/,
  );
  assert.deepEqual(messages([testCell("a", 2, 'const s = check.score("x");\ns.part(weight, "w", () => {});\ns.finish();')]), []);
});

test("a parts mismatch names the cell, its grade_id and the fix; multi-digit weights are read whole", () => {
  assert.deepEqual(checkPoints(notebookOf(newMarkdownCell("Intro"), testCell("a", 1, scored([0.25, 0.5]))), "nb.ipynb"), [
    {
      severity: "error",
      notebook: "nb.ipynb",
      cell: 2,
      gradeId: "a",
      message: `the weights of the score's parts add up to 0.75, but the cell is worth 1 point: the notebook would show "… of 0.75 points".`,
      fix: "make the parts' weights add up to the cell's points.",
    },
  ]);
  assert.deepEqual(messages([testCell("a", 12, scored([10, 2]))]), []);
});
