/**
 * What the calling thread (threads.ts) and its helpers (helper-thread.ts) agree on: the
 * slots of the small shared Int32Array they coordinate through, how a job's counter
 * packs its tag and its next chunk, what a helper is started with, and the signature of
 * the WebAssembly kernels both run.
 */
import type { WasmMemory, WasmModule } from "./webassembly-api";

// Slots of the control array (Int32).
export const SEQ = 0; // job number, bumped by the caller to wake helpers
export const NEXT = 1; // the current job's tag and its next chunk: (tag << CHUNK_BITS) | chunk
export const ACTIVE = 2; // helpers inside a job
export const NCHUNKS = 3; // chunks in the current job; 0 between jobs
export const FN = 4; // kernel index
export const ARGS = 5; // pa, pb, pc, m, n, k
export const BYCOLS = 11; // 1: chunks are column ranges of C; 0: row ranges (where each starts: HelperData.bounds)
export const FAILED = 12; // a helper hit an error
export const EPILOGUE = 13; // index of the epilogue to run on each chunk after the product, or -1
export const EPILOGUE_ARGS = 14; // its two operands: pp, pq
export const READY = 16; // + helper index

/**
 * Claiming chunks. A helper can be descheduled for any time between seeing a job and
 * taking its first chunk; when it runs again the caller may have finished that job and
 * published the next one. If the counter were a bare chunk number, reset to 0 for each
 * job, such a late helper could take chunk 0 of the new job while the chunk count still
 * read 0 (or the old one), and drop it: that chunk of C would keep the previous product's
 * values. So the counter carries the job's tag next to the chunk number, and a chunk is
 * claimed with compare-and-swap only while the tag is the one of the job the thread
 * joined: a late helper finds another tag and takes nothing.
 */
export const CHUNK_BITS = 10;
export const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
/** One below the mask: the caller's last add (the one that finds no chunk left) must not carry into the tag. */
export const MAX_CHUNKS = CHUNK_MASK - 1;
export const TAG_MASK = (1 << (31 - CHUNK_BITS)) - 1;

/** What each helper thread is started with (its workerData). */
export interface HelperData {
  /** The compiled kernels, instantiated by each helper over the shared `memory`. */
  module: WasmModule;
  memory: WasmMemory;
  /** The control array's buffer. */
  control: SharedArrayBuffer;
  /** The current job's chunk bounds (Int32): chunk c is columns or rows [bounds[c], bounds[c + 1]). */
  bounds: SharedArrayBuffer;
  /** This helper's number: it reports READY in slot READY + index. */
  index: number;
  /** The kernels' export names; a job's FN slot indexes this list. */
  names: string[];
  /** The epilogues' export names; a job's EPILOGUE slot indexes this list. */
  epilogueNames: string[];
  /** How long (ms) an idle helper polls before it sleeps. */
  spinMs: number;
}

import type { EpilogueFn } from "./epilogue-module";
export type { EpilogueFn };

/** A matrix-product kernel: C = op(A)·op(B) restricted to rows i0..i1 and columns j0..j1 of C. */
export type KernelFn = (
  a: number,
  b: number,
  c: number,
  m: number,
  n: number,
  k: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
) => void;

/**
 * One chunk of a shared job, as the caller and every helper run it: columns (byCols) or
 * rows [lo, hi) of C through `kernel`, then `epilogue` (if any) on the same block, so
 * that each entry is computed and finished by one thread with the same instructions.
 */
export function runChunk(
  kernel: KernelFn,
  pa: number,
  pb: number,
  pc: number,
  m: number,
  n: number,
  k: number,
  byCols: boolean,
  lo: number,
  hi: number,
  epilogue: EpilogueFn | undefined,
  pp: number,
  pq: number,
): void {
  const i0 = byCols ? 0 : lo,
    i1 = byCols ? m : hi,
    j0 = byCols ? lo : 0,
    j1 = byCols ? hi : n;
  kernel(pa, pb, pc, m, n, k, i0, i1, j0, j1);
  if (epilogue) epilogue(pc, m, n, i0, i1, j0, j1, pp, pq);
}
