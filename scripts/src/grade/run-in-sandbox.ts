/**
 * The one step of grading that is not a pure function: running the instrumented
 * submission in a kernel of its own, inside the sandbox, while the grade records it
 * emits are collected from the kernel's iopub stream (records.ts).
 */
import { effectiveTimeLimits, type TimeLimits } from "../assign/time-limits";
import { START_ATTEMPTS, withStartAttempts, type StartAttempts } from "../runner/pool";
import { runNotebook, type NotebookRunResult } from "../runner/run-notebook";
import type { GradingSandbox, KernelLimits } from "../sandbox/sandbox";
import type { GradeLimits } from "./grade-one";
import type { Instrumented } from "./instrument";
import { RecordCollector } from "./records";

export interface SandboxedRun {
  run: NotebookRunResult;
  collector: RecordCollector;
}

/**
 * The limits of one submission's run. Time limits set on the command line win over
 * those the master declares, which win over the defaults; the kernel may live for its
 * start and the whole notebook's time, which bounds its CPU time in the sandbox.
 */
export function runLimits(
  limits: GradeLimits,
  declared: TimeLimits,
): { time: { cellTimeoutMs: number; notebookTimeoutMs: number }; kernel: KernelLimits } {
  const time = effectiveTimeLimits(limits, declared, limits.given ?? {});
  return {
    time,
    kernel: { memoryMb: limits.memoryMb, scratchMb: limits.scratchMb, lifetimeMs: limits.startTimeoutMs + time.notebookTimeoutMs },
  };
}

/**
 * Runs the instrumented notebook in the sandbox. A kernel that fails to start (a busy
 * machine can make tslab trip over its own socket setup) is tried again in a new
 * sandbox, START_ATTEMPTS times: nothing of the submission has run yet. Comes back with
 * the last start error when none started.
 */
export async function runInSandbox(
  instrumented: Instrumented,
  name: string,
  declared: TimeLimits,
  context: { sandbox: GradingSandbox; limits: GradeLimits },
): Promise<StartAttempts<SandboxedRun>> {
  const collector = new RecordCollector(instrumented.nonce);
  const limits = runLimits(context.limits, declared);
  const ran = await withStartAttempts(
    START_ATTEMPTS,
    () => context.sandbox.kernelFor(name, limits.kernel),
    (kernel) =>
      runNotebook(instrumented.notebook, {
        cwd: kernel.cwd,
        env: kernel.env,
        nodeFlags: kernel.nodeFlags,
        kernelScript: kernel.kernelScript,
        launch: kernel.launch,
        ...limits.time,
        startTimeoutMs: context.limits.startTimeoutMs,
        interruptGraceMs: 2000,
        allowErrors: true,
        limits: { cellBytes: context.limits.outputCapBytes, notebookBytes: context.limits.outputCapBytes },
        onKernelReady: (k) => {
          collector.attach(k);
        },
        onCellStart: (index) => collector.cellStarted(index),
        onCellEnd: () => collector.cellEnded(),
      }),
    // runNotebook returns once the kernel's process is gone: with the sandbox, its whole process tree.
    { release: (kernel) => kernel.dispose() },
  );
  return ran.ok ? { ok: true, value: { run: ran.value, collector } } : ran;
}
