/**
 * Runs matrix products on the WebAssembly SIMD kernels of gemm-module.ts.
 *
 * The kernels work on numbers inside the module's memory, so a product copies A and B
 * in, runs, and copies C out. The copies are plain memcpy (TypedArray.set) and cost a few
 * percent of a product of the sizes a network uses; in exchange Matrix stays an ordinary
 * JavaScript object over an ordinary typed array, with no manual freeing.
 *
 * The memory is shared (SharedArrayBuffer) when the platform allows, so that helper
 * threads (threads.ts) can work on the same copy of A and B. Products big enough to be
 * worth it are split by columns (or rows) of C between this thread and the helpers.
 */
import type { MatrixData } from "../matrix";
import { defaultTiles, gemmModuleBytes, kernelNames, type KernelName, type TileConfig } from "./gemm-module";
import { HelperThreads } from "./threads";
import { elementwiseNames, type ElementwiseName } from "./elementwise-module";
import { webAssembly, type WasmMemory, type WasmModule } from "./webassembly-api";

const PAGE = 65536;
/** The memory grows up to this many pages (1 GiB); larger products use the JS kernels. */
const MAX_PAGES = 16384;
/** Products with fewer multiply-adds than this run on one thread. */
const SPLIT_MIN_WORK = 1 << 18;
/**
 * Chunks per thread when a product is shared: more chunks balance the threads better
 * (the caller waits at most for the one chunk a helper is in), fewer cost less overhead.
 */
const CHUNKS_PER_THREAD = 8;

type Kernel = (a: number, b: number, c: number, m: number, n: number, k: number, i0: number, i1: number, j0: number, j1: number) => void;

export type Variant = "nn" | "tn" | "nt";

export interface EngineOptions {
  /** Total threads including the caller's (1 = no helpers). */
  threads: number;
  tiles?: TileConfig;
}

export class WasmEngine {
  readonly shared: boolean;
  private readonly memory: WasmMemory;
  private readonly module: WasmModule;
  private readonly kernels: Record<KernelName, Kernel>;
  private readonly elementwise: Record<ElementwiseName, (...args: number[]) => void>;
  private readonly tiles: TileConfig;
  private f32 = new Float32Array(0);
  private f64 = new Float64Array(0);
  private helpers: HelperThreads | null = null;
  private helperCount: number;

  /** Throws if WebAssembly SIMD (or WebAssembly at all) is unavailable. */
  constructor(options: EngineOptions) {
    const wa = webAssembly;
    if (wa === undefined) throw new Error("this JavaScript runtime has no WebAssembly");
    this.tiles = options.tiles ?? defaultTiles;
    this.shared = typeof SharedArrayBuffer === "function";
    const initialPages = 64; // 4 MiB to start
    this.memory = this.shared
      ? new wa.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: true })
      : new wa.Memory({ initial: initialPages, maximum: MAX_PAGES });
    const bytes = gemmModuleBytes({ initialPages, maxPages: MAX_PAGES, shared: this.shared }, this.tiles);
    this.module = new wa.Module(bytes);
    const inst = new wa.Instance(this.module, { env: { memory: this.memory } });
    const kernels = {} as Record<KernelName, Kernel>;
    for (const name of kernelNames) kernels[name] = inst.exports[name] as unknown as Kernel;
    this.kernels = kernels;
    const elementwise = {} as Record<ElementwiseName, (...args: number[]) => void>;
    for (const name of elementwiseNames) elementwise[name] = inst.exports[name] as unknown as (...args: number[]) => void;
    this.elementwise = elementwise;
    this.helperCount = this.shared ? Math.max(0, Math.floor(options.threads) - 1) : 0;
    this.refreshViews();
  }

  /** Threads in use including the caller's. */
  get threads(): number {
    return 1 + this.helperCount;
  }

  private refreshViews(): void {
    if (this.f32.buffer !== this.memory.buffer || this.f32.length * 4 !== this.memory.buffer.byteLength) {
      this.f32 = new Float32Array(this.memory.buffer);
      this.f64 = new Float64Array(this.memory.buffer);
    }
  }

  /** Makes sure the memory holds `bytes`; false if that is over the limit. */
  private reserve(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) return false;
      this.memory.grow(pages);
    }
    this.refreshViews();
    return true;
  }

  /**
   * C (m×n) = op(A)·op(B) with inner size k. Returns false when the product is too large
   * for the module's memory (the caller then uses another kernel).
   */
  gemm(variant: Variant, a: MatrixData, b: MatrixData, c: MatrixData, m: number, n: number, k: number): boolean {
    const f32 = a instanceof Float32Array;
    const es = f32 ? 4 : 8;
    const align = (x: number) => (x + 63) & ~63;
    const pa = 64;
    const pb = align(pa + a.length * es);
    const pc = align(pb + b.length * es);
    const end = pc + m * n * es;
    if (!Number.isSafeInteger(end) || !this.reserve(end)) return false;
    this.helpers?.quiesce();
    const view = f32 ? this.f32 : this.f64;
    view.set(a, pa / es);
    view.set(b, pb / es);
    const name = `${variant}_${f32 ? "f32" : "f64"}` as KernelName;
    this.run(name, pa, pb, pc, m, n, k, f32);
    c.set(view.subarray(pc / es, pc / es + m * n));
    return true;
  }

  private run(name: KernelName, pa: number, pb: number, pc: number, m: number, n: number, k: number, f32: boolean): void {
    const kernel = this.kernels[name];
    if (this.helperCount === 0 || m * n * k < SPLIT_MIN_WORK || !this.startHelpers()) {
      kernel(pa, pb, pc, m, n, k, 0, m, 0, n);
      return;
    }
    // Cut C along its longer side into chunks of whole tiles (so that every chunk runs
    // the wide tile code), about CHUNKS_PER_THREAD per thread for load balance.
    const byCols = n >= m;
    const size = byCols ? n : m;
    const lanes = f32 ? 4 : 2;
    const unit = name.startsWith("nt") ? (byCols ? this.tiles.ntCols : this.tiles.ntRows) : byCols ? this.tiles.nv * lanes : this.tiles.mr;
    const units = Math.ceil(size / unit);
    const step = Math.ceil(units / (CHUNKS_PER_THREAD * (this.helperCount + 1))) * unit;
    const chunks = Math.ceil(size / step);
    const fn = kernelNames.indexOf(name);
    if (!this.helpers!.run({ fn, pa, pb, pc, m, n, k, byCols, step, chunks }, kernel)) {
      // A helper failed: stop using helpers and compute the whole product here.
      this.helperCount = 0;
      kernel(pa, pb, pc, m, n, k, 0, m, 0, n);
    }
  }

  /**
   * Runs an elementwise kernel over the whole vectors of `inputs` (all of one length and
   * dtype), writing into `out`; returns how many leading elements were done (the caller
   * does the rest), or -1 when the arrays do not fit in the memory.
   *   "axpy": inputs [t, x], out = t += scalar·x;  "max": [x], out = max(x, scalar);
   *   "keep": [x, m], out = m > 0 ? x : 0.
   */
  map(op: "axpy" | "max" | "keep", inputs: readonly MatrixData[], out: MatrixData, scalar = 0): number {
    const f32 = out instanceof Float32Array;
    const es = f32 ? 4 : 8;
    const lanes = 16 / es;
    const count = Math.floor(out.length / lanes);
    const len = count * lanes;
    if (count === 0) return 0;
    const stride = (len * es + 63) & ~63;
    const base = 64;
    if (!this.reserve(base + stride * inputs.length)) return -1;
    this.helpers?.quiesce();
    const view = f32 ? this.f32 : this.f64;
    const ptr: number[] = [];
    inputs.forEach((x, i) => {
      ptr.push(base + i * stride);
      view.set(x.length === len ? x : x.subarray(0, len), ptr[i]! / es);
    });
    const fn = this.elementwise[`${op}_${f32 ? "f32" : "f64"}` as ElementwiseName];
    // The result goes over the first input's copy.
    if (op === "axpy") fn(ptr[0]!, ptr[1]!, count, scalar);
    else if (op === "max") fn(ptr[0]!, ptr[0]!, count, scalar);
    else fn(ptr[0]!, ptr[1]!, ptr[0]!, count);
    out.set(view.subarray(ptr[0]! / es, ptr[0]! / es + len));
    return len;
  }

  /**
   * Row-structured kernels on an m×n matrix `a`, over the first `cols` = whole-vector
   * columns of each row (returned; the caller does the other columns), or -1 when the
   * data does not fit: "addrow" writes a + row (row: 1×n) into out (m×n); "sumcols"
   * writes the column sums into out (1×n).
   */
  rows(op: "addrow" | "sumcols", a: MatrixData, row: MatrixData | null, out: MatrixData, m: number, n: number): number {
    const f32 = a instanceof Float32Array;
    const es = f32 ? 4 : 8;
    const lanes = 16 / es;
    const count = Math.floor(n / lanes);
    if (count === 0 || m === 0) return 0;
    const pa = 64;
    const pr = (pa + a.length * es + 63) & ~63;
    const end = pr + n * es;
    if (!this.reserve(end)) return -1;
    this.helpers?.quiesce();
    const view = f32 ? this.f32 : this.f64;
    view.set(a, pa / es);
    const fn = this.elementwise[`${op}_${f32 ? "f32" : "f64"}` as ElementwiseName];
    if (op === "addrow") {
      view.set(row!, pr / es);
      fn(pa, pr, m, n, count);
      out.set(view.subarray(pa / es, pa / es + m * n));
    } else {
      fn(pa, pr, m, n, count);
      out.set(view.subarray(pr / es, pr / es + count * lanes));
    }
    return count * lanes;
  }

  /** Starts the helper threads if there are to be any; whether one is ready to take work now. */
  startHelpers(): boolean {
    if (this.helperCount === 0) return false;
    if (this.helpers === null) {
      try {
        this.helpers = new HelperThreads(this.module, this.memory, kernelNames, this.helperCount);
      } catch {
        this.helperCount = 0;
        return false;
      }
    }
    return this.helpers.ready();
  }

  /** Stops helper threads and lets the memory go. */
  dispose(): void {
    this.helpers?.terminate();
    this.helpers = null;
    this.helperCount = 0;
  }
}
