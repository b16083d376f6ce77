// Keeping hidden tests out of feedback (scripts/src/grade/redact.ts): which lines of a
// test cell count as hidden, and which message lines are taken out for quoting them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { hiddenLines, redactHidden } from "../../scripts/src/grade/redact";

const source = [
  "check.equal(visible(), 1);",
  "### BEGIN HIDDEN TESTS",
  "  check.equal(secret(2), 4);   ",
  "});",
  "12345678",
  "1234567",
  "// a comment line that is long",
  "x = 1; // ends with a comment //",
  "### END HIDDEN TESTS",
  "check.equal(afterwards(), 3);",
  "### BEGIN HIDDEN TESTS",
  "check.equal(second(), 5);",
  "### END HIDDEN TESTS",
].join("\n");

test("hidden lines: those between the markers, trimmed, at least 8 characters, comments left out", () => {
  assert.deepEqual(hiddenLines(source), [
    "check.equal(secret(2), 4);",
    "12345678",
    "x = 1; // ends with a comment //",
    "check.equal(second(), 5);",
  ]);
  assert.deepEqual(hiddenLines("check.equal(visible(), 1);"), []);
});

test("a message line quoting a hidden line, or a long enough piece of one, is replaced; the others stay as they were", () => {
  const hidden = ["check.equal(secret(2), 4);", "const hiddenValue = computeIt();"];
  const message = [
    "TypeError: oops",
    "    check.equal(secret(2), 4);",
    "        ^^^^^",
    "  hiddenValue ", // 11 characters once trimmed: too short to be a clue
    "  hiddenValue =", // 13 characters, part of a hidden line
    "computeIt();", // 12 characters, part of a hidden line
    "at line 3",
  ].join("\n");
  assert.equal(
    redactHidden(message, hidden),
    [
      "TypeError: oops",
      "[a line of a hidden test]",
      "        ^^^^^",
      "  hiddenValue ",
      "[a line of a hidden test]",
      "[a line of a hidden test]",
      "at line 3",
    ].join("\n"),
  );
  assert.equal(redactHidden(message, []), message);
});
