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
