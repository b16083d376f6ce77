/**
 * The gradebook: a SQLite file (better-sqlite3) that `course grade` writes and
 * `course feedback` and `course export` read. See schema.ts for the tables.
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
import { SCHEMA, SCHEMA_VERSION } from "./schema";

export type SubmissionStatus = "graded" | "invalid" | "unknown-assignment" | "error";

export interface StoredScore {
  gradeId: string;
  position: number;
  points: number;
  earned: number;
  fraction: number | null;
  status: string;
  message: string;
  durationMs: number;
}

export interface StoredCellRun {
  position: number;
  gradeId: string | null;
  status: string;
  durationMs: number;
  truncated: boolean;
  error: string | null;
}

export interface StoredIssue {
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
  scores: StoredScore[];
  cellRuns: StoredCellRun[];
  issues: StoredIssue[];
  log: string;
}

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
}

export class Gradebook {
  private constructor(readonly file: string, private readonly db: Database.Database) {}

  /** Opens (creating when `create`) the gradebook file. */
  static open(file: string, { create = true }: { create?: boolean } = {}): Gradebook {
    const full = path.resolve(file);
    if (!create && !fs.existsSync(full)) {
      throw new CourseError(`there is no gradebook at ${file}.`, "grade some submissions first (`course grade`), or pass --gradebook FILE.", EXIT.missing);
    }
    fs.mkdirSync(path.dirname(full), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(full);
      db.pragma("journal_mode = WAL");
      db.pragma("foreign_keys = ON");
      db.pragma("busy_timeout = 5000");
      db.exec(SCHEMA);
    } catch (error) {
      throw new CourseError(`cannot open the gradebook ${file}: ${(error as Error).message}.`, "check that it is a gradebook made by `course grade` and that the folder is writable.");
    }
    const version = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    if (version === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
    else if (Number(version.value) !== SCHEMA_VERSION) {
      db.close();
      throw new CourseError(`the gradebook ${file} has schema version ${version.value}; this tool reads version ${SCHEMA_VERSION}.`, "use the course version that wrote it, or grade into a new file.");
    }
    return new Gradebook(full, db);
  }

  close(): void {
    this.db.close();
  }

  /** True when this exact file was already graded against this exact master. */
  isCurrent(student: string, assignment: string, sha256: string, masterSha256: string | null): boolean {
    const row = this.db
      .prepare(
        `SELECT s.sha256, s.master_sha256, s.status FROM submissions s
         JOIN students st ON st.id = s.student_id JOIN assignments a ON a.id = s.assignment_id
         WHERE st.name = ? AND a.name = ?`,
      )
      .get(student, assignment) as { sha256: string; master_sha256: string | null; status: string } | undefined;
    return row !== undefined && row.status !== "error" && row.sha256 === sha256 && row.master_sha256 === masterSha256;
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
            `INSERT INTO submissions (student_id, assignment_id, source_path, sha256, master_sha256, status, score, max_score, review, message, kernel_start_ms, duration_ms, graded_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(studentId, assignmentId, o.sourcePath, o.sha256, o.masterSha256, o.status, o.score, o.maxScore, o.review ? 1 : 0, o.message, o.kernelStartMs, o.durationMs, new Date().toISOString())
          .lastInsertRowid,
      );
      const score = this.db.prepare("INSERT INTO scores (submission_id, grade_id, position, points, earned, fraction, status, message, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      for (const s of o.scores) score.run(id, s.gradeId, s.position, s.points, s.earned, s.fraction, s.status, s.message, s.durationMs);
      const run = this.db.prepare("INSERT INTO cell_runs (submission_id, position, grade_id, status, duration_ms, truncated, error) VALUES (?, ?, ?, ?, ?, ?, ?)");
      for (const c of o.cellRuns) run.run(id, c.position, c.gradeId, c.status, c.durationMs, c.truncated ? 1 : 0, c.error);
      const issue = this.db.prepare("INSERT INTO issues (submission_id, kind, grade_id, message) VALUES (?, ?, ?, ?)");
      for (const i of o.issues) issue.run(id, i.kind, i.gradeId, i.message);
      if (o.log.trim() !== "") this.db.prepare("INSERT INTO logs (submission_id, text) VALUES (?, ?)").run(id, o.log);
      return id;
    });
    return tx.immediate(outcome);
  }

  /** Records a file that no student/assignment could be read from (reported, never dropped). */
  reject(file: string, reason: string, sha256: string | null): void {
    this.db
      .prepare("INSERT INTO rejected_files (path, reason, sha256, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET reason = excluded.reason, sha256 = excluded.sha256, seen_at = excluded.seen_at")
      .run(file, reason, sha256, new Date().toISOString());
  }

  submissions(): SubmissionRow[] {
    return this.db
      .prepare(
        `SELECT s.id, st.name AS student, a.name AS assignment, s.source_path, s.sha256, s.status, s.score, s.max_score, s.review, s.message, s.duration_ms, s.graded_at
         FROM submissions s JOIN students st ON st.id = s.student_id JOIN assignments a ON a.id = s.assignment_id
         ORDER BY st.name, a.name`,
      )
      .all() as SubmissionRow[];
  }

  scores(submissionId: number): StoredScore[] {
    return this.db
      .prepare("SELECT grade_id AS gradeId, position, points, earned, fraction, status, message, duration_ms AS durationMs FROM scores WHERE submission_id = ? ORDER BY position")
      .all(submissionId) as StoredScore[];
  }

  issues(submissionId: number): StoredIssue[] {
    return this.db.prepare("SELECT kind, grade_id AS gradeId, message FROM issues WHERE submission_id = ? ORDER BY rowid").all(submissionId) as StoredIssue[];
  }

  /** Known assignments (with a master), by name. */
  assignments(): Array<{ name: string; maxPoints: number; known: boolean }> {
    return (this.db.prepare("SELECT name, max_points AS maxPoints, known FROM assignments ORDER BY name").all() as Array<{ name: string; maxPoints: number; known: number }>).map((a) => ({ ...a, known: a.known === 1 }));
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
