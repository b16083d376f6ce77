/**
 * The checks a master must pass before \`course build\` releases it (the format itself:
 * notebook/master.ts). Errors stop the build; warnings are printed and it goes on.
 */
import { cellSource } from "../notebook/cells";
import { isInstructorOnly } from "../notebook/instructor-cells";
import { cellKind, gradeIdOf, MARKER_WORDS, markerOf, nbgraderOf, regionsOf, sourceLines, type MarkerName } from "../notebook/master";
import type { Notebook } from "../notebook/model";
import { checkPoints } from "./points";

export interface Finding {
  severity: "error" | "warning";
  /** The notebook, as given to the validator (a path relative to where the command ran). */
  notebook: string;
  /** 1 = the first cell, as `course run` counts. */
  cell?: number;
  gradeId?: string;
  /** 1 = the first line of the cell. */
  line?: number;
  message: string;
  fix?: string;
}

export function formatFinding(f: Finding): string {
  let where = f.notebook;
  if (f.cell !== undefined) where += `: cell ${f.cell}`;
  if (f.gradeId !== undefined) where += ` (grade_id "${f.gradeId}")`;
  if (f.line !== undefined) where += `, line ${f.line}`;
  return `${where}: ${f.severity === "warning" ? "warning: " : ""}${f.message}${f.fix ? `\n    Fix: ${f.fix}` : ""}`;
}
const GRADE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Checks a master notebook. Errors stop `course build`; warnings are printed and the
 * build goes on. Every finding names the notebook, the cell and, where it helps, the line.
 */
export function validateMaster(notebook: Notebook, name: string): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, number>();

  notebook.cells.forEach((cell, index) => {
    const at = { notebook: name, cell: index + 1 };
    const meta = nbgraderOf(cell);
    const gradeId = gradeIdOf(cell);
    const where = { ...at, ...(gradeId !== undefined ? { gradeId } : {}) };
    const error = (message: string, fix?: string, line?: number) =>
      findings.push({ severity: "error", ...where, ...(line !== undefined ? { line } : {}), message, ...(fix ? { fix } : {}) });
    const warn = (message: string, fix?: string) => findings.push({ severity: "warning", ...where, message, ...(fix ? { fix } : {}) });

    if (meta !== undefined && isInstructorOnly(cell)) {
      error(
        "an instructor-only cell (nncourse.instructor_only) with nbgrader metadata: learners never get it, so it cannot be graded or answered.",
        "remove one of the two from the cell's metadata.",
      );
    }
    if (meta !== undefined) {
      const raw = cell.metadata.nbgrader;
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        error(
          'the "nbgrader" metadata is not an object.',
          "recreate the cell's metadata with nbgrader's Create Assignment toolbar, or write it as in DESIGN.md.",
        );
      }
      if (meta.schema_version !== undefined && meta.schema_version !== 3) {
        warn(
          `nbgrader schema_version is ${JSON.stringify(meta.schema_version)}; this tool reads version 3.`,
          "set schema_version to 3 and check the cell's flags.",
        );
      }
      for (const flag of ["solution", "grade", "locked", "task"] as const) {
        if (meta[flag] !== undefined && typeof meta[flag] !== "boolean") {
          error(`nbgrader "${flag}" is ${JSON.stringify(meta[flag])}; it must be true or false.`);
        }
      }
      if (gradeId === undefined) {
        if (meta.solution === true || meta.grade === true || meta.locked === true || meta.task === true) {
          error('this nbgrader cell has no "grade_id".', 'give every nbgrader cell a unique grade_id, e.g. "perceptron-step".');
        }
      } else if (!GRADE_ID.test(gradeId)) {
        error(
          `the grade_id ${JSON.stringify(gradeId)} has characters other than letters, digits, "-", "_" and ".".`,
          'use ids like "and-gate" or "perceptron_step_tests".',
        );
      } else if (seen.has(gradeId)) {
        error(
          `the grade_id "${gradeId}" is also used by cell ${seen.get(gradeId)}.`,
          "give each nbgrader cell its own grade_id; the grader matches cells by it.",
        );
      } else {
        seen.set(gradeId, index + 1);
      }
    }

    const kind = cellKind(cell);
    if (kind === "test" || kind === "manual" || kind === "task") {
      const points = meta?.points;
      if (points === undefined) {
        error("this graded cell has no points.", 'add "points" (a number ≥ 0) to its nbgrader metadata.');
      } else if (typeof points !== "number" || !Number.isFinite(points) || points < 0) {
        error(`this graded cell has points ${JSON.stringify(points)}; points must be a number ≥ 0.`, 'write e.g. "points": 2.');
      }
    } else if (meta?.points !== undefined && meta.points !== 0) {
      warn(
        `"points" is set but the cell is not graded (grade is false); the points are ignored.`,
        "set grade: true for a test cell, or remove points.",
      );
    }
    if (kind === "manual")
      warn("a manually graded answer (solution and grade both true): the autograder leaves its points to be given by hand.");
    if (kind === "task") warn("a task cell: the autograder leaves its points to be given by hand.");
    if (kind === "test" && cell.cell_type !== "code") {
      error(`a test cell must be a code cell, but this one is ${cell.cell_type}.`, "make it a code cell, or set grade: false.");
    }
    if (kind === "test" && meta?.locked !== true) {
      warn("a test cell that is not locked: it is made read-only in the student version anyway.", "set locked: true.");
    }

    // Markers.
    const lines = sourceLines(cellSource(cell));
    if (cell.cell_type !== "code") {
      lines.forEach((line, i) => {
        if (markerOf(line) !== undefined || MARKER_WORDS.test(line)) {
          error(
            `a ${cell.cell_type} cell contains the marker "${line.trim()}"; markers only work in code cells, so this text would reach students as it is.`,
            "move the region into a code cell, or reword the text.",
            i + 1,
          );
        }
      });
      return;
    }
    let open: { name: MarkerName; line: number } | undefined;
    let solutionRegions = 0;
    lines.forEach((line, i) => {
      const marker = markerOf(line);
      if (marker === undefined) {
        if (MARKER_WORDS.test(line)) {
          error(
            `"${line.trim()}" looks like a marker but is not on a line of its own, so it would be ignored and its region released.`,
            "put the marker alone on its line: // BEGIN SOLUTION",
            i + 1,
          );
        }
        return;
      }
      if (marker.startsWith("BEGIN")) {
        if (open) {
          error(
            `"${marker}" inside the region opened by "${open.name}" on line ${open.line}; regions cannot nest.`,
            `close the first region with "// END ${open.name.slice(6)}" before opening another.`,
            i + 1,
          );
          return;
        }
        open = { name: marker, line: i + 1 };
        if (marker === "BEGIN SOLUTION") {
          solutionRegions++;
          if (kind === "test")
            error(
              "a solution region in a test cell.",
              "put solutions in an answer cell (solution: true) and tests in the test cell.",
              i + 1,
            );
          else if (kind !== "answer" && kind !== "manual") {
            error(
              "a solution region in a cell that is not an answer cell.",
              'mark the cell as an answer cell: nbgrader { "solution": true, "grade": false, "grade_id": ... }.',
              i + 1,
            );
          }
        } else if (kind !== "test") {
          error("hidden tests outside a test cell.", 'move them into a test cell (nbgrader { "grade": true, "points": ... }).', i + 1);
        }
        return;
      }
      const begin = marker === "END SOLUTION" ? "BEGIN SOLUTION" : "BEGIN HIDDEN TESTS";
      if (!open) {
        error(`"${marker}" without a "${begin}" before it.`, `add "// ${begin}" above, or remove this line.`, i + 1);
      } else if (open.name !== begin) {
        error(
          `"${marker}" closes the region opened by "${open.name}" on line ${open.line}.`,
          `close it with "// END ${open.name.slice(6)}".`,
          i + 1,
        );
        open = undefined;
      } else {
        open = undefined;
      }
    });
    if (open) {
      error(`"${open.name}" is never closed.`, `add "// END ${open.name.slice(6)}" after the region.`, open.line);
    }
    if (kind === "test" && !open) {
      // What learners see of the cell: without a visible check, a self-check passes it blindly.
      const visible = regionsOf(cellSource(cell))
        .filter((r) => r.kind === "hidden")
        .reduce((kept, r) => kept.map((line, i) => (i >= r.begin && i <= r.end ? "" : line)), lines);
      const hasCode = visible.some((line) => {
        const t = line.trim();
        return t !== "" && !t.startsWith("//") && !t.startsWith("import ");
      });
      if (!hasCode)
        warn(
          "a test cell with no visible test: learners checking their own work see it pass whatever they wrote.",
          "keep at least one visible check, with a helpful message.",
        );
    }
    if (kind === "answer" && solutionRegions === 0) {
      warn(
        "an answer cell without a solution region: the student version replaces the whole cell with a stub.",
        "mark the part to hide with // BEGIN SOLUTION and // END SOLUTION.",
      );
    }
  });
  findings.push(...checkPoints(notebook, name));
  return findings;
}
