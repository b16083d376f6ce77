/**
 * The grader's result for one submission file, and each way grading it can end: named
 * after no master, not a notebook, no kernel, a bug in the grader, or graded. The
 * gradebook stores these outcomes as they are (gradebook/gradebook.ts); it does not
 * decide what they hold.
 *
 * Every function here is pure: the pipeline in grade-one.ts hands each one what the
 * steps before it found, and adds the time it took.
 */
import { sha256Hex } from "nncourse/dist/data/payload";
import { gradeIdOf } from "../notebook/master";
import type { NotebookRunResult } from "../runner/run-notebook";
import type { SandboxKind } from "../sandbox/sandbox";
import type { Instrumented } from "./instrument";
import type { HandIn } from "./lateness";
import type { Assignment } from "./masters";
import { formatScore, totalPoints } from "./points";
import type { SanitizeIssue } from "./sanitize";
import type { Scored } from "./score";
import type { SubmissionFile } from "./submissions";
import type { SuspiciousFinding } from "./suspicious";
import type { WrittenAnswer } from "./written-answers";

export type SubmissionStatus = "graded" | "invalid" | "unknown-assignment" | "error";

/** One test cell's result, at the test cell's place in the notebook that ran. */
export interface TestScore {
  gradeId: string;
  position: number;
  points: number;
  earned: number;
  fraction: number | null;
  status: string;
  message: string;
  durationMs: number;
}

/** One code cell that ran, the grader's own cells included, for timings. */
export interface CellRun {
  position: number;
  gradeId: string | null;
  status: string;
  durationMs: number;
  truncated: boolean;
  error: string | null;
}

/** What the grader undid or found: a sanitize issue's kind, "suspicious" or "integrity". */
export interface SubmissionIssue {
  kind: string;
  gradeId: string | null;
  message: string;
}

export interface SubmissionOutcome {
  student: string;
  assignment: string;
  /** False for a notebook named after no master. */
  assignmentKnown: boolean;
  masterSha256: string | null;
  sourcePath: string;
  sha256: string;
  status: SubmissionStatus;
  score: number;
  maxScore: number;
  review: boolean;
  message: string;
  kernelStartMs: number | null;
  durationMs: number | null;
  /** Where the kernel ran: "bubblewrap", or "none" for --unsandboxed (and for outcomes with no kernel). */
  sandbox: SandboxKind;
  scores: TestScore[];
  cellRuns: CellRun[];
  issues: SubmissionIssue[];
  log: string;
  /** Who handed it in (as the LMS names them), when, and the late penalty taken off `score` (grade/hand-in.ts). */
  handIn?: HandIn;
  /** The learner's written answers, graded by hand later (written-answers.ts); absent when the notebook was not read. */
  written?: WrittenAnswer[];
  /** Points given by hand to written answers whose text is unchanged since (carried over by gradebook/written-answers.ts); in `score`. */
  writtenEarned?: number;
}

/** What every outcome of this file starts from: whose it is, the file's hash, and nothing earned. */
export function startOutcome(
  file: SubmissionFile,
  bytes: Uint8Array,
  assignment: Assignment | undefined,
  sandbox: SandboxKind,
): SubmissionOutcome {
  return {
    student: file.student,
    assignment: file.assignment,
    assignmentKnown: assignment !== undefined,
    masterSha256: assignment?.sha256 ?? null,
    sourcePath: file.relative,
    sha256: sha256Hex(bytes),
    status: "graded",
    score: 0,
    maxScore: assignment?.maxPoints ?? 0,
    review: false,
    message: "",
    kernelStartMs: null,
    durationMs: null,
    sandbox,
    scores: [],
    cellRuns: [],
    issues: [],
    log: "",
  };
}

/** A file named after no master: there is nothing to grade it against. */
export function unknownAssignment(base: SubmissionOutcome, known: readonly string[]): SubmissionOutcome {
  return {
    ...base,
    status: "unknown-assignment",
    message: `no master notebook is named "${base.assignment}.ipynb" (known assignments: ${known.join(", ")}). Rename the file after its assignment, or add the master.`,
  };
}

/** Every test of the assignment at zero: the scores of a submission that could not be run. */
export function ungradedScores(assignment: Assignment): TestScore[] {
  return assignment.tests.map((t, i) => ({
    gradeId: t.gradeId,
    position: i,
    points: t.points,
    earned: 0,
    fraction: null,
    status: "not-run",
    message: "the notebook could not be graded.",
    durationMs: 0,
  }));
}

/** A file that is not a notebook Jupyter saved; `problem` says what is wrong with it. */
export function invalidNotebook(base: SubmissionOutcome, assignment: Assignment, problem: string): SubmissionOutcome {
  return {
    ...base,
    status: "invalid",
    scores: ungradedScores(assignment),
    message: `${problem} The file was not graded; hand in the notebook as saved by Jupyter.`,
  };
}

/**
 * No kernel would start for the submission. The grader's problem, not the learner's:
 * stored as "error", which the next run grades again.
 */
export function kernelDidNotStart(
  base: SubmissionOutcome,
  assignment: Assignment,
  issues: SubmissionIssue[],
  attempts: number,
  error: unknown,
): SubmissionOutcome {
  return {
    ...base,
    status: "error",
    scores: ungradedScores(assignment),
    issues,
    review: true,
    message: `the kernel could not start (${attempts} attempts): ${(error as Error).message}`,
  };
}

/** The grader itself failed on the submission (a bug): stored as "error", regraded next run. */
export function graderFailed(base: SubmissionOutcome, error: unknown): SubmissionOutcome {
  return {
    ...base,
    status: "error",
    review: true,
    message: `the grader failed on this submission: ${(error as Error).stack ?? String(error)}`,
  };
}

/** What the grader restored in a submission, in the form the gradebook keeps. */
export function sanitizeIssues(issues: readonly SanitizeIssue[]): SubmissionIssue[] {
  return issues.map((i) => ({ kind: i.kind, gradeId: i.gradeId, message: i.message }));
}

/** Learner code that names the machinery of grading, in the form the gradebook keeps. */
export function suspiciousIssues(findings: readonly SuspiciousFinding[]): SubmissionIssue[] {
  return findings.map((f) => ({ kind: "suspicious", gradeId: f.gradeId, message: f.message }));
}

/** The name a grader's own cell is stored under in cell_runs; undefined for the notebook's cells. */
export function graderCellName(instrumented: Instrumented, index: number): string | undefined {
  if (index === instrumented.beginIndex) return "(grader: begin)";
  if (index === instrumented.freezeIndex) return "(grader: freeze)";
  if (index === instrumented.finishIndex) return "(grader: finish)";
  return undefined;
}

/**
 * A submission that ran: its scores at their cells, every cell's run, the issues found
 * before the run followed by the integrity findings of the scoring, and whether an
 * instructor must look at it.
 */
export function gradedOutcome(
  base: SubmissionOutcome,
  instrumented: Instrumented,
  run: NotebookRunResult,
  scored: Scored,
  issuesBeforeRun: readonly SubmissionIssue[],
): SubmissionOutcome {
  const issues = [...issuesBeforeRun, ...scored.integrity.map((f) => ({ kind: "integrity", gradeId: f.gradeId, message: f.message }))];
  const cells = instrumented.notebook.cells;
  const cellRuns: CellRun[] = run.cells.map((c) => ({
    position: c.index,
    gradeId: graderCellName(instrumented, c.index) ?? gradeIdOf(cells[c.index]!) ?? null,
    status: c.status,
    durationMs: c.durationMs,
    truncated: c.truncated,
    error: c.error ?? null,
  }));
  const scores = scored.cells.map((s) => ({ ...s, position: instrumented.testCellIndex.get(s.gradeId) ?? -1 }));
  // The grader's own cells before learner code run only master code: if they fail, the
  // sandbox is broken, not the submission.
  const setupFailed = run.cells.find(
    (c) => (c.index === instrumented.beginIndex || c.index === instrumented.freezeIndex) && c.status !== "ok",
  );
  const messages: string[] = [];
  if (setupFailed)
    messages.push(`a grader cell that runs before the learner's code failed (${setupFailed.status}): ${setupFailed.error ?? ""}`.trim());
  if (run.stopReason) messages.push(`the run stopped early: ${run.stopReason}.`);
  if (run.cells.some((c) => c.truncated)) messages.push("some output was cut at the output cap.");
  return {
    ...base,
    status: setupFailed ? "error" : "graded",
    scores,
    cellRuns,
    issues,
    score: totalPoints(scores.map((s) => s.earned)),
    review: scored.integrity.length > 0 || issues.some((i) => i.kind === "suspicious") || setupFailed !== undefined,
    message: messages.join(" "),
    kernelStartMs: run.kernelStartMs,
    log: run.kernelExit ? `kernel exit: code ${run.kernelExit.code}, signal ${run.kernelExit.signal}\n${run.kernelExit.log}` : "",
  };
}

/** The grading run's line for one outcome. */
export function describeOutcome(o: SubmissionOutcome): string {
  const who = `${o.student} · ${o.assignment}`;
  const time = o.durationMs === null ? "" : ` (${(o.durationMs / 1000).toFixed(1)} s)`;
  if (o.status !== "graded") return `${o.status.padEnd(8)} ${who}: ${o.message}`;
  const flags = [...new Set(o.issues.map((i) => i.kind))];
  return `graded   ${who}: ${formatScore(o.score, o.maxScore)}${time}${flags.length ? ` [${flags.join(", ")}]` : ""}${o.review ? " REVIEW" : ""}`;
}
