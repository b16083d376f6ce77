/**
 * The gradebook: a SQLite file (better-sqlite3) that `course grade` writes and
 * `course feedback` and `course export` read. See schema.ts for the tables; what it
 * stores is the grader's SubmissionOutcome (grade/outcome.ts).
 *
 * Every submission is stored in one transaction, scores, issues and logs together, so a
 * grading run that dies leaves each submission either fully recorded or not at all,
 * and the next run picks up exactly the ones missing. WAL mode lets a reader (feedback)
 * open the file while a grading run writes.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { CourseError, EXIT } from "../errors";
import type { HandIn } from "../grade/lateness";
import type { Lms } from "../grade/lms-names";
import type { SubmissionIssue, SubmissionOutcome, SubmissionStatus, TestScore } from "../grade/outcome";
import { MIGRATIONS, SCHEMA, SCHEMA_VERSION } from "./schema";
import { storeWrittenAnswers } from "./written-answers";
import { diagnoseAddonError } from "../node/addons";
import { projectRoot } from "../project";

export interface SubmissionRow {
  id: number;
  student: string;
  assignment: string;
  source_path: string;
  sha256: string;
  status: SubmissionStatus;
  score: number;
  max_score: number;
  review: number;
  message: string;
  duration_ms: number | null;
  graded_at: string;
  sandbox: "bubblewrap" | "none";
  /** The hand-in (grade/hand-in.ts); NULL where not known, and in gradebooks from before it. */
  lms: Lms | null;
  lms_id: string | null;
  display_name: string | null;
  email: string | null;
  submitted_at: string | null;
  submitted_at_source: string | null;
  late: number | null;
  late_seconds: number | null;
  late_source: string | null;
  raw_score: number | null;
  penalty: string | null;
}

/** A stored grade's file, master and how it was made. */
export interface StoredGrade {
  sha256: string;
  masterSha256: string | null;
  status: SubmissionStatus;
  sandbox: "bubblewrap" | "none";
  gradedAt: string;
}

/** The hand-in columns, in the order HAND_IN_VALUES gives them. */
const HAND_IN_COLUMNS =
  "lms, lms_id, display_name, email, submitted_at, submitted_at_source, late, late_seconds, late_source, raw_score, penalty";

function handInValues(h: HandIn | undefined): unknown[] {
  if (h === undefined) return Array(11).fill(null);
  return [
    h.lms,
    h.lmsId,
    h.displayName,
    h.email,
    h.submittedAt,
    h.submittedAtSource,
    h.late === null ? null : h.late ? 1 : 0,
    h.lateSeconds,
    h.lateSource,
    h.rawScore,
    h.penalty,
  ];
}

export class Gradebook {
  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
  ) {}

  /**
   * Opens (creating when `create`) the gradebook file. Every path that cannot hold a
   * gradebook gives a CourseError that says why, and a file that is not a gradebook is
   * never written to: SQLite would happily add our tables to any database it is given.
   */
  static open(file: string, { create = true }: { create?: boolean } = {}): Gradebook {
    const full = path.resolve(file);
    const exists = checkGradebookPath(full, file, create);
    const db = openDatabase(full, file, exists);
    try {
      let version = storedSchemaVersion(db, file);
      // An older gradebook is brought up to date in place (columns added, nothing removed).
      while (version !== undefined && MIGRATIONS[Number(version)] !== undefined) {
        const from = Number(version);
        db.transaction(() => {
          db.exec(MIGRATIONS[from]!);
          db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(from + 1));
        })();
        version = String(from + 1);
      }
      if (version !== undefined && Number(version) !== SCHEMA_VERSION) {
        throw new CourseError(
          `the gradebook ${file} has schema version ${version}; this tool reads version ${SCHEMA_VERSION}.`,
          "use the course version that wrote it, or grade into a new file.",
        );
      }
      db.pragma("journal_mode = WAL");
      db.pragma("foreign_keys = ON");
      // One transaction, so an interrupted first run leaves a blank file (made again
      // next time), never tables without the version that marks them as a gradebook.
      db.transaction(() => {
        db.exec(SCHEMA);
        if (version === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
      })();
    } catch (error) {
      db.close();
      if (error instanceof CourseError) throw error;
      throw new CourseError(
        `cannot open the gradebook ${file}: ${(error as Error).message}.`,
        "check that it is a gradebook made by `course grade` and that you can write to it and its folder.",
      );
    }
    return new Gradebook(full, db);
  }

  close(): void {
    this.db.close();
  }

  /**
   * True when this exact file was already graded against this exact master, and no less
   * safely than `sandbox` would: a grade made without the sandbox is made again in it.
   */
  isCurrent(student: string, assignment: string, sha256: string, masterSha256: string | null, sandbox: "bubblewrap" | "none"): boolean {
    const row = this.db
      .prepare(
        `SELECT s.sha256, s.master_sha256, s.status, s.sandbox FROM submissions s
         JOIN students st ON st.id = s.student_id JOIN assignments a ON a.id = s.assignment_id
         WHERE st.name = ? AND a.name = ?`,
      )
      .get(student, assignment) as { sha256: string; master_sha256: string | null; status: string; sandbox: string } | undefined;
    if (row === undefined || row.status === "error" || row.sha256 !== sha256 || row.master_sha256 !== masterSha256) return false;
    return !(sandbox === "bubblewrap" && row.sandbox !== "bubblewrap");
  }

  /** What was stored for a student's assignment, to say why it is graded again (grade/regrade.ts); undefined when nothing is. */
  storedGrade(student: string, assignment: string): StoredGrade | undefined {
    return this.db
      .prepare(
        `SELECT s.sha256, s.master_sha256 AS masterSha256, s.status, s.sandbox, s.graded_at AS gradedAt FROM submissions s
         JOIN students st ON st.id = s.student_id JOIN assignments a ON a.id = s.assignment_id
         WHERE st.name = ? AND a.name = ?`,
      )
      .get(student, assignment) as StoredGrade | undefined;
  }

  /** Stores one submission's outcome, replacing an earlier one of the same student and assignment. */
  store(outcome: SubmissionOutcome): number {
    const tx = this.db.transaction((o: SubmissionOutcome): number => {
      this.db.prepare("INSERT INTO students (name) VALUES (?) ON CONFLICT (name) DO NOTHING").run(o.student);
      const studentId = (this.db.prepare("SELECT id FROM students WHERE name = ?").get(o.student) as { id: number }).id;
      this.db
        .prepare(
          `INSERT INTO assignments (name, master_sha256, max_points, known) VALUES (?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET master_sha256 = excluded.master_sha256, max_points = excluded.max_points, known = excluded.known
           WHERE excluded.known = 1 OR assignments.known = 0`,
        )
        .run(o.assignment, o.masterSha256, o.maxScore, o.assignmentKnown ? 1 : 0);
      const assignmentId = (this.db.prepare("SELECT id FROM assignments WHERE name = ?").get(o.assignment) as { id: number }).id;
      this.db.prepare("DELETE FROM submissions WHERE student_id = ? AND assignment_id = ?").run(studentId, assignmentId);
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO submissions (student_id, assignment_id, source_path, sha256, master_sha256, status, score, max_score, review, message, kernel_start_ms, duration_ms, graded_at, sandbox, ${HAND_IN_COLUMNS})
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            studentId,
            assignmentId,
            o.sourcePath,
            o.sha256,
            o.masterSha256,
            o.status,
            o.score,
            o.maxScore,
            o.review ? 1 : 0,
            o.message,
            o.kernelStartMs,
            o.durationMs,
            new Date().toISOString(),
            o.sandbox,
            ...handInValues(o.handIn),
          ).lastInsertRowid,
      );
      const score = this.db.prepare(
        "INSERT INTO scores (submission_id, grade_id, position, points, earned, fraction, status, message, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      );
      for (const s of o.scores) score.run(id, s.gradeId, s.position, s.points, s.earned, s.fraction, s.status, s.message, s.durationMs);
      const run = this.db.prepare(
        "INSERT INTO cell_runs (submission_id, position, grade_id, status, duration_ms, truncated, error) VALUES (?, ?, ?, ?, ?, ?, ?)",
      );
      for (const c of o.cellRuns) run.run(id, c.position, c.gradeId, c.status, c.durationMs, c.truncated ? 1 : 0, c.error);
      const issue = this.db.prepare("INSERT INTO issues (submission_id, kind, grade_id, message) VALUES (?, ?, ?, ?)");
      for (const i of o.issues) issue.run(id, i.kind, i.gradeId, i.message);
      if (o.log.trim() !== "") this.db.prepare("INSERT INTO logs (submission_id, text) VALUES (?, ?)").run(id, o.log);
      storeWrittenAnswers(this.db, id, o.written ?? []);
      return id;
    });
    return tx.immediate(outcome);
  }

  /**
   * Sets the hand-in of a stored grade again (a grade the run skipped, with this run's
   * --due and --late-penalty): `reapply` gets the score before any penalty and returns the
   * hand-in and the score that counts. Returns the hand-in stored, or undefined when there is no such grade.
   */
  reapplyHandIn(
    student: string,
    assignment: string,
    reapply: (stored: { status: string; rawScore: number; maxScore: number }) => { handIn: HandIn; score: number },
  ): HandIn | undefined {
    return this.db
      .transaction((): HandIn | undefined => {
        const row = this.db
          .prepare(
            `SELECT s.id, s.status, s.score, s.raw_score, s.max_score FROM submissions s
           JOIN students st ON st.id = s.student_id JOIN assignments a ON a.id = s.assignment_id WHERE st.name = ? AND a.name = ?`,
          )
          .get(student, assignment) as
          { id: number; status: string; score: number; raw_score: number | null; max_score: number } | undefined;
        if (row === undefined) return undefined;
        const { handIn, score } = reapply({ status: row.status, rawScore: row.raw_score ?? row.score, maxScore: row.max_score });
        this.db
          .prepare(
            `UPDATE submissions SET score = ?, ${HAND_IN_COLUMNS.split(", ")
              .map((c) => `${c} = ?`)
              .join(", ")} WHERE id = ?`,
          )
          .run(score, ...handInValues(handIn), row.id);
        return handIn;
      })
      .immediate();
  }

  /** Records a file that no student/assignment could be read from (reported, never dropped). */
  reject(file: string, reason: string, sha256: string | null): void {
    this.db
      .prepare(
        "INSERT INTO rejected_files (path, reason, sha256, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET reason = excluded.reason, sha256 = excluded.sha256, seen_at = excluded.seen_at",
      )
      .run(file, reason, sha256, new Date().toISOString());
  }

  submissions(): SubmissionRow[] {
    return this.db
      .prepare(
        `SELECT s.id, st.name AS student, a.name AS assignment, s.source_path, s.sha256, s.status, s.score, s.max_score, s.review, s.message, s.duration_ms, s.graded_at, s.sandbox,
                ${HAND_IN_COLUMNS.split(", ")
                  .map((c) => `s.${c}`)
                  .join(", ")}
         FROM submissions s JOIN students st ON st.id = s.student_id JOIN assignments a ON a.id = s.assignment_id
         ORDER BY st.name, a.name`,
      )
      .all() as SubmissionRow[];
  }

  scores(submissionId: number): TestScore[] {
    return this.db
      .prepare(
        "SELECT grade_id AS gradeId, position, points, earned, fraction, status, message, duration_ms AS durationMs FROM scores WHERE submission_id = ? ORDER BY position",
      )
      .all(submissionId) as TestScore[];
  }

  issues(submissionId: number): SubmissionIssue[] {
    return this.db
      .prepare("SELECT kind, grade_id AS gradeId, message FROM issues WHERE submission_id = ? ORDER BY rowid")
      .all(submissionId) as SubmissionIssue[];
  }

  /** Known assignments (with a master), by name. */
  assignments(): Array<{ name: string; maxPoints: number; known: boolean }> {
    return (
      this.db.prepare("SELECT name, max_points AS maxPoints, known FROM assignments ORDER BY name").all() as Array<{
        name: string;
        maxPoints: number;
        known: number;
      }>
    ).map((a) => ({ ...a, known: a.known === 1 }));
  }

  students(): string[] {
    return (this.db.prepare("SELECT name FROM students ORDER BY name").all() as Array<{ name: string }>).map((s) => s.name);
  }

  rejectedFiles(): Array<{ path: string; reason: string }> {
    return this.db.prepare("SELECT path, reason FROM rejected_files ORDER BY path").all() as Array<{ path: string; reason: string }>;
  }

  /** Raw access for tests and ad-hoc queries. */
  get database(): Database.Database {
    return this.db;
  }
}

/*
 * Checking a gradebook path before SQLite sees it. SQLite's own errors ("unable to open
 * database file") do not say which part of the path is wrong, and fs.mkdirSync throws
 * raw errors; each problem below gets a message that names it and what to do.
 */

/** Every SQLite 3 database file starts with these 16 bytes. */
const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");

const OTHER_PATH = "pass --gradebook a file in a folder you can write to, e.g. --gradebook grading/week1.sqlite.";

/** Checks that `full` is, or can become, a gradebook file; returns whether it exists. */
function checkGradebookPath(full: string, shown: string, create: boolean): boolean {
  const stat = statOrUndefined(full, shown);
  if (stat === undefined) {
    if (!create) {
      throw new CourseError(
        `there is no gradebook at ${shown}.`,
        "grade some submissions first (`course grade`), or pass --gradebook FILE.",
        EXIT.missing,
      );
    }
    ensureFolder(path.dirname(full), shown);
    return false;
  }
  if (stat.isDirectory()) {
    throw new CourseError(
      `${shown} is a folder, not a gradebook file.`,
      `name a file inside it, e.g. --gradebook ${path.join(shown, "gradebook.sqlite")}.`,
      EXIT.usage,
    );
  }
  if (!stat.isFile()) throw new CourseError(`${shown} is not a regular file, so it cannot be a gradebook.`, OTHER_PATH, EXIT.usage);
  // SQLite needs to write even to read a gradebook: WAL mode keeps journal files beside it.
  requireAccess(full, fs.constants.R_OK, `cannot read the gradebook ${shown}: permission denied.`);
  requireAccess(
    full,
    fs.constants.W_OK,
    `cannot write to the gradebook ${shown}: permission denied (the course tools need to write to it even to read it).`,
  );
  requireAccess(
    path.dirname(full),
    fs.constants.W_OK | fs.constants.X_OK,
    `cannot write in the folder ${path.dirname(full)}, where the gradebook keeps its journal files: permission denied.`,
  );
  if (stat.size > 0 && !hasSqliteHeader(full)) throw notAGradebook(shown, "it is not an SQLite database");
  return true;
}

/** The file's stat, or undefined when nothing is there yet. */
function statOrUndefined(full: string, shown: string): fs.Stats | undefined {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(full, { throwIfNoEntry: false });
  } catch (error) {
    throw pathError(error, full, shown);
  }
  // Node 20 throws ENOTDIR for a path under a file; Node 22 and later answer undefined, as
  // for a file not made yet. Either way the message must name the file in the way.
  if (stat === undefined && fileAmongParents(path.dirname(full)) !== undefined) {
    throw pathError(Object.assign(new Error(`not a directory: ${full}`), { code: "ENOTDIR" }), full, shown);
  }
  return stat;
}

/** Makes the gradebook's folder (and its parents) and checks that files can be made in it. */
function ensureFolder(dir: string, shown: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw pathError(error, dir, shown);
  }
  requireAccess(
    dir,
    fs.constants.W_OK | fs.constants.X_OK,
    `cannot create the gradebook ${shown}: the folder ${dir} is not writable (permission denied).`,
  );
}

/** Turns an fs error about `target` (the gradebook or its folder) into a CourseError. */
function pathError(error: unknown, target: string, shown: string): CourseError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOTDIR" || code === "EEXIST") {
    const file = fileAmongParents(target);
    if (file !== undefined)
      return new CourseError(`cannot use ${shown} as the gradebook: ${file} is a file, not a folder.`, OTHER_PATH, EXIT.usage);
  }
  if (code === "EACCES" || code === "EPERM") {
    const where = nearestExisting(target);
    return new CourseError(
      `cannot use ${shown} as the gradebook: permission denied on ${where}.`,
      `get access to ${where}, or ${OTHER_PATH}`,
    );
  }
  if (code === "EROFS") return new CourseError(`cannot create the gradebook ${shown}: the disk is read-only.`, OTHER_PATH);
  return new CourseError(`cannot use ${shown} as the gradebook: ${(error as Error).message}.`, OTHER_PATH, EXIT.usage);
}

/** The first of `target` and its parents that exists but is not a folder, if any. */
function fileAmongParents(target: string): string | undefined {
  for (let p = target; ; p = path.dirname(p)) {
    const stat = statQuietly(p);
    if (stat !== undefined) return stat.isDirectory() ? undefined : p;
    if (path.dirname(p) === p) return undefined;
  }
}

/** The closest of `target` and its parents that exists (for permission messages). */
function nearestExisting(target: string): string {
  let p = target;
  while (statQuietly(p) === undefined && path.dirname(p) !== p) p = path.dirname(p);
  return p;
}

function statQuietly(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function requireAccess(target: string, mode: number, message: string): void {
  try {
    fs.accessSync(target, mode);
  } catch {
    throw new CourseError(message, `check the permissions (ls -l ${target}), or ${OTHER_PATH}`);
  }
}

function hasSqliteHeader(file: string): boolean {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    return fs.readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_HEADER);
  } finally {
    fs.closeSync(fd);
  }
}

function notAGradebook(shown: string, why: string): CourseError {
  return new CourseError(
    `${shown} is not a gradebook: ${why}.`,
    "pass --gradebook the file that `course grade` wrote, or a new file name; this file was left as it is.",
    EXIT.usage,
  );
}

/** Opens the SQLite connection; an existing file is never replaced by a new one. */
function openDatabase(full: string, shown: string, exists: boolean): Database.Database {
  try {
    const db = new Database(full, { fileMustExist: exists });
    // Set first, so that reading the version waits for a grading run's write instead of failing.
    db.pragma("busy_timeout = 5000");
    return db;
  } catch (error) {
    throw openFailure(error, shown);
  }
}

/**
 * Why a gradebook could not be opened. SQLite's own code loads on the first open, so a
 * better-sqlite3 built for another Node release fails here too: that is an install
 * problem with a rebuild command as its fix, not a question about the file.
 */
export function openFailure(error: unknown, shown: string): CourseError {
  const addon = diagnoseAddonError(error, { projectDir: projectRoot() });
  if (addon) return new CourseError(`cannot open the gradebook ${shown}: ${addon.problem}.`, addon.fix, EXIT.missing);
  return new CourseError(
    `cannot open the gradebook ${shown}: ${(error as Error).message}.`,
    "check that it is a gradebook made by `course grade` and that you can write to it and its folder.",
  );
}

/**
 * The schema version a gradebook records, or undefined for a blank database (a new or
 * empty file). Reads only, and throws for any other database, before anything is written.
 */
function storedSchemaVersion(db: Database.Database, shown: string): string | undefined {
  let objects: number;
  try {
    objects = (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master").get() as { n: number }).n;
  } catch (error) {
    if (!sqliteCode(error, "SQLITE_NOTADB", "SQLITE_CORRUPT")) throw error;
    throw notAGradebook(shown, `SQLite cannot read it (${(error as Error).message})`);
  }
  if (objects === 0) return undefined;
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: unknown } | undefined;
    if (row !== undefined) return String(row.value);
  } catch (error) {
    // SQLITE_ERROR: no meta table, or one of another program's shape; not ours either way.
    if (!sqliteCode(error, "SQLITE_ERROR")) throw error;
  }
  throw notAGradebook(shown, "it is an SQLite database, but not one that `course grade` made");
}

/** Whether `error` is an SQLite error with one of these result codes (better-sqlite3 names them). */
function sqliteCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof Database.SqliteError && codes.some((c) => error.code === c || error.code.startsWith(`${c}_`));
}
