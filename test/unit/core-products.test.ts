import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Matrix, matmul, matmulTransA, matmulTransB, configureKernels, kernelsReady, type DType } from "../../lib/core";
import { Random } from "../../lib/data/random";

/** The library's seeded generator, so the random shapes and values are the same on every run. */
function prng(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

function randomMatrix(rows: number, cols: number, dtype: DType, rand: () => number): Matrix {
  const m = Matrix.zeros(rows, cols, dtype);
  for (let i = 0; i < m.data.length; i++) m.data[i] = 2 * rand() - 1;
  return m;
}

type Variant = "nn" | "tn" | "nt";

/** The textbook triple loop, in float64, on the operands as stored. */
function naive(variant: Variant, a: Matrix, b: Matrix): number[][] {
  const at = (i: number, p: number) => (variant === "tn" ? a.data[p * a.cols + i]! : a.data[i * a.cols + p]!);
  const bt = (p: number, j: number) => (variant === "nt" ? b.data[j * b.cols + p]! : b.data[p * b.cols + j]!);
  const m = variant === "tn" ? a.cols : a.rows;
  const k = variant === "tn" ? a.rows : a.cols;
  const n = variant === "nt" ? b.rows : b.cols;
  const out: number[][] = [];
  for (let i = 0; i < m; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += at(i, p) * bt(p, j);
      row.push(s);
    }
    out.push(row);
  }
  return out;
}

/** Operands for C (m×n) = op(A)·op(B) with inner size k. */
function operands(variant: Variant, m: number, n: number, k: number, dtype: DType, rand: () => number): [Matrix, Matrix] {
  const a = variant === "tn" ? randomMatrix(k, m, dtype, rand) : randomMatrix(m, k, dtype, rand);
  const b = variant === "nt" ? randomMatrix(n, k, dtype, rand) : randomMatrix(k, n, dtype, rand);
  return [a, b];
}

const product = { nn: matmul, tn: matmulTransA, nt: matmulTransB };

function assertClose(got: Matrix, want: number[][], dtype: DType, k: number, what: string): void {
  assert.equal(got.rows, want.length, `${what}: rows`);
  const tol = dtype === "float64" ? 1e-12 * (k + 1) : 2e-6 * (k + 1);
  for (let i = 0; i < got.rows; i++) {
    assert.equal(got.cols, want[i]!.length, `${what}: cols`);
    for (let j = 0; j < got.cols; j++) {
      const g = got.data[i * got.cols + j]!,
        w = want[i]![j]!;
      if (!(Math.abs(g - w) <= tol * (1 + Math.abs(w)))) {
        assert.fail(`${what}: entry (${i}, ${j}) is ${g}, expected ${w} (tolerance ${tol})`);
      }
    }
  }
}

// Shapes chosen to hit every code path: 1×n, n×1, k = 1, sizes below, at and just past
// the tile sizes (4×8 for float32, 4×4 for float64, 3×2 dot-product tiles), and products
// large enough to be shared between threads.
const fixedShapes: [number, number, number][] = [
  [1, 1, 1],
  [1, 9, 5],
  [7, 1, 5],
  [6, 7, 1],
  [1, 300, 17],
  [300, 1, 17],
  [4, 8, 4],
  [5, 9, 3],
  [3, 7, 2],
  [8, 16, 8],
  [13, 30, 7],
  [9, 17, 33],
  [31, 33, 65],
  [67, 131, 45],
  [130, 37, 90],
  [64, 300, 20],
  [257, 19, 64],
];

function shapesFor(seed: number): [number, number, number][] {
  const rand = prng(seed);
  const shapes = [...fixedShapes];
  for (let s = 0; s < 12; s++) shapes.push([1 + Math.floor(rand() * 90), 1 + Math.floor(rand() * 90), 1 + Math.floor(rand() * 90)]);
  return shapes;
}

function checkAll(label: string): void {
  const rand = prng(12345);
  for (const dtype of ["float32", "float64"] as const) {
    for (const [m, n, k] of shapesFor(99)) {
      for (const variant of ["nn", "tn", "nt"] as const) {
        const [a, b] = operands(variant, m, n, k, dtype, rand);
        const c = product[variant](a, b);
        assert.equal(c.dtype, dtype);
        assertClose(c, naive(variant, a, b), dtype, k, `${label} ${variant} ${dtype} ${m}×${n}×${k}`);
      }
    }
  }
}

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
