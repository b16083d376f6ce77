// One message format: a failed test's message is the check's own words, every line of
// them, with no exception class in front and no brackets around.
import { test } from "node:test";
import assert from "node:assert/strict";
import { check } from "../../lib/grading";
import { cleanMessage, failedCellMessage, MAX_MESSAGE_CHARS, MAX_MESSAGE_LINES } from "../../scripts/src/grade/messages";
import type { Cell } from "../../scripts/src/notebook/model";
import type { CellResult } from "../../scripts/src/runner/run-notebook";

/** The message a check throws, as plain Node prints it. */
function thrown(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the check passed");
}

/** A failed test cell as the runner leaves it: the reply's summary, and the kernel's error output in the cell. */
function failedCell(ename: string, evalue: string): { result: CellResult; cell: Cell } {
  const headline = `${ename}: ${evalue}`.split("\n");
  return {
    // The runner's summary keeps three lines: what the gradebook once showed.
    result: {
      index: 3,
      status: "error",
      executionCount: 4,
      durationMs: 5,
      firstLine: "",
      error: headline.slice(0, 3).join("\n"),
      truncated: false,
    },
    cell: {
      cell_type: "code",
      source: "",
      metadata: {},
      execution_count: 4,
      outputs: [{ output_type: "error", ename, evalue, traceback: headline }],
    } as Cell,
  };
}

test("a bare check's failure keeps every line, without the exception's class", () => {
  const message = thrown(() => check.truthTable(() => 0, [1, 1, 0, 1], "your NAND unit"));
  assert.ok(message.split("\n").length > 3, "a truth table's message is longer than the runner's summary");
  const { result, cell } = failedCell("CheckFailure", message);
  assert.equal(failedCellMessage(result, cell), message);
});

test("Node's bracketed form of an error is unwrapped as well", () => {
  const message = thrown(() => check.equal([1, [2, 3]], [1, [2, 4]], "the list"));
  const { result, cell } = failedCell("CheckFailure", `[CheckFailure: ${message}]`);
  assert.equal(failedCellMessage(result, cell), message);
  assert.equal(cleanMessage(`CheckFailure: ${message}`), message);
});

test("an error of the learner's code says what it was, with all its lines", () => {
  const { result, cell } = failedCell("RangeError", "line one\nline two\nline three\n[last line]");
  assert.equal(failedCellMessage(result, cell), "your code threw a RangeError: line one\nline two\nline three\n[last line]");
  const type = failedCell("TypeScriptError", "3:1 - Cannot find name 'makeNor'.");
  assert.match(
    failedCellMessage(type.result, type.cell),
    /^the test cell does not compile with your code:\n3:1 - Cannot find name 'makeNor'\.$/,
  );
});

test("a timeout keeps the runner's words, and a flood of lines is cut and says so", () => {
  const { cell } = failedCell("TimeoutError", "ignored");
  const timeout: CellResult = {
    index: 3,
    status: "timeout",
    executionCount: null,
    durationMs: 30000,
    firstLine: "",
    error: "the cell ran longer than its time limit of 30 s; it was interrupted.",
    truncated: false,
  };
  assert.equal(failedCellMessage(timeout, cell), timeout.error);
  const flood = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
  const cut = cleanMessage(flood).split("\n");
  assert.equal(cut.length, MAX_MESSAGE_LINES + 1);
  assert.equal(cut.at(-1), `… (${100 - MAX_MESSAGE_LINES} more lines)`);
});

test("the last error output is read, wherever it sits; without a code cell the runner's words are kept", () => {
  const { result, cell } = failedCell("RangeError", "first");
  assert.ok(cell.cell_type === "code");
  cell.outputs.push(
    { output_type: "error", ename: "Error", evalue: "second", traceback: [] },
    { output_type: "stream", name: "stderr", text: "log\n" },
  );
  assert.equal(failedCellMessage(result, cell), "your code threw an Error: second");
  assert.equal(failedCellMessage(result, undefined), "RangeError: first");
  assert.equal(failedCellMessage(result, { cell_type: "markdown", source: "", metadata: {} } as Cell), "RangeError: first");
  const assertion = failedCell("AssertionError", "x");
  assert.equal(failedCellMessage(assertion.result, assertion.cell), "your code threw an AssertionError: x");
  assert.equal(
    failedCellMessage({ ...result, error: undefined, status: "kernel-died" }, cell),
    "the test cell ended with status kernel-died.",
  );
});

test("a message loses Windows line ends, trailing spaces and blank lines, and keeps exactly 40 lines whole", () => {
  assert.equal(cleanMessage("one\r\ntwo  \r\n\r\n   \n"), "one\ntwo");
  assert.equal(cleanMessage("\n\n"), "");
  const forty = Array.from({ length: MAX_MESSAGE_LINES }, (_, i) => `line ${i}`).join("\n");
  assert.equal(cleanMessage(forty), forty);
});

test("a message is cut at 4000 characters, the cut marked", () => {
  assert.equal(cleanMessage("x".repeat(MAX_MESSAGE_CHARS)), "x".repeat(MAX_MESSAGE_CHARS));
  assert.equal(cleanMessage("x".repeat(MAX_MESSAGE_CHARS + 1)), `${"x".repeat(MAX_MESSAGE_CHARS - 1)}…`);
});

test("Node's brackets come off only when they close the message, spaces after them allowed", () => {
  assert.equal(cleanMessage("[CheckFailure: the list]  \n"), "the list");
  assert.equal(cleanMessage("[CheckFailure: no closing bracket"), "[CheckFailure: no closing bracket");
});
