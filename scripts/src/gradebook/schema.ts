/**
 * The gradebook's tables (SQLite). One row per (student, assignment) in submissions:
 * a new hand-in replaces the previous grading of the same pair in one transaction.
 *
 *   students(id, name)
 *   assignments(id, name, master_sha256, max_points, known)   known = 0: no master of that name
 *   submissions(id, student_id, assignment_id, source_path, sha256, master_sha256, status,
 *               score, max_score, review, message, kernel_start_ms, duration_ms, graded_at,
 *               sandbox)
 *       status: graded | invalid (unreadable JSON, wrong nbformat, missing metadata)
 *               | unknown-assignment | error (the grader itself failed on it)
 *       review: 1 when an integrity finding needs an instructor's look
 *       sandbox: bubblewrap (the kernel ran in the operating-system sandbox) | none
 *               (graded --unsandboxed, or by a version from before the sandbox)
 *       and the hand-in (grade/hand-in.ts), NULL where not known:
 *       lms, lms_id, display_name, email   who the LMS download says handed it in
 *       submitted_at (ISO), submitted_at_source, late (0/1), late_seconds, late_source
 *       raw_score   the score before a late penalty (score is after it); NULL: no penalty
 *       penalty     what the late penalty took off, or why it could not be applied
 *   scores(submission_id, grade_id, position, points, earned, fraction, status, message, duration_ms)
 *       one row per test cell of the master
 *   cell_runs(submission_id, position, grade_id, status, duration_ms, truncated, error)
 *       every code cell that was run, the grader's own cells included, for timings
 *   issues(submission_id, kind, grade_id, message)
 *       kind: deleted | duplicated | retyped | edited | unknown-cell | integrity
 *   logs(submission_id, text)      the kernel's own output, for diagnosing crashes
 *   rejected_files(path, reason, sha256, seen_at)   files in the submissions folder that
 *                                   could not be attributed to a student and assignment
 *   written_answers(submission_id, grade_id, position, points, text, text_sha256, status,
 *                   earned, comment, graded_at, note)   (version 4)
 *       one row per written answer (a Markdown cell graded by hand, grade/written-answers.ts):
 *       the learner's text as handed in (never HTML: whatever shows it escapes it)
 *       status: pending (to be graded by hand) | graded | unanswered (left as the
 *               student version had it: 0 points, nothing to grade)
 *       earned: NULL while pending; the submission's score counts it once given
 *       note: why an answer is pending again (its text changed after it was graded)
 */
export const SCHEMA_VERSION = 4;

/** Written answers and the grades given to them by hand, added in version 4. */
const WRITTEN_ANSWERS_TABLE = `CREATE TABLE IF NOT EXISTS written_answers (
  submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
  grade_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  points REAL NOT NULL,
  text TEXT NOT NULL,
  text_sha256 TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'graded', 'unanswered')),
  earned REAL,
  comment TEXT NOT NULL DEFAULT '',
  graded_at TEXT,
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (submission_id, grade_id)
);`;

/** The hand-in columns of submissions, added in version 3. */
const HAND_IN_COLUMNS = [
  "lms TEXT",
  "lms_id TEXT",
  "display_name TEXT",
  "email TEXT",
  "submitted_at TEXT",
  "submitted_at_source TEXT",
  "late INTEGER",
  "late_seconds INTEGER",
  "late_source TEXT",
  "raw_score REAL",
  "penalty TEXT",
];

/**
 * What turns a gradebook of an earlier version into the current one, by the version it
 * has. Version 1 had no sandbox column: its grades came from kernels without the
 * operating-system sandbox, hence 'none'. Version 2 had no hand-in columns: nothing
 * was known of the LMS or lateness, hence NULL, and no penalty was taken. Version 3
 * kept no written answers: its totals are those of the autograded cells, as before.
 */
export const MIGRATIONS: Record<number, string> = {
  1: "ALTER TABLE submissions ADD COLUMN sandbox TEXT NOT NULL DEFAULT 'none';",
  2: HAND_IN_COLUMNS.map((c) => `ALTER TABLE submissions ADD COLUMN ${c};`).join("\n"),
  3: WRITTEN_ANSWERS_TABLE,
};

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS students (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS assignments (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  master_sha256 TEXT,
  max_points REAL NOT NULL DEFAULT 0,
  known INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS submissions (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students(id),
  assignment_id INTEGER NOT NULL REFERENCES assignments(id),
  source_path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  master_sha256 TEXT,
  status TEXT NOT NULL CHECK (status IN ('graded', 'invalid', 'unknown-assignment', 'error')),
  score REAL NOT NULL DEFAULT 0,
  max_score REAL NOT NULL DEFAULT 0,
  review INTEGER NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT '',
  kernel_start_ms INTEGER,
  duration_ms INTEGER,
  graded_at TEXT NOT NULL,
  sandbox TEXT NOT NULL DEFAULT 'none' CHECK (sandbox IN ('bubblewrap', 'none')),
  ${HAND_IN_COLUMNS.join(",\n  ")},
  UNIQUE (student_id, assignment_id)
);
CREATE TABLE IF NOT EXISTS scores (
  submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
  grade_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  points REAL NOT NULL,
  earned REAL NOT NULL,
  fraction REAL,
  status TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  duration_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (submission_id, grade_id)
);
CREATE TABLE IF NOT EXISTS cell_runs (
  submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  grade_id TEXT,
  status TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  truncated INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  PRIMARY KEY (submission_id, position)
);
CREATE TABLE IF NOT EXISTS issues (
  submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  grade_id TEXT,
  message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS issues_by_submission ON issues (submission_id);
CREATE TABLE IF NOT EXISTS logs (
  submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
  text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_by_submission ON logs (submission_id);
CREATE TABLE IF NOT EXISTS rejected_files (
  path TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  sha256 TEXT,
  seen_at TEXT NOT NULL
);
${WRITTEN_ANSWERS_TABLE}
`;
