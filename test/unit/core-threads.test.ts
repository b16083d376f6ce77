import { test } from "node:test";
import assert from "node:assert/strict";
import { gemmModuleBytes, kernelNames } from "../../lib/core/wasm/gemm-module";
import { epilogueNames } from "../../lib/core/wasm/epilogue-module";
import { HelperThreads, chunkBounds, type KernelFn } from "../../lib/core/wasm/threads";
import { MAX_CHUNKS } from "../../lib/core/wasm/thread-control";
import { webAssembly } from "../../lib/core/wasm/webassembly-api";
import { gemmNN } from "../../lib/core/gemm-js";
import { Matrix, addScaledInPlace, configureKernels, kernelsReady, residentCopy, subtractScaledInPlace } from "../../lib/core";
import { Random } from "../../lib/data/random";

const wa = webAssembly!;

function setup() {
  const memory = new wa.Memory({ initial: 64, maximum: 1024, shared: true });
  const module = new wa.Module(gemmModuleBytes({ initialPages: 64, maxPages: 1024, shared: true }));
  const inst = new wa.Instance(module, { env: { memory } });
  const kernel = inst.exports["nn_f32"] as KernelFn;
  return { memory, module, kernel };
}

async function whenReady(h: HelperThreads): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!h.ready()) {
    if (Date.now() > deadline) throw new Error("helper threads did not start");
    await new Promise((r) => setTimeout(r, 5));
  }
}

test("a shared product survives an abandoned one: quiesce stops helpers before memory is reused", async () => {
  const { memory, module, kernel } = setup();
  const helpers = new HelperThreads(module, memory, kernelNames, epilogueNames, 1);
  try {
    await whenReady(helpers);
    const f32 = () => new Float32Array(memory.buffer);
    const m = 96,
      n = 200,
      k = 150;
    const pa = 64,
      pb = pa + m * k * 4,
      pc = pb + k * n * 4;
    const fill = (seed: number) => {
      const v = f32();
      for (let i = 0; i < m * k + k * n; i++) v[pa / 4 + i] = Math.sin(seed + i);
    };
    fill(1);
    // Job 1 is abandoned: the calling thread fails on its first chunk (as when a cell is
    // interrupted), while the helper may still be working.
    let calls = 0;
    const failing: KernelFn = (...args) => {
      if (calls++ === 0) throw new Error("interrupted");
      kernel(...args);
    };
    // (On a busy machine the helper may take every chunk before the caller takes one;
    // then nothing is abandoned and the run simply succeeds.)
    try {
      helpers.run({ fn: 0, pa, pb, pc, m, n, k, byCols: true, bounds: Array.from({ length: 26 }, (_, c) => Math.min(n, 8 * c)) }, failing);
    } catch (e) {
      assert.match(String(e), /interrupted/);
    }
    helpers.quiesce();
    // Job 2 on new operands at the same addresses must be exact.
    fill(2);
    const v = f32();
    const a = v.slice(pa / 4, pa / 4 + m * k),
      b = v.slice(pb / 4, pb / 4 + k * n);
    assert.ok(
      helpers.run({ fn: 0, pa, pb, pc, m, n, k, byCols: true, bounds: Array.from({ length: 26 }, (_, c) => Math.min(n, 8 * c)) }, kernel),
    );
    const got = f32().slice(pc / 4, pc / 4 + m * n);
    const want = new Float32Array(m * n);
    gemmNN(a, b, want, m, n, k);
    for (let i = 0; i < m * n; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-3, `entry ${i}: ${got[i]} vs ${want[i]}`);
  } finally {
    helpers.terminate();
  }
});

test("back-to-back shared products never drop a chunk (a late helper cannot take the next job's chunks)", async () => {
  // Two products of the same shape, alternately into the same C: a chunk skipped by the
  // claiming protocol would keep the other product's values and show up as a mismatch.
  const { gemm } = await import("../../lib/core/kernels");
  configureKernels({ backend: "wasm", threads: 2 });
  await kernelsReady();
  const m = 32,
    n = 300,
    k = 64;
  const fill = (len: number, seed: number) => Float32Array.from({ length: len }, (_, i) => Math.sin(seed * 7.1 + i * 0.37));
  const A = [fill(m * k, 1), fill(m * k, 2)];
  const B = [fill(k * n, 3), fill(k * n, 4)];
  const expected = [0, 1].map((i) => {
    const c = new Float32Array(m * n);
    gemm("nn", A[i]!, B[i]!, c, m, n, k);
    return c;
  });
  // The first products are right: checked entry by entry against the JavaScript kernel.
  for (const i of [0, 1]) {
    const reference = new Float32Array(m * n);
    gemmNN(A[i]!, B[i]!, reference, m, n, k);
    for (let e = 0; e < m * n; e++) {
      assert.ok(Math.abs(expected[i]![e]! - reference[e]!) < 1e-3, `product ${i}, entry ${e}: ${expected[i]![e]} vs ${reference[e]}`);
    }
  }
  const c = new Float32Array(m * n);
  let mismatches = 0;
  const rounds = 20_000;
  for (let r = 0; r < rounds; r++) {
    const i = r & 1;
    gemm("nn", A[i]!, B[i]!, c, m, n, k);
    // Every entry: a skipped chunk can be any run of columns.
    const want = expected[i]!;
    for (let e = 0; e < c.length; e++) {
      if (c[e] !== want[e]) {
        mismatches++;
        break;
      }
    }
  }
  configureKernels();
  assert.equal(mismatches, 0, `${mismatches} of ${rounds} products had a chunk left from the previous one`);
});

test("SGD updates shared with helper threads give the plain loops' numbers, to the last entry", async () => {
  configureKernels({ threads: 3 });
  await kernelsReady();
  try {
    const random = new Random(4);
    // Long enough to be shared; the lengths leave 0-3 entries after the whole vectors.
    for (const dtype of ["float32", "float64"] as const) {
      for (const length of [40_000, 235_201, 235_203]) {
        const t = Matrix.generate(1, length, () => random.next() - 0.5, dtype);
        const x = Matrix.generate(1, length, () => random.next() - 0.5, dtype);
        const resident = residentCopy(t);
        const residentX = residentCopy(x);
        const alpha = -0.0123,
          eta = 0.0456;
        addScaledInPlace(resident, residentX, alpha);
        subtractScaledInPlace(resident, residentX, eta);
        // axpy rounds alpha and each product to the dtype; sgd computes in float64, as `t[i] -= eta * x[i]`.
        const round = dtype === "float32" ? Math.fround : (v: number) => v;
        const want = Float64Array.from(t.data, (v, i) => round(v + round(round(alpha) * x.data[i]!)));
        for (let i = 0; i < length; i++) want[i] = round(want[i]! - eta * x.data[i]!);
        for (let i = 0; i < length; i++) {
          if (!Object.is(resident.data[i], want[i]))
            assert.fail(`${dtype}, ${length} entries: entry ${i} is ${resident.data[i]}, the loop gives ${want[i]}`);
        }
      }
    }
  } finally {
    configureKernels();
  }
});

test("a shared job's chunks cover it once, in whole units, large first and one unit at the end", () => {
  for (const [size, unit, threads] of [
    [300, 8, 2],
    [784, 4, 2],
    [100, 12, 4],
    [7, 8, 2],
    [235_200, 1024, 3],
    [4_000_000, 4, 8],
  ] as const) {
    const bounds = chunkBounds(size, unit, threads);
    const what = `${size} in units of ${unit}, ${threads} threads: ${bounds.slice(0, 12).join(", ")}…`;
    assert.equal(bounds[0], 0, what);
    assert.equal(bounds.at(-1), size, what);
    assert.ok(bounds.length - 1 <= MAX_CHUNKS, `${what}: ${bounds.length - 1} chunks`);
    const units = Math.ceil(size / unit);
    const sizes = bounds.slice(1).map((b, c) => Math.ceil(b / unit) - bounds[c]! / unit);
    sizes.forEach((s, c) => {
      assert.ok(bounds[c]! % unit === 0, `${what}: chunk ${c} starts inside a unit`);
      assert.ok(s >= 1, `${what}: chunk ${c} is empty`);
      if (c > 0) assert.ok(s <= sizes[c - 1]!, `${what}: chunk ${c} is larger than the one before`);
    });
    // Each chunk is the rest's share for 2·threads, so the first is about units / (2·threads).
    assert.equal(sizes[0], Math.max(1, Math.ceil(units / (2 * threads))), what);
    if (units >= 2 * threads) assert.equal(sizes.at(-1), 1, `${what}: the last chunk is one unit`);
  }
});
