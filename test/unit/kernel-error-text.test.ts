import { test } from "node:test";
import assert from "node:assert/strict";
import { parseKernelError } from "../../scripts/src/runner/error-text";

test("a runtime error's stack loses node's and tslab's internal frames", () => {
  const stderr = [
    "evalmachine.<anonymous>:2",
    "throw new Error('boom');",
    "^",
    "",
    "Error: boom",
    "    at evalmachine.<anonymous>:2:7",
    "    at sigintHandlersWrap (node:vm:280:12)",
    "    at Script.runInThisContext (node:vm:135:14)",
    "    at Object.execute (/project/node_modules/tslab/dist/executor.js:160:38)",
    "",
  ].join("\n");
  const parsed = parseKernelError(stderr);
  assert.equal(parsed.ename, "Error");
  assert.equal(parsed.evalue, "boom");
  assert.deepEqual(parsed.traceback, ["Error: boom", "    at evalmachine.<anonymous>:2:7"]);
  assert.equal(parsed.summary, "Error: boom");
});

test("error classes keep their names", () => {
  const parsed = parseKernelError("TypeError: x.map is not a function\n    at evalmachine.<anonymous>:1:3\n");
  assert.equal(parsed.ename, "TypeError");
  assert.equal(parsed.evalue, "x.map is not a function");
});

test("TypeScript diagnostics become one TypeScriptError listing them all", () => {
  const parsed = parseKernelError("1:5 - Type 'string' is not assignable to type 'number'.\n2:1 - Cannot find name 'foo'.\n");
  assert.equal(parsed.ename, "TypeScriptError");
  assert.deepEqual(parsed.traceback, ["1:5 - Type 'string' is not assignable to type 'number'.", "2:1 - Cannot find name 'foo'."]);
  assert.match(parsed.summary, /1:5 - Type 'string'/);
});

test("the last error line wins over earlier printed text", () => {
  const parsed = parseKernelError("warning: slow\nRangeError: Invalid array length\n    at evalmachine.<anonymous>:1:1\n");
  assert.equal(parsed.ename, "RangeError");
});

test("thrown non-errors and silence still give a readable error", () => {
  assert.equal(parseKernelError("just a string\n").evalue, "just a string");
  const silent = parseKernelError("");
  assert.equal(silent.ename, "Error");
  assert.match(silent.evalue, /no error text/);
});
