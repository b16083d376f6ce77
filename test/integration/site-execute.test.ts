/**
 * Running the course for `course export --html`: a kernel that fails to start is tried
 * again, and a notebook whose kernel never starts is named among the failures while the
 * other notebooks still run (one bad start used to end a long export with no site).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { locateKernel } from "../../scripts/src/kernel/locate";
import { newCodeCell, newNotebook } from "../../scripts/src/notebook/cells";
import { writeNotebook } from "../../scripts/src/notebook/write";
import { executeNotebooks } from "../../scripts/src/site/execute";
import { START_ATTEMPTS } from "../../scripts/src/runner/pool";

test("a kernel that fails to start is retried, and one that never starts fails only its own notebook", { timeout: 180_000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-site-execute-"));
  try {
    // Starts the real kernel, except: in a folder with "fail-once" the first start fails,
    // in a folder with "fail-always" every start does.
    const flaky = path.join(root, "flaky-kernel.js");
    fs.writeFileSync(
      flaky,
      `const fs = require("fs");\n` +
        `if (fs.existsSync("fail-always")) process.exit(1);\n` +
        `if (fs.existsSync("fail-once")) { fs.rmSync("fail-once"); process.exit(1); }\n` +
        `require(${JSON.stringify(locateKernel().script)});\n`,
    );
    const files = ["once", "never"].map((name) => {
      const dir = path.join(root, name);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, name === "once" ? "fail-once" : "fail-always"), "");
      const file = path.join(dir, `${name}.ipynb`);
      writeNotebook(file, newNotebook([newCodeCell("console.log(6 * 7)")]));
      return file;
    });
    const log: string[] = [];
    const executed = await executeNotebooks(files, { jobs: 1, log: (line) => log.push(line), run: { kernelScript: flaky } });
    assert.deepEqual(
      executed.map((nb) => nb.file),
      ["once.ipynb", "never.ipynb"],
    );
    assert.deepEqual(executed[0]!.failures, [], log.join("\n"));
    assert.equal(executed[0]!.notebook.cells[0]!.cell_type === "code" && executed[0]!.notebook.cells[0]!.execution_count, 1);
    assert.equal(executed[1]!.failures.length, 1);
    assert.match(executed[1]!.failures[0]!, new RegExp(`the kernel could not start \\(${START_ATTEMPTS} attempts\\)`));
    assert.ok(
      log.some((line) => /the kernel for .*once\.ipynb did not start \(attempt 1 of 3\)/.test(line)),
      log.join("\n"),
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
