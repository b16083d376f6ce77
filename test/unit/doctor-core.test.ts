import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { checkCore } from "../../scripts/src/commands/doctor";
import { byDesign } from "../helpers/skip";

// The same module instance the doctor reads (the built library, as the course tools load it).
const kernels = require("nncourse/dist/core/kernels") as typeof import("../../lib/core/kernels");

after(() => {
  kernels.configureKernels();
});

test("course doctor names the core's kernels: relaxed SIMD and threads", () => {
  kernels.configureKernels({ threads: 2, relaxedSimd: true });
  const f = checkCore();
  assert.equal(f.level, "ok");
  assert.equal(f.message, "the from-scratch networks compute on WebAssembly SIMD with relaxed multiply-add, 2 threads");
});

test("course doctor says why the plain SIMD kernels run, and what relaxed SIMD would give", () => {
  const saved = process.env.NNCOURSE_RELAXED_SIMD;
  try {
    process.env.NNCOURSE_RELAXED_SIMD = "0";
    kernels.configureKernels({ threads: 1 });
    const f = checkCore();
    assert.equal(f.level, "ok");
    assert.match(f.message, /on WebAssembly SIMD, 1 thread: NNCOURSE_RELAXED_SIMD=0 turns relaxed SIMD off$/);
  } finally {
    if (saved === undefined) delete process.env.NNCOURSE_RELAXED_SIMD;
    else process.env.NNCOURSE_RELAXED_SIMD = saved;
  }
  kernels.configureKernels({ threads: 1, relaxedSimd: false });
  assert.match(checkCore().message, /1 thread: relaxed SIMD is turned off \(configureKernels\(\{ relaxedSimd: false \}\)\)$/);
});

test(
  "course doctor on a Node without relaxed SIMD says what a newer one gives",
  { skip: Number(process.versions.node.split(".")[0]) >= 22 && byDesign("Node 22 and later always have relaxed SIMD") },
  () => {
    // Node 20 started with relaxed SIMD turned off, which the library leaves so.
    const script = 'console.log(require("./scripts/src/commands/doctor").checkCore().message)';
    const r = spawnSync(process.execPath, ["--no-experimental-wasm-relaxed-simd", "--import", "tsx", "-e", script], {
      cwd: path.resolve(__dirname, "../.."),
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /has no relaxed SIMD, with which Node 22 and later compute about 1\.5 times faster \(Node 20 has it with --experimental-wasm-relaxed-simd\)/,
    );
  },
);

test("course doctor warns about the JavaScript fallback, with the fix", () => {
  kernels.configureKernels({ backend: "js" });
  const f = checkCore();
  assert.equal(f.level, "warn");
  assert.match(f.message, /JavaScript fallback, about ten times slower: the JavaScript kernels were chosen/);
  assert.equal(f.fix, "unset NNCOURSE_KERNELS.");
});
