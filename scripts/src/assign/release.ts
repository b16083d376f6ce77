/**
 * From a master to the two notebooks learners get.
 *
 * Student version (exercises/):
 *   - each solution region becomes `// YOUR CODE HERE` and a line that throws
 *     `new Error("not implemented yet: <grade_id>")`, at the region's indentation; the
 *     lines around it (a function's signature, its closing brace) stay;
 *   - an answer cell without a region becomes that stub as a whole; a manually graded
 *     markdown answer becomes "YOUR ANSWER HERE";
 *   - hidden tests are removed with their markers;
 *   - outputs and execution counts are cleared;
 *   - locked cells and test cells get Jupyter's `editable: false, deletable: false`.
 * Reference solutions (solutions/): the same, except that solution regions keep their
 * code without the marker lines. Hidden tests are removed there too: solutions are
 * handed to learners, and hidden tests only work while learners have not seen them
 * (nbgrader's release keeps none either).
 *
 * Instructor-only cells (instructor-cells.ts: the master's banner, notes for
 * instructors) are left out of both versions.
 *
 * nbgrader metadata stays on every cell in both versions: the grader and `course check`
 * find cells by grade_id. A notebook without nbgrader metadata is copied to both
 * folders with its outputs cleared. Everything here is a pure function of the master,
 * so a build run twice writes the same bytes.
 */
import type { Cell, Notebook } from "../notebook/model";
import { cellSource } from "../notebook/cells";
import { cellKind, gradeIdOf, regionsOf, sourceLines } from "../notebook/master";
import { isInstructorOnly } from "../notebook/instructor-cells";

export type Version = "exercise" | "solution";

/** The statement that stands in for a solution in the student version. */
export function stubLines(gradeId: string, indent: string): string[] {
  return [`${indent}// YOUR CODE HERE`, `${indent}throw new Error(${JSON.stringify(`not implemented yet: ${gradeId}`)});`];
}

export function releaseNotebook(master: Notebook, version: Version): Notebook {
  const cells = master.cells.flatMap((cell, index) => (isInstructorOnly(cell) ? [] : [releaseCell(cell, index, version)]));
  return { ...structuredClone(master), cells };
}

function releaseCell(master: Cell, index: number, version: Version): Cell {
  const cell = structuredClone(master);
  const kind = cellKind(cell);
  const gradeId = gradeIdOf(cell) ?? `cell ${index + 1}`;
  if (cell.cell_type === "code") {
    cell.outputs = [];
    cell.execution_count = null;
    cell.source = transformSource(cellSource(cell), version, kind === "answer" || kind === "manual", gradeId);
  } else if (kind === "manual" && version === "exercise") {
    cell.source = "YOUR ANSWER HERE";
  }
  if (kind === "test" || kind === "locked") {
    cell.metadata = { ...cell.metadata, editable: false, deletable: false };
  }
  return cell;
}

function transformSource(source: string, version: Version, isAnswer: boolean, gradeId: string): string {
  const lines = sourceLines(source);
  const regions = regionsOf(source);
  const trailingNewline = source.endsWith("\n");
  if (isAnswer && version === "exercise" && !regions.some((r) => r.kind === "solution")) {
    return join(stubLines(gradeId, ""), trailingNewline);
  }
  if (regions.length === 0) return source;
  const out: string[] = [];
  let next = 0;
  for (const region of regions) {
    for (let i = next; i < region.begin; i++) out.push(lines[i]!);
    if (region.kind === "solution") {
      if (version === "exercise") out.push(...stubLines(gradeId, region.indent));
      else for (let i = region.begin + 1; i < region.end; i++) out.push(lines[i]!);
    }
    next = region.end + 1;
  }
  for (let i = next; i < lines.length; i++) out.push(lines[i]!);
  // A cell that ended with its hidden tests must not keep the blank line before them.
  while (out.length > 0 && out[out.length - 1]!.trim() === "") out.pop();
  return join(out, trailingNewline);
}

function join(lines: string[], trailingNewline: boolean): string {
  return lines.join("\n") + (trailingNewline && lines.length > 0 ? "\n" : "");
}
