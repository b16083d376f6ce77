/**
 * What merging gradebooks (`course gradebook merge`) keeps, reports and refuses, decided
 * from what the gradebooks hold, before anything is written. Pure: merge.ts reads the
 * gradebooks into MergeInputs and writes what the plan says.
 *
 * The rules, each for a reason:
 * - Gradebooks graded against different masters are refused: their grades measure
 *   different tests, and a merged gradebook would mix two versions of an assignment.
 * - Shard gradebooks must come from one split (the same N), each shard at most once;
 *   a missing shard is reported, since its students would silently be absent.
 * - A submission (student, assignment) found in several gradebooks with the same grade
 *   (file, master, status, scores, per-cell results, issues and flags, the review and
 *   sandbox flags among them) is kept once. Timings, logs and the time of grading may
 *   differ between two runs of the same grade and are not compared; they come from
 *   the first gradebook named.
 * - The same submission with different grades is a conflict: neither grade is kept. It
 *   is reported, and stored as an "error" row that says why, so that the gradebook,
 *   the CSV export and the next `course grade` (which grades "error" rows again) all
 *   show it, instead of one grade being picked for the student.
 * - Every row keeps its sandbox flag, so an unsandboxed grade stays marked as one.
 */
import { formatShard, type Shard } from "../grade/shard";
import type { SubmissionStatus, TestScore } from "../grade/outcome";

/** One test cell's result, as compared between gradebooks: its timing may differ between two runs of one grade. */
export type CellGrade = Omit<TestScore, "durationMs">;

/** What makes a submission's grade: two gradebooks agree on a submission when all of this is equal. */
export interface GradeRecord {
  sha256: string;
  masterSha256: string | null;
  status: SubmissionStatus;
  score: number;
  maxScore: number;
  review: boolean;
  message: string;
  sandbox: "bubblewrap" | "none";
  scores: CellGrade[];
  issues: Array<{ kind: string; gradeId: string | null; message: string }>;
}

export interface SubmissionEntry extends GradeRecord {
  /** The row's id in its gradebook, to copy the rest of it (timings, cell runs, log) from. */
  id: number;
  student: string;
  assignment: string;
  sourcePath: string;
}

export interface MergeInput {
  /** The gradebook's file as the instructor named it. */
  label: string;
  shard: Shard | undefined;
  /**
   * The masters the gradebook was graded against, by assignment; null where it knew no
   * master of that name. `mastersComplete`: the map lists every master of the run (a
   * shard records them), so a name missing from it had no master; otherwise it holds
   * only the assignments the gradebook has rows for.
   */
  masters: ReadonlyMap<string, string | null>;
  mastersComplete: boolean;
  submissions: SubmissionEntry[];
  rejectedPaths: string[];
}

/** The same submission with different grades in two or more gradebooks. */
export interface Conflict {
  student: string;
  assignment: string;
  /** Each gradebook's version, in the order the gradebooks were named. */
  versions: Array<{ input: number; entry: SubmissionEntry }>;
  /** What differs, between the first version and each that differs from it. */
  differences: string[];
}

export interface MergePlan {
  /** Rows copied as they are: which gradebook, which row; sorted by student and assignment. */
  keep: Array<{ input: number; id: number }>;
  conflicts: Conflict[];
  /** Submissions found with the same grade in more than one gradebook (kept once). */
  identical: number;
  /** Rejected files by path, each from the first gradebook that has it. */
  rejected: Array<{ input: number; path: string }>;
  /** For shard gradebooks: how many shards the split has, and which of them no gradebook holds. */
  shardCount: number | undefined;
  missingShards: number[];
}

/** Why these gradebooks cannot be merged at all; empty when they can. */
export function mergeRefusals(inputs: readonly MergeInput[]): string[] {
  return [...masterRefusals(inputs), ...shardRefusals(inputs)];
}

function masterRefusals(inputs: readonly MergeInput[]): string[] {
  const names = new Set(inputs.flatMap((i) => [...i.masters.keys()]));
  const refusals: string[] = [];
  for (const name of [...names].sort()) {
    const seen: Array<{ label: string; master: string | null }> = [];
    for (const input of inputs) {
      if (input.masters.has(name)) seen.push({ label: input.label, master: input.masters.get(name)! });
      else if (input.mastersComplete) seen.push({ label: input.label, master: null });
    }
    if (new Set(seen.map((s) => s.master)).size > 1) {
      const versions = seen.map((s) => `${s.label} (${s.master === null ? "no master of that name" : `master ${s.master.slice(0, 12)}`})`);
      refusals.push(`"${name}" was graded against different masters: ${versions.join(", ")}.`);
    }
  }
  return refusals;
}

function shardRefusals(inputs: readonly MergeInput[]): string[] {
  const shards = inputs.filter((i) => i.shard !== undefined);
  const refusals: string[] = [];
  const counts = new Set(shards.map((i) => i.shard!.count));
  if (counts.size > 1) {
    refusals.push(
      `the shard gradebooks come from different splits: ${shards.map((i) => `${i.label} is shard ${formatShard(i.shard!)}`).join(", ")}.`,
    );
    return refusals;
  }
  const byIndex = new Map<number, string[]>();
  for (const input of shards) byIndex.set(input.shard!.index, [...(byIndex.get(input.shard!.index) ?? []), input.label]);
  for (const [index, labels] of [...byIndex].sort(([a], [b]) => a - b)) {
    if (labels.length > 1) refusals.push(`shard ${index}/${shards[0]!.shard!.count} is named twice: ${labels.join(" and ")}.`);
  }
  return refusals;
}

/** The merge of gradebooks that mergeRefusals has passed. */
export function planMerge(inputs: readonly MergeInput[]): MergePlan {
  const bySubmission = new Map<string, Array<{ input: number; entry: SubmissionEntry }>>();
  inputs.forEach((input, i) => {
    for (const entry of input.submissions) {
      const key = `${entry.student}\0${entry.assignment}`;
      bySubmission.set(key, [...(bySubmission.get(key) ?? []), { input: i, entry }]);
    }
  });
  const keep: MergePlan["keep"] = [];
  const conflicts: Conflict[] = [];
  let identical = 0;
  for (const key of [...bySubmission.keys()].sort()) {
    const versions = bySubmission.get(key)!;
    const first = versions[0]!;
    const differences = versions.slice(1).flatMap((v) => {
      const found = gradeDifferences(first.entry, v.entry);
      return found.length === 0 ? [] : [`${inputs[first.input]!.label} against ${inputs[v.input]!.label}: ${found.join("; ")}`];
    });
    if (differences.length > 0) {
      conflicts.push({ student: first.entry.student, assignment: first.entry.assignment, versions, differences });
      continue;
    }
    if (versions.length > 1) identical++;
    keep.push({ input: first.input, id: first.entry.id });
  }
  const rejected = new Map<string, number>();
  inputs.forEach((input, i) => input.rejectedPaths.forEach((p) => rejected.has(p) || rejected.set(p, i)));
  const shards = inputs.flatMap((i) => (i.shard === undefined ? [] : [i.shard]));
  const shardCount = shards[0]?.count;
  const missingShards =
    shardCount === undefined ? [] : Array.from({ length: shardCount }, (_, k) => k + 1).filter((k) => !shards.some((s) => s.index === k));
  return {
    keep,
    conflicts,
    identical,
    rejected: [...rejected].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, input]) => ({ input, path })),
    shardCount,
    missingShards,
  };
}

/** What differs between two grades of one submission, in words; empty when they are the same grade. */
export function gradeDifferences(a: GradeRecord, b: GradeRecord): string[] {
  const found: string[] = [];
  if (a.sha256 !== b.sha256) found.push(`a different file (sha256 ${a.sha256.slice(0, 12)} against ${b.sha256.slice(0, 12)})`);
  if (a.masterSha256 !== b.masterSha256) found.push("a different master");
  if (a.status !== b.status) found.push(`status ${a.status} against ${b.status}`);
  if (a.score !== b.score || a.maxScore !== b.maxScore) found.push(`score ${a.score}/${a.maxScore} against ${b.score}/${b.maxScore}`);
  if (a.review !== b.review) found.push(`held for review in ${a.review ? "the first" : "the second"} only`);
  if (a.sandbox !== b.sandbox) found.push(`sandbox ${a.sandbox} against ${b.sandbox}`);
  if (a.message !== b.message) found.push("a different message");
  found.push(...cellDifferences(a.scores, b.scores));
  if (!sameList(a.issues.map(issueText).sort(), b.issues.map(issueText).sort())) found.push("different issues found in the notebook");
  return found;
}

function cellDifferences(a: readonly CellGrade[], b: readonly CellGrade[]): string[] {
  const found: string[] = [];
  const theirs = new Map(b.map((c) => [c.gradeId, c]));
  for (const mine of a) {
    const other = theirs.get(mine.gradeId);
    if (other === undefined) found.push(`test "${mine.gradeId}" in the first only`);
    else if (
      mine.earned !== other.earned ||
      mine.points !== other.points ||
      mine.fraction !== other.fraction ||
      mine.status !== other.status ||
      mine.position !== other.position
    )
      found.push(
        `test "${mine.gradeId}" ${mine.earned}/${mine.points} ${mine.status} against ${other.earned}/${other.points} ${other.status}`,
      );
    else if (mine.message !== other.message) found.push(`test "${mine.gradeId}" with a different message`);
  }
  const mine = new Set(a.map((c) => c.gradeId));
  for (const other of b) if (!mine.has(other.gradeId)) found.push(`test "${other.gradeId}" in the second only`);
  return found;
}

function issueText(issue: GradeRecord["issues"][number]): string {
  return `${issue.kind}\0${issue.gradeId ?? ""}\0${issue.message}`;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The row a conflict leaves in the merged gradebook: an "error" that names both grades and what to do. */
export function conflictRow(conflict: Conflict, labels: readonly string[]): GradeRecord & { sourcePath: string } {
  const first = conflict.versions[0]!.entry;
  const grades = conflict.versions.map(
    (v) => `${labels[v.input]}: ${v.entry.status} ${v.entry.score}/${v.entry.maxScore}${v.entry.review ? " (review)" : ""}`,
  );
  return {
    sha256: first.sha256,
    masterSha256: first.masterSha256,
    status: "error",
    score: 0,
    maxScore: first.maxScore,
    review: true,
    message:
      `graded differently in two gradebooks (${grades.join("; ")}), so neither grade was kept. ` +
      "Grade it again: `course grade SUBMISSIONS --gradebook` with this gradebook grades every submission stored as an error again, and leaves the graded ones alone.",
    sandbox: conflict.versions.every((v) => v.entry.sandbox === "bubblewrap") ? "bubblewrap" : "none",
    scores: [],
    issues: [],
    sourcePath: first.sourcePath,
  };
}
