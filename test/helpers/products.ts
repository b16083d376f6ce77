/**
 * Checking matrix products against the textbook triple loop, for the kernel tests
 * (core-products, core-relaxed-simd): seeded operands, shapes that reach every code
 * path of the kernels, and a tolerance that grows with the inner size.
 */
import assert from "node:assert/strict";
import { Matrix, matmul, matmulTransA, matmulTransB, type DType } from "../../lib/core";
import { Random } from "../../lib/data/random";

/** The library's seeded generator, so the random shapes and values are the same on every run. */
export function prng(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

function randomMatrix(rows: number, cols: number, dtype: DType, rand: () => number): Matrix {
  const m = Matrix.zeros(rows, cols, dtype);
  for (let i = 0; i < m.data.length; i++) m.data[i] = 2 * rand() - 1;
  return m;
}

export type Variant = "nn" | "tn" | "nt";

/** The textbook triple loop, in float64, on the operands as stored. */
export function naive(variant: Variant, a: Matrix, b: Matrix): number[][] {
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
export function operands(variant: Variant, m: number, n: number, k: number, dtype: DType, rand: () => number): [Matrix, Matrix] {
  const a = variant === "tn" ? randomMatrix(k, m, dtype, rand) : randomMatrix(m, k, dtype, rand);
  const b = variant === "nt" ? randomMatrix(n, k, dtype, rand) : randomMatrix(k, n, dtype, rand);
  return [a, b];
}

export const product = { nn: matmul, tn: matmulTransA, nt: matmulTransB };

export function assertClose(got: Matrix, want: number[][], dtype: DType, k: number, what: string): void {
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

export function shapesFor(seed: number): [number, number, number][] {
  const rand = prng(seed);
  const shapes = [...fixedShapes];
  for (let s = 0; s < 12; s++) shapes.push([1 + Math.floor(rand() * 90), 1 + Math.floor(rand() * 90), 1 + Math.floor(rand() * 90)]);
  return shapes;
}

export function checkAll(label: string): void {
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
