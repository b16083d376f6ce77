/**
 * Resident matrices: matrices whose numbers live in the memory the WebAssembly kernels
 * compute in, so that a product or a training step on them copies nothing in or out
 * (wasm/engine.ts explains the copies). To everything else they are ordinary matrices,
 * freed by the garbage collector like any other.
 *
 * The library's training loops keep their weights and buffers resident; a learner never
 * needs to. Where the kernels have no such memory (the JavaScript kernels, a runtime
 * without SharedArrayBuffer) or it is full, these give ordinary matrices.
 */
import { Matrix, type DType } from "./matrix";
import { residentArray } from "./kernels";

/** A rows × cols matrix of zeros, resident where possible. */
export function residentZeros(rows: number, cols: number, dtype: DType = "float64"): Matrix {
  const valid = Number.isInteger(rows) && Number.isInteger(cols) && rows >= 0 && cols >= 0 && (dtype === "float32" || dtype === "float64");
  const data = valid ? residentArray(dtype === "float32", rows * cols) : null;
  // Matrix.zeros also says what is wrong with an invalid shape or dtype.
  return data ? Matrix.fromData(rows, cols, data, dtype) : Matrix.zeros(rows, cols, dtype);
}

/** A resident copy of m (or an ordinary one where resident matrices are not available). */
export function residentCopy(m: Matrix): Matrix {
  const copy = residentZeros(m.rows, m.cols, m.dtype);
  copy.data.set(m.data);
  return copy;
}
