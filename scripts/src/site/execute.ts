/** Running the course notebooks now, for an export that was not given executed copies. */
import path from "node:path";
import type { Notebook } from "../notebook/model";
import { readNotebook } from "../notebook/read";
import { courseJobs, mapWithConcurrency } from "../runner/pool";
import { runNotebook, type CellResult, type NotebookRunResult, type RunOptions } from "../runner/run-notebook";
import type { SiteNotebook } from "./build";

export interface ExecutedNotebook extends SiteNotebook {
  /** Cells that did not pass, as "cell N (first line): error". */
  failures: string[];
}

/** How often a kernel that fails to start is tried again for one notebook. */
export const START_ATTEMPTS = 3;

/**
 * Runs each notebook in its own fresh kernel, started in the notebook's folder (as
 * Jupyter would), without writing anything back to the course; `courseJobs()` at a
 * time, as `course start` runs the course. The results keep the order of `files`.
 * A kernel that fails to start is tried again; a notebook whose kernel never starts is
 * returned as it was read, with that failure, so that the other pages are still made.
 */
export async function executeNotebooks(
  files: string[],
  options: {
    cellTimeoutMs?: number;
    jobs?: number;
    log?: (line: string) => void;
    run?: Pick<RunOptions, "kernelScript" | "startTimeoutMs">;
  } = {},
): Promise<ExecutedNotebook[]> {
  return mapWithConcurrency(files, options.jobs ?? courseJobs(), async (file) => {
    const name = path.relative(process.cwd(), file) || file;
    options.log?.(`running ${name}`);
    let startError: unknown;
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const notebook: Notebook = readNotebook(file);
      let result: NotebookRunResult;
      try {
        result = await runNotebook(notebook, { ...options.run, path: path.resolve(file), cellTimeoutMs: options.cellTimeoutMs });
      } catch (error) {
        // Nothing of the notebook ran: a busy machine can make a kernel miss its start.
        startError = error;
        if (attempt < START_ATTEMPTS)
          options.log?.(`  the kernel for ${name} did not start (attempt ${attempt} of ${START_ATTEMPTS}); trying again`);
        continue;
      }
      const failures = result.cells
        .filter((c: CellResult) => c.status !== "ok" && c.status !== "empty" && c.status !== "not-run")
        .map((c) => `cell ${c.index + 1} (${c.firstLine}): ${c.status}${c.error ? `: ${c.error.split("\n")[0]}` : ""}`);
      if (failures.length === 0 && !result.passed) failures.push(result.stopReason ?? "the run stopped early");
      return { file: path.basename(file), notebook, failures };
    }
    const why = (startError as Error).message.split("\n")[0];
    return {
      file: path.basename(file),
      notebook: readNotebook(file),
      failures: [`the kernel could not start (${START_ATTEMPTS} attempts): ${why}`],
    };
  });
}
