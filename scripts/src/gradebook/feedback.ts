/**
 * Feedback pages: one HTML page per student and assignment, and an index. They show
 * scores, the checks' messages and what the grader restored, and never any source:
 * neither the hidden tests (the messages were redacted when graded, see
 * grade/redact.ts) nor the solutions (the gradebook holds none).
 */
import fs from "node:fs";
import path from "node:path";
import { sha256Hex } from "nncourse/dist/data/payload";
import { escapeHtml } from "nncourse/dist/viz/html";
import { CourseError } from "../errors";
import type { SubmissionIssue, TestScore } from "../grade/outcome";
import { describeLate } from "../grade/lateness";
import { formatPoints, formatScore } from "../grade/points";
import type { Gradebook, SubmissionRow } from "./gradebook";
import { writtenFeedbackHtml } from "./written-feedback";

export interface FeedbackResult {
  pages: number;
  index: string;
}

export function writeFeedback(gradebook: Gradebook, outDir: string): FeedbackResult {
  const rows = gradebook.submissions();
  // Every path is checked before the first page is written, so a clash stops the run
  // instead of leaving one student reading another's feedback.
  assertDistinctPages(rows);
  fs.mkdirSync(outDir, { recursive: true });
  for (const row of rows) {
    const file = path.join(outDir, pagePath(row.student, row.assignment));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, submissionPage(row, gradebook.scores(row.id), gradebook.issues(row.id), writtenFeedbackHtml(gradebook, row.id)));
  }
  const index = path.join(outDir, "index.html");
  fs.writeFileSync(index, indexPage(rows, gradebook.rejectedFiles()));
  return { pages: rows.length, index };
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
/** Device names Windows refuses even with an extension, and the feedback folder's own index page. */
const RESERVED = /^(?:(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?|index\.html)$/;
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

function submissionPage(row: SubmissionRow, scores: TestScore[], issues: SubmissionIssue[], written = ""): string {
  const title = `${row.assignment} · ${row.student}`;
  const parts = [
    `<p><a href="../index.html">All feedback</a></p>`,
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
          `<tr><td>${escapeHtml(s.gradeId)}</td><td class="${escapeHtml(s.status)}">${escapeHtml(STATUS_TEXT[s.status] ?? s.status)}</td><td>${formatScore(s.earned, s.points, " / ")}</td><td><pre>${escapeHtml(s.message)}</pre></td></tr>`,
      )
      .join("\n");
    parts.push(
      `<table><thead><tr><th>Test</th><th>Result</th><th>Points</th><th>Message</th></tr></thead><tbody>\n${body}\n</tbody></table>`,
    );
  }
  const shown = issues.filter((i) => i.kind !== "integrity" && i.kind !== "suspicious");
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

function indexPage(rows: SubmissionRow[], rejected: Array<{ path: string; reason: string }>): string {
  const body = rows
    .map((r) => {
      const href = pagePath(r.student, r.assignment).split(path.sep).map(encodeURIComponent).join("/");
      return `<tr><td>${escapeHtml(r.student)}</td><td><a href="${escapeHtml(href)}">${escapeHtml(r.assignment)}</a></td><td>${formatScore(r.score, r.max_score, " / ")}</td><td>${escapeHtml(r.status)}${r.review ? " · review" : ""}</td></tr>`;
    })
    .join("\n");
  const parts = [
    `<h1>Feedback</h1>`,
    `<table><thead><tr><th>Student</th><th>Assignment</th><th>Score</th><th>Status</th></tr></thead><tbody>\n${body}\n</tbody></table>`,
  ];
  if (rejected.length > 0) {
    parts.push(
      `<h2>Files that could not be attributed</h2><ul>${rejected.map((f) => `<li>${escapeHtml(f.path)}: ${escapeHtml(f.reason)}</li>`).join("")}</ul>`,
    );
  }
  return page("Feedback", parts.join("\n"));
}
