/**
 * Written answers in the gradebook (table written_answers, schema.ts): storing them with
 * a submission, keeping the grades given by hand across a regrade, giving points and a
 * comment (`course review`), and reading them back for the review page, the feedback
 * pages and the CSV.
 *
 * A submission's `score` is the total that counts everywhere: the autograded cells plus
 * the points given by hand, after any late penalty. Giving points recomputes it from
 * the stored cells, so it never drifts from what the tables hold.
 */
import type Database from "better-sqlite3";
import { CourseError, EXIT, UsageError } from "../errors";
import type { SubmissionOutcome } from "../grade/outcome";
import { penaltyPercent, scoreAfterPenalty } from "../grade/lateness";
import { formatPoints, totalPoints } from "../grade/points";
import type { WrittenAnswer } from "../grade/written-answers";
import type { Gradebook } from "./gradebook";

export type WrittenStatus = "pending" | "graded" | "unanswered";

/** One stored written answer, with whose it is. */
export interface WrittenRow {
  submissionId: number;
  student: string;
  assignment: string;
  gradeId: string;
  position: number;
  points: number;
  text: string;
  textSha256: string;
  status: WrittenStatus;
  /** null while pending. */
  earned: number | null;
  comment: string;
  gradedAt: string | null;
  note: string;
}

/** The longest comment kept: a paragraph or two for a learner, not a file. */
export const MAX_COMMENT_CHARS = 5_000;

const SELECT_ROWS = `SELECT w.submission_id AS submissionId, st.name AS student, a.name AS assignment, w.grade_id AS gradeId, w.position,
         w.points, w.text, w.text_sha256 AS textSha256, w.status, w.earned, w.comment, w.graded_at AS gradedAt, w.note
  FROM written_answers w JOIN submissions s ON s.id = w.submission_id
  JOIN students st ON st.id = s.student_id JOIN assignments a ON a.id = s.assignment_id`;

export interface WrittenFilter {
  assignment?: string;
  gradeId?: string;
  student?: string;
  status?: WrittenStatus;
}

/** Stored written answers, by assignment, answer and student. */
export function writtenAnswers(gradebook: Gradebook, filter: WrittenFilter = {}): WrittenRow[] {
  const conditions: Array<[string, string | undefined]> = [
    ["a.name = ?", filter.assignment],
    ["w.grade_id = ?", filter.gradeId],
    ["st.name = ?", filter.student],
    ["w.status = ?", filter.status],
  ];
  const given = conditions.filter((c): c is [string, string] => c[1] !== undefined);
  const where = given.map(([sql]) => sql);
  const values = given.map(([, value]) => value);
  const sql = `${SELECT_ROWS} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY a.name, w.position, st.name`;
  return gradebook.database.prepare(sql).all(...values) as WrittenRow[];
}

/** The written answers of one submission, in notebook order. */
export function submissionWrittenAnswers(gradebook: Gradebook, submissionId: number): WrittenRow[] {
  return gradebook.database.prepare(`${SELECT_ROWS} WHERE w.submission_id = ? ORDER BY w.position`).all(submissionId) as WrittenRow[];
}

/** Points of written answers still to be graded by hand (0 when none). */
export function pendingPoints(rows: readonly WrittenRow[]): number {
  return totalPoints(rows.filter((r) => r.status === "pending").map((r) => r.points));
}

/**
 * A new grading of a submission keeps the grades an instructor gave its written answers
 * while their text is the same; an answer whose text changed is pending again and says
 * what it had. Adds the kept points to the outcome's score (before any late penalty is
 * taken, which counts them as it counts the autograded points).
 */
export function carryWrittenGrades(gradebook: Gradebook, outcome: SubmissionOutcome): SubmissionOutcome {
  if (outcome.written === undefined || outcome.written.length === 0) return outcome;
  const before = new Map(
    writtenAnswers(gradebook, { student: outcome.student, assignment: outcome.assignment }).map((r) => [r.gradeId, r]),
  );
  const written: WrittenAnswer[] = outcome.written.map((answer) => {
    const old = before.get(answer.gradeId);
    if (old === undefined || old.status !== "graded" || old.earned === null) return answer;
    if (old.textSha256 === answer.textSha256 && old.earned <= answer.points) {
      return { ...answer, carried: { earned: old.earned, comment: old.comment, gradedAt: old.gradedAt ?? "" } };
    }
    const why =
      old.textSha256 === answer.textSha256 ? `the answer is now worth ${formatPoints(answer.points)} points` : "the answer changed";
    return {
      ...answer,
      note: `${why} after it was graded (it had ${formatPoints(old.earned)} of ${formatPoints(old.points)} points${old.comment ? `: "${old.comment}"` : ""}); grade it again.`,
    };
  });
  const kept = written.map((w) => w.carried?.earned ?? 0);
  return { ...outcome, written, score: totalPoints([outcome.score, ...kept]) };
}

/** Stores a submission's written answers (called inside the gradebook's store transaction). */
export function storeWrittenAnswers(db: Database.Database, submissionId: number, written: readonly WrittenAnswer[]): void {
  const insert = db.prepare(
    `INSERT INTO written_answers (submission_id, grade_id, position, points, text, text_sha256, status, earned, comment, graded_at, note)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const w of written) {
    const status: WrittenStatus = w.carried !== undefined ? "graded" : w.unanswered ? "unanswered" : "pending";
    const earned = w.carried?.earned ?? (w.unanswered ? 0 : null);
    insert.run(
      submissionId,
      w.gradeId,
      w.position,
      w.points,
      w.text,
      w.textSha256,
      status,
      earned,
      w.carried?.comment ?? "",
      w.carried?.gradedAt ?? null,
      w.note ?? "",
    );
  }
}

export interface HandGrade {
  student: string;
  assignment: string;
  gradeId: string;
  /** As typed: "2", "1.5". Checked against the answer's points. */
  points: string | number;
  comment?: string;
}

/** Reads points given by hand: a number from 0 to the answer's points. */
export function parseHandPoints(points: string | number, max: number, gradeId: string): number {
  const text = String(points).trim();
  const value = /^\d+(?:\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) {
    throw new UsageError(`points for "${gradeId}" must be a number from 0 to ${formatPoints(max)}, got "${text}".`, "write e.g. 2 or 1.5.");
  }
  if (value > max) {
    throw new UsageError(
      `"${gradeId}" is worth ${formatPoints(max)} point${max === 1 ? "" : "s"}; ${text} is more than that.`,
      `give from 0 to ${formatPoints(max)}.`,
    );
  }
  return Math.round(value * 1e6) / 1e6;
}

/**
 * Gives points and a comment to one written answer, and recomputes the submission's
 * total (late penalty included), in one transaction. Returns the stored answer.
 */
export function gradeWrittenAnswer(gradebook: Gradebook, grade: HandGrade): WrittenRow {
  const db = gradebook.database;
  const comment = (grade.comment ?? "").replace(/\r\n/g, "\n").trim();
  if (comment.length > MAX_COMMENT_CHARS) {
    throw new UsageError(`the comment has ${comment.length} characters; ${MAX_COMMENT_CHARS} at most are kept.`, "shorten it.");
  }
  return db
    .transaction((): WrittenRow => {
      const submission = db
        .prepare(
          `SELECT s.id, s.status, s.max_score, s.raw_score, s.penalty FROM submissions s
           JOIN students st ON st.id = s.student_id JOIN assignments a ON a.id = s.assignment_id WHERE st.name = ? AND a.name = ?`,
        )
        .get(grade.student, grade.assignment) as
        { id: number; status: string; max_score: number; raw_score: number | null; penalty: string | null } | undefined;
      if (submission === undefined) {
        throw new CourseError(
          `the gradebook has no submission of "${grade.assignment}" by "${grade.student}".`,
          "check the names with `course review --list`.",
          EXIT.usage,
        );
      }
      const answers = db
        .prepare("SELECT grade_id AS gradeId, points FROM written_answers WHERE submission_id = ? ORDER BY position")
        .all(submission.id) as Array<{ gradeId: string; points: number }>;
      const answer = answers.find((a) => a.gradeId === grade.gradeId);
      if (answer === undefined) {
        throw new CourseError(
          `"${grade.assignment}" has no written answer "${grade.gradeId}"${answers.length ? ` (its written answers: ${answers.map((a) => a.gradeId).join(", ")})` : " stored for this student"}.`,
          "name the answer by its grade_id, as `course review --list` shows it.",
          EXIT.usage,
        );
      }
      const earned = parseHandPoints(grade.points, answer.points, grade.gradeId);
      db.prepare(
        "UPDATE written_answers SET status = 'graded', earned = ?, comment = ?, graded_at = ?, note = '' WHERE submission_id = ? AND grade_id = ?",
      ).run(earned, comment, new Date().toISOString(), submission.id, grade.gradeId);
      recomputeScore(db, submission);
      return submissionWrittenAnswers(gradebook, submission.id).find((r) => r.gradeId === grade.gradeId)!;
    })
    .immediate();
}

/** The submission's total from its stored cells: autograded plus given by hand, then the late penalty it had. */
function recomputeScore(
  db: Database.Database,
  s: { id: number; status: string; max_score: number; raw_score: number | null; penalty: string | null },
): void {
  if (s.status !== "graded") return; // an invalid or failed submission counts 0 whatever is given
  const auto = (db.prepare("SELECT earned FROM scores WHERE submission_id = ?").all(s.id) as Array<{ earned: number }>).map(
    (r) => r.earned,
  );
  const byHand = (
    db.prepare("SELECT earned FROM written_answers WHERE submission_id = ? AND earned IS NOT NULL").all(s.id) as Array<{ earned: number }>
  ).map((r) => r.earned);
  const raw = totalPoints([...auto, ...byHand]);
  const percent = s.raw_score === null ? null : penaltyPercent(s.penalty);
  if (percent === null) db.prepare("UPDATE submissions SET score = ? WHERE id = ?").run(raw, s.id);
  else
    db.prepare("UPDATE submissions SET score = ?, raw_score = ? WHERE id = ?").run(scoreAfterPenalty(raw, s.max_score, percent), raw, s.id);
}
