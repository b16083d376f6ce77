/**
 * `course check`: a learner runs their own notebook and sees, per exercise, whether its
 * visible tests pass, with the check's message, and the visible score. The file runs as
 * it is, in its own folder, like "Restart and Run All": there are no hidden tests in a
 * learner's copy, and nothing is sandboxed (it is the learner's own code on their own
 * machine). Partial credit is read from the check API's records.
 */
import { GRADE_MIME, type PartialRecord } from "nncourse/dist/grading";
import { CourseError, EXIT } from "../errors";
import { cellKind, gradeIdOf } from "../notebook/master";
import { partialCredit } from "../assign/partial-credit";
import { cellSource } from "../notebook/cells";
import { declaredTimeLimits, effectiveTimeLimits, type TimeLimits } from "../assign/time-limits";
import { readNotebook } from "../notebook/read";
import { runNotebookFile } from "../runner/run-file";
import { formatScore } from "./points";
import { testTitles, titleOf } from "./test-titles";
import { hiddenLines, redactHidden } from "./redact";
import { cleanMessage, failedCellMessage } from "./messages";

export interface ExerciseCheck {
  gradeId: string;
  /** What the learner calls it: the exercise's heading (grade/test-titles.ts), else the grade_id. */
  title: string;
  points: number;
  earned: number;
  status: "passed" | "partial" | "failed" | "not-run";
  message: string;
}

export interface NotebookCheck {
  file: string;
  exercises: ExerciseCheck[];
  earned: number;
  possible: number;
  durationMs: number;
}

export async function checkNotebook(
  file: string,
  limits: { defaults: { cellTimeoutMs: number; notebookTimeoutMs: number }; given?: TimeLimits },
): Promise<NotebookCheck> {
  // Before paying for a kernel: is there anything to check?
  const notebook = readNotebook(file);
  if (!notebook.cells.some((cell) => cellKind(cell) === "test")) throw noTests(file);
  const { cellTimeoutMs, notebookTimeoutMs } = effectiveTimeLimits(limits.defaults, declaredTimeLimits(notebook, file), limits.given ?? {});
  const result = await runNotebookFile(file, { dryRun: true, allowErrors: true, cellTimeoutMs, notebookTimeoutMs });
  const byIndex = new Map(result.cells.map((c) => [c.index, c]));
  const titles = testTitles(result.notebook);
  const exercises: ExerciseCheck[] = [];
  result.notebook.cells.forEach((cell, index) => {
    if (cellKind(cell) !== "test" || cell.cell_type !== "code") return;
    const gradeId = gradeIdOf(cell) ?? `cell ${index + 1}`;
    const title = titleOf(titles, gradeId);
    const points = Number((cell.metadata.nbgrader as { points?: unknown }).points) || 0;
    const run = byIndex.get(index);
    const hidden = hiddenLines(cellSource(cell));
    const partials = cell.outputs.flatMap((o) =>
      o.output_type === "display_data" && GRADE_MIME in o.data && (o.data[GRADE_MIME] as PartialRecord).kind === "partial"
        ? [o.data[GRADE_MIME] as PartialRecord]
        : [],
    );
    if (run === undefined || run.status === "not-run" || run.status === "empty") {
      exercises.push({
        gradeId,
        title,
        points,
        earned: 0,
        status: "not-run",
        message: "did not run: an earlier cell stopped the notebook.",
      });
    } else if (run.status !== "ok") {
      exercises.push({ gradeId, title, points, earned: 0, status: "failed", message: redactHidden(failedCellMessage(run, cell), hidden) });
    } else if (partials.length > 0) {
      // The grader's own rule, so that a learner is told the score they will be given.
      const credit = partialCredit(points, partials)!;
      exercises.push({
        gradeId,
        title,
        points,
        earned: credit.earned,
        status: credit.status,
        message: redactHidden(cleanMessage(credit.messages.join("\n")), hidden),
      });
    } else {
      exercises.push({ gradeId, title, points, earned: points, status: "passed", message: "" });
    }
  });
  if (exercises.length === 0) throw noTests(file);
  const earned = exercises.reduce((s, e) => s + e.earned, 0);
  const possible = exercises.reduce((s, e) => s + e.points, 0);
  return { file, exercises, earned, possible, durationMs: result.durationMs };
}

function noTests(file: string): CourseError {
  return new CourseError(
    `${file} has no test cells (cells with nbgrader metadata "grade": true).`,
    "run it on an exercise notebook from exercises/; `course run` runs any notebook.",
    EXIT.usage,
  );
}

const MARK = { passed: "✓", partial: "◐", failed: "✗", "not-run": "·" } as const;

export function formatCheck(check: NotebookCheck): string {
  const width = Math.max(...check.exercises.map((e) => e.title.length));
  const lines = [check.file];
  for (const e of check.exercises) {
    lines.push(`  ${MARK[e.status]} ${e.title.padEnd(width)}  ${formatScore(e.earned, e.points)}  ${e.status}`);
    if (e.message) for (const line of e.message.split("\n")) lines.push(`      ${line}`);
  }
  lines.push(
    `visible score: ${formatScore(check.earned, check.possible)}` +
      (check.earned < check.possible ? "" : " — every visible test passes") +
      ". Hidden tests run when your work is graded; make your code right in general, not only for these examples.",
  );
  return lines.join("\n");
}
