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
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import {
  ACTIVE,
  ARGS,
  BYCOLS,
  CHUNK_BITS,
  CHUNK_MASK,
  EPILOGUE,
  EPILOGUE_ARGS,
  FAILED,
  FN,
  MAX_CHUNKS,
  NCHUNKS,
  NEXT,
  READY,
  SEQ,
  TAG_MASK,
  runChunk,
  type EpilogueFn,
  type HelperData,
  type KernelFn,
} from "./thread-control";
import type { WasmMemory, WasmModule } from "./webassembly-api";

export type { EpilogueFn, KernelFn } from "./thread-control";

/**
 * How long (ms) an idle helper polls for the next job before it sleeps. Short, because
 * the caller never waits for a helper to wake up: it starts on the chunks itself and
 * the helper joins in when it is running. Measured on a 2-core machine shared with other
 * work: polling for 1 ms instead made training 2-3 times slower whenever other processes
 * wanted the cores, and was no faster on an idle machine beyond measurement noise.
 */
const HELPER_SPIN_MS = 0.05;

/**
 * The script each helper runs (helper-thread.ts): always the built one in the library's
 * dist, also when this module runs from source (tests and benchmarks, through tsx),
 * because a worker does not load TypeScript through tsx (see helper-thread.ts).
 */
function helperScript(): string {
  const script = join(dirname(require.resolve("nncourse/package.json")), "dist", "core", "wasm", "helper-thread.js");
  if (!existsSync(script)) {
    throw new Error(`the helper threads' script ${script} is not built; run \`npm run build\` in the project folder.`);
  }
  return script;
}

/**
 * Where the chunks of a shared job start: `size` columns or rows in whole units of
 * `unit` (the last may be shorter), cut for `threads` threads. Each chunk is the rest's
 * share for 2·threads: large at first, so that there are few hand-offs, and down to one
 * unit at the end, so that a thread that finds no chunk left waits at most for a small
 * one. Equal chunks left the caller waiting for the helper's last large chunk: measured
 * on the benchmark's training step, 36 µs a step.
 */
export function chunkBounds(size: number, unit: number, threads: number): number[] {
  const units = Math.ceil(size / unit);
  const bounds = [0];
  for (let done = 0; done < units;) {
    done = Math.min(units, done + Math.max(1, Math.ceil((units - done) / (2 * threads))));
    bounds.push(Math.min(size, done * unit));
  }
  return bounds;
}
/** A job's epilogue: its index in the helpers' list, its operands, and the function itself for this thread. */
export interface JobEpilogue {
  index: number;
  pp: number;
  pq: number;
  fn: EpilogueFn;
}

/**
 * A product to share out: kernel `fn` on (pa, pb, pc, m, n, k), C cut into chunks; then,
 * when `epilogue` is set, that epilogue (epilogue-module.ts) on each chunk by the thread
 * that computed it.
 */
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
  /** Chunk c is columns (or rows) [bounds[c], bounds[c + 1]); bounds[0] = 0 and the last is n (or m). */
  bounds: readonly number[];
  epilogue?: JobEpilogue;
}

export class HelperThreads {
  private readonly ctl: Int32Array;
  private readonly bounds = new Int32Array(new SharedArrayBuffer(4 * (MAX_CHUNKS + 1)));
  private readonly workers: Worker[] = [];
  private seq = 0;
  private broken = false;

  /**
   * Starts `count` helpers that instantiate `module` over `memory` and can run the
   * exports named in `names` (a job's `fn` indexes this list) and in `epilogueNames`.
   */
  constructor(
    module: WasmModule,
    memory: WasmMemory,
    names: readonly string[],
    epilogueNames: readonly string[],
    readonly count: number,
  ) {
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * (READY + count)));
    const script = helperScript();
    for (let index = 0; index < count; index++) {
      const workerData: HelperData = {
        module,
        memory,
        control: this.ctl.buffer as SharedArrayBuffer,
        bounds: this.bounds.buffer as SharedArrayBuffer,
        index,
        names: [...names],
        epilogueNames: [...epilogueNames],
        spinMs: HELPER_SPIN_MS,
      };
      const w = new Worker(script, { workerData });
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
    const chunks = job.bounds.length - 1;
    if (chunks > MAX_CHUNKS) throw new RangeError(`HelperThreads: a job may have at most ${MAX_CHUNKS} chunks, got ${chunks}.`);
    this.bounds.set(job.bounds);
    ctl[FN] = job.fn;
    ctl[ARGS] = job.pa;
    ctl[ARGS + 1] = job.pb;
    ctl[ARGS + 2] = job.pc;
    ctl[ARGS + 3] = job.m;
    ctl[ARGS + 4] = job.n;
    ctl[ARGS + 5] = job.k;
    ctl[BYCOLS] = job.byCols ? 1 : 0;
    const epilogue = job.epilogue;
    ctl[EPILOGUE] = epilogue ? epilogue.index : -1;
    ctl[EPILOGUE_ARGS] = epilogue ? epilogue.pp : 0;
    ctl[EPILOGUE_ARGS + 1] = epilogue ? epilogue.pq : 0;
    // Publish: the arguments, the counter with this job's tag, the chunk count, then the
    // job number that wakes the helpers (Atomics order the plain writes before them).
    // The count is 0 between jobs and is written after the tag: a helper that reads the
    // new tag with the old count of 0 takes nothing, and one that reads the new count has
    // the arguments too. A helper claims chunks only under its job's tag (see CHUNK_BITS).
    const seq = (this.seq = (this.seq + 1) & TAG_MASK);
    Atomics.store(ctl, NEXT, seq << CHUNK_BITS);
    Atomics.store(ctl, NCHUNKS, chunks);
    Atomics.store(ctl, SEQ, seq);
    Atomics.notify(ctl, SEQ);
    const { pa, pb, pc, m, n, k, bounds } = job;
    for (;;) {
      // The caller is the only writer of the tag, so it may take chunks with a plain add.
      const chunk = Atomics.add(ctl, NEXT, 1) & CHUNK_MASK;
      if (chunk >= chunks) break;
      runChunk(
        kernel,
        pa,
        pb,
        pc,
        m,
        n,
        k,
        job.byCols,
        bounds[chunk]!,
        bounds[chunk + 1]!,
        epilogue?.fn,
        epilogue?.pp ?? 0,
        epilogue?.pq ?? 0,
      );
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
