/**
 * Matrix products: the three shapes backprop needs.
 *
 *   matmul(a, b)        a·b     forward pass      Z  = X·W
 *   matmulTransA(a, b)  aᵀ·b    weight gradient   dW = Xᵀ·dZ
 *   matmulTransB(a, b)  a·bᵀ    input gradient    dX = dZ·Wᵀ
 *
 * The transposed variants never build the transpose: they read the operand in the other
 * order, which saves the copy. Each checks shapes and dtypes, takes an optional `out`
 * to write into, and runs on the fastest kernel available (see kernels.ts).
 */
import { type Matrix } from "./matrix";
import { checkMatrix, checkNoAlias, checkSameDtype, outMatrix, shapeText } from "./checks";
import { gemm } from "./kernels";

function checkOperands(op: string, a: Matrix, b: Matrix): void {
  checkMatrix(op, "a", a);
  checkMatrix(op, "b", b);
  checkSameDtype(op, a, b);
}

/** a·b. `a` is m×k and `b` is k×n; the result is m×n. */
export function matmul(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  const op = "matmul";
  checkOperands(op, a, b);
  if (a.cols !== b.rows) {
    throw new RangeError(
      `${op}: a is ${shapeText(a)} but b is ${shapeText(b)}; the inner sizes ${a.cols} and ${b.rows} must match (a's columns = b's rows).`,
    );
  }
  const c = outMatrix(op, out, a.rows, b.cols, a.dtype);
  checkNoAlias(op, c, a, b);
  gemm("nn", a.data, b.data, c.data, a.rows, b.cols, a.cols);
  return c;
}

/** aᵀ·b without forming aᵀ. `a` is k×m and `b` is k×n; the result is m×n. */
export function matmulTransA(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  const op = "matmulTransA";
  checkOperands(op, a, b);
  if (a.rows !== b.rows) {
    throw new RangeError(
      `${op}: a is ${shapeText(a)} but b is ${shapeText(b)}; for aᵀ·b the row counts ${a.rows} and ${b.rows} must match.`,
    );
  }
  const c = outMatrix(op, out, a.cols, b.cols, a.dtype);
  checkNoAlias(op, c, a, b);
  gemm("tn", a.data, b.data, c.data, a.cols, b.cols, a.rows);
  return c;
}

/** a·bᵀ without forming bᵀ. `a` is m×k and `b` is n×k; the result is m×n. */
export function matmulTransB(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  const op = "matmulTransB";
  checkOperands(op, a, b);
  if (a.cols !== b.cols) {
    throw new RangeError(
      `${op}: a is ${shapeText(a)} but b is ${shapeText(b)}; for a·bᵀ the column counts ${a.cols} and ${b.cols} must match.`,
    );
  }
  const c = outMatrix(op, out, a.rows, b.rows, a.dtype);
  checkNoAlias(op, c, a, b);
  gemm("nt", a.data, b.data, c.data, a.rows, b.rows, a.cols);
  return c;
}
