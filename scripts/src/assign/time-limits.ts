/**
 * Time limits a notebook asks for. A notebook that trains a real model (Fashion-MNIST
 * in notebook 09 trains for a minute or two) cannot be graded or checked under the
 * default per-cell limit, so its author states what it needs in the notebook's own
 * metadata, and `course grade` and `course check` use that unless told otherwise on
 * the command line:
 *
 *   "metadata": { "nncourse": { "time_limits": { "cell_seconds": 300, "notebook_seconds": 600 } } }
 *
 * The student versions and solutions carry the master's notebook metadata, so the
 * limits travel with them.
 */
import type { Notebook } from "../notebook/model";

export interface TimeLimits {
  cellTimeoutMs?: number;
  notebookTimeoutMs?: number;
}

/** The limits a notebook declares (none, when it declares none). Bad values are an error naming the field. */
export function declaredTimeLimits(notebook: Notebook, where = "the notebook"): TimeLimits {
  const nncourse = (notebook.metadata as { nncourse?: { time_limits?: Record<string, unknown> } }).nncourse;
  const declared = nncourse?.time_limits;
  if (declared === undefined) return {};
  const seconds = (key: string): number | undefined => {
    const value = declared[key];
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new Error(
        `${where}: metadata.nncourse.time_limits.${key} is ${JSON.stringify(value)}; it must be a number of seconds above 0.`,
      );
    }
    return value * 1000;
  };
  const limits: TimeLimits = {};
  const cell = seconds("cell_seconds");
  const whole = seconds("notebook_seconds");
  if (cell !== undefined) limits.cellTimeoutMs = cell;
  if (whole !== undefined) limits.notebookTimeoutMs = whole;
  return limits;
}

/** The limits to use: what the command line says, else what the notebook declares, else the defaults. */
export function effectiveTimeLimits(
  defaults: { cellTimeoutMs: number; notebookTimeoutMs: number },
  declared: TimeLimits,
  given: TimeLimits,
): { cellTimeoutMs: number; notebookTimeoutMs: number } {
  return {
    cellTimeoutMs: given.cellTimeoutMs ?? declared.cellTimeoutMs ?? defaults.cellTimeoutMs,
    notebookTimeoutMs: given.notebookTimeoutMs ?? declared.notebookTimeoutMs ?? defaults.notebookTimeoutMs,
  };
}
