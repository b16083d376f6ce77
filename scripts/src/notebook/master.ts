/**
 * The format of graded notebooks ("masters"), compatible with nbgrader: the vocabulary
 * that authoring (assign/), grading (grade/) and publishing (site/) share.
 *
 * Cell metadata, nbgrader's schema version 3, under `metadata.nbgrader`:
 *   answer cell   { solution: true,  grade: false, locked: false, grade_id }   the learner writes code
 *   test cell     { solution: false, grade: true,  locked: true,  grade_id, points }   autograded
 *   locked cell   { solution: false, grade: false, locked: true,  grade_id }   read-only text or setup
 * plus `schema_version: 3` and `task: false`. nbgrader's other kinds are accepted with a
 * warning and left alone by the autograder: manually graded answers (solution and grade
 * both true) and task cells (`task: true`).
 *
 * Markers, each on a line of its own (leading spaces allowed), in code cells only:
 *   // BEGIN SOLUTION  ...  // END SOLUTION          in answer cells
 *   // BEGIN HIDDEN TESTS  ...  // END HIDDEN TESTS  in test cells
 * nbgrader's own spelling with `#` comments (`### BEGIN SOLUTION`) is accepted too, so
 * a master converted from a Python course keeps working; `//` is what our masters use.
 * Regions do not nest. A solution region must sit where a statement may stand: the
 * student version replaces it with a statement that throws (see release.ts). Put it
 * inside a function body where you can: the answer cell then runs in the student
 * version (it declares the function) and only the tests that call it fail. tslab keeps
 * the declarations of a cell only when the cell succeeds, so a top-level region that
 * throws also hides the cell's other declarations from later cells.
 */
import { cellSource } from "./cells";
import { isInstructorOnly } from "./instructor-cells";
import type { Cell, Notebook } from "./model";

export type CellKind = "answer" | "test" | "locked" | "manual" | "task" | "plain";

export interface NbgraderMeta {
  schema_version?: number;
  grade_id: string;
  solution: boolean;
  grade: boolean;
  locked: boolean;
  task: boolean;
  points?: number;
}

export type MarkerName = "BEGIN SOLUTION" | "END SOLUTION" | "BEGIN HIDDEN TESTS" | "END HIDDEN TESTS";

/** A marker line: `// BEGIN SOLUTION`, `### END HIDDEN TESTS`, with spaces around allowed. */
const MARKER_LINE = /^[ \t]*(?:\/\/+|#+)[ \t]*(BEGIN|END)[ \t]+(SOLUTION|HIDDEN TESTS)[ \t]*\r?$/;
/** Marker words anywhere on a line, to catch markers that would otherwise go unnoticed. */
export const MARKER_WORDS = /\b(BEGIN|END)[ \t]+(SOLUTION|HIDDEN[ \t]+TESTS)\b/;

export function markerOf(line: string): MarkerName | undefined {
  const m = MARKER_LINE.exec(line);
  return m ? (`${m[1]} ${m[2]}` as MarkerName) : undefined;
}

export interface Region {
  kind: "solution" | "hidden";
  /** 0-based line indexes of the BEGIN and END marker lines. */
  begin: number;
  end: number;
  /** The BEGIN line's leading whitespace, for the stub. */
  indent: string;
}

/** The source split into lines without their line ends (a trailing "\n" gives no extra line). */
export function sourceLines(source: string): string[] {
  if (source === "") return [];
  const lines = source.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Reads a cell's nbgrader metadata; undefined for a cell without any. */
export function nbgraderOf(cell: Cell): Record<string, unknown> | undefined {
  const meta = cell.metadata.nbgrader;
  if (meta === undefined) return undefined;
  return typeof meta === "object" && meta !== null && !Array.isArray(meta) ? (meta as Record<string, unknown>) : {};
}

export function cellKind(cell: Cell): CellKind {
  const meta = nbgraderOf(cell);
  if (meta === undefined) return "plain";
  if (meta.task === true) return "task";
  if (meta.solution === true && meta.grade === true) return "manual";
  if (meta.solution === true) return "answer";
  if (meta.grade === true) return "test";
  if (meta.locked === true) return "locked";
  return "plain";
}

export function gradeIdOf(cell: Cell): string | undefined {
  const id = nbgraderOf(cell)?.grade_id;
  return typeof id === "string" ? id : undefined;
}

/** Whether a notebook is a master: at least one cell carries nbgrader metadata. */
export function isMaster(notebook: Notebook): boolean {
  return notebook.cells.some((cell) => nbgraderOf(cell) !== undefined);
}

/**
 * Whether a notebook holds what only instructors may see: a solution region or hidden
 * tests (a marker line in a code cell), or an instructor-only cell. These are the
 * notebooks `course build` makes learners' versions from; the versions themselves hold
 * none of it, though they keep their nbgrader metadata (so isMaster is true for them).
 */
export function holdsInstructorContent(notebook: Notebook): boolean {
  return notebook.cells.some(
    (cell) =>
      isInstructorOnly(cell) || (cell.cell_type === "code" && sourceLines(cellSource(cell)).some((line) => markerOf(line) !== undefined)),
  );
}

/** The marker regions of a cell, assuming it passed validation. */
export function regionsOf(source: string): Region[] {
  const regions: Region[] = [];
  const lines = sourceLines(source);
  let open: { kind: Region["kind"]; begin: number; indent: string } | undefined;
  lines.forEach((line, i) => {
    const marker = markerOf(line);
    if (marker === "BEGIN SOLUTION" || marker === "BEGIN HIDDEN TESTS") {
      open = { kind: marker === "BEGIN SOLUTION" ? "solution" : "hidden", begin: i, indent: /^[ \t]*/.exec(line)![0] };
    } else if ((marker === "END SOLUTION" || marker === "END HIDDEN TESTS") && open) {
      regions.push({ ...open, end: i });
      open = undefined;
    }
  });
  return regions;
}
