/**
 * The course's kernel against Jupyter's own kernel conformance suite (jupyter_kernel_test,
 * Debian's python3-jupyter-kernel-test) and the protocol checks in kernel/conformance.py.
 * The kernel is registered the way `course setup` registers it, in a private Jupyter path.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { installKernelSpec, kernelJsonFor } from "../../scripts/src/jupyter/kernelspec";
import { locateKernel } from "../../scripts/src/kernel/locate";

const PYTHON = "/usr/bin/python3";

/**
 * Runs one of the Python checks in kernel/ against the course's kernel, registered in a
 * private Jupyter path, from a folder with no course above it (the kernel must find the
 * course anyway).
 */
function runPythonCheck(script: string, module: string): string {
  const probe = spawnSync(PYTHON, ["-c", `import ${module}`], { encoding: "utf8" });
  assert.equal(probe.status, 0, `${module} is missing (Debian: apt install python3-${module.replace(/_/g, "-")}): ${probe.stderr}`);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-conformance-"));
  try {
    installKernelSpec(path.join(home, "kernels"), kernelJsonFor(process.execPath, locateKernel().script), "nncourse-test");
    const work = path.join(home, "work");
    fs.mkdirSync(work);
    const typescript = (require("@tslab/typescript-for-tslab/package.json") as { version: string }).version;
    const result = spawnSync(PYTHON, [path.join(__dirname, "kernel", script)], {
      cwd: work,
      encoding: "utf8",
      env: {
        ...process.env,
        JUPYTER_PATH: home,
        JUPYTER_DATA_DIR: path.join(home, "data"),
        KERNEL_NAME: "nncourse-test",
        TYPESCRIPT_VERSION: typescript,
      },
      timeout: 560_000,
    });
    const report = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.status, 0, report);
    return report;
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

test("the course's kernel passes Jupyter's kernel conformance tests", { timeout: 600_000 }, () => {
  const report = runPythonCheck("conformance.py", "jupyter_kernel_test");
  // Every test ran: none was skipped for want of a sample, except the pager (the kernel has none).
  const ran = /^Ran (\d+) tests?/m.exec(report);
  assert.ok(ran && Number(ran[1]) >= 17, report);
  assert.match(report, /OK \(skipped=1\)/, report);
});

test("nbclient sees a failing test cell as an error, and a warning on stderr as output", { timeout: 300_000 }, () => {
  const report = runPythonCheck("nbclient_grading.py", "nbclient");
  assert.match(report, /the failing test cell is an error/);
});
