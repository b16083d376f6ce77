/**
 * Elementwise and broadcasting operations on matrices: the small steps between the
 * matrix products of a network (bias add, activations, gradients, SGD updates).
 *
 * Binary operations need equal shapes and equal dtypes. Functions that return a matrix
 * take an optional `out` (same shape and dtype as the result) to write into; `out` may
 * be one of the inputs, e.g. `add(a, b, a)` adds b into a.
 */
import { Matrix } from "./matrix";
import { checkMatrix, checkSameDtype, checkSameShape, outMatrix, shapeText, sharesMemory } from "./checks";
import {
  addRowKernel,
  axpy,
  gatherRowsKernel,
  keepWherePositiveKernel,
  maximumScalar,
  subtractScaled,
  sumColumnsKernel,
  timesStepKernel,
} from "./kernels";

function binaryChecks(op: string, a: Matrix, b: Matrix): void {
  checkMatrix(op, "a", a);
  checkMatrix(op, "b", b);
  checkSameDtype(op, a, b);
  checkSameShape(op, a, b);
}

/** a + b, entry by entry. */
export function add(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  binaryChecks("add", a, b);
  const c = outMatrix("add", out, a.rows, a.cols, a.dtype);
  const x = a.data,
    y = b.data,
    z = c.data;
  for (let i = 0, n = z.length; i < n; i++) z[i] = x[i]! + y[i]!;
  return c;
}

/** a − b, entry by entry. */
export function sub(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  binaryChecks("sub", a, b);
  const c = outMatrix("sub", out, a.rows, a.cols, a.dtype);
  const x = a.data,
    y = b.data,
    z = c.data;
  for (let i = 0, n = z.length; i < n; i++) z[i] = x[i]! - y[i]!;
  return c;
}

/** a ⊙ b: the elementwise (Hadamard) product, entry by entry. Not the matrix product. */
export function hadamard(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  binaryChecks("hadamard", a, b);
  const c = outMatrix("hadamard", out, a.rows, a.cols, a.dtype);
  const x = a.data,
    y = b.data,
    z = c.data;
  for (let i = 0, n = z.length; i < n; i++) z[i] = x[i]! * y[i]!;
  return c;
}

/** s·a: every entry multiplied by the number s. */
export function scale(a: Matrix, s: number, out?: Matrix): Matrix {
  checkMatrix("scale", "a", a);
  if (typeof s !== "number")
    throw new TypeError(`scale: s must be a number (got ${typeof s}); for an entrywise product use hadamard(a, b).`);
  const c = outMatrix("scale", out, a.rows, a.cols, a.dtype);
  const x = a.data,
    z = c.data;
  for (let i = 0, n = z.length; i < n; i++) z[i] = s * x[i]!;
  return c;
}

/** a + row for every row of a: adds a 1×n bias row to an m×n matrix. */
export function addRowVector(a: Matrix, row: Matrix, out?: Matrix): Matrix {
  const op = "addRowVector";
  checkMatrix(op, "a", a);
  checkMatrix(op, "row", row);
  checkSameDtype(op, a, row, "a", "row");
  if (row.rows !== 1 || row.cols !== a.cols) {
    throw new RangeError(`${op}: a is ${shapeText(a)} so row must be 1×${a.cols}, but it is ${shapeText(row)}.`);
  }
  const c = outMatrix(op, out, a.rows, a.cols, a.dtype);
  addRowKernel(a.data, row.data, c.data, a.rows, a.cols); // SIMD for large matrices, else a plain loop
  return c;
}

/** The sum of each column: an m×n matrix becomes a 1×n row (the bias gradient db). */
export function sumColumns(a: Matrix, out?: Matrix): Matrix {
  checkMatrix("sumColumns", "a", a);
  const c = outMatrix("sumColumns", out, 1, a.cols, a.dtype);
  if (c.data === a.data) throw new Error("sumColumns: out must be a different matrix from a.");
  sumColumnsKernel(a.data, c.data, a.rows, a.cols); // SIMD for large matrices, else a plain loop
  return c;
}

/** aᵀ: rows become columns. `out` must not be `a`. */
export function transpose(a: Matrix, out?: Matrix): Matrix {
  checkMatrix("transpose", "a", a);
  const c = outMatrix("transpose", out, a.cols, a.rows, a.dtype);
  if (c.data === a.data && a.data.length > 1) throw new Error("transpose: out must be a different matrix from a.");
  const x = a.data,
    z = c.data,
    m = a.rows,
    n = a.cols;
  // Blocks of 32×32 keep both the rows read and the rows written in cache.
  for (let i0 = 0; i0 < m; i0 += 32) {
    const i1 = Math.min(m, i0 + 32);
    for (let j0 = 0; j0 < n; j0 += 32) {
      const j1 = Math.min(n, j0 + 32);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) z[j * m + i] = x[i * n + j]!;
    }
  }
  return c;
}

/** Replaces every entry v of m by f(v, i, j), in place, and returns m. */
export function apply(m: Matrix, f: (value: number, i: number, j: number) => number): Matrix {
  checkMatrix("apply", "m", m);
  if (typeof f !== "function") throw new TypeError("apply: f must be a function like (v) => Math.max(0, v).");
  const x = m.data,
    n = m.cols;
  for (let i = 0; i < m.rows; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) x[o + j] = f(x[o + j]!, i, j);
  }
  return m;
}

/** target += alpha·x, in place (the "axpy" of linear algebra; SGD is `addScaledInPlace(W, dW, -lr)`). */
export function addScaledInPlace(target: Matrix, x: Matrix, alpha: number): Matrix {
  const op = "addScaledInPlace";
  checkMatrix(op, "target", target);
  checkMatrix(op, "x", x);
  checkSameDtype(op, target, x, "target", "x");
  checkSameShape(op, target, x, "target", "x");
  if (typeof alpha !== "number") throw new TypeError(`${op}: alpha must be a number (got ${typeof alpha}).`);
  axpy(target.data, x.data, alpha); // a SIMD kernel for large matrices, else a plain loop
  return target;
}

/**
 * target −= eta·x, in place: SGD's step θ ← θ − η·g. Each entry is computed exactly as
 * the loop `target[i] -= eta * x[i]` would (in float64, rounded once where it is
 * stored), so the dtypes may differ. For float32 this is a little slower than
 * `addScaledInPlace(target, x, -eta)`, which computes in float32.
 */
export function subtractScaledInPlace(target: Matrix, x: Matrix, eta: number): Matrix {
  const op = "subtractScaledInPlace";
  checkMatrix(op, "target", target);
  checkMatrix(op, "x", x);
  checkSameShape(op, target, x, "target", "x");
  if (typeof eta !== "number") throw new TypeError(`${op}: eta must be a number (got ${typeof eta}).`);
  subtractScaled(target.data, x.data, eta);
  return target;
}

/**
 * max(a, s) entry by entry, for a number s; `maximum(Z, 0)` is ReLU. NaN entries stay NaN.
 */
export function maximum(a: Matrix, s: number, out?: Matrix): Matrix {
  checkMatrix("maximum", "a", a);
  if (typeof s !== "number") throw new TypeError(`maximum: s must be a number (got ${typeof s}), as in maximum(Z, 0).`);
  const c = outMatrix("maximum", out, a.rows, a.cols, a.dtype);
  maximumScalar(a.data, s, c.data);
  return c;
}

/**
 * x where mask > 0, else 0, entry by entry: ReLU's backward pass is
 * `keepWherePositive(dA, Z)` (the gradient flows only where the unit was active).
 */
export function keepWherePositive(x: Matrix, mask: Matrix, out?: Matrix): Matrix {
  const op = "keepWherePositive";
  checkMatrix(op, "x", x);
  checkMatrix(op, "mask", mask);
  checkSameDtype(op, x, mask, "x", "mask");
  checkSameShape(op, x, mask, "x", "mask");
  const c = outMatrix(op, out, x.rows, x.cols, x.dtype);
  keepWherePositiveKernel(x.data, mask.data, c.data);
  return c;
}

/**
 * x ⊙ H(mask): x times the unit step of mask (1 where mask > 0, else 0), entry by entry.
 * ReLU's backward pass is `timesStep(dA, Z)`. Unlike keepWherePositive it multiplies, as
 * the textbook formula does: a negative x times 0 is −0, an infinite one NaN.
 */
export function timesStep(x: Matrix, mask: Matrix, out?: Matrix): Matrix {
  const op = "timesStep";
  checkMatrix(op, "x", x);
  checkMatrix(op, "mask", mask);
  checkSameDtype(op, x, mask, "x", "mask");
  checkSameShape(op, x, mask, "x", "mask");
  const c = outMatrix(op, out, x.rows, x.cols, x.dtype);
  timesStepKernel(x.data, mask.data, c.data);
  return c;
}

/**
 * The rows of `source` listed in `rows`, in that order: a mini-batch of samples. Between
 * resident matrices (resident.ts) the rows are copied inside the kernels' memory, at
 * memcpy's speed.
 */
export function gatherRows(source: Matrix, rows: ArrayLike<number>, out?: Matrix): Matrix {
  const op = "gatherRows";
  checkMatrix(op, "source", source);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    if (!Number.isInteger(i) || i! < 0 || i! >= source.rows) {
      throw new RangeError(
        `${op}: rows[${r}] is ${i}, but source has rows 0 to ${source.rows - 1}; every index must be a whole number in that range.`,
      );
    }
  }
  const c = outMatrix(op, out, rows.length, source.cols, source.dtype);
  if (sharesMemory(c, source)) {
    throw new Error(`${op}: out must not be source (or share its memory); use a separate matrix for the gathered rows.`);
  }
  gatherRowsKernel(source.data, rows, source.cols, c.data);
  return c;
}

/** For each row, the column index of its largest entry (the predicted class per sample). */
export function argmaxRows(a: Matrix): number[] {
  checkMatrix("argmaxRows", "a", a);
  if (a.cols === 0) throw new RangeError(`argmaxRows: a is ${shapeText(a)}; rows need at least one column.`);
  const x = a.data,
    n = a.cols,
    out: number[] = new Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    const o = i * n;
    let best = 0,
      bestV = x[o]!;
    for (let j = 1; j < n; j++) {
      const v = x[o + j]!;
      if (v > bestV) {
        bestV = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}
