/**
 * Turning a submission into the notebook the grader runs.
 *
 * The master decides the structure: its nbgrader cells come in its order, matched to
 * the submission's cells by grade_id.
 *   - locked and test cells are the master's own (test cells with their hidden tests),
 *     whatever the submission holds;
 *   - answer cells are the learner's code (a deleted or retyped answer cell becomes the
 *     exercise's stub, which throws "not implemented yet");
 *   - cells the learner added (no nbgrader metadata) stay, after the graded cell they
 *     followed; a cell whose grade_id no master cell has is kept as a plain cell;
 *   - the notebook's kernelspec and language_info are the master's.
 * Every difference is reported: a deleted, duplicated, retyped or edited graded cell,
 * and an unknown grade_id. Solution regions never enter the graded notebook: answer
 * cells come from the submission or the exercise version, never from the master.
 */
import { cellKind, gradeIdOf, type CellKind } from "../notebook/master";
import { cellSource } from "../notebook/cells";
import type { Cell, Notebook } from "../notebook/model";
import type { Assignment } from "./masters";
import type { ReleasedCells } from "./released-cells";

export type IssueKind = "deleted" | "duplicated" | "retyped" | "edited" | "unknown-cell" | "master-changed";

export interface SanitizeIssue {
  kind: IssueKind;
  gradeId: string;
  /** What a learner or an instructor reads. */
  message: string;
}

export interface Sanitized {
  notebook: Notebook;
  issues: SanitizeIssue[];
}

const GRADED_KINDS: ReadonlySet<CellKind> = new Set(["answer", "test", "locked", "manual", "task"]);

/**
 * `released`: the read-only and test cells of earlier releases (released-cells.ts). A
 * cell that differs from today's student version but is as an earlier release had it
 * was not edited by the learner: the master changed after they got it ("master-changed").
 */
export function sanitizeSubmission(assignment: Assignment, submission: Notebook, released?: ReleasedCells): Sanitized {
  const issues: SanitizeIssue[] = [];
  const masterIds = new Map<string, Cell>();
  for (const cell of assignment.master.cells) {
    const id = gradeIdOf(cell);
    if (id !== undefined && GRADED_KINDS.has(cellKind(cell))) masterIds.set(id, cell);
  }
  const exerciseById = new Map<string, Cell>();
  for (const cell of assignment.exercise.cells) {
    const id = gradeIdOf(cell);
    if (id !== undefined) exerciseById.set(id, cell);
  }

  // The submission's graded cells by grade_id, and the learner's own cells after each.
  const matched = new Map<string, Cell>();
  const after = new Map<string | null, Cell[]>([[null, []]]);
  let anchor: string | null = null;
  for (const original of submission.cells) {
    const cell = structuredClone(original);
    const id = gradeIdOf(cell);
    if (id !== undefined && masterIds.has(id)) {
      if (matched.has(id)) {
        issues.push({
          kind: "duplicated",
          gradeId: id,
          message: `the cell "${id}" appears more than once; the first copy was graded and the others ignored.`,
        });
        continue;
      }
      matched.set(id, cell);
      anchor = id;
      if (!after.has(id)) after.set(id, []);
      continue;
    }
    if (id !== undefined || cell.metadata.nbgrader !== undefined) {
      if (id !== undefined && cellKind(cell) !== "plain") {
        issues.push({
          kind: "unknown-cell",
          gradeId: id,
          message: `the cell "${id}" is not part of this assignment; it was run as an ordinary cell.`,
        });
      }
      delete cell.metadata.nbgrader;
    }
    after.get(anchor)!.push(cell);
  }

  const cells: Cell[] = [...after.get(null)!];
  for (const masterCell of assignment.master.cells) {
    const id = gradeIdOf(masterCell);
    if (id === undefined || !masterIds.has(id)) continue;
    const kind = cellKind(masterCell);
    const submitted = matched.get(id);
    const exercise = exerciseById.get(id) ?? masterCell;
    const label = kind === "test" ? "test cell" : kind === "locked" ? "read-only cell" : "answer cell";
    if (submitted === undefined) {
      issues.push({
        kind: "deleted",
        gradeId: id,
        message: `the ${label} "${id}" was deleted; ${kind === "answer" || kind === "manual" ? "it was graded as unanswered" : "it was restored"}.`,
      });
    } else if (submitted.cell_type !== masterCell.cell_type) {
      issues.push({
        kind: "retyped",
        gradeId: id,
        message: `the ${label} "${id}" was changed from ${masterCell.cell_type} to ${submitted.cell_type}; ${kind === "answer" || kind === "manual" ? "it was graded as unanswered" : "it was restored"}.`,
      });
    } else if ((kind === "test" || kind === "locked") && normalize(cellSource(submitted)) !== normalize(cellSource(exercise))) {
      if (released?.get(id)?.has(normalize(cellSource(submitted))) === true) {
        issues.push({
          kind: "master-changed",
          gradeId: id,
          message: `the ${label} "${id}" is as an earlier release had it: the master changed after this copy was handed out, and today's version was graded.`,
        });
      } else {
        issues.push({ kind: "edited", gradeId: id, message: `the ${label} "${id}" was edited; the original was restored and graded.` });
      }
    }

    let cell: Cell;
    if (kind === "test" || kind === "locked") {
      cell = structuredClone(masterCell);
    } else if (submitted !== undefined && submitted.cell_type === masterCell.cell_type) {
      cell = { ...submitted, metadata: { ...submitted.metadata, nbgrader: structuredClone(masterCell.metadata.nbgrader) } } as Cell;
    } else {
      cell = structuredClone(exercise);
    }
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
    cells.push(cell);
    cells.push(...(after.get(id) ?? []));
  }

  const notebook: Notebook = {
    ...structuredClone(submission),
    nbformat: assignment.master.nbformat,
    nbformat_minor: assignment.master.nbformat_minor,
    metadata: {
      ...structuredClone(submission.metadata),
      kernelspec: structuredClone(assignment.master.metadata.kernelspec),
      language_info: structuredClone(assignment.master.metadata.language_info),
    },
    cells,
  };
  return { notebook, issues };
}

/** Source compared without trailing spaces and blank lines at the end (editors add them). */
function normalize(source: string): string {
  return source
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .trimEnd();
}
