/**
 * The checks a master must pass before `course build` releases it (the format itself:
 * notebook/master.ts). Errors stop the build; warnings are printed and it goes on.
 */
import { COURSE_KERNELSPEC } from "../jupyter/kernelspec";
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
import { scoreCalls } from "./score-calls";

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
  const notebookFindings = [...kernelspecProblems(notebook), ...timeLimitProblems(notebook)].map((problem) => ({
    ...problem,
    notebook: name,
  }));
  return [...notebookFindings, ...cellFindings, ...checkPoints(notebook, name)];
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
    ...scoreNeverFinished(cell),
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

// ------------------------------------------------------------------ the notebook's metadata

/** The kernelspec a master must carry, as the fix writes it. */
const KERNELSPEC_JSON = JSON.stringify({ ...COURSE_KERNELSPEC });
const KERNELSPEC_FIX =
  `set the notebook's metadata.kernelspec to ${KERNELSPEC_JSON}: open the master in Jupyter, ` +
  `pick Kernel › Change Kernel › ${COURSE_KERNELSPEC.display_name}, and save.`;

/**
 * The student version and the solutions carry the master's kernelspec, and Jupyter
 * starts the kernel it names: a master saved from a Python kernel gives every learner
 * Python, where each TypeScript cell fails; one without a kernelspec makes Jupyter ask.
 */
function kernelspecProblems(notebook: Notebook): Problem[] {
  const spec = notebook.metadata.kernelspec as Record<string, unknown> | undefined;
  if (spec === undefined || typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    return [
      error("the notebook has no kernelspec: Jupyter asks each learner which kernel to start, and offers Python first.", KERNELSPEC_FIX),
    ];
  }
  if (spec.name !== COURSE_KERNELSPEC.name) {
    const named = `${JSON.stringify(spec.name)}${typeof spec.display_name === "string" ? ` (${spec.display_name})` : ""}`;
    return [
      error(
        `the notebook's kernelspec is ${named}, not the course's kernel "${COURSE_KERNELSPEC.name}": learners opening the student version get that kernel, and every TypeScript cell fails.`,
        KERNELSPEC_FIX,
      ),
    ];
  }
  if (spec.display_name !== COURSE_KERNELSPEC.display_name || spec.language !== COURSE_KERNELSPEC.language) {
    return [
      warning(
        `the kernelspec's display_name or language (${JSON.stringify(spec.display_name)}, ${JSON.stringify(spec.language)}) differ from the kernel's: Jupyter rewrites them when a learner opens the notebook, so an untouched copy counts as changed.`,
        KERNELSPEC_FIX,
      ),
    ];
  }
  return [];
}

/** What `course grade` and `course check` read from metadata.nncourse.time_limits (time-limits.ts). */
const TIME_LIMIT_KEYS = ["cell_seconds", "notebook_seconds"] as const;
const TIME_LIMITS_EXAMPLE = '"time_limits": { "cell_seconds": 120, "notebook_seconds": 900 }';

/** Time limits are read when grading: a key spelled wrong would be ignored there without a word. */
function timeLimitProblems(notebook: Notebook): Problem[] {
  const nncourse = notebook.metadata.nncourse as Record<string, unknown> | undefined;
  if (typeof nncourse !== "object" || nncourse === null || nncourse.time_limits === undefined) return [];
  const limits = nncourse.time_limits;
  if (typeof limits !== "object" || limits === null || Array.isArray(limits)) {
    return [
      error(`metadata.nncourse.time_limits is ${JSON.stringify(limits)}; it must be an object.`, `write e.g. ${TIME_LIMITS_EXAMPLE}.`),
    ];
  }
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(limits)) {
    if (!(TIME_LIMIT_KEYS as readonly string[]).includes(key)) {
      problems.push(
        error(
          `metadata.nncourse.time_limits has the key "${key}", which nothing reads: the limits are ${TIME_LIMIT_KEYS.join(" and ")}.`,
          `write e.g. ${TIME_LIMITS_EXAMPLE}.`,
        ),
      );
    } else if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      problems.push(
        error(
          `metadata.nncourse.time_limits.${key} is ${JSON.stringify(value)}; it must be a number of seconds above 0.`,
          `write e.g. ${TIME_LIMITS_EXAMPLE}.`,
        ),
      );
    }
  }
  const { cell_seconds: cell, notebook_seconds: whole } = limits as Record<string, unknown>;
  if (problems.length === 0 && typeof cell === "number" && typeof whole === "number" && cell > whole) {
    problems.push(
      warning(
        `metadata.nncourse.time_limits gives one cell ${cell} s but the whole notebook only ${whole} s.`,
        "make notebook_seconds at least cell_seconds.",
      ),
    );
  }
  return problems;
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
    if (points === 0 && kind === "test") {
      return [
        error(
          "this test cell is worth 0 points: whatever a learner's code does here, the grade does not change.",
          'give it the points its exercise is worth, e.g. "points": 1 (checks that should count for nothing go in a cell with grade: false).',
        ),
      ];
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
function gradedByHand({ kind, cell, nbgrader }: MasterCell): Problem[] {
  // A Markdown one is a written answer: grading stores its text and `course review` gives its points.
  if (kind === "manual" && cell.cell_type === "markdown") {
    return nbgrader?.points === 0
      ? [
          warning(
            "a written answer worth 0 points: learners' text is kept, but it counts for nothing.",
            'give it points, e.g. "points": 2.',
          ),
        ]
      : [];
  }
  if (kind === "manual") {
    return [
      warning(
        "a manually graded code answer (solution and grade both true): the autograder leaves its points to be given by hand, and only written (Markdown) answers are stored for `course review`.",
        "make it a Markdown cell for a written answer, or an answer cell with a test cell.",
      ),
    ];
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

/**
 * `check.score(label)` without a body leaves `score.finish()` to the cell. Forgotten, the
 * cell emits no grade record, and the grader reads a test without its record as
 * tampering: every learner 0 points, held for review. Only in the hidden tests, the
 * learner's copy never shows a result.
 */
function scoreNeverFinished({ kind, cell, lines }: MasterCell): Problem[] {
  if (kind !== "test" || cell.cell_type !== "code") return [];
  const source = cellSource(cell);
  const { opened, finished } = scoreCalls(source);
  if (opened.length === 0) return [];
  const hidden = regionsOf(source).filter((r) => r.kind === "hidden");
  const visible = finished.filter((line) => !hidden.some((r) => line > r.begin && line < r.end));
  const bodyFix = 'or give check.score a body, which finishes by itself: check.score("label", (score) => { score.part(…); }).';
  const first = opened[0]!;
  if (finished.length < opened.length) {
    return [
      error(
        `"${lines[first]!.trim()}" opens a score that is never finished: without score.finish() the cell emits no grade record, and the grader marks every submission as tampered with (0 points, held for review).`,
        `end the test with score.finish(), ${bodyFix}`,
        first + 1,
      ),
    ];
  }
  if (visible.length < opened.length) {
    return [
      error(
        "score.finish() is only in the hidden tests: the learner's copy never reports a result for this test.",
        "move score.finish() after // END HIDDEN TESTS.",
        first + 1,
      ),
    ];
  }
  return [];
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
