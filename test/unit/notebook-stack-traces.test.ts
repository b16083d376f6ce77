// Shorter stack traces in notebooks. Installing them changes every later stack trace of
// the process, so they are tested in a file of their own.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { installNotebookStackTraces, isKernelFrame } from "../../lib/notebook";

describe("stack traces in notebooks", () => {
  test("kernel frames are recognised: Node's internals and tslab, not the notebook or the library", () => {
    assert.ok(isKernelFrame("node:vm"));
    assert.ok(isKernelFrame("/home/me/course/node_modules/tslab/dist/executor.js"));
    assert.ok(isKernelFrame("C:\\course\\node_modules\\@tslab\\typescript-for-tslab\\lib\\typescript.js"));
    assert.ok(!isKernelFrame("evalmachine.<anonymous>"));
    assert.ok(!isKernelFrame("/home/me/course/node_modules/nncourse/dist/nn/network.js"));
    assert.ok(!isKernelFrame(null));
    // The course's own kernel is machinery too (found relative to the library's folder).
    assert.ok(isKernelFrame(path.join(__dirname, "..", "..", "lib", "kernel", "server.ts")));
    assert.ok(!isKernelFrame(path.join(__dirname, "..", "..", "lib", "nn", "network.ts")));
  });

  test("once installed, stacks keep the caller's frames and drop Node's", () => {
    const before = new Error("before").stack ?? "";
    assert.match(before, /\(node:internal/, "a test's stack runs through Node's internals");
    installNotebookStackTraces();
    installNotebookStackTraces(); // twice is harmless
    const after = new Error("after").stack ?? "";
    assert.match(after, /^Error: after\n/);
    assert.match(after, /notebook-stack-traces\.test\.ts/);
    assert.doesNotMatch(after, /node:internal/);
  });
});
