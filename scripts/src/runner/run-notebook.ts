/**
 * Executing one notebook in a fresh tslab kernel, cell by cell, like Jupyter's
 * "Restart Kernel and Run All Cells", but headless and with time and size limits.
 *
 * Each cell is judged only by its execute_reply status, never by printed text. The
 * course's kernel reports a failure as Jupyter's `error` message, which becomes the
 * cell's error output (from a kernel that only prints its errors, as tslab's own front
 * does, the error output is built from its stderr text).
 */
import { dirname, resolve } from "node:path";
import { Kernel, type KernelExit, type KernelLauncher } from "../kernel/kernel";
import type { ExecuteOutcome } from "../kernel/kernel";
import { codeCells, cellSource } from "../notebook/cells";
import type { Notebook } from "../notebook/model";
import { firstLine } from "../notebook/text";
import { COMPILE_ERROR } from "nncourse/dist/kernel/errors";
import { parseKernelError } from "./error-text";
import { DEFAULT_LIMITS, NotebookOutputs, type CellOutputs, type OutputLimits } from "./outputs";

export type CellStatus =
  /** the reply said ok */
  | "ok"
  /** the reply said error (runtime error, type error) */
  | "error"
  /** the cell ran past its time limit and was interrupted (or the kernel killed) */
  | "timeout"
  /** the kernel process exited while the cell ran */
  | "kernel-died"
  /** the kernel skipped it for an earlier failure (never counts as a pass) */
  | "aborted"
  /** not run: an earlier cell failed, the kernel is gone, or the notebook ran out of time */
  | "not-run"
  /** empty code cell; Jupyter does not run those either */
  | "empty";

export interface CellResult {
  /** Position in notebook.cells, 0-based. */
  index: number;
  status: CellStatus;
  executionCount: number | null;
  durationMs: number;
  /** The first non-empty line of the source, for reports. */
  firstLine: string;
  /** What went wrong, in a few lines (for failures). */
  error?: string;
  /** True when some output was dropped by the size cap. */
  truncated: boolean;
}

export interface RunOptions {
  /** Kernel working folder; default: the notebook's folder (or the current one). */
  cwd?: string;
  /** The kernel's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Extra node flags for the kernel process, e.g. ["--max-old-space-size=512"]. */
  nodeFlags?: string[];
  /** The kernel's script (default: the course's kernel); see KernelStartOptions.kernelScript. */
  kernelScript?: string;
  /** Starts the kernel some other way (the grader's sandbox); see KernelStartOptions.launch. */
  launch?: KernelLauncher;
  /** Time limit per cell in ms (default: none). */
  cellTimeoutMs?: number;
  /**
   * Time limit for all cells together in ms (default: none). It starts once the kernel
   * is ready: a slow start on a busy machine is not charged to the notebook (the start
   * has its own limit, startTimeoutMs).
   */
  notebookTimeoutMs?: number;
  /** How long an interrupted cell may take to stop before the kernel is killed (default 5 s). */
  interruptGraceMs?: number;
  /** Keep running cells after a failing one (default: stop at the first failure). */
  allowErrors?: boolean;
  /** Output size caps (default 1 MiB per cell, 20 MiB per notebook). */
  limits?: Partial<OutputLimits>;
  /** How long to wait for the kernel to start (default 30 s). */
  startTimeoutMs?: number;
  /** Called as each cell starts and ends, for progress display. */
  onCellStart?: (index: number) => void;
  onCellEnd?: (result: CellResult) => void;
  /** Called once the kernel is up, with it (a grader can inspect or prepare it). */
  onKernelReady?: (kernel: Kernel) => void | Promise<void>;
}

export interface NotebookRunResult {
  cells: CellResult[];
  /** Time from the start until the kernel was ready. */
  kernelStartMs: number;
  durationMs: number;
  /** True when every code cell ran and passed. */
  passed: boolean;
  /** Why the run stopped before the end, if it did. */
  stopReason?: string;
  /** Set when the kernel process ended during the run (crash, process.exit, kill after timeout). */
  kernelExit?: KernelExit;
}

/**
 * What a kernel run headless gets on top of its environment. NNCOURSE_PLOTLY=omit: the
 * library's figures leave out their copy of plotly.js (about 5 MB, once per notebook),
 * which only a live Jupyter page needs; everything that reads headless outputs (the
 * HTML export, the grader) has its own. Set NNCOURSE_PLOTLY=embed to keep it.
 */
export function headlessEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, NNCOURSE_PLOTLY: env.NNCOURSE_PLOTLY ?? "omit" };
}

const DEFAULT_GRACE_MS = 5000;

/**
 * Runs the notebook's code cells in order in a new kernel, writing outputs and
 * execution counts into `notebook` (which is modified in place). Markdown and raw cells
 * and all cell metadata are left untouched. Throws a CourseError only when the kernel
 * cannot start at all.
 */
export async function runNotebook(notebook: Notebook, options: RunOptions & { path?: string } = {}): Promise<NotebookRunResult> {
  const started = Date.now();
  const cwd = resolve(options.cwd ?? (options.path ? dirname(options.path) : process.cwd()));
  const outputs = new NotebookOutputs({ ...DEFAULT_LIMITS, ...options.limits });
  const cells = codeCells(notebook);
  const results: CellResult[] = [];

  for (const { cell } of cells) {
    cell.outputs = [];
    cell.execution_count = null;
  }
  if (cells.every(({ cell }) => cellSource(cell).trim() === "")) {
    // Nothing to run: no need to pay for a kernel.
    const empty = cells.map(({ index, cell }) => emptyResult(index, cellSource(cell)));
    return { cells: empty, kernelStartMs: 0, durationMs: Date.now() - started, passed: true };
  }

  const kernel = await Kernel.start({
    cwd,
    env: headlessEnv(options.env ?? process.env),
    nodeFlags: options.nodeFlags,
    kernelScript: options.kernelScript,
    launch: options.launch,
    startTimeoutMs: options.startTimeoutMs,
  });
  const kernelStartMs = Date.now() - started;
  const notebookDeadline = options.notebookTimeoutMs === undefined ? Infinity : Date.now() + options.notebookTimeoutMs;
  const stopUpdates = kernel.onAnyIopub((message) => {
    if (message.header.msg_type === "update_display_data") outputs.updateDisplay(message);
  });
  let stopReason: string | undefined;
  let kernelGoneEarly = false;

  try {
    await options.onKernelReady?.(kernel);
    for (const { index, cell } of cells) {
      const source = cellSource(cell);
      const base = { index, firstLine: firstLine(source), executionCount: null, durationMs: 0, truncated: false };
      if (stopReason !== undefined) {
        results.push({ ...base, status: "not-run" });
        continue;
      }
      if (source.trim() === "") {
        results.push(emptyResult(index, source));
        continue;
      }
      options.onCellStart?.(index);
      const collector = outputs.startCell(cell);
      const cellStart = Date.now();
      const cellDeadline = Math.min(notebookDeadline, options.cellTimeoutMs === undefined ? Infinity : cellStart + options.cellTimeoutMs);
      const run = await runCell(kernel, source, collector, {
        deadline: cellDeadline,
        graceMs: options.interruptGraceMs ?? DEFAULT_GRACE_MS,
      });
      const result: CellResult = {
        ...base,
        status: run.status,
        executionCount: run.executionCount,
        durationMs: Date.now() - cellStart,
        truncated: collector.truncated,
      };
      cell.execution_count = run.executionCount;
      if (run.status !== "ok") {
        const notebookOutOfTime = run.status === "timeout" && cellDeadline === notebookDeadline;
        result.error = describeFailure(run, collector, {
          limitMs: notebookOutOfTime ? options.notebookTimeoutMs! : (options.cellTimeoutMs ?? 0),
          notebookOutOfTime,
        });
        if (!kernel.alive) {
          stopReason = run.status === "timeout" ? "the kernel was killed after the time limit" : "the kernel is gone";
        } else if (notebookOutOfTime) {
          stopReason = "the notebook ran out of time";
        } else if (!options.allowErrors) {
          stopReason = "a cell failed";
        }
      }
      results.push(result);
      options.onCellEnd?.(result);
    }
  } finally {
    stopUpdates();
    kernelGoneEarly = !kernel.alive;
    await kernel.shutdown();
  }
  const exit = await kernel.exited;
  return {
    cells: results,
    kernelStartMs,
    durationMs: Date.now() - started,
    passed: results.every((r) => r.status === "ok" || r.status === "empty"),
    stopReason,
    kernelExit: kernelGoneEarly ? exit : undefined,
  };
}

function emptyResult(index: number, source: string): CellResult {
  return { index, status: "empty", firstLine: firstLine(source), executionCount: null, durationMs: 0, truncated: false };
}

interface CellRun {
  status: Exclude<CellStatus, "not-run" | "empty">;
  executionCount: number | null;
  exit?: KernelExit;
  /** True when the kernel had to be killed because it ignored the interrupt. */
  killed?: boolean;
}

/**
 * Sends one cell, handling the time limit and a dying kernel. The cell is sent with
 * stop_on_error false, so the kernel never skips it for an earlier failure; a kernel
 * that does anyway ("aborted", or tslab's own front's "abort") fails the cell.
 */
async function runCell(
  kernel: Kernel,
  code: string,
  collector: CellOutputs,
  limits: { deadline: number; graceMs: number },
): Promise<CellRun> {
  const execution = kernel.execute(code, { onIopub: (message) => collector.handle(message) });
  const outcome = await withDeadline(kernel, execution, limits);
  if (outcome.kind === "timeout") return outcome.run;
  if (outcome.kind === "died") return { status: "kernel-died", executionCount: null, exit: outcome.exit };
  const { status, execution_count } = outcome.reply;
  const executionCount = typeof execution_count === "number" ? execution_count : null;
  if (status === "ok") return { status: "ok", executionCount };
  if (status === "error") return { status: "error", executionCount };
  return { status: "aborted", executionCount: null };
}

type Bounded = ExecuteOutcome | { kind: "timeout"; run: CellRun };

/**
 * Waits for the execution until the deadline; then interrupts (SIGINT) and waits the
 * grace period; then kills the kernel. A cell that finishes during the grace period
 * with "ok" counts as ok: it did finish.
 */
async function withDeadline(
  kernel: Kernel,
  execution: Promise<ExecuteOutcome>,
  limits: { deadline: number; graceMs: number },
): Promise<Bounded> {
  const first = await raceTimer(execution, limits.deadline - Date.now());
  if (first !== undefined) return first;
  kernel.interrupt();
  const afterInterrupt = await raceTimer(execution, limits.graceMs);
  if (afterInterrupt?.kind === "reply") {
    if (afterInterrupt.reply.status === "ok") return afterInterrupt;
    const count = afterInterrupt.reply.execution_count;
    return { kind: "timeout", run: { status: "timeout", executionCount: typeof count === "number" ? count : null } };
  }
  if (afterInterrupt?.kind === "died")
    return { kind: "timeout", run: { status: "timeout", executionCount: null, exit: afterInterrupt.exit } };
  kernel.kill();
  const exit = await kernel.exited;
  return { kind: "timeout", run: { status: "timeout", executionCount: null, exit, killed: true } };
}

async function raceTimer<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  if (ms === Infinity) return promise;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((ok) => (timer = setTimeout(() => ok(undefined), Math.max(0, ms))));
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes the error output into the cell and returns the report's description. */
function describeFailure(run: CellRun, collector: CellOutputs, context: { limitMs: number; notebookOutOfTime: boolean }): string {
  switch (run.status) {
    case "error": {
      const reported = collector.kernelError;
      if (reported) return summarize(reported);
      // A kernel that sends no `error` message (tslab's own front) prints the error on stderr.
      const parsed = parseKernelError(collector.stderrText);
      collector.addError(parsed.ename, parsed.evalue, parsed.traceback);
      return parsed.summary;
    }
    case "timeout": {
      const limit = `${formatSeconds(context.limitMs)}`;
      const what = context.notebookOutOfTime
        ? `the notebook's time limit (${limit}) ran out during this cell`
        : `the cell ran longer than its time limit of ${limit}`;
      const how = run.killed
        ? "it ignored the interrupt, so the kernel was killed"
        : run.exit
          ? "the kernel exited while being interrupted"
          : "it was interrupted";
      const text = `${what}; ${how}.`;
      collector.addError("TimeoutError", text, [`TimeoutError: ${text}`]);
      return text;
    }
    case "kernel-died": {
      const exit = run.exit;
      const log = exit?.log.trim() ?? "";
      const outOfMemory = /heap out of memory|Reached heap limit/.test(log);
      const how = exit?.signal ? `was killed by ${exit.signal}` : `exited with code ${exit?.code ?? "unknown"}`;
      const hint = outOfMemory ? " because it ran out of memory" : exit?.signal === "SIGKILL" ? " (out of memory?)" : "";
      const text = `the kernel ${how}${hint} while running this cell.`;
      // V8's fatal error line says more than the native stack that follows it.
      const fatal = log.split("\n").filter((line) => line.startsWith("FATAL ERROR"));
      const detail = fatal.length > 0 ? fatal : log ? log.split("\n").slice(-5) : [];
      collector.addError("KernelDied", text, [`KernelDied: ${text}`, ...detail]);
      return [text, ...detail].join("\n");
    }
    case "aborted": {
      const text = "the kernel skipped this cell because an earlier one failed.";
      collector.addError("Aborted", text, [`Aborted: ${text}`]);
      return text;
    }
    default:
      return "";
  }
}

/** A report's few lines for an error the kernel reported: the headline, or the first diagnostics. */
function summarize(error: { ename: string; evalue: string; traceback: string[] }): string {
  if (error.ename === COMPILE_ERROR) {
    const lines = error.traceback;
    return lines.slice(0, 3).join("\n") + (lines.length > 3 ? `\n(${lines.length - 3} more)` : "");
  }
  const headline = `${error.ename}: ${error.evalue}`.split("\n");
  return headline.slice(0, 3).join("\n");
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
