import { test, after } from "node:test";
import assert from "node:assert/strict";
import {
  Matrix,
  addRowVector,
  configureKernels,
  keepWherePositive,
  kernelsReady,
  matmul,
  matmulAddRow,
  matmulAddRowRelu,
  matmulTransB,
  matmulTransBTimesStep,
  residentCopy,
  timesStep,
  type DType,
} from "../../lib/core";
import { gemmModuleBytes } from "../../lib/core/wasm/gemm-module";
import { epilogueNames, type EpilogueFn } from "../../lib/core/wasm/epilogue-module";
import { webAssembly } from "../../lib/core/wasm/webassembly-api";
import { prng } from "../helpers/products";

after(() => {
  configureKernels();
});

/** Entries that exercise the step's edge cases: ±0, NaN, ±∞, and ordinary numbers of both signs. */
const SPECIAL = [0, -0, Number.NaN, Infinity, -Infinity];

function randomMatrix(rows: number, cols: number, dtype: DType, rand: () => number, specials = 0): Matrix {
  const m = Matrix.zeros(rows, cols, dtype);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rand() < specials ? SPECIAL[Math.floor(rand() * SPECIAL.length)]! : 2 * rand() - 1;
  return m;
}

function assertSameEntries(got: Matrix, want: Matrix, what: string): void {
  assert.equal(got.rows, want.rows, `${what}: rows`);
  assert.equal(got.cols, want.cols, `${what}: cols`);
  for (let i = 0; i < got.data.length; i++) {
    if (!Object.is(got.data[i], want.data[i])) {
      const r = Math.floor(i / got.cols);
      assert.fail(`${what}: entry (${r}, ${i - r * got.cols}) is ${got.data[i]}, the separate operations give ${want.data[i]}`);
    }
  }
}

/**
 * Shapes (m, n, k) that reach every path: below the wasm threshold, one thread, shared by
 * columns (n ≥ m) and by rows (m > n), widths that leave 1-3 columns after whole vectors
 * and whole tiles, a single row.
 */
const SHAPES: [number, number, number][] = [
  [3, 5, 4],
  [1, 37, 40],
  [7, 13, 29],
  [33, 70, 50],
  [130, 301, 90],
  [300, 101, 120],
  [64, 64, 70],
];

function checkAgainstSeparateOps(label: string, resident: boolean): void {
  const rand = prng(11);
  for (const dtype of ["float32", "float64"] as const) {
    for (const [m, n, k] of SHAPES) {
      const place = (x: Matrix) => (resident ? residentCopy(x) : x);
      const what = `${label}, ${dtype}, ${m}×${n} inner ${k}${resident ? ", resident" : ""}`;
      // Forward: z = a·W + b, then ReLU. Some inputs are ±∞ or NaN, so z has every special value.
      const a = place(randomMatrix(m, k, dtype, rand, 0.02));
      const w = place(randomMatrix(k, n, dtype, rand));
      const b = place(randomMatrix(1, n, dtype, rand, 0.2));
      const zWant = addRowVector(matmul(a, w), b);
      const reluWant = keepWherePositive(zWant, zWant);
      assertSameEntries(matmulAddRow(a, w, b), zWant, `matmulAddRow, ${what}`);
      const z = place(Matrix.zeros(m, n, dtype));
      const out = place(Matrix.zeros(m, n, dtype));
      assert.equal(matmulAddRowRelu(a, w, b, z, out), out);
      assertSameEntries(z, zWant, `matmulAddRowRelu's z, ${what}`);
      assertSameEntries(out, reluWant, `matmulAddRowRelu, ${what}`);
      const inPlace = place(Matrix.zeros(m, n, dtype));
      assert.equal(matmulAddRowRelu(a, w, b, inPlace, inPlace), inPlace);
      assertSameEntries(inPlace, reluWant, `matmulAddRowRelu in place, ${what}`);
      // Backward: (δ·Wᵀ) ⊙ [mask > 0], with a mask that differs from row to row.
      const delta = place(randomMatrix(m, k, dtype, rand, 0.02));
      const wt = place(randomMatrix(n, k, dtype, rand));
      const mask = place(randomMatrix(m, n, dtype, rand, 0.3));
      const stepWant = timesStep(matmulTransB(delta, wt), mask);
      assertSameEntries(matmulTransBTimesStep(delta, wt, mask), stepWant, `matmulTransBTimesStep, ${what}`);
      const stepOut = place(Matrix.zeros(m, n, dtype));
      matmulTransBTimesStep(delta, wt, mask, stepOut);
      assertSameEntries(stepOut, stepWant, `matmulTransBTimesStep into out, ${what}`);
    }
  }
}

test("fused products give the numbers of the separate operations: JavaScript kernels", () => {
  configureKernels({ backend: "js" });
  checkAgainstSeparateOps("js", false);
});

test("fused products give the numbers of the separate operations: wasm, one thread", () => {
  configureKernels({ threads: 1 });
  checkAgainstSeparateOps("1 thread", false);
  checkAgainstSeparateOps("1 thread", true);
});

test("fused products give the numbers of the separate operations: wasm, shared with helper threads", async () => {
  configureKernels({ threads: 3 });
  await kernelsReady();
  checkAgainstSeparateOps("3 threads", false);
  checkAgainstSeparateOps("3 threads", true);
  // Repeated: every chunk's epilogue runs once, whichever thread takes it.
  const rand = prng(3);
  for (let r = 0; r < 30; r++) {
    const a = residentCopy(randomMatrix(128, 300, "float32", rand));
    const w = residentCopy(randomMatrix(300, 100, "float32", rand));
    const b = residentCopy(randomMatrix(1, 100, "float32", rand));
    const z = residentCopy(Matrix.zeros(128, 100, "float32"));
    matmulAddRowRelu(a, w, b, z, z);
    const want = addRowVector(matmul(a, w), b);
    assertSameEntries(z, keepWherePositive(want, want), `round ${r}`);
  }
});

test("each epilogue changes only its block of C", () => {
  const wa = webAssembly!;
  const memory = new wa.Memory({ initial: 2, maximum: 2 });
  const inst = new wa.Instance(new wa.Module(gemmModuleBytes({ initialPages: 2, maxPages: 2, shared: false })), { env: { memory } });
  const m = 6,
    n = 11;
  for (const name of epilogueNames) {
    const f32 = name.endsWith("f32");
    const es = f32 ? 4 : 8;
    const view = () => (f32 ? new Float32Array(memory.buffer) : new Float64Array(memory.buffer));
    const pc = 64,
      pp = pc + m * n * es,
      pq = pp + m * n * es;
    const v = view();
    const fill = () => {
      for (let i = 0; i < 3 * m * n; i++) v[pc / es + i] = ((i * 7) % 13) - 6 + 0.5;
    };
    fill();
    const before = Array.from(v.subarray(pc / es, pc / es + 3 * m * n));
    const [i0, i1, j0, j1] = [1, 4, 2, 9];
    (inst.exports[name] as EpilogueFn)(pc, m, n, i0, i1, j0, j1, pp, pq);
    const after = Array.from(v.subarray(pc / es, pc / es + 3 * m * n));
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const inside = i >= i0 && i < i1 && j >= j0 && j < j1;
        const at = i * n + j;
        const c = before[at]!;
        const p = name.includes("step") ? before[m * n + at]! : before[m * n + j]!;
        const want = !inside ? c : name.includes("step") ? c * +(p > 0) : c + p;
        assert.equal(after[at], want, `${name}: C at (${i}, ${j})`);
        if (name.includes("relu"))
          assert.equal(after[2 * m * n + at], inside ? Math.max(want, 0) : before[2 * m * n + at], `${name}: Q at (${i}, ${j})`);
        else assert.equal(after[2 * m * n + at], before[2 * m * n + at], `${name}: Q at (${i}, ${j}) is not written`);
      }
    }
    assert.deepEqual(after.slice(m * n, 2 * m * n), before.slice(m * n, 2 * m * n), `${name}: the row or mask is only read`);
  }
});

test("fused products refuse shapes, dtypes and overlapping outputs they cannot compute, saying which", () => {
  configureKernels({ threads: 1 });
  const a = Matrix.zeros(4, 3),
    w = Matrix.zeros(3, 5),
    b = Matrix.zeros(1, 5),
    z = Matrix.zeros(4, 5);
  // Each operand that is not a matrix is named.
  const notAMatrix = [1, 2] as unknown as Matrix;
  assert.throws(() => matmulAddRow(notAMatrix, w, b), /^TypeError: matmulAddRow: a must be a Matrix \(got object\);/);
  assert.throws(() => matmulAddRow(a, notAMatrix, b), /^TypeError: matmulAddRow: b must be a Matrix \(got object\);/);
  assert.throws(() => matmulAddRow(a, w, notAMatrix), /^TypeError: matmulAddRow: row must be a Matrix \(got object\);/);
  assert.throws(
    () => matmulTransBTimesStep(Matrix.zeros(4, 3), Matrix.zeros(5, 3), notAMatrix),
    /^TypeError: matmulTransBTimesStep: mask must be a Matrix \(got object\);/,
  );
  // A row of the right length but two rows, or one row of the wrong length.
  assert.throws(
    () => matmulAddRow(a, w, Matrix.zeros(2, 5)),
    /^RangeError: matmulAddRow: the product has 5 columns so row must be 1×5, but it is 2×5\.$/,
  );
  assert.throws(
    () => matmulAddRow(a, w, Matrix.zeros(1, 4)),
    /^RangeError: matmulAddRow: the product has 5 columns so row must be 1×5, but it is 1×4\.$/,
  );
  assert.throws(
    () => matmulAddRow(a, Matrix.zeros(4, 5), b),
    /^RangeError: matmulAddRow: a is 4×3 but b is 4×5; the inner sizes \(a's columns and b's rows\) must match, not 3 and 4\.$/,
  );
  assert.throws(
    () => matmulAddRow(a, w, Matrix.zeros(5, 1)),
    /^RangeError: matmulAddRow: the product has 5 columns so row must be 1×5, but it is 5×1\.$/,
  );
  assert.throws(() => matmulAddRow(a, w, Matrix.zeros(1, 5, "float32")), /^TypeError: matmulAddRow: a is float64 but row is float32;/);
  assert.throws(() => matmulAddRow(a, w, b, b), /^RangeError: matmulAddRow: out is 1×5 but the result is 4×5;/);
  const wide = Matrix.zeros(1, 5);
  assert.throws(
    () => matmulAddRow(Matrix.zeros(1, 3), w, wide, wide),
    /^Error: matmulAddRow: out must not be row \(or share its memory\); it is read while out is written\./,
  );
  assert.throws(() => matmulAddRow(a, w, b, a as Matrix), /^RangeError: matmulAddRow: out is 4×3/);
  // @ts-expect-error z is required
  assert.throws(() => matmulAddRowRelu(a, w, b, undefined), /^TypeError: matmulAddRowRelu: z must be a Matrix \(got undefined\);/);
  assert.throws(
    () => matmulAddRowRelu(a, w, b, Matrix.zeros(5, 4)),
    /^RangeError: matmulAddRowRelu: z is 5×4 but the result is 4×5; pass a z of that shape\.$/,
  );
  assert.throws(
    () => matmulAddRowRelu(a, w, b, Matrix.zeros(4, 5, "float32")),
    /^TypeError: matmulAddRowRelu: z is float32 but the result is float64; pass a z of dtype "float64"\.$/,
  );
  const square = Matrix.zeros(3, 3);
  assert.throws(
    () => matmulAddRowRelu(Matrix.zeros(3, 3), square, Matrix.zeros(1, 3), square),
    /^Error: matmulAddRowRelu: out must not be a or b/,
  );
  const rowAndZ = new Float64Array(5);
  assert.throws(
    () => matmulAddRowRelu(Matrix.zeros(1, 3), w, new Matrix(1, 5, rowAndZ), new Matrix(1, 5, rowAndZ)),
    /^Error: matmulAddRowRelu: z must not be row \(or share its memory\); it is read while z is written\./,
  );
  assert.throws(
    () => matmulAddRowRelu(Matrix.zeros(1, 3), w, new Matrix(1, 5, rowAndZ), Matrix.zeros(1, 5), new Matrix(1, 5, rowAndZ)),
    /^Error: matmulAddRowRelu: out must not be row \(or share its memory\); it is read while out is written\./,
  );
  const shared = new Float64Array(40);
  assert.throws(
    () => matmulAddRowRelu(a, w, b, new Matrix(4, 5, shared.subarray(0, 20)), new Matrix(4, 5, shared.subarray(10, 30))),
    /^Error: matmulAddRowRelu: out must not be z \(or share its memory\)/,
  );
  assert.doesNotThrow(() => matmulAddRowRelu(a, w, b, z, z), "out may be z itself");
  const d = Matrix.zeros(4, 3),
    wt = Matrix.zeros(5, 3);
  assert.throws(
    () => matmulTransBTimesStep(d, Matrix.zeros(5, 4), z),
    /^RangeError: matmulTransBTimesStep: a is 4×3 but b is 5×4; for a·bᵀ the column counts must match, not 3 and 4\.$/,
  );
  assert.throws(
    () => matmulTransBTimesStep(d, wt, Matrix.zeros(4, 4)),
    /^RangeError: matmulTransBTimesStep: the product is 4×5 but mask is 4×4; elementwise operations need equal shapes\.$/,
  );
  assert.throws(
    () => matmulTransBTimesStep(d, wt, Matrix.zeros(4, 5, "float32")),
    /^TypeError: matmulTransBTimesStep: a is float64 but mask is float32;/,
  );
  assert.throws(() => matmulTransBTimesStep(d, wt, z, z), /^Error: matmulTransBTimesStep: out must not be mask \(or share its memory\)/);
});
