import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  findKernelSpec,
  installKernelSpec,
  kernelJsonFor,
  kernelSearchDirs,
  kernelSpecProblems,
  kernelsDirFor,
  userDataDir,
  type KernelJson,
} from "../../scripts/src/jupyter/kernelspec";

test("the user data folder follows jupyter_core's rules on each platform", () => {
  const home = os.homedir();
  assert.equal(userDataDir({}, "linux"), path.join(home, ".local", "share", "jupyter"));
  assert.equal(userDataDir({ XDG_DATA_HOME: "/x" }, "linux"), path.join("/x", "jupyter"));
  assert.equal(userDataDir({}, "darwin"), path.join(home, "Library", "Jupyter"));
  assert.equal(userDataDir({ APPDATA: "C:\\Users\\a\\AppData\\Roaming" }, "win32"), path.join("C:\\Users\\a\\AppData\\Roaming", "jupyter"));
  assert.equal(userDataDir({ JUPYTER_DATA_DIR: "/custom" }, "linux"), "/custom");
});

test("JUPYTER_PATH comes first in the kernel search path, then the user, then the system", () => {
  const dirs = kernelSearchDirs({ JUPYTER_PATH: ["/a", "/b"].join(path.delimiter), JUPYTER_DATA_DIR: "/u" }, "linux");
  assert.deepEqual(dirs.slice(0, 3), ["/a/kernels", "/b/kernels", "/u/kernels"]);
  assert.ok(dirs.includes("/usr/share/jupyter/kernels"));
  assert.equal(kernelsDirFor({ prefix: "/opt/env" }), "/opt/env/share/jupyter/kernels");
});

test("installing is idempotent and says whether it created, kept or updated the spec", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kernels-"));
  try {
    const spec = kernelJsonFor(process.execPath, "/project/lib/dist/kernel/main.js");
    assert.equal(installKernelSpec(tmp, spec).outcome, "created");
    assert.equal(installKernelSpec(tmp, spec).outcome, "unchanged");
    const moved = kernelJsonFor(process.execPath, "/elsewhere/lib/dist/kernel/main.js");
    const result = installKernelSpec(tmp, moved);
    assert.equal(result.outcome, "updated");
    assert.equal(result.previous?.argv[1], "/project/lib/dist/kernel/main.js");
    // Jupyter looks in <entry>/kernels of each JUPYTER_PATH entry: a spec elsewhere is not found.
    assert.equal(findKernelSpec("tslab", { JUPYTER_PATH: path.join(tmp, "elsewhere"), JUPYTER_DATA_DIR: "/nonexistent" }), undefined);
    const viaPath = path.join(tmp, "data");
    installKernelSpec(path.join(viaPath, "kernels"), moved);
    const hit = findKernelSpec("tslab", { JUPYTER_PATH: viaPath, JUPYTER_DATA_DIR: "/nonexistent" });
    assert.equal(hit?.spec?.argv[1], "/elsewhere/lib/dist/kernel/main.js");
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("a spec whose program is gone is reported as broken", () => {
  const problems = kernelSpecProblems(kernelJsonFor("/no/such/node", "/no/such/lib/dist/kernel/main.js"));
  assert.equal(problems.length, 2);
  assert.match(problems[0], /program \/no\/such\/node does not exist/);
  assert.deepEqual(kernelSpecProblems(kernelJsonFor(process.execPath, process.execPath)), []);
  assert.deepEqual(kernelSpecProblems({ argv: [], display_name: "x", language: "typescript" }), ["its argv is empty"]);
});

test("a hand-edited spec whose argv holds something other than strings is reported, not a crash", () => {
  const spec = (argv: unknown[]) => ({ argv, display_name: "x", language: "typescript" }) as KernelJson;
  assert.deepEqual(kernelSpecProblems(spec([null, "/x/kernel.js", "{connection_file}"])), [
    'its argv [null,"/x/kernel.js","{connection_file}"] holds something other than strings',
  ]);
  assert.deepEqual(kernelSpecProblems(spec([process.execPath, 2])), [
    `its argv ${JSON.stringify([process.execPath, 2])} holds something other than strings`,
  ]);
  assert.deepEqual(kernelSpecProblems(spec(["node"])), ["its argv is empty"]);
});

test("a kernel.json that is valid JSON but not an object is unreadable, with the file named", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kernels-"));
  try {
    fs.mkdirSync(path.join(tmp, "kernels", "tslab"), { recursive: true });
    const file = path.join(tmp, "kernels", "tslab", "kernel.json");
    for (const text of ["null", "[]", '"tslab"']) {
      fs.writeFileSync(file, text);
      const found = findKernelSpec("tslab", { JUPYTER_PATH: tmp, JUPYTER_DATA_DIR: "/nonexistent" });
      assert.equal(found?.spec, undefined, text);
      assert.equal(found?.error, `${file} is not a JSON object`, text);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
