/**
 * Chooses the kernels behind the core operations: the matrix products, and the
 * elementwise operations that matter in training (SGD update, ReLU and its backward
 * pass, bias add, column sums).
 *
 * - "wasm": WebAssembly SIMD kernels (wasm/), products shared with helper threads when
 *   large. The fast path; needs WebAssembly fixed-width SIMD (Node ≥ 16.4, all current
 *   browsers).
 * - "js": JavaScript loops (gemm-js.ts, and the loops below). Always available; used
 *   for small operands (where calling into WebAssembly costs more than it saves) and
 *   whenever WebAssembly SIMD is missing.
 *
 * Where the JavaScript engine has WebAssembly's relaxed-SIMD extension (every supported
 * Node: on by default from Node 22, and turned on by this module in Node 20, see
 * allowRelaxedSimdOnNode20), the wasm products multiply and add in one instruction
 * (`relaxed_madd`), which on CPUs with fused multiply-add (x64 with FMA3, every arm64)
 * also rounds once instead of twice: up to 1.5 times faster.
 *
 * All give the same results up to floating-point rounding, and each gives exactly the
 * same results every time on a given machine, whatever the thread count: a product's
 * entry is always summed in the same order by the same instructions. Fused and unfused
 * kernels differ in the last bits; since every supported Node runs the fused ones, a
 * seeded run prints the same figures on Node 20, 22, 24 and 26 (on the same machine).
 * `configureKernels` changes the choice (tests and
 * benchmarks use it); the environment variables NNCOURSE_KERNELS=js|wasm,
 * NNCOURSE_THREADS=n and NNCOURSE_RELAXED_SIMD=0|1 set the defaults.
 */
import os from "node:os";
import type { MatrixData } from "./matrix";
import { gemmNN, gemmNT, gemmTN } from "./gemm-js";
import { WasmEngine } from "./wasm/engine";
import type { EpilogueKind } from "./wasm/epilogue-module";
import { gemmModuleBytes } from "./wasm/gemm-module";
import { webAssembly } from "./wasm/webassembly-api";

/** Which operand is used transposed: "nn" a·b, "tn" aᵀ·b, "nt" a·bᵀ. */
export type GemmVariant = "nn" | "tn" | "nt";

/** Kernel settings; see configureKernels. */
export interface KernelOptions {
  /** "auto" (default): WebAssembly SIMD when available, else JavaScript. */
  backend?: "auto" | "wasm" | "js";
  /** Threads for large products, including the caller's; default: the CPU count, at most 4. */
  threads?: number;
  /** Multiply-add with relaxed SIMD in the wasm products; default: where the engine has it. */
  relaxedSimd?: boolean;
}

/** What configureKernels chose and what the platform offers. */
export interface KernelInfo {
  backend: "wasm" | "js";
  threads: number;
  /** Whether WebAssembly SIMD kernels could be compiled here. */
  wasmSimd: boolean;
  /** Whether the wasm products use relaxed SIMD's multiply-add. */
  relaxedSimd: boolean;
  /** Why the wasm backend is not in use, when it is not. */
  reason?: string;
}

/** Products with fewer multiply-adds than this stay in JavaScript. */
const WASM_MIN_WORK = 1024;
/** Elementwise operations on fewer elements than this stay in JavaScript. */
const WASM_MIN_ELEMENTS = 1024;

let engine: WasmEngine | null = null;
let wasmError: string | undefined;
let backend: "wasm" | "js" = "js";
let threads = 1;
let configured = false;

function defaultThreads(): number {
  const env = Number(process.env.NNCOURSE_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  const cpus = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, cpus));
}

/**
 * Picks the kernels for matrix products. Called once automatically with the defaults;
 * call it to force the JavaScript kernels (`{ backend: "js" }`) or to change the thread
 * count (`{ threads: 1 }` for no helper threads). Returns what is now in use.
 */
export function configureKernels(options: KernelOptions = {}): KernelInfo {
  const want = options.backend ?? (process.env.NNCOURSE_KERNELS as KernelOptions["backend"]) ?? "auto";
  if (want !== "auto" && want !== "wasm" && want !== "js") {
    throw new RangeError(`configureKernels: backend must be "auto", "wasm" or "js", not ${JSON.stringify(want)}.`);
  }
  const t = options.threads ?? defaultThreads();
  const relaxed = options.relaxedSimd ?? defaultRelaxedSimd();
  if (!Number.isInteger(t) || t < 1) throw new RangeError(`configureKernels: threads must be a whole number ≥ 1, not ${t}.`);
  if (relaxed && want !== "js" && !relaxedSimdAvailable()) {
    throw new Error(
      `configureKernels: this JavaScript engine has no WebAssembly relaxed SIMD (Node ${process.versions.node}); ` +
        "use Node 22 or later, start Node 20 with --experimental-wasm-relaxed-simd, or ask for relaxedSimd: false.",
    );
  }
  configured = true;
  engine?.dispose();
  engine = null;
  threads = 1;
  backend = "js";
  if (want !== "js") {
    try {
      engine = new WasmEngine({ threads: t, relaxedSimd: relaxed });
      backend = "wasm";
      threads = engine.threads;
      wasmError = undefined;
    } catch (e) {
      wasmError = `WebAssembly SIMD is not available here (${e instanceof Error ? e.message : String(e)})`;
      if (want === "wasm") throw new Error(`configureKernels: ${wasmError}; use backend "auto" or "js".`);
    }
  }
  return kernelInfo();
}

/** NNCOURSE_RELAXED_SIMD=0 or 1 when set, else whether the engine has relaxed SIMD. */
function defaultRelaxedSimd(): boolean {
  const env = process.env.NNCOURSE_RELAXED_SIMD?.trim();
  if (env === "0" || env === "1") return env === "1";
  if (env) throw new RangeError(`NNCOURSE_RELAXED_SIMD is "${env}"; set it to 0 or 1, or unset it to use relaxed SIMD where available.`);
  return relaxedSimdAvailable();
}

let relaxedProbe: boolean | undefined;
/** Whether this engine validates the relaxed-SIMD kernels (every supported Node, see allowRelaxedSimdOnNode20). */
export function relaxedSimdAvailable(): boolean {
  relaxedProbe ??= validatesRelaxedSimd() || (allowRelaxedSimdOnNode20() && validatesRelaxedSimd());
  return relaxedProbe;
}

function validatesRelaxedSimd(): boolean {
  try {
    return (
      webAssembly !== undefined &&
      webAssembly.validate(gemmModuleBytes({ initialPages: 1, maxPages: 1, shared: false }, { relaxedSimd: true }))
    );
  } catch {
    return false;
  }
}

/**
 * Node 20's V8 (11.3) has relaxed SIMD, complete, behind a flag that the next V8 turned on
 * by default (Node 22 and later, which no longer know the flag). Turning it on before the
 * kernels are compiled gives Node 20 the same kernels as every later Node: the same
 * figures from the same seed on all of them, and about a tenth faster training. The flag
 * lets WebAssembly modules use the extension and changes nothing else.
 *
 * Nothing changes where Node was started with --no-experimental-wasm-relaxed-simd, or
 * where the `v8` module is refused (a graded kernel, guard.ts: the grader starts Node 20
 * kernels with the flag instead). Returns whether it turned the flag on.
 */
function allowRelaxedSimdOnNode20(): boolean {
  if (process.versions.node.split(".")[0] !== "20" || process.execArgv.includes("--no-experimental-wasm-relaxed-simd")) return false;
  try {
    process.getBuiltinModule("node:v8").setFlagsFromString("--experimental-wasm-relaxed-simd");
    return true;
  } catch {
    return false;
  }
}

function ensureConfigured(): void {
  if (!configured) {
    configured = true;
    configureKernels();
  }
}

let simdProbe: boolean | undefined;
function wasmSimdAvailable(): boolean {
  if (simdProbe === undefined) {
    try {
      simdProbe = webAssembly !== undefined && webAssembly.validate(gemmModuleBytes({ initialPages: 1, maxPages: 1, shared: false }));
    } catch {
      simdProbe = false;
    }
  }
  return simdProbe === true;
}

/** The kernels in use. */
export function kernelInfo(): KernelInfo {
  ensureConfigured();
  const info: KernelInfo = {
    backend,
    threads,
    wasmSimd: backend === "wasm" || wasmSimdAvailable(),
    relaxedSimd: engine?.relaxedSimd ?? false,
  };
  if (backend === "js") info.reason = wasmError ?? "the JavaScript kernels were chosen";
  return info;
}

/**
 * Resolves once the helper threads for large products are running (they start in the
 * background on first use, and until then products run on the calling thread alone).
 * Benchmarks await this before timing; nothing else needs to.
 */
export async function kernelsReady(timeoutMs = 5000): Promise<KernelInfo> {
  ensureConfigured();
  const deadline = Date.now() + timeoutMs;
  while (engine !== null && engine.threads > 1 && !engine.startHelpers() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return kernelInfo();
}

/**
 * A zeroed array of `length` numbers in the wasm kernels' shared memory, which products
 * and elementwise kernels use in place (see wasm/engine.ts); null on the JavaScript
 * kernels, without SharedArrayBuffer, or when that memory is full.
 */
export function residentArray(f32: boolean, length: number): MatrixData | null {
  if (!configured) ensureConfigured();
  return engine?.residentArray(f32, length) ?? null;
}

/** C (m×n) = op(A)·op(B) with inner size k; c is overwritten. */
export function gemm(variant: GemmVariant, a: MatrixData, b: MatrixData, c: MatrixData, m: number, n: number, k: number): void {
  if (!configured) ensureConfigured();
  if (k === 0) {
    c.fill(0, 0, m * n);
    return;
  }
  if (m === 0 || n === 0) return;
  if (engine !== null && m * n * k >= WASM_MIN_WORK && engine.gemm(variant, a, b, c, m, n, k)) return;
  if (variant === "nn") gemmNN(a, b, c, m, n, k);
  else if (variant === "tn") gemmTN(a, b, c, m, n, k);
  else gemmNT(a, b, c, m, n, k);
}

/**
 * C (m×n) = op(A)·op(B), then an elementwise step on C (see wasm/epilogue-module.ts):
 *   "bias":      C += row p (1×n);
 *   "bias_relu": C += row p, and q = C > 0 ? C : 0 (q may be c);
 *   "step":      C = C · (p > 0 ? 1 : 0), with p m×n.
 * On the wasm kernels the step runs on each block of C as it is computed, by the thread
 * that computed it; elsewhere it runs after the product, with the kernels of the
 * separate operations. The numbers are the same either way.
 */
export function gemmThen(
  variant: GemmVariant,
  a: MatrixData,
  b: MatrixData,
  c: MatrixData,
  m: number,
  n: number,
  k: number,
  kind: EpilogueKind,
  p: MatrixData,
  q?: MatrixData,
): void {
  if (!configured) ensureConfigured();
  if (engine !== null && m * n * k >= WASM_MIN_WORK && engine.gemm(variant, a, b, c, m, n, k, { kind, p, q })) return;
  gemm(variant, a, b, c, m, n, k);
  if (kind === "step") timesStepKernel(c, p, c);
  else {
    addRowKernel(c, p, c, m, n);
    if (kind === "bias_relu") keepWherePositiveKernel(c, c, q!);
  }
}

/** out's row r = source's row rows[r], rows of `cols` entries (the caller has checked the indices). */
export function gatherRowsKernel(source: MatrixData, rows: ArrayLike<number>, cols: number, out: MatrixData): void {
  if (!configured) ensureConfigured();
  if (engine !== null && engine.gatherRows(source, rows, cols, out)) return;
  for (let r = 0; r < rows.length; r++) {
    const from = rows[r]! * cols;
    out.set(source.subarray(from, from + cols), r * cols);
  }
}

/** t += alpha·x over whole arrays of equal length (the SGD update). */
export function axpy(t: MatrixData, x: MatrixData, alpha: number): void {
  if (!configured) ensureConfigured();
  let i = 0;
  if (engine !== null && t.length >= WASM_MIN_ELEMENTS) i = Math.max(0, engine.map("axpy", [t, x], t, alpha));
  for (const n = t.length; i < n; i++) t[i]! += alpha * x[i]!;
}

/**
 * t −= eta·x over whole arrays of equal length, each entry exactly as the loop
 * `t[i] -= eta * x[i]` computes it (in float64, rounded once where it is stored), so that
 * SGD gives the weights of the plain loop. Arrays of different dtypes take the loop.
 */
export function subtractScaled(t: MatrixData, x: MatrixData, eta: number): void {
  if (!configured) ensureConfigured();
  let i = 0;
  if (engine !== null && t.length >= WASM_MIN_ELEMENTS && sameDtype(t, x)) i = Math.max(0, engine.map("sgd", [t, x], t, eta));
  for (const n = t.length; i < n; i++) t[i]! -= eta * x[i]!;
}

/** y = x · (m > 0 ? 1 : 0) elementwise, multiplied as the loop does (−0 for a negative x, NaN for an infinite one). */
export function timesStepKernel(x: MatrixData, m: MatrixData, y: MatrixData): void {
  if (!configured) ensureConfigured();
  let i = 0;
  if (engine !== null && x.length >= WASM_MIN_ELEMENTS && sameDtype(x, m) && sameDtype(x, y))
    i = Math.max(0, engine.map("step", [x, m], y));
  for (const n = x.length; i < n; i++) y[i] = x[i]! * +(m[i]! > 0);
}

function sameDtype(a: MatrixData, b: MatrixData): boolean {
  return a instanceof Float32Array === b instanceof Float32Array;
}

/** y = max(x, s) elementwise; NaN stays NaN. */
export function maximumScalar(x: MatrixData, s: number, y: MatrixData): void {
  if (!configured) ensureConfigured();
  let i = 0;
  if (engine !== null && x.length >= WASM_MIN_ELEMENTS) i = Math.max(0, engine.map("max", [x], y, s));
  for (const n = x.length; i < n; i++) {
    const v = x[i]!;
    // eslint-disable-next-line no-self-compare -- v !== v is NaN's test without a call in the hot loop
    y[i] = v > s || v !== v ? v : s;
  }
}

/** y = m > 0 ? x : 0 elementwise. */
export function keepWherePositiveKernel(x: MatrixData, m: MatrixData, y: MatrixData): void {
  if (!configured) ensureConfigured();
  let i = 0;
  if (engine !== null && x.length >= WASM_MIN_ELEMENTS) i = Math.max(0, engine.map("keep", [x, m], y));
  for (const n = x.length; i < n; i++) y[i] = m[i]! > 0 ? x[i]! : 0;
}

/** out (m×n) = a + row for every row; out may be a. */
export function addRowKernel(a: MatrixData, row: MatrixData, out: MatrixData, m: number, n: number): void {
  if (!configured) ensureConfigured();
  let j0 = 0;
  if (engine !== null && m * n >= WASM_MIN_ELEMENTS) j0 = Math.max(0, engine.rows("addrow", a, row, out, m, n));
  if (j0 === n) return;
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let j = j0; j < n; j++) out[o + j] = a[o + j]! + row[j]!;
  }
}

/** out (1×n) = the column sums of a (m×n), each summed from row 0 down. */
export function sumColumnsKernel(a: MatrixData, out: MatrixData, m: number, n: number): void {
  if (!configured) ensureConfigured();
  let j0 = 0;
  if (engine !== null && m * n >= WASM_MIN_ELEMENTS) j0 = Math.max(0, engine.rows("sumcols", a, null, out, m, n));
  if (j0 === n) return;
  out.fill(0, j0, n);
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let j = j0; j < n; j++) out[j]! += a[o + j]!;
  }
}
