/**
 * Helper threads for large matrix products, with a synchronous API.
 *
 * A product C = op(A)·op(B) splits cleanly: different column (or row) ranges of C are
 * independent. The calling thread hands one range to each helper and computes the first
 * range itself; all of them run the same WebAssembly kernels on the same shared memory,
 * so nothing is copied between threads. The caller then waits until every helper is
 * done and returns, so `matmul` stays an ordinary synchronous function for learners.
 *
 * Coordination is a small shared Int32Array, not messages (postMessage would need the
 * event loop, which a synchronous caller never yields to):
 *   - the caller writes the job (kernel and arguments for each helper), then bumps SEQ
 *     and notifies;
 *   - a helper runs its part, stores SEQ into its DONE slot and notifies;
 *   - waiting is a short spin on Atomics.load followed by Atomics.wait. The spin matters:
 *     during training a product arrives every fraction of a millisecond, and waking a
 *     sleeping thread costs tens of microseconds, as much as a small product itself.
 *     A helper spins for about a millisecond after each job and then sleeps, so an idle
 *     notebook does not burn a core.
 * Helpers start in the background; until a helper reports READY the caller simply does
 * all the work itself. Helpers are unref'd: they never keep a finished program alive.
 */
import { Worker } from "node:worker_threads";
import type { WasmMemory, WasmModule } from "./webassembly-api";

// Layout of the control array (Int32 slots).
const SEQ = 0; // job counter, bumped by the caller
const HEADER = 4;
const SLOT = 16; // per helper: READY, DONE, FAILED, kernel index, 10 arguments
const READY = 0, DONE = 1, FAILED = 2, FN = 3, ARGS = 4;

/** Runs inside each helper thread (plain JavaScript, passed as source with eval). */
const helperSource = `
"use strict";
const { workerData } = require("node:worker_threads");
const { module, memory, control, index, names, spin } = workerData;
const ctl = new Int32Array(control);
const base = ${HEADER} + index * ${SLOT};
let fns;
try {
  const inst = new WebAssembly.Instance(module, { env: { memory } });
  fns = names.map((n) => inst.exports[n]);
} catch (e) {
  Atomics.store(ctl, base + ${FAILED}, 1);
  throw e;
}
// Read the job counter before announcing READY: every job posted after the caller sees
// READY then bumps it past this value, so none can be missed.
let seen = Atomics.load(ctl, ${SEQ});
Atomics.store(ctl, base + ${READY}, 1);
for (;;) {
  let spins = 0;
  while (Atomics.load(ctl, ${SEQ}) === seen) {
    if (++spins > spin) { Atomics.wait(ctl, ${SEQ}, seen); spins = 0; }
  }
  seen = Atomics.load(ctl, ${SEQ});
  const a = base + ${ARGS};
  const fn = ctl[base + ${FN}];
  if (fn >= 0) {
    try {
      fns[fn](ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5], ctl[a + 6], ctl[a + 7], ctl[a + 8], ctl[a + 9]);
    } catch (e) {
      Atomics.store(ctl, base + ${FAILED}, 1);
    }
  }
  Atomics.store(ctl, base + ${DONE}, seen);
  Atomics.notify(ctl, base + ${DONE});
}
`;

/** One job for one thread: a kernel index and its 10 integer arguments. */
export interface ThreadJob {
  fn: number;
  args: readonly number[];
}

export class HelperThreads {
  private readonly ctl: Int32Array;
  private readonly workers: Worker[] = [];
  private seq = 0;
  private broken = false;

  /**
   * Starts `count` helpers that instantiate `module` over `memory` and can run the
   * exports named in `names`.
   */
  constructor(module: WasmModule, memory: WasmMemory, names: readonly string[], readonly count: number) {
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * (HEADER + SLOT * count)));
    for (let index = 0; index < count; index++) {
      const w = new Worker(helperSource, {
        eval: true,
        workerData: { module, memory, control: this.ctl.buffer, index, names: [...names], spin: 200_000 },
      });
      w.unref();
      // A helper that dies (it should not) must not take the program down: its slot
      // stays un-ready or failed, and the caller does the work itself.
      w.on("error", () => {
        this.broken = true;
      });
      this.workers.push(w);
    }
  }

  /** How many helpers are started and ready to take work now. */
  ready(): number {
    if (this.broken) return 0;
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const base = HEADER + i * SLOT;
      if (Atomics.load(this.ctl, base + FAILED) !== 0) return 0;
      if (Atomics.load(this.ctl, base + READY) === 1) n++;
      else break; // helpers are used in order, so count the ready prefix
    }
    return n;
  }

  /**
   * Runs `jobs[0]` on helper 0, `jobs[1]` on helper 1, ... while the caller runs `own`;
   * returns when all are done. Returns false if a helper failed (its part is then
   * undone, and the caller should compute it itself).
   */
  run(jobs: readonly ThreadJob[], own: () => void): boolean {
    const ctl = this.ctl;
    for (let i = 0; i < this.count; i++) {
      const base = HEADER + i * SLOT;
      const job = jobs[i];
      ctl[base + FN] = job ? job.fn : -1;
      if (job) for (let k = 0; k < 10; k++) ctl[base + ARGS + k] = job.args[k]!;
    }
    const seq = (this.seq = (this.seq + 1) | 0);
    Atomics.store(ctl, SEQ, seq);
    Atomics.notify(ctl, SEQ);
    own();
    let ok = true;
    for (let i = 0; i < jobs.length; i++) {
      const base = HEADER + i * SLOT;
      let spins = 0;
      let waited = 0;
      while (Atomics.load(ctl, base + DONE) !== seq) {
        if (Atomics.load(ctl, base + FAILED) !== 0 || this.broken) {
          ok = false;
          break;
        }
        if (++spins > 100_000) {
          const prev = Atomics.load(ctl, base + DONE);
          if (prev !== seq) Atomics.wait(ctl, base + DONE, prev, 50);
          spins = 0;
          if ((waited += 50) > 30_000) {
            // A helper that takes 30 s over one product is stuck: stop using helpers.
            this.broken = true;
            ok = false;
            break;
          }
        }
      }
      if (Atomics.load(ctl, base + FAILED) !== 0) ok = false;
    }
    if (!ok) this.broken = true;
    return ok;
  }

  /** Stops the helpers (they are unref'd, so this is only needed to free them early). */
  terminate(): void {
    this.broken = true;
    for (const w of this.workers) void w.terminate();
  }
}
