// What a learner calls a test (scripts/src/grade/test-titles.ts): the exercise's heading
// above its test cell, as it reads in the notebook, without the points it states.
import { test } from "node:test";
import assert from "node:assert/strict";
import { testTitles, titleOf } from "../../scripts/src/grade/test-titles";
import { newCodeCell, newMarkdownCell, newNotebook, type Cell } from "../../scripts/src/notebook";
import { nbgrader } from "../helpers/master-cells";

const testCell = (id: string) => newCodeCell("check.equal(1, 1);", nbgrader(id, "test", 1));
const titles = (...cells: Cell[]) => Object.fromEntries(testTitles(newNotebook(cells)));

test("a test is called by the heading above it, without the points the heading states", () => {
  assert.deepEqual(
    titles(
      newMarkdownCell("# Perceptrons\n\nSome text.\n\n## Exercise 1 · A NOR unit (1 point)"),
      testCell("nor-tests"),
      newMarkdownCell("## Exercise 2 · Majority vote (3 points, partial credit)"),
      newCodeCell("function vote() {}", nbgrader("vote", "answer")),
      testCell("vote-tests"),
      newMarkdownCell("### Exercise 3 · Weights ( 2.5 Points )"),
      testCell("weights-tests"),
    ),
    { "nor-tests": "Exercise 1 · A NOR unit", "vote-tests": "Exercise 2 · Majority vote", "weights-tests": "Exercise 3 · Weights" },
  );
});

test("emphasis, code marks, links and closing hashes are off the title", () => {
  assert.deepEqual(titles(newMarkdownCell("## A *NOR* `unit` from [the notes](notes.html) ##"), testCell("t")), {
    t: "A NOR unit from the notes",
  });
  // Only "(… points)" at the end is the points; other brackets are the title's own.
  assert.deepEqual(titles(newMarkdownCell("## Exercise 4 (optional) · XOR"), testCell("t")), { t: "Exercise 4 (optional) · XOR" });
});

test("a test without a heading above it keeps its grade_id; a second test under one heading is numbered", () => {
  assert.deepEqual(
    titles(
      testCell("first"),
      newMarkdownCell("No heading here, only text with a # sign."),
      testCell("second"),
      newMarkdownCell("## Gates"),
      testCell("and"),
      newCodeCell("const x = 1;", nbgrader("setup", "locked")),
      testCell("or"),
      testCell("not"),
      newMarkdownCell("## Next"),
      testCell("next"),
    ),
    { first: "first", second: "second", and: "Gates", or: "Gates (test 2)", not: "Gates (test 3)", next: "Next" },
  );
});

test("a heading that is only its points, or only marks, does not replace the one before", () => {
  assert.deepEqual(titles(newMarkdownCell("## Gates"), newMarkdownCell("## (2 points)\n\n## **"), testCell("t")), { t: "Gates" });
  // Within one cell, its last heading counts.
  assert.deepEqual(titles(newMarkdownCell("## Gates\n\ntext\n\n### The AND gate"), testCell("t")), { t: "The AND gate" });
});

test("cells that are not graded tests have no title, and a test is looked up by its grade_id otherwise", () => {
  const untitled = newCodeCell("check.equal(1, 1);", { nbgrader: { grade: true, locked: true, points: 1 } });
  const found = testTitles(
    newNotebook([newMarkdownCell("## Gates"), newCodeCell("x;", nbgrader("setup", "locked")), untitled, testCell("t")]),
  );
  assert.deepEqual([...found], [["t", "Gates"]]);
  assert.equal(titleOf(found, "t"), "Gates");
  assert.equal(titleOf(found, "gone"), "gone");
  assert.equal(titleOf(undefined, "t"), "t");
});
