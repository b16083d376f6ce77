/**
 * A matrix product and the elementwise step that follows it in a layer, as one operation:
 *
 *   matmulAddRow(x, W, b)               x·W + b               a layer's z
 *   matmulAddRowRelu(x, W, b, z)        relu(x·W + b)         a ReLU layer's output (z kept)
 *   matmulTransBTimesStep(δ, W, z)      (δ·Wᵀ) ⊙ [z > 0]      the error passed back through a ReLU
 *
 * Each gives exactly the numbers of the separate operations it names (matmul then
 * addRowVector then keepWherePositive(z, z); matmulTransB then timesStep), so a loop
 * can use either. Why they exist: with the wasm kernels the elementwise step runs on each
 * block of the product while that block is still in the cache, on the thread that
 * computed it, so it is shared between threads like the product and costs no extra pass
 * over memory (see wasm/epilogue-module.ts). The training loops use them; the separate
 * operations are what the notebooks teach.
 */
import { type Matrix } from "./matrix";
import { checkMatrix, checkNoAlias, checkSameDtype, checkSameShape, outMatrix, sharesMemory, shapeText } from "./checks";
import { gemmThen } from "./kernels";

function checkProduct(op: string, a: Matrix, b: Matrix, inner: "nn" | "nt"): void {
  checkMatrix(op, "a", a);
  checkMatrix(op, "b", b);
  checkSameDtype(op, a, b);
  const [ka, kb] = inner === "nn" ? [a.cols, b.rows] : [a.cols, b.cols];
  if (ka !== kb) {
    const rule = inner === "nn" ? "the inner sizes (a's columns and b's rows)" : "for a·bᵀ the column counts";
    throw new RangeError(`${op}: a is ${shapeText(a)} but b is ${shapeText(b)}; ${rule} must match, not ${ka} and ${kb}.`);
  }
}

function checkRow(op: string, row: Matrix, a: Matrix, n: number): void {
  checkMatrix(op, "row", row);
  checkSameDtype(op, a, row, "a", "row");
  if (row.rows !== 1 || row.cols !== n) {
    throw new RangeError(`${op}: the product has ${n} columns so row must be 1×${n}, but it is ${shapeText(row)}.`);
  }
}

/** Refuses `out` sharing memory with an operand the step reads while out is written. */
function checkApart(op: string, outName: string, out: Matrix, name: string, x: Matrix): void {
  if (sharesMemory(out, x)) {
    throw new Error(
      `${op}: ${outName} must not be ${name} (or share its memory); it is read while ${outName} is written. Use a separate matrix.`,
    );
  }
}

/** a·b + row: the product with the 1×n `row` added to every row (z = x·W + b). */
export function matmulAddRow(a: Matrix, b: Matrix, row: Matrix, out?: Matrix): Matrix {
  const op = "matmulAddRow";
  checkProduct(op, a, b, "nn");
  checkRow(op, row, a, b.cols);
  const c = outMatrix(op, out, a.rows, b.cols, a.dtype);
  checkNoAlias(op, c, a, b);
  checkApart(op, "out", c, "row", row);
  gemmThen("nn", a.data, b.data, c.data, a.rows, b.cols, a.cols, "bias", row.data);
  return c;
}

/**
 * relu(a·b + row): writes z = a·b + row into `z` and returns out = (z > 0 ? z : 0),
 * a ReLU layer's forward pass. `out` may be `z` itself (ReLU in place).
 */
export function matmulAddRowRelu(a: Matrix, b: Matrix, row: Matrix, z: Matrix, out?: Matrix): Matrix {
  const op = "matmulAddRowRelu";
  checkProduct(op, a, b, "nn");
  checkRow(op, row, a, b.cols);
  const zm = outMatrix(op, z, a.rows, b.cols, a.dtype, "z");
  checkNoAlias(op, zm, a, b);
  checkApart(op, "z", zm, "row", row);
  const c = out === z ? zm : outMatrix(op, out, a.rows, b.cols, a.dtype);
  if (c !== zm) {
    checkNoAlias(op, c, a, b);
    checkApart(op, "out", c, "row", row);
    checkApart(op, "out", c, "z", zm);
  }
  gemmThen("nn", a.data, b.data, zm.data, a.rows, b.cols, a.cols, "bias_relu", row.data, c.data);
  return c;
}

/**
 * (a·bᵀ) ⊙ [mask > 0]: the product, kept where mask is positive and multiplied by 0
 * elsewhere, as timesStep multiplies (δ^(l−1) = δ^l (W^l)ᵀ ⊙ relu'(z^(l−1))).
 */
export function matmulTransBTimesStep(a: Matrix, b: Matrix, mask: Matrix, out?: Matrix): Matrix {
  const op = "matmulTransBTimesStep";
  checkProduct(op, a, b, "nt");
  checkMatrix(op, "mask", mask);
  checkSameDtype(op, a, mask, "a", "mask");
  const c = outMatrix(op, out, a.rows, b.rows, a.dtype);
  checkSameShape(op, c, mask, "the product", "mask");
  checkNoAlias(op, c, a, b);
  checkApart(op, "out", c, "mask", mask);
  gemmThen("nt", a.data, b.data, c.data, a.rows, b.rows, a.cols, "step", mask.data);
  return c;
}
