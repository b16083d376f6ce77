/**
 * The checks a master must pass before `course build` releases it (the format itself:
 * notebook/master.ts). Errors stop the build; warnings are printed and it goes on.
 */
import { cellSource } from "../notebook/cells";
import { isInstructorOnly } from "../notebook/instructor-cells";
import {
  cellKind,
  gradeIdOf,
  MARKER_WORDS,
  markerOf,
  nbgraderOf,
  regionsOf,
  sourceLines,
  type CellKind,
  type MarkerName,
} from "../notebook/master";
import type { Cell, Notebook } from "../notebook/model";
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

/**
 * Checks a master notebook. Errors stop `course build`; warnings are printed and the
 * build goes on. Every finding names the notebook, the cell and, where it helps, the line.
 */
export function validateMaster(notebook: Notebook, name: string): Finding[] {
  const firstUse = firstCellOfEachGradeId(notebook);
  const cellFindings = notebook.cells.flatMap((cell, index) => {
    const master = readCell(cell, index);
    return checkCell(master, firstUse).map((problem) => findingAt(name, master, problem));
  });
  return [...cellFindings, ...checkPoints(notebook, name)];
}

/** Every check of one cell, in the order its findings are reported. */
function checkCell(cell: MasterCell, firstUse: ReadonlyMap<string, number>): Problem[] {
  return [
    ...instructorOnlyAndGraded(cell),
    ...nbgraderMetadataProblems(cell),
    ...gradeIdProblems(cell, firstUse),
    ...pointsProblems(cell),
    ...gradedByHand(cell),
    ...testCellProblems(cell),
    ...(cell.cell.cell_type === "code" ? markerProblems(cell) : markersInText(cell)),
  ];
}

/** What the checks read of a cell. */
interface MasterCell {
  cell: Cell;
  /** 1 = the first cell. */
  number: number;
  kind: CellKind;
  /** Its nbgrader metadata (an empty object when that is not an object), undefined without any. */
  nbgrader: Record<string, unknown> | undefined;
  gradeId: string | undefined;
  lines: string[];
}

function readCell(cell: Cell, index: number): MasterCell {
  return {
    cell,
    number: index + 1,
    kind: cellKind(cell),
    nbgrader: nbgraderOf(cell),
    gradeId: gradeIdOf(cell),
    lines: sourceLines(cellSource(cell)),
  };
}

/** A finding about one cell, before it is placed in the notebook. */
interface Problem {
  severity: Finding["severity"];
  message: string;
  fix?: string;
  line?: number;
}

function error(message: string, fix?: string, line?: number): Problem {
  return { severity: "error", message, ...(fix ? { fix } : {}), ...(line !== undefined ? { line } : {}) };
}

function warning(message: string, fix?: string): Problem {
  return { severity: "warning", message, ...(fix ? { fix } : {}) };
}

function findingAt(notebook: string, cell: MasterCell, problem: Problem): Finding {
  return {
    severity: problem.severity,
    notebook,
    cell: cell.number,
    ...(cell.gradeId !== undefined ? { gradeId: cell.gradeId } : {}),
    ...(problem.line !== undefined ? { line: problem.line } : {}),
    message: problem.message,
    ...(problem.fix ? { fix: problem.fix } : {}),
  };
}

// ------------------------------------------------------------------ the cell's metadata

function instructorOnlyAndGraded(cell: MasterCell): Problem[] {
  if (cell.nbgrader === undefined || !isInstructorOnly(cell.cell)) return [];
  return [
    error(
      "an instructor-only cell (nncourse.instructor_only) with nbgrader metadata: learners never get it, so it cannot be graded or answered.",
      "remove one of the two from the cell's metadata.",
    ),
  ];
}

function nbgraderMetadataProblems({ cell, nbgrader }: MasterCell): Problem[] {
  if (nbgrader === undefined) return [];
  const problems: Problem[] = [];
  const raw = cell.metadata.nbgrader;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    problems.push(
      error(
        'the "nbgrader" metadata is not an object.',
        "recreate the cell's metadata with nbgrader's Create Assignment toolbar, or write it as `course build --help` shows under Authoring.",
      ),
    );
  }
  if (nbgrader.schema_version !== undefined && nbgrader.schema_version !== 3) {
    problems.push(
      warning(
        `nbgrader schema_version is ${JSON.stringify(nbgrader.schema_version)}; this tool reads version 3.`,
        "set schema_version to 3 and check the cell's flags.",
      ),
    );
  }
  for (const flag of ["solution", "grade", "locked", "task"] as const) {
    if (nbgrader[flag] !== undefined && typeof nbgrader[flag] !== "boolean") {
      problems.push(error(`nbgrader "${flag}" is ${JSON.stringify(nbgrader[flag])}; it must be true or false.`));
    }
  }
  return problems;
}

/** The grader matches a submission's cells to the master's by grade_id. */
const GRADE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** For each well-formed grade_id, the cell (1 = the first) that uses it first. */
function firstCellOfEachGradeId(notebook: Notebook): Map<string, number> {
  const first = new Map<string, number>();
  notebook.cells.forEach((cell, index) => {
    const id = gradeIdOf(cell);
    if (id !== undefined && GRADE_ID.test(id) && !first.has(id)) first.set(id, index + 1);
  });
  return first;
}

function gradeIdProblems({ nbgrader, gradeId, number }: MasterCell, firstUse: ReadonlyMap<string, number>): Problem[] {
  if (nbgrader === undefined) return [];
  if (gradeId === undefined) {
    const flagged = nbgrader.solution === true || nbgrader.grade === true || nbgrader.locked === true || nbgrader.task === true;
    return flagged
      ? [error('this nbgrader cell has no "grade_id".', 'give every nbgrader cell a unique grade_id, e.g. "perceptron-step".')]
      : [];
  }
  if (!GRADE_ID.test(gradeId)) {
    return [
      error(
        `the grade_id ${JSON.stringify(gradeId)} has characters other than letters, digits, "-", "_" and ".".`,
        'use ids like "and-gate" or "perceptron_step_tests".',
      ),
    ];
  }
  const first = firstUse.get(gradeId);
  if (first !== undefined && first !== number) {
    return [
      error(
        `the grade_id "${gradeId}" is also used by cell ${first}.`,
        "give each nbgrader cell its own grade_id; the grader matches cells by it.",
      ),
    ];
  }
  return [];
}

function pointsProblems({ kind, nbgrader }: MasterCell): Problem[] {
  const points = nbgrader?.points;
  if (kind === "test" || kind === "manual" || kind === "task") {
    if (points === undefined) return [error("this graded cell has no points.", 'add "points" (a number ≥ 0) to its nbgrader metadata.')];
    if (typeof points !== "number" || !Number.isFinite(points) || points < 0) {
      return [error(`this graded cell has points ${JSON.stringify(points)}; points must be a number ≥ 0.`, 'write e.g. "points": 2.')];
    }
    return [];
  }
  if (points !== undefined && points !== 0) {
    return [
      warning(
        `"points" is set but the cell is not graded (grade is false); the points are ignored.`,
        "set grade: true for a test cell, or remove points.",
      ),
    ];
  }
  return [];
}

/** nbgrader's kinds that the autograder leaves alone. */
function gradedByHand({ kind }: MasterCell): Problem[] {
  if (kind === "manual") {
    return [warning("a manually graded answer (solution and grade both true): the autograder leaves its points to be given by hand.")];
  }
  if (kind === "task") return [warning("a task cell: the autograder leaves its points to be given by hand.")];
  return [];
}

function testCellProblems({ kind, cell, nbgrader }: MasterCell): Problem[] {
  if (kind !== "test") return [];
  const problems: Problem[] = [];
  if (cell.cell_type !== "code") {
    problems.push(
      error(`a test cell must be a code cell, but this one is ${cell.cell_type}.`, "make it a code cell, or set grade: false."),
    );
  }
  if (nbgrader?.locked !== true) {
    problems.push(warning("a test cell that is not locked: it is made read-only in the student version anyway.", "set locked: true."));
  }
  return problems;
}

// ------------------------------------------------------------------ markers and regions

/** Markers only work in code cells: in any other cell their text would reach learners. */
function markersInText({ cell, lines }: MasterCell): Problem[] {
  return lines.flatMap((line, i) =>
    markerOf(line) !== undefined || MARKER_WORDS.test(line)
      ? [
          error(
            `a ${cell.cell_type} cell contains the marker "${line.trim()}"; markers only work in code cells, so this text would reach students as it is.`,
            "move the region into a code cell, or reword the text.",
            i + 1,
          ),
        ]
      : [],
  );
}

/** A code cell's regions: well formed, in the right kind of cell, and what they leave visible. */
function markerProblems(cell: MasterCell): Problem[] {
  const regions = scanRegions(cell.lines, cell.kind);
  return [
    ...regions.problems,
    ...(cell.kind === "test" && regions.balanced ? testWithoutVisibleCheck(cell) : []),
    ...(cell.kind === "answer" && regions.solutionRegions === 0 ? answerWithoutSolution() : []),
  ];
}

interface RegionScan {
  problems: Problem[];
  /** False when a region is left open at the end of the cell. */
  balanced: boolean;
  /** How many solution regions the cell opens. */
  solutionRegions: number;
}

/** Walks the marker lines of a code cell of kind `kind`, as the release reads them. */
function scanRegions(lines: readonly string[], kind: CellKind): RegionScan {
  const problems: Problem[] = [];
  let open: { name: MarkerName; line: number } | undefined;
  let solutionRegions = 0;
  lines.forEach((line, i) => {
    const marker = markerOf(line);
    if (marker === undefined) {
      if (MARKER_WORDS.test(line)) {
        problems.push(
          error(
            `"${line.trim()}" looks like a marker but is not on a line of its own, so it would be ignored and its region released.`,
            "put the marker alone on its line: // BEGIN SOLUTION",
            i + 1,
          ),
        );
      }
      return;
    }
    if (marker.startsWith("BEGIN")) {
      if (open) {
        problems.push(
          error(
            `"${marker}" inside the region opened by "${open.name}" on line ${open.line}; regions cannot nest.`,
            `close the first region with "// END ${open.name.slice(6)}" before opening another.`,
            i + 1,
          ),
        );
        return;
      }
      open = { name: marker, line: i + 1 };
      if (marker === "BEGIN SOLUTION") solutionRegions++;
      problems.push(...regionInWrongCell(marker, kind, i + 1));
      return;
    }
    const begin = marker === "END SOLUTION" ? "BEGIN SOLUTION" : "BEGIN HIDDEN TESTS";
    if (!open) {
      problems.push(error(`"${marker}" without a "${begin}" before it.`, `add "// ${begin}" above, or remove this line.`, i + 1));
    } else if (open.name !== begin) {
      problems.push(
        error(
          `"${marker}" closes the region opened by "${open.name}" on line ${open.line}.`,
          `close it with "// END ${open.name.slice(6)}".`,
          i + 1,
        ),
      );
      open = undefined;
    } else {
      open = undefined;
    }
  });
  if (open) problems.push(error(`"${open.name}" is never closed.`, `add "// END ${open.name.slice(6)}" after the region.`, open.line));
  return { problems, balanced: open === undefined, solutionRegions };
}

/** Solutions belong in answer cells, hidden tests in test cells. */
function regionInWrongCell(begin: MarkerName, kind: CellKind, line: number): Problem[] {
  if (begin === "BEGIN SOLUTION") {
    if (kind === "test") {
      return [
        error("a solution region in a test cell.", "put solutions in an answer cell (solution: true) and tests in the test cell.", line),
      ];
    }
    if (kind !== "answer" && kind !== "manual") {
      return [
        error(
          "a solution region in a cell that is not an answer cell.",
          'mark the cell as an answer cell: nbgrader { "solution": true, "grade": false, "grade_id": ... }.',
          line,
        ),
      ];
    }
    return [];
  }
  return kind === "test"
    ? []
    : [error("hidden tests outside a test cell.", 'move them into a test cell (nbgrader { "grade": true, "points": ... }).', line)];
}

/** What learners see of a test cell: without a visible check, a self-check passes it blindly. */
function testWithoutVisibleCheck({ cell, lines }: MasterCell): Problem[] {
  const visible = regionsOf(cellSource(cell))
    .filter((r) => r.kind === "hidden")
    .reduce((kept, r) => kept.map((line, i) => (i >= r.begin && i <= r.end ? "" : line)), lines);
  const hasCode = visible.some((line) => {
    const t = line.trim();
    return t !== "" && !t.startsWith("//") && !t.startsWith("import ");
  });
  if (hasCode) return [];
  return [
    warning(
      "a test cell with no visible test: learners checking their own work see it pass whatever they wrote.",
      "keep at least one visible check, with a helpful message.",
    ),
  ];
}

function answerWithoutSolution(): Problem[] {
  return [
    warning(
      "an answer cell without a solution region: the student version replaces the whole cell with a stub.",
      "mark the part to hide with // BEGIN SOLUTION and // END SOLUTION.",
    ),
  ];
}
