/**
 * Helper threads for large matrix products, behind a synchronous API.
 *
 * A product C = op(A)·op(B) splits cleanly: different column (or row) blocks of C are
 * independent. The calling thread cuts C into chunks and publishes the job; the caller
 * and the helpers then take chunks from a shared counter (Atomics.add) until none are
 * left, all running the same WebAssembly kernels on the same shared memory, so nothing
 * is copied between threads. The caller returns once the chunks taken by helpers are
 * finished, so `matmul` stays an ordinary synchronous function for learners.
 *
 * Why chunks from a counter rather than one fixed half per thread: when other programs
 * compete for the cores, a helper may not be scheduled for milliseconds. With a fixed
 * split the caller would sit and wait for it; with a counter the caller simply takes
 * the remaining chunks itself and waits at most for the one chunk a helper is in.
 *
 * Coordination is a small shared Int32Array, not messages (postMessage needs the event
 * loop, which a synchronous caller never yields to). An idle helper polls briefly, then
 * sleeps in Atomics.wait, so an idle notebook does not keep a core busy; a sleeping
 * helper costs the caller nothing but the wake-up call. Helpers start in the
 * background; until one reports READY the caller does all the work itself. Helpers are
 * unref'd: they never keep a finished program alive.
 */
import { Worker } from "node:worker_threads";
import type { WasmMemory, WasmModule } from "./webassembly-api";

// Slots of the control array (Int32).
const SEQ = 0; // job number, bumped by the caller to wake helpers
const NEXT = 1; // the current job's tag and its next chunk: (tag << CHUNK_BITS) | chunk
const ACTIVE = 2; // helpers inside a job
const NCHUNKS = 3; // chunks in the current job; 0 between jobs
const FN = 4; // kernel index
const ARGS = 5; // pa, pb, pc, m, n, k
const BYCOLS = 11; // 1: chunks are column ranges of C; 0: row ranges
const STEP = 12; // chunk width (columns or rows)
const SIZE = 13; // n or m
const FAILED = 14; // a helper hit an error
const READY = 16; // + helper index

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
const CHUNK_BITS = 10;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
/** One below the mask: the caller's last add (the one that finds no chunk left) must not carry into the tag. */
const MAX_CHUNKS = CHUNK_MASK - 1;
const TAG_MASK = (1 << (31 - CHUNK_BITS)) - 1;

/**
 * How long (ms) an idle helper polls for the next job before it sleeps. Short, because
 * the caller never waits for a helper to wake up: it starts on the chunks itself and
 * the helper joins in when it is running. Measured on a 2-core machine shared with other
 * work: polling for 1 ms instead made training 2-3 times slower whenever other processes
 * wanted the cores, and was no faster on an idle machine beyond measurement noise.
 */
const HELPER_SPIN_MS = 0.05;

/** Runs inside each helper thread (plain JavaScript, passed as source with eval). */
const helperSource = `
"use strict";
const { workerData } = require("node:worker_threads");
const { module, memory, control, index, names, spinMs } = workerData;
const ctl = new Int32Array(control);
let fns;
try {
  const inst = new WebAssembly.Instance(module, { env: { memory } });
  fns = names.map((n) => inst.exports[n]);
} catch (e) {
  Atomics.store(ctl, ${FAILED}, 1);
  throw e;
}
// Read the job number before announcing READY: a job posted after the caller sees READY
// bumps it past this value, so none is missed.
let seen = Atomics.load(ctl, ${SEQ});
Atomics.store(ctl, ${READY} + index, 1);
for (;;) {
  let spins = 0;
  let deadline = performance.now() + spinMs;
  while (Atomics.load(ctl, ${SEQ}) === seen) {
    if ((++spins & 1023) === 0 && performance.now() > deadline) {
      Atomics.wait(ctl, ${SEQ}, seen);
      deadline = performance.now() + spinMs;
    }
  }
  Atomics.add(ctl, ${ACTIVE}, 1);
  seen = Atomics.load(ctl, ${SEQ});
  const tag = seen & ${TAG_MASK};
  try {
    for (;;) {
      const next = Atomics.load(ctl, ${NEXT});
      if (next >>> ${CHUNK_BITS} !== tag) break; // another job is out now (or none)
      const chunk = next & ${CHUNK_MASK};
      const nchunks = Atomics.load(ctl, ${NCHUNKS});
      if (chunk >= nchunks) break;
      if (Atomics.compareExchange(ctl, ${NEXT}, next, next + 1) !== next) continue; // taken meanwhile: try the next

      const a = ${ARGS}, step = ctl[${STEP}], size = ctl[${SIZE}];
      const lo = chunk * step, hi = Math.min(size, lo + step);
      const m = ctl[a + 3], n = ctl[a + 4];
      if (ctl[${BYCOLS}] === 1) fns[ctl[${FN}]](ctl[a], ctl[a + 1], ctl[a + 2], m, n, ctl[a + 5], 0, m, lo, hi);
      else fns[ctl[${FN}]](ctl[a], ctl[a + 1], ctl[a + 2], m, n, ctl[a + 5], lo, hi, 0, n);
    }
  } catch (e) {
    Atomics.store(ctl, ${FAILED}, 1);
  }
  Atomics.sub(ctl, ${ACTIVE}, 1);
  Atomics.notify(ctl, ${ACTIVE});
}
`;

/** A product to share out: kernel `fn` on (pa, pb, pc, m, n, k), C cut into chunks. */
export interface SharedJob {
  fn: number;
  pa: number;
  pb: number;
  pc: number;
  m: number;
  n: number;
  k: number;
  /** Cut C by columns (true) or by rows. */
  byCols: boolean;
  /** Columns (or rows) per chunk. */
  step: number;
  chunks: number;
}

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

export class HelperThreads {
  private readonly ctl: Int32Array;
  private readonly workers: Worker[] = [];
  private seq = 0;
  private broken = false;

  /**
   * Starts `count` helpers that instantiate `module` over `memory` and can run the
   * exports named in `names` (a job's `fn` indexes this list).
   */
  constructor(
    module: WasmModule,
    memory: WasmMemory,
    names: readonly string[],
    readonly count: number,
  ) {
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * (READY + count)));
    for (let index = 0; index < count; index++) {
      const w = new Worker(helperSource, {
        eval: true,
        workerData: { module, memory, control: this.ctl.buffer, index, names: [...names], spinMs: HELPER_SPIN_MS },
      });
      w.unref();
      // A helper that dies (it should not) must not take the program down: the caller
      // notices FAILED or the error and does the work itself from then on.
      w.on("error", () => {
        this.broken = true;
      });
      this.workers.push(w);
    }
  }

  /** Whether at least one helper is running and able to take work. */
  ready(): boolean {
    if (this.broken || Atomics.load(this.ctl, FAILED) !== 0) return false;
    for (let i = 0; i < this.count; i++) if (Atomics.load(this.ctl, READY + i) === 1) return true;
    return false;
  }

  /**
   * Runs `job`, taking chunks on this thread with `kernel` alongside the helpers; returns
   * when every chunk is done. Returns false if a helper failed; C is then incomplete, the
   * helpers are no longer used, and the caller should compute the product itself.
   */
  run(job: SharedJob, kernel: KernelFn): boolean {
    const ctl = this.ctl;
    const size = job.byCols ? job.n : job.m;
    ctl[FN] = job.fn;
    ctl[ARGS] = job.pa;
    ctl[ARGS + 1] = job.pb;
    ctl[ARGS + 2] = job.pc;
    ctl[ARGS + 3] = job.m;
    ctl[ARGS + 4] = job.n;
    ctl[ARGS + 5] = job.k;
    ctl[BYCOLS] = job.byCols ? 1 : 0;
    ctl[STEP] = job.step;
    ctl[SIZE] = size;
    if (job.chunks > MAX_CHUNKS) throw new RangeError(`HelperThreads: a job may have at most ${MAX_CHUNKS} chunks, got ${job.chunks}.`);
    // Publish: the arguments, the counter with this job's tag, the chunk count, then the
    // job number that wakes the helpers (Atomics order the plain writes before them).
    // The count is 0 between jobs and is written after the tag: a helper that reads the
    // new tag with the old count of 0 takes nothing, and one that reads the new count has
    // the arguments too. A helper claims chunks only under its job's tag (see CHUNK_BITS).
    const seq = (this.seq = (this.seq + 1) & TAG_MASK);
    Atomics.store(ctl, NEXT, seq << CHUNK_BITS);
    Atomics.store(ctl, NCHUNKS, job.chunks);
    Atomics.store(ctl, SEQ, seq);
    Atomics.notify(ctl, SEQ);
    const { pa, pb, pc, m, n, k, step } = job;
    for (;;) {
      // The caller is the only writer of the tag, so it may take chunks with a plain add.
      const chunk = Atomics.add(ctl, NEXT, 1) & CHUNK_MASK;
      if (chunk >= job.chunks) break;
      const lo = chunk * step;
      const hi = Math.min(size, lo + step);
      if (job.byCols) kernel(pa, pb, pc, m, n, k, 0, m, lo, hi);
      else kernel(pa, pb, pc, m, n, k, lo, hi, 0, n);
    }
    // Wait for helpers still inside a chunk.
    let spins = 0;
    let waitedMs = 0;
    for (;;) {
      const active = Atomics.load(ctl, ACTIVE);
      if (active === 0) break;
      if (++spins > 50_000) {
        Atomics.wait(ctl, ACTIVE, active, 10);
        spins = 0;
        if ((waitedMs += 10) > 60_000) {
          this.broken = true; // a helper stuck for a minute: stop relying on helpers
          return false;
        }
      }
    }
    // Leave no chunk for a late helper to take after we return.
    Atomics.store(ctl, NCHUNKS, 0);
    if (Atomics.load(ctl, FAILED) !== 0) this.broken = true;
    return !this.broken;
  }

  /**
   * Makes sure no helper is still working on an earlier job before the caller writes
   * new operands into the memory. Normally a no-op (run waits for its helpers), but a
   * job can be abandoned midway, e.g. when a notebook cell is interrupted during a
   * product; its helpers must not keep writing while the next product is set up.
   */
  quiesce(): void {
    const ctl = this.ctl;
    Atomics.store(ctl, NCHUNKS, 0); // hand out no more chunks of an abandoned job
    let spins = 0;
    for (;;) {
      const active = Atomics.load(ctl, ACTIVE);
      if (active === 0) return;
      if (++spins > 50_000) {
        Atomics.wait(ctl, ACTIVE, active, 10);
        spins = 0;
      }
    }
  }

  /** Stops the helpers (they are unref'd, so this is only needed to free them early). */
  terminate(): void {
    this.broken = true;
    for (const w of this.workers) void w.terminate();
  }
}
