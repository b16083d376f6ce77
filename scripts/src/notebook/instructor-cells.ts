/**
 * Instructor-only cells: cells of a master that learners never get. A cell whose
 * metadata says `"nncourse": { "instructor_only": true }` is left out of both the
 * student version and the reference solution (release.ts), of the published site and
 * of the course index.
 *
 * Every master of the course starts with one: a banner saying that the notebook is the
 * instructors' master, with the solutions and the hidden tests, and where learners work
 * instead. A learner who opens notebooks/ by mistake sees it at the top; an instructor
 * is reminded that the student versions are generated from this file.
 */
import { cellSource, newMarkdownCell } from "./cells";
import type { Cell, MarkdownCell, Notebook } from "./model";

export function isInstructorOnly(cell: Cell): boolean {
  const own = cell.metadata.nncourse;
  return typeof own === "object" && own !== null && (own as Record<string, unknown>).instructor_only === true;
}

/** The notebook without its instructor-only cells (the cells kept are the same objects). */
export function withoutInstructorCells(notebook: Notebook): Notebook {
  return { ...notebook, cells: notebook.cells.filter((cell) => !isInstructorOnly(cell)) };
}

/** The id of the banner cell (stable, so that rewriting a master gives the same bytes). */
export const INSTRUCTOR_BANNER_ID = "instructor-master";

/**
 * The banner for the master `file` (its file name, e.g. "02-perceptron.ipynb"), with
 * links that work from notebooks/. It names no solution marker: markers in Markdown
 * are an error in a master (validateMaster), wherever the cell goes.
 */
export function instructorBanner(file: string): MarkdownCell {
  const cell = newMarkdownCell(
    [
      `> **Instructor master — not the learner's notebook.** This copy holds the reference solutions and the hidden tests that grading runs.`,
      `> Learners work in [exercises/${file}](../exercises/${file}); the reference solution is [solutions/${file}](../solutions/${file}).`,
      "> Edit this master, then run `npx course build` to regenerate both (this cell is left out of them).",
    ].join("\n"),
    { nncourse: { instructor_only: true } },
  );
  cell.id = INSTRUCTOR_BANNER_ID;
  return cell;
}

/** Whether the notebook starts with the banner for `file`, as instructorBanner writes it. */
export function hasInstructorBanner(notebook: Notebook, file: string): boolean {
  const first = notebook.cells[0];
  if (first === undefined || !isInstructorOnly(first)) return false;
  const wanted = instructorBanner(file);
  return first.cell_type === "markdown" && first.id === wanted.id && cellSource(first) === wanted.source;
}
