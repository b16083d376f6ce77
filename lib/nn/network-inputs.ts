/**
 * What a Network accepts as data, turned into the matrices it computes with. X may be a
 * Matrix or nested arrays; y may also be a list of class labels, which becomes one-hot
 * rows (or a column, for one output). Every shape and value is checked here, so a
 * mistake is reported where it was made, naming the method and how to fix it, instead
 * of as a NaN epochs later.
 */
import { firstNonFinite } from "../core/checks";
import { Matrix, type DType } from "../core/matrix";
import type { Loss } from "./losses";

/** Inputs: a Matrix (one row per sample) or nested arrays. */
export type Inputs = Matrix | readonly (readonly number[])[];
/** Targets: a Matrix or nested arrays (one row per sample), or a list of class labels. */
export type Targets = Matrix | readonly (readonly number[])[] | readonly number[];

/** Nested arrays or a Matrix, as a Matrix of the given dtype (converted when needed). */
export function toMatrix(where: string, name: string, X: Matrix | readonly (readonly number[])[], dtype: DType): Matrix {
  if (X instanceof Matrix) return X.dtype === dtype ? X : X.astype(dtype);
  if (!Array.isArray(X)) throw new TypeError(`${where}: ${name} must be a Matrix or an array of rows, got ${typeof X}.`);
  if (X.length > 0 && !Array.isArray(X[0])) {
    throw new TypeError(`${where}: ${name} must be an array of rows like [[0, 1], [1, 0]]; got a flat array.`);
  }
  X.forEach((row, i) => {
    if (row.length !== X[0].length) {
      throw new RangeError(
        `${where}: ${name} row ${i} has ${row.length} entries but row 0 has ${X[0].length}; every row needs the same number.`,
      );
    }
  });
  return Matrix.fromArray(X, dtype);
}

/** X as a Matrix of `dtype` with one column per input unit, after checking its shape and values. */
export function inputMatrix(where: string, X: Inputs, inputUnits: number, dtype: DType): Matrix {
  const m = toMatrix(where, "X", X, dtype);
  if (m.rows === 0) throw new RangeError(`${where}: X is empty (0 samples).`);
  if (m.cols !== inputUnits) {
    throw new RangeError(`${where}: X has ${m.cols} columns (features) but the input layer has ${inputUnits} units; they must match.`);
  }
  const bad = firstNonFinite(m);
  if (bad) throw new RangeError(`${where}: X contains ${bad}; clean the data first.`);
  return m;
}

/**
 * Targets as a Matrix of `dtype` with one row per sample and one column per output
 * unit. A list of class labels becomes one-hot rows (several outputs) or a column (one
 * output); with ±1 losses (hinge, logistic), labels 0/1 become −1/+1.
 */
export function targetMatrix(where: string, y: Targets, rows: number, outputUnits: number, loss: Loss, dtype: DType): Matrix {
  const k = outputUnits;
  let m: Matrix;
  if (!(y instanceof Matrix) && (y.length === 0 || typeof y[0] === "number")) {
    const labels = y as readonly number[];
    if (labels.length !== rows) {
      throw new RangeError(`${where}: X has ${rows} samples but y has ${labels.length} labels; give one per sample.`);
    }
    if (k === 1) {
      const toSign = loss.targets === "sign" && labels.every((v) => v === 0 || v === 1);
      m = Matrix.fromData(
        rows,
        1,
        labels.map((v) => (toSign ? 2 * v - 1 : v)),
        dtype,
      );
    } else {
      m = Matrix.zeros(rows, k, dtype);
      labels.forEach((c, i) => {
        if (!Number.isInteger(c) || c < 0 || c >= k) {
          throw new RangeError(
            `${where}: label ${i} is ${c}, but the output layer has ${k} units, so labels must be whole numbers 0 to ${k - 1}.`,
          );
        }
        m.data[i * k + c] = 1;
      });
    }
  } else {
    m = toMatrix(where, "y", y as Matrix | readonly (readonly number[])[], dtype);
    if (m.rows !== rows) throw new RangeError(`${where}: X has ${rows} samples but y has ${m.rows} rows; give one per sample.`);
    if (m.cols !== k) {
      throw new RangeError(`${where}: y has ${m.cols} columns but the output layer has ${k} units; they must match.`);
    }
  }
  const bad = firstNonFinite(m);
  if (bad) throw new RangeError(`${where}: y contains ${bad}; clean the targets first.`);
  return m;
}
