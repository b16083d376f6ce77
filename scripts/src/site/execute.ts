/** Running the course notebooks now, for an export that was not given executed copies. */
import path from "node:path";
import type { Notebook } from "../notebook/model";
import { readNotebook } from "../notebook/read";
import { courseJobs, mapWithConcurrency } from "../runner/pool";
import { runNotebook, type CellResult } from "../runner/run-notebook";
import type { SiteNotebook } from "./build";

export interface ExecutedNotebook extends SiteNotebook {
  /** Cells that did not pass, as "cell N (first line): error". */
  failures: string[];
}

/**
 * Runs each notebook in its own fresh kernel, started in the notebook's folder (as
 * Jupyter would), without writing anything back to the course; `courseJobs()` at a
 * time, as `course start` runs the course. The results keep the order of `files`.
 */
export async function executeNotebooks(
  files: string[],
  options: { cellTimeoutMs?: number; jobs?: number; log?: (line: string) => void } = {},
): Promise<ExecutedNotebook[]> {
  return mapWithConcurrency(files, options.jobs ?? courseJobs(), async (file) => {
    options.log?.(`running ${path.relative(process.cwd(), file) || file}`);
    const notebook: Notebook = readNotebook(file);
    const result = await runNotebook(notebook, { path: path.resolve(file), cellTimeoutMs: options.cellTimeoutMs });
    const failures = result.cells
      .filter((c: CellResult) => c.status !== "ok" && c.status !== "empty" && c.status !== "not-run")
      .map((c) => `cell ${c.index + 1} (${c.firstLine}): ${c.status}${c.error ? `: ${c.error.split("\n")[0]}` : ""}`);
    if (failures.length === 0 && !result.passed) failures.push(result.stopReason ?? "the run stopped early");
    return { file: path.basename(file), notebook, failures };
  });
}
