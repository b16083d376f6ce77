import { test, after } from "node:test";
import assert from "node:assert/strict";
import os from "node:os";
import {
  Matrix,
  matmul,
  matmulTransA,
  matmulTransB,
  configureKernels,
  kernelInfo,
  kernelsReady,
  relaxedSimdAvailable,
  residentCopy,
  residentZeros,
} from "../../lib/core";
import { gemm } from "../../lib/core/kernels";
import { assertClose, checkAll, naive, operands, prng, product } from "../helpers/products";

after(() => {
  configureKernels();
});

test("products match the triple loop: JavaScript kernels", () => {
  configureKernels({ backend: "js" });
  checkAll("js");
});

test("products match the triple loop: default kernels, one thread", () => {
  configureKernels({ threads: 1 });
  checkAll("1 thread");
});

test("products match the triple loop: default kernels, helper threads", async () => {
  configureKernels({ threads: 3 });
  await kernelsReady();
  const rand0 = prng(5);
  checkAll("3 threads");
  // A product larger than the kernels' starting memory: the shared memory grows under
  // the running helpers, which must keep computing on it correctly.
  {
    const [a, b] = operands("nn", 600, 400, 300, "float64", rand0);
    assertClose(matmul(a, b), naive("nn", a, b), "float64", 300, "after growing the memory");
    const [c, d] = operands("tn", 150, 90, 70, "float32", rand0);
    assertClose(matmulTransA(c, d), naive("tn", c, d), "float32", 70, "after growing the memory");
  }
  // Repeat a shared product many times: chunks must never be lost or mixed up between jobs.
  const rand = prng(7);
  for (let r = 0; r < 40; r++) {
    const dtype = r % 2 === 0 ? "float32" : "float64";
    const variant = (["nn", "tn", "nt"] as const)[r % 3]!;
    const [a, b] = operands(variant, 70 + r, 90 + 2 * r, 60, dtype, rand);
    assertClose(product[variant](a, b), naive(variant, a, b), dtype, 60, `repeat ${r} ${variant}`);
  }
});

test("a product with inner size 0 is all zeros", () => {
  const c = matmul(Matrix.zeros(3, 0), Matrix.zeros(0, 4), Matrix.fill(3, 4, 7));
  assert.deepEqual(c.toArray(), Matrix.zeros(3, 4).toArray());
});

test("out is overwritten, returned, and reused across calls", () => {
  const rand = prng(3);
  for (const dtype of ["float32", "float64"] as const) {
    for (const variant of ["nn", "tn", "nt"] as const) {
      const out = Matrix.fill(20, 30, Number.NaN, dtype);
      for (let r = 0; r < 3; r++) {
        const [a, b] = operands(variant, 20, 30, 11 + r, dtype, rand);
        const c = product[variant](a, b, out);
        assert.equal(c, out);
        assertClose(out, naive(variant, a, b), dtype, 11 + r, `out ${variant} ${dtype}`);
      }
    }
  }
});

test("shape errors name both shapes and the sizes that must match", () => {
  const a = Matrix.zeros(3, 4),
    b = Matrix.zeros(5, 2);
  assert.throws(() => matmul(a, b), /^RangeError: matmul: a is 3×4 but b is 5×2; the inner sizes 4 and 5 must match/);
  assert.throws(() => matmulTransA(a, b), /matmulTransA: a is 3×4 but b is 5×2; for aᵀ·b the row counts 3 and 5 must match/);
  assert.throws(() => matmulTransB(a, b), /matmulTransB: a is 3×4 but b is 5×2; for a·bᵀ the column counts 4 and 2 must match/);
});

test("dtype, out and argument errors say how to fix them", () => {
  const a = Matrix.zeros(2, 3),
    b32 = Matrix.zeros(3, 2, "float32");
  assert.throws(() => matmul(a, b32), /matmul: a is float64 but b is float32; .*astype\("float64"\)/);
  assert.throws(() => matmul(a, Matrix.zeros(3, 2), Matrix.zeros(3, 3)), /matmul: out is 3×3 but the result is 2×2/);
  assert.throws(() => matmul(a, Matrix.zeros(3, 2), Matrix.zeros(2, 2, "float32")), /matmul: out is float32 but the result is float64/);
  const sq = Matrix.eye(3);
  assert.throws(() => matmul(sq, Matrix.eye(3), sq), /matmul: out must not be a or b/);
  assert.throws(() => matmul([[1, 2]] as unknown as Matrix, b32), /matmul: a must be a Matrix .*Matrix\.fromArray/);
});

test("products of NaN and Infinity propagate them like the triple loop", () => {
  for (const backend of ["js", "auto"] as const) {
    configureKernels({ backend, threads: 1 });
    const a = Matrix.fill(16, 16, 0, "float32");
    const b = Matrix.fill(16, 16, 1, "float32");
    b.set(3, 5, Number.POSITIVE_INFINITY);
    const c = matmul(a, b);
    assert.ok(Number.isNaN(c.get(0, 5)), `${backend}: 0·∞ must give NaN`);
    assert.equal(c.get(0, 4), 0);
  }
  configureKernels();
});

/** Runs fn with the environment variables set (undefined: unset), then puts them back. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  try {
    for (const [k, v] of Object.entries(vars))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

test("configureKernels refuses an unknown backend and a thread count that is not a whole number ≥ 1", () => {
  assert.throws(
    () => configureKernels({ backend: "gpu" as never }),
    /^RangeError: configureKernels: backend must be "auto", "wasm" or "js", not "gpu"\.$/,
  );
  for (const threads of [0, 1.5, -2])
    assert.throws(
      () => configureKernels({ threads }),
      new RegExp(`^RangeError: configureKernels: threads must be a whole number ≥ 1, not ${threads}\\.$`),
    );
  withEnv({ NNCOURSE_KERNELS: "cuda" }, () =>
    assert.throws(() => configureKernels(), /backend must be "auto", "wasm" or "js", not "cuda"/),
  );
  configureKernels();
});

test("what configureKernels chose: the JavaScript kernels with the reason, or WebAssembly with its threads", () => {
  assert.deepEqual(configureKernels({ backend: "js", threads: 3 }), {
    backend: "js",
    threads: 1,
    wasmSimd: true,
    relaxedSimd: false,
    reason: "the JavaScript kernels were chosen",
  });
  assert.deepEqual(kernelInfo(), configureKernels({ backend: "js" }));
  const wasm = configureKernels({ backend: "wasm", threads: 2, relaxedSimd: false });
  assert.deepEqual(wasm, { backend: "wasm", threads: 2, wasmSimd: true, relaxedSimd: false });
  assert.equal(configureKernels({ threads: 1, relaxedSimd: relaxedSimdAvailable() }).relaxedSimd, relaxedSimdAvailable());
  configureKernels();
});

test("the environment sets the defaults: NNCOURSE_KERNELS, NNCOURSE_THREADS and NNCOURSE_RELAXED_SIMD", () => {
  withEnv({ NNCOURSE_KERNELS: "js" }, () => assert.equal(configureKernels().backend, "js"));
  withEnv({ NNCOURSE_KERNELS: "js" }, () =>
    assert.equal(configureKernels({ backend: "wasm", threads: 1 }).backend, "wasm", "an option wins"),
  );
  withEnv({ NNCOURSE_THREADS: "3" }, () => assert.equal(configureKernels({ backend: "wasm" }).threads, 3));
  withEnv({ NNCOURSE_THREADS: "7" }, () => assert.equal(configureKernels({ backend: "wasm", threads: 2 }).threads, 2, "an option wins"));
  // Without a usable NNCOURSE_THREADS: the CPU count, at most 4.
  const cpus = Math.max(1, Math.min(4, os.availableParallelism()));
  for (const bad of [undefined, "0", "two", "1.5"])
    withEnv({ NNCOURSE_THREADS: bad }, () => assert.equal(configureKernels({ backend: "wasm" }).threads, cpus, String(bad)));
  if (relaxedSimdAvailable()) {
    withEnv({ NNCOURSE_RELAXED_SIMD: "0" }, () => assert.equal(configureKernels({ threads: 1 }).relaxedSimd, false));
    withEnv({ NNCOURSE_RELAXED_SIMD: " 1 " }, () => assert.equal(configureKernels({ threads: 1 }).relaxedSimd, true));
    withEnv({ NNCOURSE_RELAXED_SIMD: "" }, () => assert.equal(configureKernels({ threads: 1 }).relaxedSimd, true, "empty is unset"));
  }
  withEnv({ NNCOURSE_RELAXED_SIMD: "yes" }, () =>
    assert.throws(
      () => configureKernels({ threads: 1 }),
      /^RangeError: NNCOURSE_RELAXED_SIMD is "yes"; set it to 0 or 1, or unset it to use relaxed SIMD where available\.$/,
    ),
  );
  configureKernels();
});

test("a product with no rows or no columns leaves out alone; an inner size of 0 zeroes exactly the result", () => {
  for (const backend of ["js", "wasm"] as const) {
    configureKernels({ backend, threads: 1 });
    const c = new Float64Array([5, 5, 5, 5, 5, 5, 5]);
    gemm("nn", new Float64Array(0), new Float64Array(0), c, 2, 3, 0);
    assert.deepEqual([...c], [0, 0, 0, 0, 0, 0, 5], `${backend}: only the 2×3 result is zeroed`);
    const untouched = new Float64Array([5, 5]);
    gemm("nn", new Float64Array(0), new Float64Array(6), untouched, 0, 2, 3);
    gemm("tn", new Float64Array(6), new Float64Array(0), untouched, 2, 0, 3);
    assert.deepEqual([...untouched], [5, 5], backend);
  }
  configureKernels();
});

test("resident matrices: resident memory on the WebAssembly kernels, ordinary matrices on the JavaScript ones, shapes checked alike", () => {
  configureKernels({ backend: "wasm", threads: 1 });
  assert.ok(residentZeros(3, 4, "float32").data.buffer instanceof SharedArrayBuffer);
  const copy = residentCopy(Matrix.fromArray([[1, 2]]));
  assert.ok(copy.data.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(copy.toArray(), [[1, 2]]);
  assert.throws(() => residentZeros(2, -1), /Matrix\.zeros: the shape 2×-1 is not valid/);
  assert.throws(() => residentZeros(1.5, 2), /the shape 1\.5×2 is not valid/);
  assert.throws(() => residentZeros(2, 2, "int8" as never), /Unknown dtype "int8"/);
  configureKernels({ backend: "js" });
  const ordinary = residentZeros(2, 2);
  assert.ok(!(ordinary.data.buffer instanceof SharedArrayBuffer));
  assert.deepEqual(
    [ordinary.dtype, ordinary.toArray()],
    [
      "float64",
      [
        [0, 0],
        [0, 0],
      ],
    ],
  );
  configureKernels();
});
