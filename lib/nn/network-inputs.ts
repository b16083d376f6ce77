/**
 * What a Network accepts as data, turned into the matrices it computes with. X may be a
 * Matrix or nested arrays; y may also be a list of class labels, which becomes one-hot
 * rows (or a column, for one output). Every shape and value is checked here, so a
 * mistake is reported where it was made, naming the method and how to fix it, instead
 * of as a NaN epochs later.
 */
import { firstNonFinite } from "../core/checks";
import { Matrix, type DType, type MatrixData } from "../core/matrix";
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
  const bad = allFinite(m) ? null : firstNonFinite(m);
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
  const bad = allFinite(m) ? null : firstNonFinite(m);
  if (bad) throw new RangeError(`${where}: y contains ${bad}; clean the targets first.`);
  return m;
}

/**
 * Whether every entry of m is a finite number: the quick test before firstNonFinite
 * looks for where the first bad one is. Network.train checks all of X on every call, and
 * this takes a third of firstNonFinite's time. x·0 is 0 for a finite x and NaN for NaN
 * or ±Infinity, so the sums stay 0 exactly when all entries are finite, with no branch
 * per entry. The scan goes block by block so that the JavaScript engine, which compiles
 * a function to fast code after it has been called often, does so within the first scan.
 */
export function allFinite(m: Matrix): boolean {
  const d = m.data;
  let sum = 0;
  for (let start = 0; start < d.length; start += FINITE_BLOCK) sum += zeroIfFinite(d, start, Math.min(d.length, start + FINITE_BLOCK));
  return sum === 0;
}

const FINITE_BLOCK = 4096;

/** Σ x·0 over d[start … end): 0 when all are finite, NaN otherwise (four sums, so the additions overlap). */
function zeroIfFinite(d: MatrixData, start: number, end: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    s0 += d[i] * 0;
    s1 += d[i + 1] * 0;
    s2 += d[i + 2] * 0;
    s3 += d[i + 3] * 0;
  }
  for (; i < end; i++) s0 += d[i] * 0;
  return s0 + s1 + s2 + s3;
}
