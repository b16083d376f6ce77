/** Running a notebook file: read it, run it, write the executed notebook. */
import { resolve } from "node:path";
import { readNotebook } from "../notebook/read";
import { writeNotebook } from "../notebook/write";
import type { Notebook } from "../notebook/model";
import { runNotebook, type NotebookRunResult, type RunOptions } from "./run-notebook";

export interface FileRunOptions extends RunOptions {
  /** Where to write the executed notebook; default: over the input (in place). */
  output?: string;
  /** Skip writing (the caller only wants the results). */
  dryRun?: boolean;
}

export interface FileRunResult extends NotebookRunResult {
  input: string;
  /** The file written, or undefined for a dry run. */
  output?: string;
  notebook: Notebook;
}

/**
 * Reads, runs and writes one notebook. The executed notebook is written even when a
 * cell fails, so that the failure can be seen in Jupyter. Throws NotebookError for an
 * unreadable notebook and CourseError when the kernel cannot start.
 */
export async function runNotebookFile(input: string, options: FileRunOptions = {}): Promise<FileRunResult> {
  const path = resolve(input);
  const notebook = readNotebook(input);
  const result = await runNotebook(notebook, { ...options, path });
  const output = options.dryRun ? undefined : resolve(options.output ?? path);
  if (output) writeNotebook(output, notebook);
  return { ...result, input, output, notebook };
}
