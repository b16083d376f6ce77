/** Running the course notebooks now, for an export that was not given executed copies. */
import path from "node:path";
import type { Notebook } from "../notebook/model";
import { readNotebook } from "../notebook/read";
import { courseJobs, mapWithConcurrency, START_ATTEMPTS, withStartAttempts } from "../runner/pool";
import { runNotebook, type CellResult, type RunOptions } from "../runner/run-notebook";
import type { SiteNotebook } from "./build";

export interface ExecutedNotebook extends SiteNotebook {
  /** Cells that did not pass, as "cell N (first line): error". */
  failures: string[];
}

/**
 * Runs each notebook in its own fresh kernel, started in the notebook's folder (as
 * Jupyter would), without writing anything back to the course; `courseJobs()` at a
 * time, as `course start` runs the course. The results keep the order of `files`.
 * A kernel that fails to start is tried again (see withStartAttempts); a notebook whose kernel never starts is
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
    const ran = await withStartAttempts(
      START_ATTEMPTS,
      () => readNotebook(file),
      async (notebook: Notebook) => ({
        notebook,
        result: await runNotebook(notebook, { ...options.run, path: path.resolve(file), cellTimeoutMs: options.cellTimeoutMs }),
      }),
      {
        onRetry: (_error, attempt) =>
          options.log?.(`  the kernel for ${name} did not start (attempt ${attempt} of ${START_ATTEMPTS}); trying again`),
      },
    );
    if (!ran.ok) {
      const why = (ran.error as Error).message.split("\n")[0];
      return {
        file: path.basename(file),
        notebook: readNotebook(file),
        failures: [`the kernel could not start (${START_ATTEMPTS} attempts): ${why}`],
      };
    }
    const { notebook, result } = ran.value;
    const failures = result.cells
      .filter((c: CellResult) => c.status !== "ok" && c.status !== "empty" && c.status !== "not-run")
      .map((c) => `cell ${c.index + 1} (${c.firstLine}): ${c.status}${c.error ? `: ${c.error.split("\n")[0]}` : ""}`);
    if (failures.length === 0 && !result.passed) failures.push(result.stopReason ?? "the run stopped early");
    return { file: path.basename(file), notebook, failures };
  });
}
