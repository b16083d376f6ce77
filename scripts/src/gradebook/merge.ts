/**
 * `course gradebook merge A B … --into FILE`: joins gradebooks, typically the shards of
 * one grading run (`course grade --shard K/N`), into a new one. What is kept, reported
 * and refused is decided in merge-plan.ts; this module reads the gradebooks and writes
 * the result.
 *
 * The result is written to a hidden file beside FILE and given FILE's name only when it
 * is complete, with a hard link, which fails rather than replace a file that appeared
 * meanwhile: an interrupted merge leaves no half-written gradebook under FILE's name, and
 * no merge ever replaces a gradebook that is already there.
 */
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { CourseError, EXIT, UsageError } from "../errors";
import { Gradebook } from "./gradebook";
import { conflictRow, mergeRefusals, planMerge, type CellGrade, type Conflict, type MergeInput, type SubmissionEntry } from "./merge-plan";
import { readShardRecord } from "./shard-record";

export interface MergeReport {
  into: string;
  inputs: number;
  /** Submissions in the merged gradebook, conflicts included. */
  submissions: number;
  /** Submissions found with the same grade in more than one gradebook, kept once. */
  identical: number;
  conflicts: Conflict[];
  rejectedFiles: number;
  shardCount: number | undefined;
  missingShards: number[];
  /** The unsandboxed grades among those kept. */
  unsandboxed: number;
  durationMs: number;
}

const SEE_HELP = "see `course gradebook --help`";
const HELP = `${SEE_HELP}.`;

export function mergeGradebooks(inputFiles: readonly string[], intoFile: string): MergeReport {
  const started = Date.now();
  if (inputFiles.length === 0) throw new UsageError("name the gradebooks to merge, e.g. grading/gradebook.shard-*-of-4.sqlite.", HELP);
  const into = path.resolve(intoFile);
  checkInputs(inputFiles);
  checkTarget(into, intoFile);
  const sources: Gradebook[] = [];
  try {
    for (const file of inputFiles) sources.push(Gradebook.open(file, { create: false }));
    const inputs = sources.map((g, i) => readInput(g, inputFiles[i]!));
    const refusals = mergeRefusals(inputs);
    if (refusals.length > 0) {
      throw new CourseError(
        `these gradebooks cannot be merged; nothing was written:\n  ${refusals.join("\n  ")}`,
        "merge the gradebooks of one grading run: shards of one split (the same N, each once), graded against the same masters (grade a shard again after changing a master).",
      );
    }
    const plan = planMerge(inputs);
    const temp = path.join(path.dirname(into), `.${path.basename(into)}.merging-${process.pid}`);
    removeDatabase(temp);
    try {
      const target = Gradebook.open(temp);
      try {
        writeMerge(
          target.database,
          sources.map((s) => s.database),
          inputs,
          plan,
        );
      } finally {
        target.close();
      }
      publish(temp, into, intoFile);
    } finally {
      removeDatabase(temp);
    }
    const kept = new Set(plan.keep.map((k) => `${k.input}:${k.id}`));
    return {
      into,
      inputs: inputs.length,
      submissions: plan.keep.length + plan.conflicts.length,
      identical: plan.identical,
      conflicts: plan.conflicts,
      rejectedFiles: plan.rejected.length,
      shardCount: plan.shardCount,
      missingShards: plan.missingShards,
      unsandboxed: inputs.reduce(
        (n, input, i) => n + input.submissions.filter((s) => s.sandbox !== "bubblewrap" && kept.has(`${i}:${s.id}`)).length,
        0,
      ),
      durationMs: Date.now() - started,
    };
  } finally {
    for (const source of sources) source.close();
  }
}

function checkInputs(files: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const file of files) {
    if (!fs.existsSync(file)) {
      throw new CourseError(
        `there is no gradebook at ${file}.`,
        "name the gradebooks that `course grade` (or each --shard) wrote.",
        EXIT.missing,
      );
    }
    const real = fs.realpathSync(file);
    const earlier = seen.get(real);
    if (earlier !== undefined)
      throw new UsageError(`${earlier} and ${file} are the same gradebook, named twice.`, `name each gradebook once (${SEE_HELP}).`);
    seen.set(real, file);
  }
}

/** --into must name a new file: a gradebook there (or its journal files) is never replaced. */
function checkTarget(into: string, shown: string): void {
  for (const file of [into, `${into}-wal`, `${into}-shm`]) {
    if (fs.existsSync(file) || isLink(file)) {
      throw new UsageError(
        `--into ${shown}: ${file === into ? "that file" : file} exists, and a merge never replaces a gradebook.`,
        `name a new file, or move the old one away first; to keep its grades, name it among the gradebooks to merge: course gradebook merge OLD SHARDS… --into NEW (${SEE_HELP}).`,
      );
    }
  }
}

function isLink(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

interface SubmissionRowRead extends Omit<SubmissionEntry, "review" | "scores" | "issues"> {
  review: number;
}

/** A gradebook as merge-plan.ts sees it: its grades, its shard, its masters, its rejected files. */
function readInput(gradebook: Gradebook, label: string): MergeInput {
  const db = gradebook.database;
  const record = readShardRecord(gradebook);
  const rows = db
    .prepare(
      `SELECT s.id, st.name AS student, a.name AS assignment, s.source_path AS sourcePath, s.sha256, s.master_sha256 AS masterSha256,
              s.status, s.score, s.max_score AS maxScore, s.review, s.message, s.sandbox
       FROM submissions s JOIN students st ON st.id = s.student_id JOIN assignments a ON a.id = s.assignment_id`,
    )
    .all() as SubmissionRowRead[];
  const scores = groupBy(
    db
      .prepare(
        "SELECT submission_id AS submissionId, grade_id AS gradeId, position, points, earned, fraction, status, message FROM scores ORDER BY submission_id, position",
      )
      .all() as Array<CellGrade & { submissionId: number }>,
  );
  const issues = groupBy(
    db.prepare("SELECT submission_id AS submissionId, kind, grade_id AS gradeId, message FROM issues ORDER BY rowid").all() as Array<{
      submissionId: number;
      kind: string;
      gradeId: string | null;
      message: string;
    }>,
  );
  const masters =
    record.masters ??
    new Map(
      (
        db.prepare("SELECT name, master_sha256 AS sha, known FROM assignments").all() as Array<{
          name: string;
          sha: string | null;
          known: number;
        }>
      ).map((a) => [a.name, a.known === 1 ? a.sha : null]),
    );
  return {
    label,
    shard: record.shard,
    masters,
    mastersComplete: record.masters !== undefined,
    submissions: rows.map((r) => ({
      ...r,
      review: r.review === 1,
      scores: (scores.get(r.id) ?? []).map(({ submissionId: _, ...cell }) => cell),
      issues: (issues.get(r.id) ?? []).map(({ submissionId: _, ...issue }) => issue),
    })),
    rejectedPaths: (db.prepare("SELECT path FROM rejected_files").all() as Array<{ path: string }>).map((r) => r.path),
  };
}

function groupBy<T extends { submissionId: number }>(rows: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const group = groups.get(row.submissionId);
    if (group === undefined) groups.set(row.submissionId, [row]);
    else group.push(row);
  }
  return groups;
}

/** Writes the plan into the new gradebook, in one transaction. */
function writeMerge(
  target: Database.Database,
  sources: Database.Database[],
  inputs: readonly MergeInput[],
  plan: ReturnType<typeof planMerge>,
): void {
  const studentId = idMaker(target, "students");
  const assignmentIds = new Map<string, number>();
  const assignmentId = (name: string): number => {
    let id = assignmentIds.get(name);
    if (id === undefined) {
      id = copyAssignment(target, sources, name);
      assignmentIds.set(name, id);
    }
    return id;
  };
  target.transaction(() => {
    for (const { input, id } of plan.keep) {
      const source = sources[input]!;
      const row = prepared(
        source,
        "SELECT s.*, st.name AS student_name, a.name AS assignment_name FROM submissions s JOIN students st ON st.id = s.student_id JOIN assignments a ON a.id = s.assignment_id WHERE s.id = ?",
      ).get(id) as Record<string, unknown> & { student_name: string; assignment_name: string };
      const { id: _id, student_name, assignment_name, ...fields } = row;
      const newId = insertRow(target, "submissions", {
        ...fields,
        student_id: studentId(student_name),
        assignment_id: assignmentId(assignment_name),
      });
      for (const table of ["scores", "cell_runs", "issues", "logs", "written_answers"] as const) {
        const order = table === "scores" || table === "cell_runs" || table === "written_answers" ? "position" : "rowid";
        for (const child of prepared(source, `SELECT * FROM ${table} WHERE submission_id = ? ORDER BY ${order}`).all(id) as Array<
          Record<string, unknown>
        >) {
          insertRow(target, table, { ...child, submission_id: newId });
        }
      }
    }
    const labels = inputs.map((i) => i.label);
    for (const conflict of plan.conflicts) {
      const row = conflictRow(conflict, labels);
      insertRow(target, "submissions", {
        student_id: studentId(conflict.student),
        assignment_id: assignmentId(conflict.assignment),
        source_path: row.sourcePath,
        sha256: row.sha256,
        master_sha256: row.masterSha256,
        status: row.status,
        score: row.score,
        max_score: row.maxScore,
        review: row.review ? 1 : 0,
        message: row.message,
        kernel_start_ms: null,
        duration_ms: null,
        graded_at: new Date().toISOString(),
        sandbox: row.sandbox,
      });
    }
    for (const { input, path: file } of plan.rejected) {
      const row = prepared(sources[input]!, "SELECT * FROM rejected_files WHERE path = ?").get(file) as Record<string, unknown>;
      insertRow(target, "rejected_files", row);
    }
  })();
}

/** The assignment's row, from the first gradebook that knows its master (or the first that has it). */
function copyAssignment(target: Database.Database, sources: Database.Database[], name: string): number {
  const rows = sources
    .map(
      (s) =>
        prepared(s, "SELECT name, master_sha256, max_points, known FROM assignments WHERE name = ?").get(name) as
          Record<string, unknown> | undefined,
    )
    .filter((r): r is Record<string, unknown> => r !== undefined);
  const row = rows.find((r) => r.known === 1) ?? rows[0];
  if (row === undefined) throw new Error(`the assignment "${name}" is in no gradebook merged`);
  return insertRow(target, "assignments", row);
}

/** Inserts a student by name once, returning its id in the new gradebook. */
function idMaker(target: Database.Database, table: "students"): (name: string) => number {
  const ids = new Map<string, number>();
  return (name) => {
    let id = ids.get(name);
    if (id === undefined) {
      id = insertRow(target, table, { name });
      ids.set(name, id);
    }
    return id;
  };
}

/**
 * Inserts a row given as {column: value}. Column names come from our own tables (a row
 * read from a gradebook of the same schema version, or written out in this module).
 */
function insertRow(db: Database.Database, table: string, row: Record<string, unknown>): number {
  const columns = Object.keys(row);
  const sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`;
  return Number(prepared(db, sql).run(row).lastInsertRowid);
}

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** One prepared statement per text and database: a merge runs the same few for every row. */
function prepared(db: Database.Database, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (cache === undefined) statements.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (statement === undefined) cache.set(sql, (statement = db.prepare(sql)));
  return statement;
}

/** Gives the finished merge its name, never replacing a file that is there by now. */
function publish(temp: string, into: string, shown: string): void {
  try {
    fs.linkSync(temp, into);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") checkTarget(into, shown);
    // A file system without hard links: rename, after looking once more.
    if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "EXDEV") {
      checkTarget(into, shown);
      fs.renameSync(temp, into);
      return;
    }
    throw error;
  }
}

/** Removes an SQLite file and its journal files, where they are. */
function removeDatabase(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(f, { force: true });
}
