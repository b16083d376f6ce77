/**
 * What of a notebook may be published. A master notebook carries hidden tests (and
 * solution markers) that must never reach learners; its published form is the
 * reference-solution version `course build` makes (hidden tests gone, solutions kept
 * without markers), with the executed outputs of the notebook that was run. Cells for
 * instructors only are never published, master or not.
 */
import { isMaster } from "../notebook/master";
import { withoutInstructorCells } from "../notebook/instructor-cells";
import { releaseNotebook } from "../assign/release";
import type { Notebook } from "../notebook/model";

export function publishable(executed: Notebook): Notebook {
  // Instructor-only cells (the master's banner) first: without them, releaseNotebook
  // maps cells one to one, which is how the outputs find their cells below.
  const kept = withoutInstructorCells(executed);
  if (!isMaster(kept)) return kept;
  const released = releaseNotebook(kept, "solution");
  // releaseNotebook clears outputs: put the outputs back.
  released.cells.forEach((cell, i) => {
    const source = kept.cells[i];
    if (cell.cell_type === "code" && source?.cell_type === "code") {
      cell.outputs = structuredClone(source.outputs);
      cell.execution_count = source.execution_count;
    }
  });
  return released;
}
