/**
 * Grading one submission file, start to end: read and check the notebook, restore the
 * master's cells, add the grader's cells, run it in a sandboxed kernel of its own, and
 * score the test cells. Never throws for anything the submission does: every outcome,
 * a broken file included, comes back as a SubmissionOutcome to be stored.
 */
import { createHash } from "node:crypto";
import { gradeIdOf } from "../notebook/master";
import type { StoredCellRun, StoredIssue, SubmissionOutcome } from "../gradebook/gradebook";
import { parseNotebook } from "../notebook/read";
import { runNotebook, type NotebookRunResult } from "../runner/run-notebook";
import type { Assignment } from "./masters";
import { instrument, type Instrumented } from "./instrument";
import { RecordCollector } from "./records";
import type { GradingSandbox } from "../sandbox/sandbox";
import { sanitizeSubmission } from "./sanitize";
import { scoreRun } from "./score";
import { suspiciousCode } from "./suspicious";
import type { SubmissionFile } from "./submissions";
import { effectiveTimeLimits, type TimeLimits } from "../assign/time-limits";

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

function graderCellName(instrumented: Instrumented, index: number): string | undefined {
  if (index === instrumented.beginIndex) return "(grader: begin)";
  if (index === instrumented.freezeIndex) return "(grader: freeze)";
  if (index === instrumented.finishIndex) return "(grader: finish)";
  return undefined;
}

/** Tries to start a kernel for one submission before giving up on it for this run. */
const START_ATTEMPTS = 3;

export interface GradeContext {
  assignments: Map<string, Assignment>;
  mastersDir: string;
  sandbox: GradingSandbox;
  limits: GradeLimits;
}

export function sha256Of(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function gradeSubmission(file: SubmissionFile, bytes: Buffer, context: GradeContext): Promise<SubmissionOutcome> {
  const started = Date.now();
  const assignment = context.assignments.get(file.assignment);
  const base: SubmissionOutcome = {
    student: file.student,
    assignment: file.assignment,
    assignmentKnown: assignment !== undefined,
    masterSha256: assignment?.sha256 ?? null,
    sourcePath: file.relative,
    sha256: sha256Of(bytes),
    status: "graded",
    score: 0,
    maxScore: assignment?.maxPoints ?? 0,
    review: false,
    message: "",
    kernelStartMs: null,
    durationMs: null,
    sandbox: context.sandbox.kind,
    scores: [],
    cellRuns: [],
    issues: [],
    log: "",
  };
  if (assignment === undefined) {
    const known = [...context.assignments.keys()].join(", ");
    return {
      ...base,
      status: "unknown-assignment",
      message: `no master notebook is named "${file.assignment}.ipynb" (known assignments: ${known}). Rename the file after its assignment, or add the master.`,
      durationMs: Date.now() - started,
    };
  }
  const zero = assignment.tests.map((t, i) => ({
    gradeId: t.gradeId,
    position: i,
    points: t.points,
    earned: 0,
    fraction: null,
    status: "not-run",
    message: "the notebook could not be graded.",
    durationMs: 0,
  }));

  let notebook;
  try {
    notebook = parseNotebook(bytes.toString("utf8"), file.relative);
  } catch (error) {
    return {
      ...base,
      status: "invalid",
      scores: zero,
      message: `${(error as Error).message} The file was not graded; hand in the notebook as saved by Jupyter.`,
      durationMs: Date.now() - started,
    };
  }

  const sanitized = sanitizeSubmission(assignment, notebook);
  const issues: StoredIssue[] = sanitized.issues.map((i) => ({ kind: i.kind, gradeId: i.gradeId, message: i.message }));
  for (const finding of suspiciousCode(sanitized.notebook))
    issues.push({ kind: "suspicious", gradeId: finding.gradeId, message: finding.message });
  const instrumented = instrument(
    sanitized.notebook,
    assignment.tests.map((t) => t.gradeId),
  );
  const collector = new RecordCollector(instrumented.nonce);
  const timeLimits = effectiveTimeLimits(context.limits, assignment.timeLimits, context.limits.given ?? {});
  const kernelLimits = {
    memoryMb: context.limits.memoryMb,
    scratchMb: context.limits.scratchMb,
    lifetimeMs: context.limits.startTimeoutMs + timeLimits.notebookTimeoutMs,
  };

  let run: NotebookRunResult | undefined;
  let startError: unknown;
  // A kernel that fails to start (a busy machine can make tslab trip over its own
  // socket setup) is tried again, in a new sandbox: nothing of the submission has run yet.
  for (let attempt = 1; attempt <= START_ATTEMPTS && run === undefined; attempt++) {
    const kernel = context.sandbox.kernelFor(`${file.student}-${file.assignment}`, kernelLimits);
    try {
      run = await runNotebook(instrumented.notebook, {
        cwd: kernel.cwd,
        env: kernel.env,
        nodeFlags: kernel.nodeFlags,
        kernelScript: kernel.kernelScript,
        launch: kernel.launch,
        ...timeLimits,
        startTimeoutMs: context.limits.startTimeoutMs,
        interruptGraceMs: 2000,
        allowErrors: true,
        limits: { cellBytes: context.limits.outputCapBytes, notebookBytes: context.limits.outputCapBytes },
        onKernelReady: (k) => {
          collector.attach(k);
        },
        onCellStart: (index) => collector.cellStarted(index),
        onCellEnd: () => collector.cellEnded(),
      });
    } catch (error) {
      startError = error;
    } finally {
      // runNotebook returns once the kernel's process is gone: with the sandbox, its whole process tree.
      kernel.dispose();
    }
  }
  if (run === undefined) {
    // The grader's problem, not the learner's: stored as "error", which the next run grades again.
    return {
      ...base,
      status: "error",
      scores: zero,
      issues,
      review: true,
      message: `the kernel could not start (${START_ATTEMPTS} attempts): ${(startError as Error).message}`,
      durationMs: Date.now() - started,
    };
  }

  const scored = scoreRun(assignment, instrumented, run, collector);
  for (const finding of scored.integrity) issues.push({ kind: "integrity", gradeId: finding.gradeId, message: finding.message });
  const cells = instrumented.notebook.cells;
  const cellRuns: StoredCellRun[] = run.cells.map((c) => ({
    position: c.index,
    gradeId: graderCellName(instrumented, c.index) ?? gradeIdOf(cells[c.index]!) ?? null,
    status: c.status,
    durationMs: c.durationMs,
    truncated: c.truncated,
    error: c.error ?? null,
  }));
  const scores = scored.cells.map((s) => ({ ...s, position: instrumented.testCellIndex.get(s.gradeId) ?? -1 }));
  const score = Math.round(scores.reduce((sum, s) => sum + s.earned, 0) * 1e6) / 1e6;
  // The grader's own cells before learner code run only master code: if they fail, the sandbox is broken.
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
    // The grader's first cell runs before any learner code: if it fails, the sandbox is broken, not the submission.
    status: setupFailed ? "error" : "graded",
    scores,
    cellRuns,
    issues,
    score,
    review: scored.integrity.length > 0 || issues.some((i) => i.kind === "suspicious") || setupFailed !== undefined,
    message: messages.join(" "),
    kernelStartMs: run.kernelStartMs,
    durationMs: Date.now() - started,
    log: run.kernelExit ? `kernel exit: code ${run.kernelExit.code}, signal ${run.kernelExit.signal}\n${run.kernelExit.log}` : "",
  };
}
