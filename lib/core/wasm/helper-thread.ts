/**
 * One helper thread of threads.ts: the script each helper Worker runs, always from the
 * build (lib/dist), never from source: a worker does not load TypeScript through tsx,
 * on Node 20 at least (ERR_UNKNOWN_FILE_EXTENSION), even where its parent does.
 *
 * It instantiates the kernels over the shared memory, reports READY, then waits for
 * jobs and takes their chunks from the shared counter until none are left, exactly as
 * the calling thread does in HelperThreads.run.
 */
import { workerData } from "node:worker_threads";
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
import { webAssembly } from "./webassembly-api";

// Not `module`: that name is CommonJS's own in this file's scope.
const { module: kernelModule, memory, control, bounds: boundsBuffer, index, names, epilogueNames, spinMs } = workerData as HelperData;
const ctl = new Int32Array(control);
const bounds = new Int32Array(boundsBuffer);
let fns: KernelFn[];
let epilogues: EpilogueFn[];
try {
  const inst = new webAssembly!.Instance(kernelModule, { env: { memory } });
  fns = names.map((n) => inst.exports[n] as KernelFn);
  epilogues = epilogueNames.map((n) => inst.exports[n] as EpilogueFn);
} catch (e) {
  Atomics.store(ctl, FAILED, 1);
  throw e;
}
// Read the job number before announcing READY: a job posted after the caller sees READY
// bumps it past this value, so none is missed.
let seen = Atomics.load(ctl, SEQ);
Atomics.store(ctl, READY + index, 1);
for (;;) {
  let spins = 0;
  let deadline = performance.now() + spinMs;
  while (Atomics.load(ctl, SEQ) === seen) {
    if ((++spins & 1023) === 0 && performance.now() > deadline) {
      Atomics.wait(ctl, SEQ, seen);
      deadline = performance.now() + spinMs;
    }
  }
  Atomics.add(ctl, ACTIVE, 1);
  seen = Atomics.load(ctl, SEQ);
  const tag = seen & TAG_MASK;
  try {
    for (;;) {
      const next = Atomics.load(ctl, NEXT);
      if (next >>> CHUNK_BITS !== tag) break; // another job is out now (or none)
      const chunk = next & CHUNK_MASK;
      const nchunks = Atomics.load(ctl, NCHUNKS);
      if (chunk >= nchunks) break;
      if (Atomics.compareExchange(ctl, NEXT, next, next + 1) !== next) continue; // taken meanwhile: try the next

      const a = ARGS;
      const epilogue = ctl[EPILOGUE];
      runChunk(
        fns[ctl[FN]],
        ctl[a],
        ctl[a + 1],
        ctl[a + 2],
        ctl[a + 3],
        ctl[a + 4],
        ctl[a + 5],
        ctl[BYCOLS] === 1,
        bounds[chunk],
        bounds[chunk + 1],
        epilogue >= 0 ? epilogues[epilogue] : undefined,
        ctl[EPILOGUE_ARGS],
        ctl[EPILOGUE_ARGS + 1],
      );
    }
  } catch {
    Atomics.store(ctl, FAILED, 1);
  }
  Atomics.sub(ctl, ACTIVE, 1);
  Atomics.notify(ctl, ACTIVE);
}
