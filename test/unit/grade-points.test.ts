// How points are shown (scripts/src/grade/points.ts): the grading log, `course check`,
// the feedback pages and the CSV all use this one rule, so they show the same number.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatPoints, formatScore, totalPoints } from "../../scripts/src/grade/points";

test("points show at most two decimals and no trailing zeros", () => {
  assert.equal(formatPoints(3), "3");
  assert.equal(formatPoints(2.5), "2.5");
  assert.equal(formatPoints(2 / 3), "0.67");
  assert.equal(formatPoints(8 - 4 / 3), "6.67");
  assert.equal(formatPoints(0.1 + 0.2), "0.3", "float noise does not show");
  assert.equal(formatPoints(0.004), "0");
  assert.equal(formatPoints(0), "0");
});

test("a score is earned/possible, with the separator a page asks for", () => {
  assert.equal(formatScore(2 / 3, 1), "0.67/1");
  assert.equal(formatScore(3, 3, " / "), "3 / 3");
});

test("a total is rounded to a millionth, as each score is", () => {
  assert.equal(totalPoints([0.1, 0.2]), 0.3);
  assert.equal(totalPoints([1 / 3, 1 / 3, 1 / 3]), 1);
  assert.equal(totalPoints([2, 0.5, 0]), 2.5);
  assert.equal(totalPoints([]), 0);
});
