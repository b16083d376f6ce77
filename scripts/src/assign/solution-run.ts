/**
 * Running a master with its own solutions (`course build --run`): the checks that no
 * reading of the notebook can make. The master goes through the course's kernel as the
 * grader would run a perfect submission: every solution in place, the hidden tests
 * back in their cells. tslab compiles each cell with the TypeScript the learners' kernel
 * uses, so this is also the master's type check, with the kernel's own compiler and
 * cell-by-cell rules (a separate compiler pass would judge the cells differently).
 *
 * A finding for every cell that fails (a type error, an exception, a time limit), and
 * for every test cell whose grade record gives the solution less than full marks or
 * that reports no record at all (the grader would hold every submission for review).
 * The findings name the cells as the master counts them.
 *
 * The kernel runs in a scratch folder of its own, so whatever the notebook writes
 * (saved models, run logs) lands neither beside the masters nor in the project.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GRADE_MIME, type PartialRecord } from "nncourse/dist/grading";
import { cellSource } from "../notebook/cells";
import { isInstructorOnly } from "../notebook/instructor-cells";
import { cellKind, gradeIdOf, nbgraderOf } from "../notebook/master";
import type { Cell, CodeCell, Notebook } from "../notebook/model";
import { runNotebook, type CellResult } from "../runner/run-notebook";
import { partialCredit } from "./partial-credit";
import { declaredTimeLimits, effectiveTimeLimits } from "./time-limits";
import type { Finding } from "./validate";

/** The limits `course check` uses too: a master that declares more gets what it declares. */
export const SOLUTION_RUN_DEFAULTS = { cellTimeoutMs: 60_000, notebookTimeoutMs: 600_000 };

/** Test cells whose result is a grade record (as the grader reads them: grade/masters.ts). */
const RECORDING_CALL = /\bcheck\s*\.\s*(test|score|partial)\s*\(/;

export interface SolutionRun {
  findings: Finding[];
  /** Code cells that ran, and the test cells among them that earned full marks. */
  cellsRun: number;
  testsPassed: number;
  durationMs: number;
}

/** Runs `master` (named `name` in findings) with its solutions and hidden tests; never writes the master. */
export async function runSolution(master: Notebook, name: string): Promise<SolutionRun> {
  // Master cell numbers (1 = the first) of the cells that run: instructor-only cells are left out, as learners never get them.
  const kept = master.cells.flatMap((cell, index) => (isInstructorOnly(cell) ? [] : [{ cell: structuredClone(cell), number: index + 1 }]));
  const notebook: Notebook = { ...structuredClone({ ...master, cells: [] }), cells: kept.map((k) => k.cell) };
  const limits = effectiveTimeLimits(SOLUTION_RUN_DEFAULTS, declaredTimeLimits(master, name), {});
  const scratch = mkdtempSync(join(tmpdir(), "nncourse-solution-run-"));
  let cells: CellResult[];
  let durationMs: number;
  try {
    ({ cells, durationMs } = await runNotebook(notebook, { cwd: scratch, allowErrors: true, ...limits }));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const findings: Finding[] = [];
  let testsPassed = 0;
  // A cell that fails hides its declarations from later cells, whose failures may only follow from it.
  let firstFailed: number | undefined;
  for (const result of cells) {
    const { cell, number } = kept[result.index]!;
    const at = { severity: "error" as const, notebook: name, cell: number, ...gradeIdField(cell) };
    const failure = cellFailure(result, cell as CodeCell);
    if (failure !== undefined) {
      const after = firstFailed === undefined ? "" : `\n    (cell ${firstFailed} failed before it: this may follow from that.)`;
      findings.push({ ...at, ...failure, message: failure.message + after });
      firstFailed ??= number;
      continue;
    }
    if (cellKind(cell) !== "test" || result.status !== "ok") continue;
    const shortfall = testShortfall(cell as CodeCell);
    if (shortfall === undefined) testsPassed++;
    else findings.push({ ...at, ...shortfall });
  }
  return { findings, cellsRun: cells.filter((c) => c.status !== "empty").length, testsPassed, durationMs };
}

function gradeIdField(cell: Cell): { gradeId?: string } {
  const id = gradeIdOf(cell);
  return id === undefined ? {} : { gradeId: id };
}

/** Why a cell failed, with what to do; undefined when it ran. */
function cellFailure(result: CellResult, cell: CodeCell): { message: string; fix: string } | undefined {
  const error = indent(result.error ?? "");
  switch (result.status) {
    case "ok":
    case "empty":
      return undefined;
    case "error":
      return errorName(cell) === "TypeScriptError"
        ? {
            message: `the master's own code does not compile in the course's kernel (run with its solutions):\n${error}`,
            fix: "correct the type error (line:column count from the cell's first line); learners get the same compiler.",
          }
        : {
            message: `the cell fails when the master runs with its solutions:\n${error}`,
            fix: "make the master run from top to bottom with its solutions: `course run NOTEBOOK --output-dir DIR` shows every output.",
          };
    case "timeout":
      return {
        message: `the cell ran out of time when the master ran with its solutions: ${result.error ?? ""}`,
        fix: 'make it faster, or declare what it needs: metadata.nncourse.time_limits, e.g. { "cell_seconds": 300 }.',
      };
    case "kernel-died":
      return { message: `the kernel died in this cell:\n${error}`, fix: "make the cell use less memory, or find what ended the kernel." };
    case "aborted":
    case "not-run":
      // After a failure the run goes on (allowErrors); a cell it could not run is not reported on its own.
      return undefined;
  }
}

/** The ename of the error output a failed cell got (TypeScriptError for one that did not compile). */
function errorName(cell: CodeCell): string | undefined {
  for (const output of cell.outputs) if (output.output_type === "error") return output.ename;
  return undefined;
}

/** Why a test cell that ran gives the solution less than full marks; undefined when it gives all. */
function testShortfall(cell: CodeCell): { message: string; fix: string } | undefined {
  const records = cell.outputs.flatMap((o) =>
    o.output_type === "display_data" && GRADE_MIME in o.data && (o.data[GRADE_MIME] as PartialRecord).kind === "partial"
      ? [o.data[GRADE_MIME] as PartialRecord]
      : [],
  );
  if (records.length === 0) {
    // A test of bare checks passes by running; one written with check.test/score/partial must report.
    if (!RECORDING_CALL.test(cellSource(cell))) return undefined;
    return {
      message:
        "the test reported no result (no grade record) when the master ran with its solutions: the grader marks every submission as tampered with (0 points, held for review).",
      fix: "make sure the test calls score.finish() (or gives check.score a body) and that every check.test/check.score call is reached.",
    };
  }
  const points = Number(nbgraderOf(cell)?.points) || 0;
  const credit = partialCredit(points, records)!;
  if (credit.fraction >= 1) return undefined;
  return {
    message: `the master's own solution earns ${credit.earned} of ${points} points in this test:\n${indent(credit.messages.join("\n"))}`,
    fix: "correct the solution or the test: a released solution must pass its own tests, hidden ones included.",
  };
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
