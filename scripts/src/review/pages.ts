/**
 * The review page's HTML: the list of assignments and their written answers, one
 * answer across students, one student's answers, and the submissions held for review.
 * Plain server-rendered forms, no script: each form saves one grade at once.
 *
 * Learners' text is shown as text (escaped, whitespace kept), never rendered as
 * Markdown or HTML: it is written by someone who may want the instructor's browser to
 * run it, fetch a tracking image, or send a form with the page's token. Characters that
 * turn the text around or do not show (see HIDDEN) are shown as their code, in the text
 * and in names alike.
 */
import { escapeHtml } from "nncourse/dist/viz/html";
import { formatPoints } from "../grade/points";
import type { WrittenRow } from "../gradebook/written-answers";
import type { HeldSubmission } from "./held";
import type { Prompts } from "./prompts";

/** The look of the exported site (site/static.ts): its colours and fonts, at a reviewer's width. */
const STYLE = `:root{--text:#1f2328;--muted:#59636e;--line:#d1d9e0;--code-bg:#f6f8fa;--accent:#0b5cad;--error-bg:#ffebe9;--error-line:#cf222e}
body{margin:0;color:var(--text);background:#fff;font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--accent)}header{display:flex;gap:1rem;align-items:baseline;padding:.6rem 1.5rem;border-bottom:1px solid var(--line);background:#fafbfc;font-size:.95rem}
header .home{font-weight:600;text-decoration:none}main{max-width:76rem;margin:0 auto;padding:1rem 1.5rem 4rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:.35rem .6rem;text-align:left;vertical-align:top}
.text{white-space:pre-wrap;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88rem;background:var(--code-bg);border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem;margin:0;overflow-wrap:anywhere}
.card{border:1px solid var(--line);border-radius:8px;padding:1rem;margin:1rem 0}.card h3{margin:0 0 .5rem}
.beside{display:grid;grid-template-columns:1fr 1fr;gap:1rem}.beside h4{margin:.2rem 0;color:var(--muted);font-size:.85rem;text-transform:uppercase}
form.grade{display:flex;gap:.6rem;align-items:flex-start;margin-top:.8rem;flex-wrap:wrap}form.grade textarea{flex:1 1 24rem;min-height:3.2rem;font:inherit}
form.grade input{width:5rem;font:inherit}.status{display:inline-block;font-size:.75rem;padding:0 .5rem;border-radius:1rem;background:#ddf4ff;color:#0550ae}
.status.pending{background:#fff8c5;color:#7d4e00}.status.unanswered{background:#eee;color:var(--muted)}
.note{background:#fff8e6;border:1px solid #e7d38a;padding:.5rem .8rem;border-radius:6px}.error{background:var(--error-bg);border:1px solid var(--error-line);padding:.5rem .8rem;border-radius:6px}
.saved{background:#dafbe1;border:1px solid #4ac26b;padding:.5rem .8rem;border-radius:6px}.muted{color:var(--muted)}
.hidden-char{font:.7em ui-monospace,monospace;background:#ffebe9;color:#a40e26;border:1px solid #cf222e;border-radius:3px;padding:0 .15em;margin:0 .1em}`;

/**
 * Bidi overrides, embeddings, isolates and marks, zero-width spaces and joiners' kin
 * that mean nothing in prose, and control characters other than tab and line breaks: an
 * override makes "evil" read "live" and, in a name, moves what follows it on the line
 * (the grade beside it); the others hide in plain sight. ZWJ and ZWNJ are left alone:
 * scripts and emoji need them.
 */
const HIDDEN = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|(?![\t\n\r])[\u0000-\u001f\u007f-\u009f]/gu;

/** A learner's text or a name, escaped, with each HIDDEN character shown as its code. */
function shown(value: string): string {
  return escapeHtml(value).replace(
    HIDDEN,
    (c) =>
      `<span class="hidden-char" title="a character that changes the text's direction or does not show">U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}</span>`,
  );
}

/** An attribute's value, exact (a form must name the student as the gradebook does), with HIDDEN characters as references. */
function attr(value: string): string {
  return escapeHtml(value).replace(HIDDEN, (c) => `&#x${c.codePointAt(0)!.toString(16)};`);
}

/** The same for a page's <title>, which holds no markup. */
function shownPlain(value: string): string {
  return escapeHtml(value.replace(HIDDEN, (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}]`));
}

/** Where a page's links and forms go: every address carries the token. */
export interface Links {
  token: string;
}

export function href(links: Links, route: string, params: Record<string, string> = {}): string {
  const query = new URLSearchParams({ token: links.token, ...params });
  return `${route}?${query.toString()}`;
}

export function layout(links: Links, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="same-origin"><title>${shownPlain(title)} · course review</title><style>${STYLE}</style></head>
<body><header><a class="home" href="${escapeHtml(href(links, "/"))}">course review</a><span class="muted">written answers and submissions held for review</span></header>
<main>
${body}
</main></body></html>
`;
}

function text(value: string): string {
  return `<div class="text">${shown(value)}</div>`;
}

function statusBadge(row: WrittenRow): string {
  const label = row.status === "graded" ? `${formatPoints(row.earned ?? 0)} / ${formatPoints(row.points)}` : row.status;
  return `<span class="status ${row.status}">${escapeHtml(label)}</span>`;
}

// ------------------------------------------------------------------ the index

export function indexPage(links: Links, answers: readonly WrittenRow[], held: readonly HeldSubmission[]): string {
  const parts = ["<h1>Review</h1>"];
  const assignments = [...new Set(answers.map((a) => a.assignment))];
  if (assignments.length === 0) parts.push(`<p class="muted">No written answers in this gradebook.</p>`);
  for (const assignment of assignments) {
    const mine = answers.filter((a) => a.assignment === assignment);
    const cells = [...new Set(mine.map((a) => a.gradeId))];
    const rows = cells.map((cell) => {
      const of = mine.filter((a) => a.gradeId === cell);
      const count = (status: string) => of.filter((a) => a.status === status).length;
      return `<tr><td><a href="${escapeHtml(href(links, "/answer", { assignment, cell }))}">${shown(cell)}</a></td><td>${formatPoints(of[0]!.points)}</td><td>${count("pending")}</td><td>${count("graded")}</td><td>${count("unanswered")}</td></tr>`;
    });
    const students = [...new Set(mine.map((a) => a.student))].map((student) => {
      const pending = mine.filter((a) => a.student === student && a.status === "pending").length;
      return `<li><a href="${escapeHtml(href(links, "/student", { assignment, student }))}">${shown(student)}</a>${pending ? ` <span class="status pending">${pending} pending</span>` : ""}</li>`;
    });
    parts.push(
      `<section><h2>${shown(assignment)}</h2>`,
      `<table><thead><tr><th>Answer (across students)</th><th>Points</th><th>Pending</th><th>Graded</th><th>Unanswered</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
      `<h3>By student</h3><ul>${students.join("")}</ul></section>`,
    );
  }
  parts.push(`<h2 id="held">Submissions held for review</h2>`);
  if (held.length === 0) parts.push(`<p class="muted">None.</p>`);
  else {
    const rows = held.map(
      (h) =>
        `<tr><td>${shown(h.student)}</td><td>${shown(h.assignment)}</td><td>${escapeHtml(h.status)}</td><td>${h.reasons.length ? `<ul>${h.reasons.map((r) => `<li>${shown(r)}</li>`).join("")}</ul>` : "held for review"}</td></tr>`,
    );
    parts.push(
      `<table class="held"><thead><tr><th>Student</th><th>Assignment</th><th>Status</th><th>Why</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
    );
  }
  return layout(links, "Review", parts.join("\n"));
}

// ------------------------------------------------------------------ answers to grade

export interface AnswersView {
  /** "answer": one answer across students; "student": one student's answers. */
  view: "answer" | "student";
  assignment: string;
  /** The grade_id (answer view) or the student (student view). */
  subject: string;
  rows: readonly WrittenRow[];
  prompts: Prompts;
  /** A message after a save ("saved") or a refused one (the error), shown at the top. */
  flash?: { kind: "saved" | "error"; text: string };
}

export function answersPage(links: Links, v: AnswersView): string {
  const specs = v.prompts.get(v.assignment);
  const title = v.view === "answer" ? `${v.assignment} · ${v.subject}` : `${v.assignment} · ${v.subject}'s answers`;
  const parts = [`<h1>${shown(title)}</h1>`];
  if (v.flash) parts.push(`<p class="${v.flash.kind}" role="status">${shown(v.flash.text)}</p>`);
  if (v.rows.length === 0) parts.push(`<p class="muted">Nothing to show.</p>`);
  if (v.view === "answer") {
    const spec = specs?.get(v.subject);
    parts.push(
      spec
        ? `<section class="card"><h3>The exercise</h3>${text(spec.prompt || "(no text before the answer cell)")}</section>`
        : `<p class="note">The master of ${escapeHtml(v.assignment)} was not found in the masters folder: no prompt or reference answer.</p>`,
    );
  }
  for (const row of v.rows) {
    const spec = specs?.get(row.gradeId);
    const heading = v.view === "answer" ? row.student : row.gradeId;
    const anchor = `a-${encodeURIComponent(v.view === "answer" ? row.student : row.gradeId)}`;
    parts.push(
      `<section class="card" id="${attr(anchor)}" data-student="${attr(row.student)}" data-cell="${attr(row.gradeId)}">`,
      `<h3>${shown(heading)} ${statusBadge(row)}</h3>`,
      v.view === "student" && spec ? `<details><summary>The exercise</summary>${text(spec.prompt)}</details>` : "",
      row.note ? `<p class="note">${shown(row.note)}</p>` : "",
      `<div class="beside"><div><h4>Answer</h4>${text(row.status === "unanswered" ? "(not answered)" : row.text)}</div>`,
      `<div><h4>Reference answer</h4>${spec ? text(spec.reference) : `<p class="muted">(master not found)</p>`}</div></div>`,
      gradeForm(links, v, row),
      `</section>`,
    );
  }
  return layout(links, title, parts.join("\n"));
}

function gradeForm(links: Links, v: AnswersView, row: WrittenRow): string {
  const hidden = { token: links.token, student: row.student, assignment: row.assignment, cell: row.gradeId, back: v.view };
  const inputs = Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${attr(value)}">`)
    .join("");
  const points = row.earned === null || row.status === "unanswered" ? "" : formatPoints(row.earned);
  return `<form class="grade" method="post" action="/grade">${inputs}
<label>Points <input name="points" type="number" min="0" max="${formatPoints(row.points)}" step="any" required value="${escapeHtml(points)}"> / ${formatPoints(row.points)}</label>
<textarea name="comment" aria-label="Comment" placeholder="Comment for the learner">${escapeHtml(row.comment)}</textarea>
<button type="submit">Save</button></form>`;
}

export function messagePage(links: Links, title: string, message: string): string {
  return layout(
    links,
    title,
    `<h1>${shown(title)}</h1><p class="error" role="alert">${shown(message)}</p><p><a href="${escapeHtml(href(links, "/"))}">Back to the list</a></p>`,
  );
}
