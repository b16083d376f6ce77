/**
 * Grading one submission file, start to end, as one pipeline: find its master, read the
 * notebook, restore the master's cells, look for code that names the grader, add the
 * grader's cells, run it in a sandboxed kernel of its own, score the test cells. Each
 * step is a function of what the steps before it found, and only running the kernel is
 * not a pure one. Never throws for anything the submission does: every outcome, a
 * broken file included, comes back as a SubmissionOutcome to be stored.
 */
import type { TimeLimits } from "../assign/time-limits";
import type { Notebook } from "../notebook/model";
import { parseNotebook } from "../notebook/read";
import { START_ATTEMPTS } from "../runner/pool";
import type { GradingSandbox } from "../sandbox/sandbox";
import { instrument } from "./instrument";
import type { Assignment } from "./masters";
import {
  gradedOutcome,
  invalidNotebook,
  kernelDidNotStart,
  sanitizeIssues,
  startOutcome,
  suspiciousIssues,
  unknownAssignment,
  type SubmissionOutcome,
} from "./outcome";
import { runInSandbox } from "./run-in-sandbox";
import { sanitizeSubmission } from "./sanitize";
import type { ReleasedCells } from "./released-cells";
import { scoreRun } from "./score";
import type { SubmissionFile } from "./submissions";
import { suspiciousCode } from "./suspicious";
import { collectWrittenAnswers } from "./written-answers";

export interface GradeLimits {
  cellTimeoutMs: number;
  notebookTimeoutMs: number;
  /** The time limits set on the command line: they win over those a master declares. */
  given?: TimeLimits;
  memoryMb: number;
  /** The size of each kernel's scratch folder in MB (in the sandbox). */
  scratchMb: number;
  outputCapBytes: number;
  startTimeoutMs: number;
}

export const DEFAULT_GRADE_LIMITS: GradeLimits = {
  cellTimeoutMs: 30_000,
  notebookTimeoutMs: 300_000,
  memoryMb: 1024,
  scratchMb: 256,
  outputCapBytes: 2 << 20,
  startTimeoutMs: 30_000,
};

export interface GradeContext {
  assignments: Map<string, Assignment>;
  /** Earlier releases' read-only and test cells, by assignment: to tell a master's change from a learner's edit. */
  released?: Map<string, ReleasedCells>;
  mastersDir: string;
  sandbox: GradingSandbox;
  limits: GradeLimits;
}

export async function gradeSubmission(file: SubmissionFile, bytes: Buffer, context: GradeContext): Promise<SubmissionOutcome> {
  const started = Date.now();
  const timed = (outcome: SubmissionOutcome): SubmissionOutcome => ({ ...outcome, durationMs: Date.now() - started });

  // The master it is graded against, by the file's name.
  const assignment = context.assignments.get(file.assignment);
  const base = startOutcome(file, bytes, assignment, context.sandbox.kind);
  if (assignment === undefined) return timed(unknownAssignment(base, [...context.assignments.keys()]));

  // A notebook as Jupyter saves it.
  const submitted = parseSubmission(bytes, file.relative);
  if (typeof submitted === "string") return timed(invalidNotebook(base, assignment, submitted));

  // The master's read-only and test cells (hidden tests included) in place of the submission's.
  const sanitized = sanitizeSubmission(assignment, submitted, context.released?.get(file.assignment));
  // Learner code that names the machinery of grading is held for review.
  const issues = [...sanitizeIssues(sanitized.issues), ...suspiciousIssues(suspiciousCode(sanitized.notebook))];
  // The grader's own cells: the run's key first, the freeze before learner code, a record at each test's end.
  const instrumented = instrument(
    sanitized.notebook,
    assignment.tests.map((t) => t.gradeId),
  );

  const ran = await runInSandbox(instrumented, `${file.student}-${file.assignment}`, assignment.timeLimits, context);
  if (!ran.ok) return timed(kernelDidNotStart(base, assignment, issues, START_ATTEMPTS, ran.error));

  const scored = scoreRun(assignment, instrumented, ran.value.run, ran.value.collector);
  // Markdown answers the autograder cannot score: kept for the instructor to grade by hand.
  const written = collectWrittenAnswers(assignment.written ?? [], sanitized.notebook, assignment.exercise);
  return timed({ ...gradedOutcome(base, instrumented, ran.value.run, scored, issues), written });
}

/** The submitted notebook, or what is wrong with the file. */
export function parseSubmission(bytes: Buffer, name: string): Notebook | string {
  try {
    return parseNotebook(bytes.toString("utf8"), name);
  } catch (error) {
    return (error as Error).message;
  }
}
