/**
 * The numeric core: a small dense matrix type and the operations a neural network needs.
 *
 *   import { Matrix, matmul, addRowVector, maximum } from "nncourse";
 *
 *   const X = Matrix.fromArray([[0, 0], [0, 1], [1, 0], [1, 1]]);   // 4 samples × 2 features
 *   const W = Matrix.fromArray([[1, -1, 0.5], [2, 1, -0.5]]);        // 2 inputs × 3 units
 *   const b = Matrix.fromArray([[0.1, 0.2, 0.3]]);                    // 1 × 3 bias row
 *   const Z = addRowVector(matmul(X, W), b);                          // 4 × 3: Z = X·W + b
 *   const A = maximum(Z, 0);                                          // ReLU: max(z, 0)
 *
 * Conventions (the whole library follows them):
 *
 * - A Matrix is `rows × cols` numbers stored ROW-MAJOR in one typed array `data`:
 *   the entry in row i, column j is `data[i * cols + j]`.
 * - SAMPLES ARE ROWS. A batch of inputs X is `batch × features`; a layer's weights W are
 *   `inputs × outputs`; its bias b is a `1 × outputs` row. The layer computes
 *   `Z = X·W + b` (`addRowVector(matmul(X, W), b)`), one output row per sample.
 *   Backprop then reads naturally: `dW = Xᵀ·dZ` (`matmulTransA(X, dZ)`),
 *   `db = sumColumns(dZ)`, `dX = dZ·Wᵀ` (`matmulTransB(dZ, W)`).
 * - `dtype` is "float64" (the default: exact enough for gradient checks) or "float32"
 *   (half the memory, and the fast path for training). Operations never mix dtypes;
 *   convert with `m.astype("float32")`.
 * - Functions that produce a matrix take an optional `out` as their last argument. Pass a
 *   matrix of the right shape and dtype to reuse its memory instead of allocating a new
 *   one (a training loop that reuses its buffers makes no garbage). Without `out` a new
 *   matrix is returned. Functions whose name ends in `InPlace`, and `apply`, change their
 *   first argument.
 *
 * The API, by module:
 *
 * - matrix.ts (this file): `Matrix` and `DType`. Create with `Matrix.zeros`, `Matrix.fill`,
 *   `Matrix.fromArray`, `Matrix.fromData`, `Matrix.generate`; read and write with `get`,
 *   `set`, `row`, `toArray`; `clone`, `shape`, `map`, `astype`, `toString`.
 * - products.ts: `matmul(a, b)` = a·b, `matmulTransA(a, b)` = aᵀ·b, `matmulTransB(a, b)` =
 *   a·bᵀ. They check shapes and dtypes and run on the fastest kernel available (see
 *   kernels.ts), with the same results as the textbook triple loop up to rounding.
 * - ops.ts: elementwise `add`, `sub`, `hadamard` (elementwise product), `scale`;
 *   broadcasting `addRowVector` (add a bias row to every row), `sumColumns`
 *   (n×m → 1×m); `transpose`; `apply(m, f)` (in place); `addScaledInPlace(target, x, alpha)`
 *   (target += alpha·x, the SGD update); `argmaxRows` (predicted class per sample);
 *   `maximum(Z, 0)` (ReLU) and `keepWherePositive(dA, Z)` (ReLU's backward pass).
 * - resident.ts: `residentZeros`, `residentCopy`: matrices that live where the kernels
 *   compute, so that products and training steps on them copy nothing (the library's
 *   networks keep their weights and training buffers so; a learner never needs to).
 * - kernels.ts: `configureKernels`, `kernelInfo`, `kernelsReady`: which kernels do the
 *   work. Nothing to set up: on first use the library compiles WebAssembly SIMD kernels
 *   (products shared with helper threads when large) and falls back to plain JavaScript
 *   where WebAssembly SIMD is missing. The functions stay ordinary synchronous calls.
 *
 * Reading the code: matrix.ts, checks.ts, ops.ts and products.ts are the part written to
 * be read. gemm-js.ts and wasm/ are the fast kernels behind them; their comments explain
 * the tricks (register tiling, SIMD, threads) for the curious.
 */

/** The element type of a matrix: 32-bit floats (fast) or 64-bit floats (precise). */
export type DType = "float32" | "float64";

/** The typed array behind a matrix. */
export type MatrixData = Float32Array | Float64Array;

/** Makes a zeroed typed array of the given dtype and length. */
export function allocData(dtype: DType, length: number): MatrixData {
  if (dtype === "float32") return new Float32Array(length);
  if (dtype === "float64") return new Float64Array(length);
  throw new TypeError(`Unknown dtype ${JSON.stringify(dtype)}: use "float32" or "float64".`);
}

/** The dtype of a typed array. */
export function dtypeOf(data: MatrixData): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  throw new TypeError("Matrix data must be a Float32Array or a Float64Array.");
}

function checkSize(where: string, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`${where}: the shape ${rows}×${cols} is not valid; rows and cols must be whole numbers ≥ 0.`);
  }
}

/** A dense `rows × cols` matrix of numbers, stored row-major in `data`. */
export class Matrix {
  readonly rows: number;
  readonly cols: number;
  /** The numbers, row after row: entry (i, j) is `data[i * cols + j]`. */
  readonly data: MatrixData;

  /**
   * Wraps `data` (not copied) as a `rows × cols` matrix. Most code uses the static
   * constructors instead: `Matrix.zeros`, `Matrix.fromArray`, `Matrix.fromData`.
   */
  constructor(rows: number, cols: number, data: MatrixData) {
    checkSize("new Matrix", rows, cols);
    dtypeOf(data);
    if (data.length !== rows * cols) {
      throw new RangeError(`new Matrix: a ${rows}×${cols} matrix needs ${rows * cols} numbers but data has ${data.length}.`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  /** "float32" or "float64". */
  get dtype(): DType {
    return this.data instanceof Float32Array ? "float32" : "float64";
  }

  /** A `rows × cols` matrix of zeros. */
  static zeros(rows: number, cols: number, dtype: DType = "float64"): Matrix {
    checkSize("Matrix.zeros", rows, cols);
    return new Matrix(rows, cols, allocData(dtype, rows * cols));
  }

  /** A `rows × cols` matrix with every entry equal to `value`. */
  static fill(rows: number, cols: number, value: number, dtype: DType = "float64"): Matrix {
    const m = Matrix.zeros(rows, cols, dtype);
    m.data.fill(value);
    return m;
  }

  /** The `n × n` identity matrix. */
  static eye(n: number, dtype: DType = "float64"): Matrix {
    const m = Matrix.zeros(n, n, dtype);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }

  /** A `rows × cols` matrix whose entry (i, j) is `f(i, j)`. */
  static generate(rows: number, cols: number, f: (i: number, j: number) => number, dtype: DType = "float64"): Matrix {
    const m = Matrix.zeros(rows, cols, dtype);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.data[i * cols + j] = f(i, j);
    return m;
  }

  /** A matrix from nested arrays, one inner array per row: `Matrix.fromArray([[1, 2], [3, 4]])`. */
  static fromArray(rows: readonly (readonly number[])[], dtype: DType = "float64"): Matrix {
    if (!Array.isArray(rows)) throw new TypeError("Matrix.fromArray: expected an array of rows, like [[1, 2], [3, 4]].");
    const n = rows.length;
    for (let i = 0; i < n; i++) {
      if (!Array.isArray(rows[i])) {
        throw new TypeError(`Matrix.fromArray: row ${i} is not an array; for a single row write [[1, 2, 3]].`);
      }
    }
    const m = n === 0 ? 0 : rows[0]!.length;
    const out = Matrix.zeros(n, m, dtype);
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      if (row.length !== m) {
        throw new RangeError(`Matrix.fromArray: row 0 has ${m} numbers but row ${i} has ${row.length}; all rows must be equally long.`);
      }
      for (let j = 0; j < m; j++) out.data[i * m + j] = row[j]!;
    }
    return out;
  }

  /**
   * A `rows × cols` matrix over flat row-major `data`. A typed array is used as it is
   * (not copied) and sets the dtype; a plain number array is copied into a new typed
   * array of `dtype` (default "float64").
   */
  static fromData(rows: number, cols: number, data: MatrixData | readonly number[], dtype?: DType): Matrix {
    checkSize("Matrix.fromData", rows, cols);
    if (data instanceof Float32Array || data instanceof Float64Array) {
      if (dtype !== undefined && dtype !== dtypeOf(data)) {
        throw new TypeError(`Matrix.fromData: data is ${dtypeOf(data)} but dtype "${dtype}" was asked for; convert the data first.`);
      }
      return new Matrix(rows, cols, data);
    }
    if (data.length !== rows * cols) {
      throw new RangeError(`Matrix.fromData: a ${rows}×${cols} matrix needs ${rows * cols} numbers but data has ${data.length}.`);
    }
    const m = Matrix.zeros(rows, cols, dtype ?? "float64");
    m.data.set(data);
    return m;
  }

  /** `[rows, cols]`. */
  shape(): [number, number] {
    return [this.rows, this.cols];
  }

  private checkIndex(where: string, i: number, j: number): void {
    if (!(i >= 0 && i < this.rows && j >= 0 && j < this.cols && Number.isInteger(i) && Number.isInteger(j))) {
      throw new RangeError(
        `${where}(${i}, ${j}) is outside this ${this.rows}×${this.cols} matrix; rows go 0..${this.rows - 1}, columns 0..${this.cols - 1}.`,
      );
    }
  }

  /** The entry in row i, column j (both counted from 0). */
  get(i: number, j: number): number {
    this.checkIndex("get", i, j);
    return this.data[i * this.cols + j]!;
  }

  /** Sets the entry in row i, column j; returns this matrix. */
  set(i: number, j: number, v: number): this {
    this.checkIndex("set", i, j);
    this.data[i * this.cols + j] = v;
    return this;
  }

  /** Row i as a plain array (a copy). */
  row(i: number): number[] {
    this.checkIndex("row", i, 0);
    return Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols));
  }

  /** A copy with its own data. */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** A copy converted to another dtype (a plain copy when the dtype is the same). */
  astype(dtype: DType): Matrix {
    const out = Matrix.zeros(this.rows, this.cols, dtype);
    out.data.set(this.data);
    return out;
  }

  /** The entries as nested arrays, one per row. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    return out;
  }

  /** A new matrix with `f(value, i, j)` at each position (same dtype). */
  map(f: (value: number, i: number, j: number) => number): Matrix {
    const out = Matrix.zeros(this.rows, this.cols, this.dtype);
    const src = this.data;
    const dst = out.data;
    const cols = this.cols;
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < cols; j++) dst[i * cols + j] = f(src[i * cols + j]!, i, j);
    }
    return out;
  }

  /** A readable rendering, e.g. for `console.log`: at most 8 rows and 8 columns are shown. */
  toString(digits = 4): string {
    const showRows = Math.min(this.rows, 8);
    const showCols = Math.min(this.cols, 8);
    const lines: string[] = [`Matrix ${this.rows}×${this.cols} ${this.dtype}`];
    for (let i = 0; i < showRows; i++) {
      const cells: string[] = [];
      for (let j = 0; j < showCols; j++) cells.push(formatNumber(this.data[i * this.cols + j]!, digits).padStart(digits + 6));
      if (showCols < this.cols) cells.push("  …");
      lines.push(cells.join(" "));
    }
    if (showRows < this.rows) lines.push("  …");
    return lines.join("\n");
  }
}

function formatNumber(v: number, digits: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(digits - 1) : v.toFixed(digits);
}
