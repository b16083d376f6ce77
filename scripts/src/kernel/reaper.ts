/**
 * Makes sure no kernel outlives the process that started it. Kernels run in their own
 * process group (so a Ctrl-C in the terminal reaches only us, and we decide what to
 * interrupt); in exchange we must kill them ourselves when we exit, on a normal exit,
 * an uncaught error, or SIGINT/SIGTERM/SIGHUP.
 */
import type { ChildProcess } from "node:child_process";

const live = new Set<ChildProcess>();
let installed = false;

export function trackKernelProcess(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
  installHandlers();
}

export function untrackKernelProcess(child: ChildProcess): void {
  live.delete(child);
}

/** Kills every kernel still running; safe to call from an `exit` handler (synchronous). */
export function killAllKernels(): void {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
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
