/**
 * Makes sure no kernel outlives the process that started it. Kernels run in their own
 * process group (so a Ctrl-C in the terminal reaches only us, and we decide what to
 * interrupt); in exchange we must kill them ourselves when we exit, on a normal exit,
 * an uncaught error, or SIGINT/SIGTERM/SIGHUP.
 */
import type { ChildProcess } from "node:child_process";

/** Live kernels, each with the synchronous cleanup of its files (connection file holds a key). */
const live = new Map<ChildProcess, () => void>();
let installed = false;

export function trackKernelProcess(child: ChildProcess, cleanup: () => void = () => {}): void {
  live.set(child, cleanup);
  installHandlers();
}

/** Called once a kernel is shut down and its files removed by its owner. */
export function untrackKernelProcess(child: ChildProcess): void {
  live.delete(child);
}

/** Kills every kernel still running and removes its files; synchronous, so safe in an `exit` handler. */
export function killAllKernels(): void {
  for (const [child, cleanup] of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    try {
      cleanup();
    } catch {
      // best effort while exiting
    }
  }
  live.clear();
}

export function liveKernelCount(): number {
  return live.size;
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killAllKernels);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      killAllKernels();
      // Leave with the signal's usual outcome, unless someone else also handles it.
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
