/**
 * A grading run: every submission in a folder against the masters, N kernels at a time,
 * each result stored as soon as it is known (one transaction per submission). A run
 * that is stopped or dies loses at most the submissions being graded at that moment;
 * the next run skips what is stored with the same file and master hashes.
 *
 * With a shard (`course grade --shard K/N`) the run grades only the submissions whose
 * key falls in shard K (shard.ts), into a gradebook claimed for that shard alone
 * (gradebook/shard-record.ts). Everything else is the same code: each submission of a
 * shard still runs in a sandbox of its own, and no shard ever sees another's gradebook.
 */
import fs from "node:fs";
import path from "node:path";
import { CourseError, EXIT } from "../errors";
import { sha256Hex } from "nncourse/dist/data/payload";
import type { Gradebook } from "../gradebook/gradebook";
import { mapWithConcurrency } from "../runner/pool";
import { gradeSubmission, type GradeContext, type GradeLimits } from "./grade-one";
import { loadAssignments } from "./masters";
import { describeOutcome, graderFailed, startOutcome, type SubmissionOutcome } from "./outcome";
import { GradingSandbox, type SandboxKind } from "../sandbox/sandbox";
import { discoverSubmissions, narrowForRun, type Discovery, type SubmissionFile } from "./submissions";
import { claimShard } from "../gradebook/shard-record";
import { formatShard, shareOf, submissionKey, type Shard } from "./shard";
import { handInOf } from "./hand-in";
import { describeLate, type HandIn, type LatePolicy } from "./lateness";
import { IDENTIFIED_BY, LMS_NAMES } from "./lms-names";
import { pickNewest } from "./pick-newest";
import { regradeReason, type Regrade } from "./regrade";
import { releasedCellsFromGit } from "./released-cells";
import { carryWrittenGrades } from "../gradebook/written-answers";

export interface GradeRunOptions {
  submissionsDir: string;
  mastersDir: string;
  projectRoot: string;
  gradebook: Gradebook;
  jobs: number;
  force: boolean;
  limits: GradeLimits;
  /** "bubblewrap" (the operating system's sandbox), or "none" when the instructor chose --unsandboxed. */
  sandbox: SandboxKind;
  /** The gradebook's file, kept out of every kernel's sight like the masters and submissions. */
  gradebookFile: string;
  /** Grade only this assignment's submissions (a master's name; undefined: every assignment). */
  assignment?: string;
  /** Grade only this shard's share of the submissions (undefined: all of them). */
  shard?: Shard;
  /** --due and --late-penalty: lateness is measured and the penalty taken off totals (hand-in.ts). */
  latePolicy?: LatePolicy;
  /** Called with each line of progress. */
  log?: (line: string) => void;
}

export interface GradeRunSummary {
  graded: number;
  skipped: number;
  invalid: number;
  unknown: number;
  rejected: number;
  errors: number;
  review: number;
  /** Files left to the other shards (0 without a shard). */
  otherShards: number;
  /** Other files of a student's assignment, recorded but not graded (pick-newest.ts). */
  setAside: number;
  /** Submissions known to be late, and those of them a penalty was taken from. */
  late: number;
  penalised: number;
  durationMs: number;
}

export async function gradeAll(options: GradeRunOptions): Promise<GradeRunSummary> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  if (!fs.existsSync(options.submissionsDir) || !fs.statSync(options.submissionsDir).isDirectory()) {
    throw new CourseError(
      `the submissions folder ${options.submissionsDir} does not exist.`,
      "pass the folder that holds <student>/<assignment>.ipynb files or the LMS download.",
      EXIT.missing,
    );
  }
  const assignments = loadAssignments(options.mastersDir);
  // Before anything is stored: a gradebook holds one shard, or one unsharded run.
  claimShard(options.gradebook, options.shard, new Map([...assignments].map(([name, a]) => [name, a.sha256])));
  const found = narrowForRun(discoverSubmissions(options.submissionsDir, [...assignments.keys()]), options.assignment);
  const discovery = options.shard === undefined ? { ...found, otherShards: 0 } : shardShare(found, options.shard);
  const summary: GradeRunSummary = {
    graded: 0,
    skipped: 0,
    invalid: 0,
    unknown: 0,
    rejected: 0,
    errors: 0,
    review: 0,
    otherShards: discovery.otherShards,
    setAside: 0,
    late: 0,
    penalised: 0,
    durationMs: 0,
  };
  const policy = options.latePolicy ?? {};
  for (const [lms, files] of found.lmsFiles ?? []) log(`${LMS_NAMES[lms]} download: ${files} notebook(s); ${IDENTIFIED_BY[lms]}`);
  for (const note of found.notes ?? []) log(note);
  const noteHandIn = (who: string, handIn: HandIn) => {
    if (handIn.late !== true) return;
    summary.late++;
    if (handIn.rawScore !== null) summary.penalised++;
    log(
      `late     ${who}: ${describeLate(handIn.lateSeconds)} (${handIn.lateSource})${handIn.penalty === null ? "" : `; penalty ${handIn.penalty}`}`,
    );
  };
  if (options.shard !== undefined) {
    log(
      `shard ${formatShard(options.shard)}: ${discovery.submissions.length + discovery.unrecognized.length} of ` +
        `${found.submissions.length + found.unrecognized.length} file(s) in the submissions folder; the other shards take the rest`,
    );
  }

  for (const file of discovery.unrecognized) {
    options.gradebook.reject(file.relative, file.reason, fileHash(file.file));
    log(`rejected ${file.relative}: ${file.reason}`);
    summary.rejected++;
  }

  // One file per student and assignment: the newest where the LMS says which; the others are recorded.
  const picked = pickNewest(discovery.submissions);
  for (const { file, reason } of picked.setAside) {
    options.gradebook.reject(file.relative, reason, fileHash(file.file));
    log(`set aside ${file.relative}: ${reason}`);
    summary.setAside++;
  }
  // A group submission competing with another hand-in: graded, and held until the instructor decides.
  const heldChoice = new Map(picked.held.map((h) => [h.file, h.reason]));
  for (const reason of heldChoice.values()) log(`held     ${reason}`);
  const todo: Array<{ file: SubmissionFile; bytes: Buffer; regrade?: Regrade }> = [];
  for (const file of picked.graded) {
    const bytes = readSubmission(file.file);
    if (typeof bytes === "string") {
      options.gradebook.reject(file.relative, bytes, null);
      log(`rejected ${file.relative}: ${bytes}`);
      summary.rejected++;
      continue;
    }
    const master = assignments.get(file.assignment)?.sha256 ?? null;
    if (!options.force && options.gradebook.isCurrent(file.student, file.assignment, sha256Hex(bytes), master, options.sandbox)) {
      summary.skipped++;
      // The grade stands; this run's due date and penalty rule still apply to it.
      const handIn = options.gradebook.reapplyHandIn(file.student, file.assignment, (stored) => handInOf(file, policy, stored));
      if (handIn !== undefined) noteHandIn(`${file.student} · ${file.assignment}`, handIn);
      continue;
    }
    const stored = options.gradebook.storedGrade(file.student, file.assignment);
    const regrade = regradeReason(stored, {
      sha256: sha256Hex(bytes),
      masterSha256: master,
      sandbox: options.sandbox,
      force: options.force,
    });
    todo.push({ file, bytes, ...(regrade === undefined ? {} : { regrade }) });
  }
  // Why each is graded again, once per reason: a fixed master regrades a whole class.
  const reasons = new Map<string, number>();
  for (const { file, regrade } of todo)
    if (regrade !== undefined)
      reasons.set(`${file.assignment}: ${regrade.reason}`, (reasons.get(`${file.assignment}: ${regrade.reason}`) ?? 0) + 1);
  for (const [reason, n] of reasons) log(`regrading ${n} submission(s) of ${reason}`);
  if (summary.skipped > 0)
    log(
      `skipped ${summary.skipped} submission(s) already graded with the same file and master${options.sandbox === "bubblewrap" ? " in the sandbox" : ""} (--force regrades them)`,
    );
  if (todo.length === 0) {
    summary.durationMs = Date.now() - started;
    return summary;
  }

  const sandbox = await GradingSandbox.open({
    kind: options.sandbox,
    projectRoot: options.projectRoot,
    hide: [options.mastersDir, options.submissionsDir, path.dirname(options.gradebookFile)],
  });
  log(`sandbox: ${sandbox.description}`);
  // The read-only cells of every committed release, to tell a master's change from a learner's edit.
  const released = new Map(
    [...new Set(todo.map((t) => t.file.assignment))].map((name) => [name, releasedCellsFromGit(options.projectRoot, name)]),
  );
  const context: GradeContext = { assignments, released, mastersDir: options.mastersDir, sandbox, limits: options.limits };
  try {
    await mapWithConcurrency(todo, options.jobs, async ({ file, bytes, regrade }) => {
      let outcome: SubmissionOutcome;
      try {
        outcome = await gradeSubmission(file, bytes, context);
      } catch (error) {
        // A bug in the grader must not stop the batch: store it as an error, regraded next run.
        outcome = graderFailed(startOutcome(file, bytes, assignments.get(file.assignment), options.sandbox), error);
      }
      const choice = heldChoice.get(file);
      if (choice !== undefined)
        outcome = { ...outcome, review: true, issues: [...outcome.issues, { kind: "submission-choice", gradeId: null, message: choice }] };
      // Grades given by hand to written answers stay while their text does; the penalty counts them.
      outcome = carryWrittenGrades(options.gradebook, outcome);
      const { handIn, score } = handInOf(file, policy, { status: outcome.status, rawScore: outcome.score, maxScore: outcome.maxScore });
      outcome = { ...outcome, handIn, score };
      if (regrade?.note !== undefined) outcome = { ...outcome, message: [regrade.note, outcome.message].filter(Boolean).join(" ") };
      options.gradebook.store(outcome);
      count(summary, outcome);
      log(describeOutcome(outcome));
      noteHandIn(`${file.student} · ${file.assignment}`, handIn);
    });
  } finally {
    sandbox.close();
  }
  summary.durationMs = Date.now() - started;
  return summary;
}

/**
 * The share of one shard: submissions by their (student, assignment) key, so that two
 * files of one pair meet in one shard and one of them is rejected there as in a single
 * run; unrecognized files by their path, so that each is recorded by exactly one shard.
 */
function shardShare(found: Discovery, shard: Shard): Discovery & { otherShards: number } {
  const submissions = shareOf(found.submissions, (f) => submissionKey(f.student, f.assignment), shard);
  const unrecognized = shareOf(found.unrecognized, (f) => f.relative, shard);
  return { submissions: submissions.mine, unrecognized: unrecognized.mine, otherShards: submissions.others + unrecognized.others };
}

function count(summary: GradeRunSummary, outcome: SubmissionOutcome): void {
  if (outcome.status === "graded") summary.graded++;
  else if (outcome.status === "invalid") summary.invalid++;
  else if (outcome.status === "unknown-assignment") summary.unknown++;
  else summary.errors++;
  if (outcome.review) summary.review++;
}

/** The largest notebook read: a course notebook is well under a megabyte (outputs included). */
const MAX_SUBMISSION_BYTES = 64 * 1024 * 1024;

/** A submission's bytes, or why it cannot be read (a broken link, a folder, a huge file). */
function readSubmission(file: string): Buffer | string {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return "not a regular file.";
    if (stat.size > MAX_SUBMISSION_BYTES)
      return `${Math.round(stat.size / 1024 / 1024)} MB, more than a notebook can be (${MAX_SUBMISSION_BYTES / 1024 / 1024} MB at most).`;
    return fs.readFileSync(file);
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`;
  }
}

/** A rejected file's hash, for the record; null when it cannot be read or is too big to. */
function fileHash(file: string): string | null {
  const bytes = readSubmission(file);
  return typeof bytes === "string" ? null : sha256Hex(bytes);
}
