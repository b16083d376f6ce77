/** The text report of `course run`: one block per notebook and a summary line. */
import { resolve } from "node:path";
import type { CellResult } from "./run-notebook";

export type NotebookOutcome =
  | {
      kind: "ran";
      file: string;
      output?: string;
      cells: CellResult[];
      durationMs: number;
      kernelStartMs: number;
      passed: boolean;
      stopReason?: string;
    }
  | { kind: "not-started"; file: string; error: string };

export function formatNotebookReport(outcome: NotebookOutcome, { quiet = false, allowErrors = false } = {}): string {
  if (outcome.kind === "not-started") return `FAIL ${outcome.file}\n  could not run: ${indent(outcome.error, "  ").trimStart()}`;
  const ran = outcome.cells.filter((c) => c.status !== "not-run" && c.status !== "empty");
  const failed = outcome.cells.filter(isFailure);
  const notRun = outcome.cells.filter((c) => c.status === "not-run");
  const verdict = notebookFailed(outcome, allowErrors) ? "FAIL" : "PASS";
  const head =
    `${verdict} ${outcome.file}  ${ran.length} cell${ran.length === 1 ? "" : "s"} run` +
    (failed.length ? `, ${failed.length} failed${verdict === "PASS" ? " (allowed)" : ""}` : "") +
    (notRun.length ? `, ${notRun.length} not run` : "") +
    `, ${seconds(outcome.durationMs)} (kernel start ${seconds(outcome.kernelStartMs)})`;
  if (quiet && failed.length === 0) return head;
  const lines = [head];
  for (const cell of failed) {
    const source = cell.firstLine ? `  ${quote(cell.firstLine)}` : "";
    lines.push(`  cell ${cell.index + 1} ${label(cell.status)}${source}`);
    if (cell.error) lines.push(indent(cell.error, "    "));
  }
  const truncated = outcome.cells.filter((c) => c.truncated);
  if (truncated.length)
    lines.push(
      `  output truncated in cell${truncated.length === 1 ? "" : "s"} ${truncated.map((c) => c.index + 1).join(", ")} (see --output-cap)`,
    );
  if (notRun.length) {
    const why = outcome.stopReason ?? "stopped";
    const hint = why === "a cell failed" ? " (--allow-errors runs them anyway)" : "";
    lines.push(`  ${notRun.length} cell${notRun.length === 1 ? "" : "s"} not run: ${why}${hint}`);
  }
  if (!quiet && outcome.output && resolve(outcome.output) !== resolve(outcome.file)) lines.push(`  written to ${outcome.output}`);
  return lines.join("\n");
}

export function formatSummary(outcomes: NotebookOutcome[], totalMs: number, { allowErrors = false } = {}): string {
  const ran = outcomes.filter((o): o is Extract<NotebookOutcome, { kind: "ran" }> => o.kind === "ran");
  const passedNotebooks = ran.filter((o) => !notebookFailed(o, allowErrors)).length;
  const cells = ran.flatMap((o) => o.cells);
  const cellsRun = cells.filter((c) => c.status !== "not-run" && c.status !== "empty").length;
  const cellsFailed = cells.filter(isFailure).length;
  const notStarted = outcomes.length - ran.length;
  return (
    `summary: ${outcomes.length} notebook${outcomes.length === 1 ? "" : "s"}, ${passedNotebooks} passed, ${outcomes.length - passedNotebooks} failed` +
    (notStarted ? ` (${notStarted} could not start)` : "") +
    `; ${cellsRun} cells run, ${cellsFailed} failed; ${seconds(totalMs)}`
  );
}

/**
 * Whether a notebook counts as failed for the exit code. With --allow-errors, cells
 * whose reply was an error are allowed; time-outs, a dying kernel and aborts are not,
 * since the notebook then did not run to its end.
 */
export function notebookFailed(outcome: NotebookOutcome, allowErrors: boolean): boolean {
  if (outcome.kind === "not-started") return true;
  return outcome.cells.some((cell) => isFailure(cell) && !(allowErrors && cell.status === "error"));
}

export function isFailure(cell: CellResult): boolean {
  return cell.status !== "ok" && cell.status !== "not-run" && cell.status !== "empty";
}

function label(status: CellResult["status"]): string {
  switch (status) {
    case "error":
      return "failed";
    case "timeout":
      return "timed out";
    case "kernel-died":
      return "killed the kernel";
    case "aborted":
      return "was aborted";
    default:
      return status;
  }
}

function quote(line: string): string {
  const short = line.length > 60 ? `${line.slice(0, 57)}...` : line;
  return `\`${short}\``;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
