/**
 * Feedback pages: one HTML page per student and assignment, in a folder per student
 * that is handed to that student as it is (its own index.html lists their pages), and an
 * index for the instructor, apart from every student's folder: it lists every student's
 * score and the files that could not be attributed, which no student may read. The pages
 * show scores, the checks' messages and what the grader restored, and never any source:
 * neither the hidden tests (the messages were redacted when graded, see
 * grade/redact.ts) nor the solutions (the gradebook holds none). Tests are named by
 * their exercise's title (grade/test-titles.ts) where the masters are at hand.
 */
import fs from "node:fs";
import path from "node:path";
import { sha256Hex } from "nncourse/dist/data/payload";
import { escapeHtml } from "nncourse/dist/viz/html";
import { CourseError, EXIT } from "../errors";
import type { SubmissionIssue, TestScore } from "../grade/outcome";
import { describeLate } from "../grade/lateness";
import { formatPoints, formatScore } from "../grade/points";
import { titleOf } from "../grade/test-titles";
import type { Gradebook, SubmissionRow } from "./gradebook";
import { writtenFeedbackHtml } from "./written-feedback";

export interface FeedbackResult {
  pages: number;
  /** Students, each with a folder of their own under the output folder. */
  students: number;
  /** The instructor's index, outside every student's folder. */
  index: string;
  /** An index left by an earlier version inside the output folder, removed (it listed every student). */
  removedOldIndex?: string;
}

export interface FeedbackOptions {
  /** The instructor's index (default: "<outDir>-index.html" beside the output folder); never inside it. */
  indexFile?: string;
  /** Test titles by assignment and grade_id (grade/test-titles.ts); a test without one is named by its grade_id. */
  titles?: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** The instructor's index when none is named: beside the output folder, never in it. */
export function defaultIndexFile(outDir: string): string {
  return `${path.resolve(outDir)}-index.html`;
}

export function writeFeedback(gradebook: Gradebook, outDir: string, options: FeedbackOptions = {}): FeedbackResult {
  const out = path.resolve(outDir);
  const index = path.resolve(options.indexFile ?? defaultIndexFile(out));
  if (isInside(index, out)) {
    throw new CourseError(
      `the instructor's index ${index} would be inside ${out}, the folder of the students' pages; nothing was written.`,
      "pass --index a file outside it (the default is beside it: <out>-index.html).",
      EXIT.usage,
    );
  }
  const rows = gradebook.submissions();
  // Every path is checked before the first page is written, so a clash stops the run
  // instead of leaving one student reading another's feedback.
  assertDistinctPages(rows);
  fs.mkdirSync(out, { recursive: true });
  const byStudent = new Map<string, SubmissionRow[]>();
  for (const row of rows) byStudent.set(row.student, [...(byStudent.get(row.student) ?? []), row]);
  for (const [student, mine] of byStudent) {
    for (const row of mine) {
      const file = path.join(out, pagePath(row.student, row.assignment));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(
        file,
        submissionPage(
          row,
          gradebook.scores(row.id),
          gradebook.issues(row.id),
          options.titles?.get(row.assignment),
          writtenFeedbackHtml(gradebook, row.id),
        ),
      );
    }
    fs.writeFileSync(path.join(out, fileName(student), "index.html"), studentIndexPage(student, mine));
  }
  const removedOldIndex = removeOldIndex(out);
  fs.mkdirSync(path.dirname(index), { recursive: true });
  fs.writeFileSync(index, indexPage(rows, gradebook.rejectedFiles(), path.dirname(index), out));
  return { pages: rows.length, students: byStudent.size, index, ...(removedOldIndex === undefined ? {} : { removedOldIndex }) };
}

/** True when `file` is `dir` or inside it. */
function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/**
 * Earlier versions wrote the instructor's index into the output folder, where handing the
 * folder out showed every student's score. Removed only when it is that page (its title
 * and heading), so that a file of the instructor's own is never lost.
 */
function removeOldIndex(out: string): string | undefined {
  const old = path.join(out, "index.html");
  try {
    const text = fs.readFileSync(old, "utf8");
    if (!text.startsWith("<!doctype html>") || !text.includes("<title>Feedback</title>") || !text.includes("<h1>Feedback</h1>"))
      return undefined;
    fs.rmSync(old);
    return old;
  } catch {
    return undefined;
  }
}

/**
 * The page of a student's assignment, relative to the feedback folder: a folder per
 * student, a file per assignment. The same names always give the same path, so links
 * sent to students stay valid when feedback is written again.
 */
export function pagePath(student: string, assignment: string): string {
  return path.join(fileName(student), `${fileName(assignment)}.html`);
}

/**
 * A file name that no other name maps to, on any disk. Names that are already plain
 * (lowercase ASCII letters, digits, ".", "-" and "_") are used as they are. Any other
 * name keeps a readable version of itself plus "~" and a hash of the exact name, because
 * making it safe for a disk loses something: "x/y" and "x_y" both become "x_y", and
 * "Ann" and "ann" are one file on macOS and Windows disks. Plain names contain no "~",
 * so they never meet a hashed one either.
 */
export function fileName(name: string): string {
  if (PLAIN.test(name) && !RESERVED.test(name)) return name;
  return `${readable(name)}~${sha256Hex(name).slice(0, HASH_CHARS)}`;
}

/** 40 bits: two of even 10,000 students share one about once in 20,000 classes, and assertDistinctPages catches that. */
const HASH_CHARS = 10;
/** No leading dot (hidden files, ".."), no trailing one (Windows drops it). */
const PLAIN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9_-])?$/;
/** Device names Windows refuses even with an extension, and a student's own index page ("index" as an assignment would be it). */
const RESERVED = /^(?:(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?|index(?:\.html)?)$/;
/** Keeps file names, hash and ".html" included, well under the 255 bytes disks allow. */
const READABLE_CHARS = 48;

/** Names as learners wrote them (spaces, accents, case) stay; only what some disk refuses goes. */
function readable(name: string): string {
  const safe = name.normalize("NFC").replace(/[/\\<>:"|?*~\0-\x1f\x7f]/g, "_");
  // Leading dots hide files; Windows drops trailing dots and spaces.
  const short = Array.from(safe)
    .slice(0, READABLE_CHARS)
    .join("")
    .replace(/^[.\s]+|[.\s]+$/g, "");
  return short === "" ? "_" : short;
}

/** Throws when two submissions would share a page, also where case does not count. */
function assertDistinctPages(rows: SubmissionRow[]): void {
  const owners = new Map<string, SubmissionRow>();
  for (const row of rows) {
    const page = pagePath(row.student, row.assignment);
    const key = page.normalize("NFC").toLowerCase();
    const other = owners.get(key);
    if (other !== undefined) {
      throw new CourseError(
        `the feedback pages of ${other.student} (${other.assignment}) and ${row.student} (${row.assignment}) would be one file, ${page}; nothing was written.`,
        "please report it; meanwhile rename one of the two submissions and grade again.",
      );
    }
    owners.set(key, row);
  }
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.4rem .6rem;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;margin:0;font-size:13px}.passed{color:#176a21}.partial{color:#8a5a00}.failed,.error,.timeout,.kernel-died,.not-run,.tampered{color:#a11}
.note{background:#fff6d6;border:1px solid #e7d38a;padding:.6rem 1rem;border-radius:4px}`;

function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`;
}

const STATUS_TEXT: Record<string, string> = {
  passed: "passed",
  partial: "partly passed",
  failed: "failed",
  error: "failed",
  timeout: "ran out of time",
  "kernel-died": "the kernel stopped",
  "not-run": "did not run",
  tampered: "could not be verified",
};

function submissionPage(
  row: SubmissionRow,
  scores: TestScore[],
  issues: SubmissionIssue[],
  titles?: ReadonlyMap<string, string>,
  written = "",
): string {
  const title = `${row.assignment} · ${row.student}`;
  const parts = [
    // The student's own index, in their own folder: nothing here leads to another student's page.
    `<p><a href="index.html">All your feedback</a></p>`,
    `<h1>${escapeHtml(row.assignment)}</h1>`,
    `<p>Student: <strong>${escapeHtml(row.student)}</strong> · graded ${escapeHtml(row.graded_at.slice(0, 16).replace("T", " "))} UTC</p>`,
  ];
  if (row.status !== "graded") {
    parts.push(`<p class="note">This submission could not be graded (${escapeHtml(row.status)}): ${escapeHtml(row.message)}</p>`);
  }
  parts.push(`<h2>Score: ${formatScore(row.score, row.max_score, " / ")}</h2>`);
  // Written answers graded by hand (written-feedback.ts): points, comments, what is pending.
  if (written !== "") parts.push(written);
  if (row.late === 1) parts.push(`<p class="note">${escapeHtml(lateText(row))}</p>`);
  if (row.review) parts.push(`<p class="note">An instructor will look at this submission before the grade is final.</p>`);
  if (scores.length > 0) {
    const body = scores
      .map(
        (s) =>
          `<tr><td>${escapeHtml(titleOf(titles, s.gradeId))}</td><td class="${escapeHtml(s.status)}">${escapeHtml(STATUS_TEXT[s.status] ?? s.status)}</td><td>${formatScore(s.earned, s.points, " / ")}</td><td><pre>${escapeHtml(s.message)}</pre></td></tr>`,
      )
      .join("\n");
    parts.push(
      `<table><thead><tr><th>Test</th><th>Result</th><th>Points</th><th>Message</th></tr></thead><tbody>\n${body}\n</tbody></table>`,
    );
  }
  // A cell the master changed after the learner got it is no change of theirs (grade/released-cells.ts).
  // The instructor's findings (and a choice between hand-ins, which names classmates) stay off the learner's page.
  const instructorOnly = new Set(["integrity", "suspicious", "master-changed", "submission-choice"]);
  const shown = issues.filter((i) => !instructorOnly.has(i.kind));
  const updated = issues.filter((i) => i.kind === "master-changed");
  if (updated.length > 0) {
    parts.push(
      `<p class="note">Your instructor updated ${updated.length === 1 ? "a read-only cell" : `${updated.length} read-only cells`} of this assignment after you got it; your work was graded with the updated version. This is not a change of yours.</p>`,
    );
  }
  if (shown.length > 0) {
    parts.push(`<h2>Changes the grader undid</h2><ul>${shown.map((i) => `<li>${escapeHtml(i.message)}</li>`).join("")}</ul>`);
  }
  if (row.message && row.status === "graded") parts.push(`<p>${escapeHtml(row.message)}</p>`);
  return page(title, parts.join("\n"));
}

/** "Handed in 1 day 2 h late (due 2026-12-01T23:59); penalty -10% …: 9 before the penalty." */
function lateText(row: SubmissionRow): string {
  const when = row.submitted_at === null ? "" : ` on ${row.submitted_at.slice(0, 16).replace("T", " ")} UTC`;
  const penalty =
    row.penalty === null
      ? ""
      : row.raw_score === null
        ? ` Late penalty ${row.penalty}.`
        : ` Late penalty ${row.penalty}: ${formatPoints(row.raw_score)} before it.`;
  return `Handed in${when}, ${describeLate(row.late_seconds)} (${row.late_source ?? "the LMS says so"}).${penalty}`;
}

/** A student's own index: their assignments and scores, nothing of anyone else. */
function studentIndexPage(student: string, rows: SubmissionRow[]): string {
  const body = rows
    .map((r) => {
      const href = encodeURIComponent(path.basename(pagePath(r.student, r.assignment)));
      return `<tr><td><a href="${escapeHtml(href)}">${escapeHtml(r.assignment)}</a></td><td>${formatScore(r.score, r.max_score, " / ")}</td></tr>`;
    })
    .join("\n");
  return page(
    `Feedback · ${student}`,
    `<h1>Your feedback</h1>\n<p>Student: <strong>${escapeHtml(student)}</strong></p>\n<table><thead><tr><th>Assignment</th><th>Score</th></tr></thead><tbody>\n${body}\n</tbody></table>`,
  );
}

/** The instructor's index: every student's pages and scores, and the files no student could be found for. */
function indexPage(rows: SubmissionRow[], rejected: Array<{ path: string; reason: string }>, indexDir: string, out: string): string {
  const body = rows
    .map((r) => {
      const href = path
        .relative(indexDir, path.join(out, pagePath(r.student, r.assignment)))
        .split(path.sep)
        .map(encodeURIComponent)
        .join("/");
      return `<tr><td>${escapeHtml(r.student)}</td><td><a href="${escapeHtml(href)}">${escapeHtml(r.assignment)}</a></td><td>${formatScore(r.score, r.max_score, " / ")}</td><td>${escapeHtml(r.status)}${r.review ? " · review" : ""}</td></tr>`;
    })
    .join("\n");
  const parts = [
    `<h1>Feedback (instructor's index)</h1>`,
    `<p class="note">For instructors only: it lists every student. Hand each student their own folder under ${escapeHtml(out)}.</p>`,
    `<table><thead><tr><th>Student</th><th>Assignment</th><th>Score</th><th>Status</th></tr></thead><tbody>\n${body}\n</tbody></table>`,
  ];
  if (rejected.length > 0) {
    parts.push(
      `<h2>Files that could not be attributed</h2><ul>${rejected.map((f) => `<li>${escapeHtml(f.path)}: ${escapeHtml(f.reason)}</li>`).join("")}</ul>`,
    );
  }
  return page("Feedback: instructor's index", parts.join("\n"));
}
