/**
 * Generates the WebAssembly SIMD matrix-product kernels (see encoder.ts for why they
 * are generated rather than shipped as a binary).
 *
 * Every kernel has the signature
 *   (A, B, C, M, N, K, i0, i1, j0, j1: i32) → ()
 * with A, B, C byte addresses of row-major matrices in the module's memory, and computes
 * the block rows [i0, i1) × columns [j0, j1) of C (overwriting it), so that several
 * threads can share one product by taking different column ranges. Names:
 *   nn_f32 / nn_f64:  C (M×N) = A (M×K) · B (K×N)
 *   tn_f32 / tn_f64:  C (M×N) = Aᵀ · B with A stored K×M
 *   nt_f32 / nt_f64:  C (M×N) = A · Bᵀ with B stored N×K
 *
 * How they are fast (register tiling). A product is memory-bound when each multiply
 * reloads its operands, so the kernels compute C in small tiles whose accumulators stay
 * in SIMD registers for the whole inner loop over k:
 *
 * - nn and tn: a tile is MR rows × NV·L columns (L = 4 lanes for f32, 2 for f64). Per step
 *   of k it loads NV vectors of one row of B, and for each of the MR rows one scalar of A
 *   broadcast to all lanes ("splat"), then does MR·NV multiply-adds on whole vectors.
 *   With MR = 4, NV = 2 (f32: a 4×8 tile) that is 8 accumulators, 2 B vectors, 1 splat and a
 *   temporary: 12 of the 16 SIMD registers x64 offers to WebAssembly, so nothing spills.
 *   The splat is loaded once per row into a local and reused for the NV vectors.
 *   The tile walks B's rows with stride N, and A's rows with stride K (nn) or reads
 *   MR neighbouring entries of one row of A (tn, because A is stored transposed).
 * - nt: both operands are read along k, which is contiguous, so the tile is a block of
 *   dot products: 3 rows of A × 2 rows of B, each a vector accumulator summed across
 *   its lanes at the end (plus a scalar loop for the K mod L leftover).
 *
 * Columns that do not fill a wide tile are done by narrower tiles (one vector, then one
 * scalar column), rows that do not fill MR by single-row tiles, so any shape works.
 * Multiply and add. Plain WebAssembly SIMD has no multiply-add, so each step is a
 * multiply and an add: two instructions, and a temporary register. With the relaxed-SIMD
 * extension (on by default from Node 22) the kernels can use `relaxed_madd` instead,
 * which V8 compiles to one fused multiply-add (vfmadd231ps) on x64 CPUs with FMA3:
 * half the arithmetic instructions, no temporary, and one rounding instead of two.
 * kernels.ts picks the relaxed kernels where the engine validates them.
 *
 * Tile sizes were measured on a 2-core AMD EPYC (x64, AVX2) with the best-of-several
 * timing of bench/mlp.bench.ts's shapes:
 * - plain kernels: 4×8 tiles reach about 25-30 GFLOP/s (float32) on one core; larger
 *   tiles (4×12, 6×8) were slower, because V8 then runs out of the 16 SIMD registers
 *   and spills accumulators to memory; so were 3×3 and 5×2 tiles, and unrolling the k
 *   loop by two (about 40% slower, same cause);
 * - relaxed kernels: without the temporary, 3×12 tiles (9 accumulators, 3 B vectors,
 *   1 splat) fit and reach about 44 GFLOP/s against 40 for 4×8; 4×12 and 5×8 spill
 *   (about 20). The nt kernel stays at 3×2 dot products (about 33 against 25 plain;
 *   4×2, 3×3 and 2×4 spill).
 * The kernels run on one thread; threads.ts shares a product between threads.
 */
import { Code, F32, F64, I32, V128, encodeModule, type FunctionDef, type ValType } from "./encoder";
import { copyFunction, elementwiseFunctions, rangeFunctions } from "./elementwise-module";
import { epilogueFunctions } from "./epilogue-module";
import { transposeFunctions } from "./transpose-module";
import { Locals, countDown, whileFits } from "./codegen";

/** Tile sizes; the defaults were the fastest measured on x64 (see bench/mlp.bench.ts). */
export interface TileConfig {
  /** Rows per nn/tn tile. */
  mr: number;
  /** SIMD vectors per row in an nn/tn tile. */
  nv: number;
  /** Rows of A per nt tile. */
  ntRows: number;
  /** Rows of B (columns of C) per nt tile. */
  ntCols: number;
}

export const defaultTiles: TileConfig = { mr: 4, nv: 2, ntRows: 3, ntCols: 2 };
/** Tile sizes for the relaxed-SIMD kernels (see the header). */
export const relaxedTiles: TileConfig = { mr: 3, nv: 3, ntRows: 3, ntCols: 2 };

// Parameter indices, shared by all kernels.
const A = 0,
  B = 1,
  C = 2,
  M = 3,
  N = 4,
  K = 5,
  I0 = 6,
  I1 = 7,
  J0 = 8,
  J1 = 9;

/** nn or tn kernel for element type t. */
function genNnTn(variant: "nn" | "tn", t: ValType, tiles: TileConfig, fma: boolean): FunctionDef {
  const es = t === F32 ? 4 : 8;
  const L = 16 / es;
  const c = new Code();
  const loc = new Locals(10);
  const i = loc.add(I32),
    j = loc.add(I32),
    p = loc.add(I32);
  const pa = loc.add(I32),
    pb = loc.add(I32),
    pc = loc.add(I32);
  const lda = loc.add(I32),
    ldb = loc.add(I32),
    ldc = loc.add(I32);
  // Byte offsets of rows 1..mr-1 of the tile in A (nn only) and in C.
  const aRow: number[] = [],
    cRow: number[] = [];
  for (let r = 1; r < tiles.mr; r++) {
    aRow[r] = loc.add(I32);
    cRow[r] = loc.add(I32);
  }
  const maxAcc = tiles.mr * tiles.nv;
  const vacc: number[] = [];
  for (let q = 0; q < maxAcc; q++) vacc.push(loc.add(V128));
  const vb: number[] = [];
  for (let v = 0; v < tiles.nv; v++) vb.push(loc.add(V128));
  const sacc: number[] = [];
  for (let r = 0; r < tiles.mr; r++) sacc.push(loc.add(t));
  const sb = loc.add(t);
  const va = loc.add(V128);

  // Strides in bytes: nn: A is M×K; tn: A is K×M. B and C have N columns.
  c.localGet(variant === "nn" ? K : M)
    .i32Const(es)
    .i32Mul()
    .localSet(lda);
  c.localGet(N).i32Const(es).i32Mul().localSet(ldb);
  c.localGet(N).i32Const(es).i32Mul().localSet(ldc);
  for (let r = 1; r < tiles.mr; r++) {
    c.localGet(lda).i32Const(r).i32Mul().localSet(aRow[r]!);
    c.localGet(ldc).i32Const(r).i32Mul().localSet(cRow[r]!);
  }

  /** Pushes the address of A's entry for tile row r at the current k, and the memarg offset to use. */
  const aAddress = (r: number): number => {
    c.localGet(pa);
    if (variant === "nn") {
      if (r > 0) c.localGet(aRow[r]!).i32Add();
      return 0;
    }
    return r * es; // tn: the tile's rows are neighbours in one row of A
  };

  /** One tile of mr rows × nv vectors (nv = 0: one scalar column) at (i, j). */
  const tile = (mr: number, nv: number) => {
    // pa = address of A's first entry used; pb = B + j*es
    if (variant === "nn") c.localGet(A).localGet(i).localGet(lda).i32Mul().i32Add().localSet(pa);
    else c.localGet(A).localGet(i).i32Const(es).i32Mul().i32Add().localSet(pa);
    c.localGet(B).localGet(j).i32Const(es).i32Mul().i32Add().localSet(pb);
    if (nv > 0) for (let q = 0; q < mr * nv; q++) c.v128Zero().localSet(vacc[q]!);
    else for (let r = 0; r < mr; r++) c.fConst0(t).localSet(sacc[r]!);
    countDown(c, p, K, () => {
      if (nv > 0) {
        for (let v = 0; v < nv; v++)
          c.localGet(pb)
            .v128Load(v * 16)
            .localSet(vb[v]!);
        for (let r = 0; r < mr; r++) {
          const off = aAddress(r);
          c.vLoadSplat(t, off).localSet(va);
          for (let v = 0; v < nv; v++) {
            const q = r * nv + v;
            if (fma) c.localGet(va).localGet(vb[v]!).localGet(vacc[q]!).vRelaxedMadd(t).localSet(vacc[q]!);
            else c.localGet(vacc[q]!).localGet(va).localGet(vb[v]!).vMul(t).vAdd(t).localSet(vacc[q]!);
          }
        }
      } else {
        c.localGet(pb).fLoad(t).localSet(sb);
        for (let r = 0; r < mr; r++) {
          c.localGet(sacc[r]!);
          const off = aAddress(r);
          c.fLoad(t, off).localGet(sb).fMul(t).fAdd(t).localSet(sacc[r]!);
        }
      }
      c.localGet(pa).i32Const(variant === "nn" ? es : 0);
      if (variant === "tn") c.i32Add().localGet(lda);
      c.i32Add().localSet(pa);
      c.localGet(pb).localGet(ldb).i32Add().localSet(pb);
    });
    // store: pc = C + i*ldc + j*es
    c.localGet(C).localGet(i).localGet(ldc).i32Mul().i32Add().localGet(j).i32Const(es).i32Mul().i32Add().localSet(pc);
    for (let r = 0; r < mr; r++) {
      if (nv > 0) {
        for (let v = 0; v < nv; v++) {
          c.localGet(pc);
          if (r > 0) c.localGet(cRow[r]!).i32Add();
          c.localGet(vacc[r * nv + v]!).v128Store(v * 16);
        }
      } else {
        c.localGet(pc);
        if (r > 0) c.localGet(cRow[r]!).i32Add();
        c.localGet(sacc[r]!).fStore(t);
      }
    }
  };

  /** All rows [i0, i1) for one column block of width w starting at j. */
  const rows = (nv: number) => {
    c.localGet(I0).localSet(i);
    whileFits(c, i, tiles.mr, I1, () => tile(tiles.mr, nv));
    whileFits(c, i, 1, I1, () => tile(1, nv));
  };

  /** All columns [j0, j1) for one row block of mr rows starting at i. */
  const cols = (mr: number) => {
    c.localGet(J0).localSet(j);
    whileFits(c, j, tiles.nv * L, J1, () => tile(mr, tiles.nv));
    if (tiles.nv > 1) whileFits(c, j, L, J1, () => tile(mr, 1));
    whileFits(c, j, 1, J1, () => tile(mr, 0));
  };

  // The order of the tiles. Either order computes every entry with the same tile, so the
  // numbers are the same; what differs is which operand stays in the cache. nn walks
  // column blocks outside, rows inside: one panel of B is reused by every row block. tn
  // walks rows outside: its A panel (MR entries of each of K rows of A, one cache line
  // per k) is reused by every column block. Measured on the benchmark's weight gradient
  // (784×300, inner size 128): 4-6% faster than columns outside; nn gains nothing from it.
  if (variant === "tn") {
    c.localGet(I0).localSet(i);
    whileFits(c, i, tiles.mr, I1, () => cols(tiles.mr));
    whileFits(c, i, 1, I1, () => cols(1));
  } else {
    c.localGet(J0).localSet(j);
    whileFits(c, j, tiles.nv * L, J1, () => rows(tiles.nv));
    if (tiles.nv > 1) whileFits(c, j, L, J1, () => rows(1));
    whileFits(c, j, 1, J1, () => rows(0));
  }

  return { name: `${variant}_${t === F32 ? "f32" : "f64"}`, params: new Array<ValType>(10).fill(I32), locals: loc.types, body: c };
}

/** nt kernel (C = A·Bᵀ, both read along k) for element type t. */
function genNt(t: ValType, tiles: TileConfig, fma: boolean): FunctionDef {
  const es = t === F32 ? 4 : 8;
  const L = 16 / es;
  const c = new Code();
  const loc = new Locals(10);
  const i = loc.add(I32),
    j = loc.add(I32),
    p = loc.add(I32);
  const pa = loc.add(I32),
    pb = loc.add(I32),
    pc = loc.add(I32);
  const ld = loc.add(I32),
    ldc = loc.add(I32),
    kVec = loc.add(I32),
    kTail = loc.add(I32);
  const maxRC = Math.max(tiles.ntRows, tiles.ntCols);
  const row: number[] = [];
  for (let r = 1; r < maxRC; r++) row[r] = loc.add(I32);
  const cRow: number[] = [];
  for (let r = 1; r < tiles.ntRows; r++) cRow[r] = loc.add(I32);
  const vacc: number[] = [],
    sacc: number[] = [];
  for (let q = 0; q < tiles.ntRows * tiles.ntCols; q++) {
    vacc.push(loc.add(V128));
    sacc.push(loc.add(t));
  }
  const vb: number[] = [];
  for (let q = 0; q < tiles.ntCols; q++) vb.push(loc.add(V128));
  const sbv: number[] = [];
  for (let q = 0; q < tiles.ntCols; q++) sbv.push(loc.add(t));

  // A is M×K and B is N×K: both have rows of K entries.
  c.localGet(K).i32Const(es).i32Mul().localSet(ld);
  c.localGet(N).i32Const(es).i32Mul().localSet(ldc);
  // kVec = floor(K / L) whole vectors along k, kTail = K mod L leftover entries
  c.localGet(K)
    .i32Const(L === 4 ? 2 : 1)
    .i32ShrU()
    .localSet(kVec);
  c.localGet(K).localGet(kVec).i32Const(L).i32Mul().i32Sub().localSet(kTail);
  for (let r = 1; r < maxRC; r++) c.localGet(ld).i32Const(r).i32Mul().localSet(row[r]!);
  for (let r = 1; r < tiles.ntRows; r++) c.localGet(ldc).i32Const(r).i32Mul().localSet(cRow[r]!);

  const addr = (base: number, r: number) => {
    c.localGet(base);
    if (r > 0) c.localGet(row[r]!).i32Add();
  };

  const tile = (mr: number, nc: number) => {
    c.localGet(A).localGet(i).localGet(ld).i32Mul().i32Add().localSet(pa);
    c.localGet(B).localGet(j).localGet(ld).i32Mul().i32Add().localSet(pb);
    for (let q = 0; q < mr * nc; q++) c.v128Zero().localSet(vacc[q]!);
    countDown(c, p, kVec, () => {
      for (let s = 0; s < nc; s++) {
        addr(pb, s);
        c.v128Load().localSet(vb[s]!);
      }
      for (let r = 0; r < mr; r++) {
        for (let s = 0; s < nc; s++) {
          const q = r * nc + s;
          if (fma) {
            addr(pa, r);
            c.v128Load().localGet(vb[s]!).localGet(vacc[q]!).vRelaxedMadd(t).localSet(vacc[q]!);
          } else {
            c.localGet(vacc[q]!);
            addr(pa, r);
            c.v128Load().localGet(vb[s]!).vMul(t).vAdd(t).localSet(vacc[q]!);
          }
        }
      }
      c.localGet(pa).i32Const(16).i32Add().localSet(pa);
      c.localGet(pb).i32Const(16).i32Add().localSet(pb);
    });
    // horizontal sums
    for (let q = 0; q < mr * nc; q++) {
      if (L === 4) {
        c.localGet(vacc[q]!).vExtractLane(t, 0).localGet(vacc[q]!).vExtractLane(t, 1).fAdd(t);
        c.localGet(vacc[q]!).vExtractLane(t, 2).localGet(vacc[q]!).vExtractLane(t, 3).fAdd(t);
        c.fAdd(t).localSet(sacc[q]!);
      } else {
        c.localGet(vacc[q]!).vExtractLane(t, 0).localGet(vacc[q]!).vExtractLane(t, 1).fAdd(t).localSet(sacc[q]!);
      }
    }
    // leftover k
    countDown(c, p, kTail, () => {
      for (let s = 0; s < nc; s++) {
        addr(pb, s);
        c.fLoad(t).localSet(sbv[s]!);
      }
      for (let r = 0; r < mr; r++) {
        for (let s = 0; s < nc; s++) {
          const q = r * nc + s;
          c.localGet(sacc[q]!);
          addr(pa, r);
          c.fLoad(t).localGet(sbv[s]!).fMul(t).fAdd(t).localSet(sacc[q]!);
        }
      }
      c.localGet(pa).i32Const(es).i32Add().localSet(pa);
      c.localGet(pb).i32Const(es).i32Add().localSet(pb);
    });
    c.localGet(C).localGet(i).localGet(ldc).i32Mul().i32Add().localGet(j).i32Const(es).i32Mul().i32Add().localSet(pc);
    for (let r = 0; r < mr; r++) {
      for (let s = 0; s < nc; s++) {
        c.localGet(pc);
        if (r > 0) c.localGet(cRow[r]!).i32Add();
        c.localGet(sacc[r * nc + s]!).fStore(t, s * es);
      }
    }
  };

  const rows = (nc: number) => {
    c.localGet(I0).localSet(i);
    whileFits(c, i, tiles.ntRows, I1, () => tile(tiles.ntRows, nc));
    whileFits(c, i, 1, I1, () => tile(1, nc));
  };
  c.localGet(J0).localSet(j);
  whileFits(c, j, tiles.ntCols, J1, () => rows(tiles.ntCols));
  if (tiles.ntCols > 1) whileFits(c, j, 1, J1, () => rows(1));

  return { name: `nt_${t === F32 ? "f32" : "f64"}`, params: new Array<ValType>(10).fill(I32), locals: loc.types, body: c };
}

/** The names of the kernels, in export order. */
export const kernelNames = ["nn_f32", "tn_f32", "nt_f32", "nn_f64", "tn_f64", "nt_f64"] as const;
export type KernelName = (typeof kernelNames)[number];

/** What kind of kernels to generate. */
export interface GemmModuleOptions {
  /** Tile sizes (default: the fastest measured for the kind of arithmetic chosen). */
  tiles?: TileConfig;
  /**
   * Multiply-add with relaxed SIMD's `relaxed_madd` (one instruction, and one rounding
   * where the CPU fuses it) instead of a multiply and an add. Only where the engine
   * validates relaxed SIMD (Node 22 and later; see kernels.ts).
   */
  relaxedSimd?: boolean;
}

/** The module's bytes: the product kernels, then the elementwise kernels (elementwise-module.ts) and the epilogues (epilogue-module.ts). */
export function gemmModuleBytes(
  memory: { initialPages: number; maxPages: number; shared: boolean },
  options: GemmModuleOptions = {},
): Uint8Array {
  const fma = options.relaxedSimd === true;
  const tiles = options.tiles ?? (fma ? relaxedTiles : defaultTiles);
  const fns: FunctionDef[] = [
    genNnTn("nn", F32, tiles, fma),
    genNnTn("tn", F32, tiles, fma),
    genNt(F32, tiles, fma),
    genNnTn("nn", F64, tiles, fma),
    genNnTn("tn", F64, tiles, fma),
    genNt(F64, tiles, fma),
    ...elementwiseFunctions(),
    ...epilogueFunctions(),
    ...transposeFunctions(),
    copyFunction(),
  ];
  fns.push(...rangeFunctions((name) => fns.findIndex((f) => f.name === name)));
  return encodeModule(fns, memory);
}
