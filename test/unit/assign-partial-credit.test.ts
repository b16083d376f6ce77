/**
 * The one partial-credit rule shared by `course grade` and `course check`: the smallest
 * fraction wins, fractions are clamped to [0, 1], and points round to a millionth.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { PartialRecord } from "nncourse/dist/grading";
import { partialCredit } from "../../scripts/src/assign/partial-credit";

function record(fraction: number, messages: string[] = []): PartialRecord {
  return { version: 1, kind: "partial", fraction, earned: 0, possible: 0, label: "t", messages, seq: 1, tag: null } as PartialRecord;
}

test("the smallest fraction sets the score, with its messages", () => {
  const credit = partialCredit(3, [record(1), record(0.5, ["one part failed"]), record(2 / 3)]);
  assert.deepEqual(credit, { fraction: 0.5, earned: 1.5, status: "partial", messages: ["one part failed"] });
});

test("fractions outside [0, 1] or not numbers are clamped, never read as more than full marks", () => {
  assert.equal(partialCredit(2, [record(1.5)])!.earned, 2);
  assert.equal(partialCredit(2, [record(-1)])!.earned, 0);
  assert.equal(partialCredit(2, [record(Number.NaN)])!.status, "failed");
  assert.equal(partialCredit(2, [record(0)])!.status, "failed");
  assert.equal(partialCredit(2, [record(1)])!.status, "passed");
});

test("points round to a millionth, so thirds add up", () => {
  assert.equal(partialCredit(3, [record(1 / 3)])!.earned, 1);
  assert.equal(partialCredit(1, [record(2 / 3)])!.earned, 0.666667);
});

test("no records, no credit", () => {
  assert.equal(partialCredit(3, []), undefined);
});

test("when records tie for the lowest fraction, the first one's messages are shown: the check that failed first", () => {
  const credit = partialCredit(2, [record(1), record(0.5, ["the grader's check"]), record(0.5, ["a learner's own check"])]);
  assert.deepEqual(credit?.messages, ["the grader's check"]);
});
