/**
 * What of a notebook may be published. A master notebook carries hidden tests (and
 * solution markers) that must never reach learners; its published form is the
 * reference-solution version `course build` makes (hidden tests gone, solutions kept
 * without markers), with the executed outputs of the notebook that was run.
 */
import { isMaster } from "../grading/authoring";
import { releaseNotebook } from "../grading/release";
import type { Notebook } from "../notebook/model";

export function publishable(executed: Notebook): Notebook {
  if (!isMaster(executed)) return executed;
  const released = releaseNotebook(executed, "solution");
  // releaseNotebook clears outputs and maps cells one to one: put the outputs back.
  released.cells.forEach((cell, i) => {
    const source = executed.cells[i];
    if (cell.cell_type === "code" && source?.cell_type === "code") {
      cell.outputs = structuredClone(source.outputs);
      cell.execution_count = source.execution_count;
    }
  });
  return released;
}
