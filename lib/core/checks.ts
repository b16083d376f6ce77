/**
 * Argument checks shared by the core operations and the trainers built on them. Each
 * error names the operation, what was wrong and how to fix it, because learners meet
 * these messages first.
 */
import { Matrix, type DType } from "./matrix";

/** "3×4": how shapes appear in messages. */
export function shapeText(m: Matrix): string {
  return `${m.rows}×${m.cols}`;
}

/**
 * Throws unless the learning rate η is a finite number > 0. Every trainer (perceptron,
 * ADALINE, Hebb, the optimizers, Network.train) runs this one check: η = Infinity would
 * turn the first step's weights into Infinity and NaN, which only shows epochs later.
 */
export function checkLearningRate(where: string, learningRate: number): void {
  if (typeof learningRate !== "number" || !Number.isFinite(learningRate) || learningRate <= 0) {
    throw new RangeError(`${where}: the learning rate must be a finite number > 0, got ${learningRate}.`);
  }
}

/**
 * Where the first NaN or ±Infinity sits in a matrix ("NaN at row 2, column 0"), or null
 * when every entry is a finite number.
 */
export function firstNonFinite(m: Matrix): string | null {
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) return `${d[i]} at row ${Math.floor(i / m.cols)}, column ${i % m.cols}`;
  }
  return null;
}

/** Throws unless `m` is a Matrix. */
export function checkMatrix(op: string, name: string, m: unknown): asserts m is Matrix {
  if (!(m instanceof Matrix)) {
    throw new TypeError(
      `${op}: ${name} must be a Matrix (got ${m === null ? "null" : typeof m}); build one with Matrix.fromArray([[...], ...]).`,
    );
  }
}

/** Throws unless a and b have the same dtype. */
export function checkSameDtype(op: string, a: Matrix, b: Matrix, aName = "a", bName = "b"): void {
  if (a.dtype !== b.dtype) {
    throw new TypeError(
      `${op}: ${aName} is ${a.dtype} but ${bName} is ${b.dtype}; convert one so both match, e.g. ${bName}.astype("${a.dtype}").`,
    );
  }
}

/** Throws unless a and b have the same shape. */
export function checkSameShape(op: string, a: Matrix, b: Matrix, aName = "a", bName = "b"): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${op}: ${aName} is ${shapeText(a)} but ${bName} is ${shapeText(b)}; elementwise operations need equal shapes.`);
  }
}

/**
 * Returns `out` after checking it is a rows×cols matrix of `dtype`, or a new zero matrix
 * when `out` is undefined. `name` names a required output other than `out` in messages;
 * such an output must be given.
 */
export function outMatrix(op: string, out: Matrix | undefined, rows: number, cols: number, dtype: DType, name = "out"): Matrix {
  if (out === undefined && name === "out") return Matrix.zeros(rows, cols, dtype);
  checkMatrix(op, name, out);
  const orLeaveOut = name === "out" ? " or leave it out" : "";
  const one = name === "out" ? "an out" : `a ${name}`;
  if (out.rows !== rows || out.cols !== cols) {
    throw new RangeError(`${op}: ${name} is ${shapeText(out)} but the result is ${rows}×${cols}; pass ${one} of that shape${orLeaveOut}.`);
  }
  if (out.dtype !== dtype) {
    throw new TypeError(`${op}: ${name} is ${out.dtype} but the result is ${dtype}; pass ${one} of dtype "${dtype}"${orLeaveOut}.`);
  }
  return out;
}

/** Throws when `out` shares memory with an input (products cannot write over their inputs). */
export function checkNoAlias(op: string, out: Matrix, a: Matrix, b: Matrix): void {
  if (sharesMemory(out, a) || sharesMemory(out, b)) {
    throw new Error(
      `${op}: out must not be a or b (or share their memory); a product reads its inputs while writing out. Use a separate out matrix.`,
    );
  }
}

/** Whether x and y overlap in memory. */
export function sharesMemory(x: Matrix, y: Matrix): boolean {
  if (x.data.buffer !== y.data.buffer) return false;
  const x0 = x.data.byteOffset;
  const x1 = x0 + x.data.byteLength;
  const y0 = y.data.byteOffset;
  const y1 = y0 + y.data.byteLength;
  return x0 < y1 && y0 < x1 && x.data.length > 0 && y.data.length > 0;
}
