/**
 * Runs matrix products on the WebAssembly SIMD kernels of gemm-module.ts.
 *
 * The kernels work on numbers inside a module's memory, so a product copies A and B
 * in, runs, and copies C out. The copies are plain memcpy (TypedArray.set) and cost a few
 * percent of a product of the sizes a network uses; in exchange Matrix stays an ordinary
 * JavaScript object over an ordinary typed array, with no manual freeing.
 *
 * Two instances of the kernels, each with its own memory ("arena"):
 * - the local arena, in ordinary memory, for everything this thread computes alone:
 *   the elementwise kernels and the products too small to share;
 * - the shared arena, in shared memory (SharedArrayBuffer), for products big enough to
 *   split by columns (or rows) of C between this thread and helper threads
 *   (threads.ts), which work on the same copy of A and B.
 * Why not one shared memory for all: V8 copies into and out of shared memory word by
 * word (another thread may be reading it), about 12 GB/s against 35 GB/s for ordinary
 * memory on the machine this was measured on; the SGD update alone copies three
 * weight-sized arrays per step.
 *
 * Resident matrices. The shared arena also holds matrices that live there (heap.ts):
 * `residentZeros` makes one, and the library's training loops keep their weights and
 * buffers in them. A product or an elementwise kernel whose operands are all resident
 * runs on them in place: no copy in, no copy out, which is most of what a training
 * step spends outside the kernels once they are fast. Any other operand is copied into
 * a scratch block of the same heap for the call.
 *
 * Around the products, the shared arena also runs: their epilogues (epilogue-module.ts,
 * the bias, ReLU and ReLU's backward step on each block as it is computed), A·Bᵀ as A·B
 * on a transposed copy of B (transpose-module.ts), SGD updates of large resident arrays
 * split with the helpers, and the gather of a batch's rows between resident matrices.
 */
import type { MatrixData } from "../matrix";
import { defaultTiles, gemmModuleBytes, kernelNames, relaxedTiles, type KernelName, type TileConfig } from "./gemm-module";
import { HelperThreads, chunkBounds, type EpilogueFn, type JobEpilogue } from "./threads";
import { epilogueNames, type EpilogueKind, type EpilogueName } from "./epilogue-module";
import { transposeNames, type TransposeName } from "./transpose-module";
import { elementwiseNames, rangeNames, type ElementwiseName, type RangeName } from "./elementwise-module";
import { webAssembly, type WasmMemory, type WasmModule } from "./webassembly-api";
import { Heap } from "./heap";

const PAGE = 65536;
/** A memory grows up to this many pages (1 GiB); larger products use the JS kernels. */
const MAX_PAGES = 16384;
/**
 * Resident matrices get blocks only while the shared memory stays under this many pages
 * (256 MiB); past it they are ordinary matrices. A wasm memory never shrinks, and blocks
 * come back only when the garbage collector has run, which a long synchronous loop does
 * not let it finish: the limit bounds what that can keep.
 */
const RESIDENT_MAX_PAGES = 4096;
/** Memory each arena starts with (4 MiB). */
const INITIAL_PAGES = 64;
/** Products with fewer multiply-adds than this run on one thread. */
const SPLIT_MIN_WORK = 1 << 18;
/**
 * SGD updates on at least this many entries are shared with the helpers: a layer's
 * weights of 784×300 take about 50 µs on one thread, and handing out a job costs a few.
 */
const SPLIT_MIN_ELEMENTS = 1 << 15;
/**
 * A·Bᵀ with at least this many rows is computed as A·(Bᵀ): B transposed into a scratch
 * block, then the A·B kernel (transpose-module.ts says why). With fewer rows the
 * transpose would cost more than it saves.
 */
const TRANSPOSE_B_MIN_ROWS = 16;

type Kernel = (a: number, b: number, c: number, m: number, n: number, k: number, i0: number, i1: number, j0: number, j1: number) => void;

export type Variant = "nn" | "tn" | "nt";

/**
 * An elementwise step to run on the product's result as each block of it is computed
 * (epilogue-module.ts): `p` is the bias row (bias, bias_relu) or the matrix whose
 * positive entries keep the gradient (step); `q` receives ReLU's output (bias_relu; may
 * be C itself).
 */
export interface Epilogue {
  kind: EpilogueKind;
  p: MatrixData;
  q?: MatrixData;
}

export interface EngineOptions {
  /** Total threads including the caller's (1 = no helpers). */
  threads: number;
  /** Multiply-add with relaxed SIMD (the caller checks that the engine has it). */
  relaxedSimd?: boolean;
  tiles?: TileConfig;
}

/** One instance of the kernels over its own memory, and typed views of that memory. */
class Arena {
  readonly memory: WasmMemory;
  readonly module: WasmModule;
  readonly kernels: Record<KernelName, Kernel>;
  readonly elementwise: Record<ElementwiseName, (...args: number[]) => void>;
  readonly epilogues: Record<EpilogueName, EpilogueFn>;
  readonly ranges: Record<RangeName, Kernel>;
  readonly transposes: Record<TransposeName, (src: number, dst: number, rows: number, cols: number) => void>;
  readonly copyBytes: (dst: number, src: number, bytes: number) => void;
  f32 = new Float32Array(0);
  f64 = new Float64Array(0);

  constructor(shared: boolean, tiles: TileConfig, relaxedSimd: boolean) {
    const wa = webAssembly!;
    this.memory = shared
      ? new wa.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true })
      : new wa.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES });
    this.module = new wa.Module(gemmModuleBytes({ initialPages: INITIAL_PAGES, maxPages: MAX_PAGES, shared }, { tiles, relaxedSimd }));
    const exports = new wa.Instance(this.module, { env: { memory: this.memory } }).exports;
    /** The exports named in `names`, by name, as functions of type F. */
    const named = <N extends string, F>(names: readonly N[]) =>
      Object.fromEntries(names.map((name) => [name, exports[name]])) as unknown as Record<N, F>;
    this.kernels = named<KernelName, Kernel>(kernelNames);
    this.elementwise = named<ElementwiseName, (...args: number[]) => void>(elementwiseNames);
    this.epilogues = named<EpilogueName, EpilogueFn>(epilogueNames);
    this.ranges = named<RangeName, Kernel>(rangeNames);
    this.transposes = named<TransposeName, Arena["transposes"][TransposeName]>(transposeNames);
    this.copyBytes = exports.copy_bytes as unknown as Arena["copyBytes"];
    this.refreshViews();
  }

  refreshViews(): void {
    if (this.f32.buffer !== this.memory.buffer || this.f32.length * 4 !== this.memory.buffer.byteLength) {
      this.f32 = new Float32Array(this.memory.buffer);
      this.f64 = new Float64Array(this.memory.buffer);
    }
  }

  /** Makes sure the memory holds `bytes`; false if that is over the limit. */
  reserve(bytes: number): boolean {
    if (!Number.isSafeInteger(bytes)) return false;
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) return false;
      this.memory.grow(pages);
    }
    this.refreshViews();
    return true;
  }

  view(f32: boolean): Float32Array | Float64Array {
    return f32 ? this.f32 : this.f64;
  }
}

export class WasmEngine {
  readonly relaxedSimd: boolean;
  private readonly tiles: TileConfig;
  /** Ordinary memory: elementwise kernels and products this thread does alone. */
  private readonly local: Arena;
  /** Shared memory: resident matrices and products split with the helpers (null without SharedArrayBuffer). */
  private readonly shared: Arena | null;
  /** The blocks of the shared memory. */
  private readonly heap: Heap | null;
  /** Where each resident array made here starts in the shared memory. */
  private readonly residents = new WeakMap<MatrixData, number>();
  private helpers: HelperThreads | null = null;
  private helperCount: number;

  /** Throws if WebAssembly SIMD (or WebAssembly at all) is unavailable. */
  constructor(options: EngineOptions) {
    if (webAssembly === undefined) throw new Error("this JavaScript runtime has no WebAssembly");
    this.relaxedSimd = options.relaxedSimd === true;
    this.tiles = options.tiles ?? (this.relaxedSimd ? relaxedTiles : defaultTiles);
    this.local = new Arena(false, this.tiles, this.relaxedSimd);
    const canShare = typeof SharedArrayBuffer === "function";
    this.shared = canShare ? new Arena(true, this.tiles, this.relaxedSimd) : null;
    this.heap = this.shared ? new Heap(this.shared.memory, 64, MAX_PAGES) : null;
    this.helperCount = canShare ? Math.max(0, Math.floor(options.threads) - 1) : 0;
  }

  /** Threads in use including the caller's. */
  get threads(): number {
    return 1 + this.helperCount;
  }

  /**
   * A zeroed array of `length` entries in the shared memory (a resident matrix's data),
   * freed when it is garbage collected; null where there is no shared memory or it is full.
   */
  residentArray(f32: boolean, length: number): MatrixData | null {
    if (this.heap === null || this.shared === null) return null;
    const bytes = length * (f32 ? 4 : 8);
    const offset = this.heap.allocate(bytes, RESIDENT_MAX_PAGES);
    if (offset < 0) return null;
    const buffer = this.shared.memory.buffer;
    const data = f32 ? new Float32Array(buffer, offset, length) : new Float64Array(buffer, offset, length);
    data.fill(0); // a reused block still holds an earlier matrix's numbers
    this.heap.releaseWhenCollected(data, offset, bytes);
    this.residents.set(data, offset);
    return data;
  }

  /** Where `x` starts in the shared memory if it is a resident array of this engine, else -1. */
  private residentOffset(x: MatrixData): number {
    return this.residents.get(x) ?? -1;
  }

  /**
   * C (m×n) = op(A)·op(B) with inner size k, then `epilogue` on C if given. Returns false
   * when the product is too large for the module's memory, or it has an epilogue and
   * there is no shared memory (the caller then uses other kernels).
   */
  gemm(variant: Variant, a: MatrixData, b: MatrixData, c: MatrixData, m: number, n: number, k: number, epilogue?: Epilogue): boolean {
    const f32 = a instanceof Float32Array;
    const transposeB = variant === "nt" && m >= TRANSPOSE_B_MIN_ROWS;
    const name = `${transposeB ? "nn" : variant}_${f32 ? "f32" : "f64"}` as KernelName;
    const split = this.helperCount > 0 && m * n * k >= SPLIT_MIN_WORK && this.startHelpers();
    const resident = this.residentOffset(a) >= 0 || this.residentOffset(b) >= 0 || this.residentOffset(c) >= 0;
    // Epilogues run only in the shared arena, where every operand has an address.
    if (epilogue) return this.shared !== null && this.gemmShared(name, transposeB, a, b, c, m, n, k, split, epilogue);
    if (split || resident) return this.gemmShared(name, transposeB, a, b, c, m, n, k, split);
    const es = f32 ? 4 : 8;
    const align = (x: number) => (x + 63) & ~63;
    const pa = 64;
    const pb = align(pa + a.length * es);
    const pbt = transposeB ? align(pb + b.length * es) : pb;
    const pc = align(transposeB ? pbt + n * k * es : pb + b.length * es);
    const arena = this.local;
    if (!arena.reserve(pc + m * n * es)) return false;
    const view = arena.view(f32);
    view.set(a, pa / es);
    view.set(b, pb / es);
    if (transposeB) arena.transposes[f32 ? "tr_f32" : "tr_f64"](pb, pbt, n, k);
    arena.kernels[name](pa, pbt, pc, m, n, k, 0, m, 0, n);
    c.set(view.subarray(pc / es, pc / es + m * n));
    return true;
  }

  /**
   * A product in the shared memory: resident operands in place, others copied into
   * scratch blocks for the call; on this thread alone or split with the helpers.
   */
  private gemmShared(
    name: KernelName,
    transposeB: boolean,
    a: MatrixData,
    b: MatrixData,
    c: MatrixData,
    m: number,
    n: number,
    k: number,
    split: boolean,
    epilogue?: Epilogue,
  ): boolean {
    const arena = this.shared!;
    const f32 = a instanceof Float32Array;
    const es = f32 ? 4 : 8;
    this.helpers?.quiesce();
    const scratch: { offset: number; bytes: number }[] = [];
    /** x's address in the shared memory: its own if resident, else a scratch copy (copied in when `copyIn`). */
    const place = (x: MatrixData, copyIn: boolean): number => {
      const own = this.residentOffset(x);
      if (own >= 0) return own;
      const bytes = x.length * es;
      const offset = this.heap!.allocate(bytes);
      if (offset < 0) return -1;
      scratch.push({ offset, bytes });
      if (copyIn) {
        arena.refreshViews();
        arena.view(f32).set(x, offset / es);
      }
      return offset;
    };
    try {
      const pa = place(a, true);
      let pb = pa < 0 ? -1 : place(b, true);
      if (transposeB && pb >= 0) {
        // B is n×k: its transpose (k×n) goes into a scratch block, for the A·B kernel.
        const pbt = this.heap!.allocate(n * k * es);
        if (pbt >= 0) {
          scratch.push({ offset: pbt, bytes: n * k * es });
          arena.transposes[f32 ? "tr_f32" : "tr_f64"](pb, pbt, n, k);
        }
        pb = pbt;
      }
      const cLength = m * n;
      const pc = pb < 0 ? -1 : place(c.length === cLength ? c : c.subarray(0, cLength), false);
      if (pc < 0) return false;
      let epi: JobEpilogue | undefined;
      const q = epilogue?.q;
      if (epilogue) {
        const pp = place(epilogue.p, true);
        const pq = q === undefined ? 0 : q === c ? pc : pp < 0 ? -1 : place(q, false);
        if (pp < 0 || pq < 0) return false;
        const epiName = `epi_${epilogue.kind}_${f32 ? "f32" : "f64"}` as EpilogueName;
        epi = { index: epilogueNames.indexOf(epiName), pp, pq, fn: arena.epilogues[epiName] };
      }
      if (split) this.runShared(name, pa, pb, pc, m, n, k, f32, epi);
      else {
        arena.kernels[name](pa, pb, pc, m, n, k, 0, m, 0, n);
        epi?.fn(pc, m, n, 0, m, 0, n, epi.pp, epi.pq);
      }
      arena.refreshViews();
      if (this.residentOffset(c) < 0) c.set(arena.view(f32).subarray(pc / es, pc / es + cLength));
      if (q !== undefined && q !== c && this.residentOffset(q) < 0) q.set(arena.view(f32).subarray(epi!.pq / es, epi!.pq / es + cLength));
      return true;
    } finally {
      for (const block of scratch) this.heap!.release(block);
    }
  }

  /** Runs a product that is in the shared arena on this thread and the helpers. */
  private runShared(
    name: KernelName,
    pa: number,
    pb: number,
    pc: number,
    m: number,
    n: number,
    k: number,
    f32: boolean,
    epilogue?: JobEpilogue,
  ): void {
    const kernel = this.shared!.kernels[name];
    // Cut C along its longer side into chunks of whole tiles (so that every chunk runs
    // the wide tile code, and each entry of C is computed exactly as on one thread),
    // shrinking as the job goes (chunkBounds) so that the threads finish together.
    const byCols = n >= m;
    const size = byCols ? n : m;
    const lanes = f32 ? 4 : 2;
    const unit = name.startsWith("nt") ? (byCols ? this.tiles.ntCols : this.tiles.ntRows) : byCols ? this.tiles.nv * lanes : this.tiles.mr;
    const bounds = chunkBounds(size, unit, this.helperCount + 1);
    const fn = kernelNames.indexOf(name);
    if (!this.helpers!.run({ fn, pa, pb, pc, m, n, k, byCols, bounds, epilogue }, kernel)) {
      // A helper failed: stop using helpers and compute the whole product here (over the
      // epilogue's output too: a chunk may have had its epilogue already, so the product
      // is computed again in full before the epilogue runs once on all of it).
      this.helperCount = 0;
      kernel(pa, pb, pc, m, n, k, 0, m, 0, n);
      epilogue?.fn(pc, m, n, 0, m, 0, n, epilogue.pp, epilogue.pq);
    }
  }

  /**
   * Runs an elementwise kernel over the whole vectors of `inputs` (all of one length and
   * dtype), writing into `out`; returns how many leading elements were done (the caller
   * does the rest), or -1 when the arrays do not fit in the memory.
   *   "axpy": inputs [t, x], out = t += scalar·x;  "sgd": [t, x], out = t −= scalar·x;
   *   "max": [x], out = max(x, scalar);  "keep": [x, m], out = m > 0 ? x : 0;
   *   "step": [x, m], out = x · (m > 0 ? 1 : 0). (See elementwise-module.ts for the rounding.)
   */
  map(op: "axpy" | "sgd" | "max" | "keep" | "step", inputs: readonly MatrixData[], out: MatrixData, scalar = 0): number {
    const f32 = out instanceof Float32Array;
    const es = f32 ? 4 : 8;
    const lanes = 16 / es;
    const count = Math.floor(out.length / lanes);
    const len = count * lanes;
    if (count === 0) return 0;
    const at = [...inputs, out].map((x) => this.residentOffset(x));
    if (at.every((p) => p >= 0)) {
      // All resident: in place, no copies.
      this.helpers?.quiesce();
      if ((op === "axpy" || op === "sgd") && len >= SPLIT_MIN_ELEMENTS && this.helperCount > 0 && this.startHelpers()) {
        if (this.runRange(op, f32, at[0]!, at[1]!, len, scalar)) return len;
      }
      const fn = this.shared!.elementwise[`${op}_${f32 ? "f32" : "f64"}` as ElementwiseName];
      if (op === "axpy" || op === "sgd") fn(at[0]!, at[1]!, count, scalar);
      else if (op === "max") fn(at[0]!, at[1]!, count, scalar);
      else fn(at[0]!, at[1]!, at[2]!, count);
      return len;
    }
    const stride = (len * es + 63) & ~63;
    const base = 64;
    const arena = this.local;
    if (!arena.reserve(base + stride * inputs.length)) return -1;
    const view = arena.view(f32);
    const ptr: number[] = [];
    inputs.forEach((x, i) => {
      ptr.push(base + i * stride);
      view.set(x.length === len ? x : x.subarray(0, len), ptr[i]! / es);
    });
    const fn = arena.elementwise[`${op}_${f32 ? "f32" : "f64"}` as ElementwiseName];
    // The result goes over the first input's copy.
    if (op === "axpy" || op === "sgd") fn(ptr[0]!, ptr[1]!, count, scalar);
    else if (op === "max") fn(ptr[0]!, ptr[0]!, count, scalar);
    else fn(ptr[0]!, ptr[1]!, ptr[0]!, count);
    out.set(view.subarray(ptr[0]! / es, ptr[0]! / es + len));
    return len;
  }

  /**
   * out's row r = source's row rows[r] (rows of `cols` entries), when both are resident
   * arrays of this engine, of one dtype; returns false otherwise (the caller copies).
   */
  gatherRows(source: MatrixData, rows: ArrayLike<number>, cols: number, out: MatrixData): boolean {
    const from = this.residentOffset(source);
    const to = this.residentOffset(out);
    if (from < 0 || to < 0 || source instanceof Float32Array !== out instanceof Float32Array) return false;
    this.helpers?.quiesce();
    const rowBytes = cols * (out instanceof Float32Array ? 4 : 8);
    const copy = this.shared!.copyBytes;
    for (let r = 0; r < rows.length; r++) copy(to + r * rowBytes, from + rows[r]! * rowBytes, rowBytes);
    return true;
  }

  /** Where the scalar of a shared SGD update is written for the helpers (8 bytes in the shared memory). */
  private scalarSlot = -1;

  /**
   * t += scalar·x (axpy) or t −= scalar·x (sgd) on `len` entries (whole vectors) of
   * resident arrays at pt and px, shared with the helpers; false when no slot for the
   * scalar could be had (the caller then runs it alone).
   */
  private runRange(op: "axpy" | "sgd", f32: boolean, pt: number, px: number, len: number, scalar: number): boolean {
    const arena = this.shared!;
    if (this.scalarSlot < 0) this.scalarSlot = this.heap!.allocate(8);
    if (this.scalarSlot < 0) return false;
    arena.refreshViews();
    // axpy's alpha is rounded to the entries' type, as the one-thread kernel's parameter is; sgd's eta stays float64.
    if (op === "axpy" && f32) arena.f32[this.scalarSlot / 4] = scalar;
    else arena.f64[this.scalarSlot / 8] = scalar;
    const name = `${op}_range_${f32 ? "f32" : "f64"}` as RangeName;
    const kernel = arena.ranges[name];
    const job = { fn: kernelNames.length + rangeNames.indexOf(name), pa: pt, pb: px, pc: this.scalarSlot, m: 1, n: len, k: 0 };
    // Units of 1024 entries: a chunk of a few microseconds at least.
    if (!this.helpers!.run({ ...job, byCols: true, bounds: chunkBounds(len, 1024, this.helperCount + 1) }, kernel)) {
      // A helper failed midway: some ranges may be updated already, and an update cannot
      // be run twice. Wait for nothing more from helpers and report it.
      this.helperCount = 0;
      throw new Error("a helper thread of the numeric core failed during an SGD update; the weights may be partly updated");
    }
    return true;
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
    const at = [a, out, ...(row ? [row] : [])].map((x) => this.residentOffset(x));
    if (at.every((p) => p >= 0)) {
      // All resident: in place, no copies (addrow adds into out, so out starts as a copy of a).
      this.helpers?.quiesce();
      const fn = this.shared!.elementwise[`${op}_${f32 ? "f32" : "f64"}` as ElementwiseName];
      if (op === "addrow") {
        if (out !== a) out.set(a.length === m * n ? a : a.subarray(0, m * n));
        fn(at[1]!, at[2]!, m, n, count);
      } else fn(at[0]!, at[1]!, m, n, count);
      return count * lanes;
    }
    const pa = 64;
    const pr = (pa + a.length * es + 63) & ~63;
    const end = pr + n * es;
    const arena = this.local;
    if (!arena.reserve(end)) return -1;
    const view = arena.view(f32);
    view.set(a, pa / es);
    const fn = arena.elementwise[`${op}_${f32 ? "f32" : "f64"}` as ElementwiseName];
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
        this.helpers = new HelperThreads(
          this.shared!.module,
          this.shared!.memory,
          [...kernelNames, ...rangeNames],
          epilogueNames,
          this.helperCount,
        );
      } catch {
        this.helperCount = 0;
        return false;
      }
    }
    return this.helpers.ready();
  }

  /** Stops helper threads and lets the memory go. */
  dispose(): void {
    this.heap?.dispose();
    this.helpers?.terminate();
    this.helpers = null;
    this.helperCount = 0;
  }
}
