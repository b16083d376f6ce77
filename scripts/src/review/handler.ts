/**
 * The review page's requests, as a function from a request to a response, so that its
 * checks are tested without a socket (server.ts puts it on 127.0.0.1).
 *
 * Who may use it: whoever has the URL with its token. Other users of the same machine
 * can reach 127.0.0.1 too, so every request, reading included (the answers are the
 * learners'), needs the token, compared in constant time. A web page elsewhere cannot
 * read the answers (no CORS), and cannot post grades: the token is needed, a request
 * whose Host is not this server's address is refused (DNS rebinding), and so is a
 * POST whose Origin is another site's.
 */
import { timingSafeEqual } from "node:crypto";
import { CourseError } from "../errors";
import type { Gradebook } from "../gradebook/gradebook";
import { gradeWrittenAnswer, writtenAnswers } from "../gradebook/written-answers";
import { formatPoints } from "../grade/points";
import { heldForReview } from "./held";
import { answersPage, href, indexPage, messagePage, type Links } from "./pages";
import type { Prompts } from "./prompts";

export interface ReviewContext {
  gradebook: Gradebook;
  prompts: Prompts;
  token: string;
  /** host:port this server answers as, e.g. "127.0.0.1:8123". */
  host: string;
}

export interface ReviewRequest {
  method: string;
  /** The path and query, as the request line has it. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The form, for a POST (application/x-www-form-urlencoded). */
  body?: string;
}

export interface ReviewResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sent with every answer: nothing on the page may load or run from elsewhere, and the
 * token never leaves in a Referer. "same-origin", not "no-referrer": under no-referrer
 * Chromium sends the page's own forms with "Origin: null", which the check above refuses.
 */
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "referrer-policy": "same-origin",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

function html(status: number, body: string): ReviewResponse {
  return { status, headers: { "content-type": "text/html; charset=utf-8", ...SECURITY_HEADERS }, body };
}

function plain(status: number, body: string): ReviewResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8", ...SECURITY_HEADERS }, body: `${body}\n` };
}

function redirect(location: string): ReviewResponse {
  return { status: 303, headers: { location, ...SECURITY_HEADERS }, body: "" };
}

export function sameToken(given: string | null | undefined, token: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function header(request: ReviewRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function handleReview(context: ReviewContext, request: ReviewRequest): ReviewResponse {
  const url = new URL(request.url, `http://${context.host}`);
  if (header(request, "host") !== context.host) return plain(403, "refused: this server answers only as " + context.host + ".");
  const form = request.method === "POST" ? new URLSearchParams(request.body ?? "") : undefined;
  const token = form?.get("token") ?? url.searchParams.get("token");
  if (!sameToken(token, context.token)) {
    return plain(403, "refused: the address needs the token that `course review` printed; open the URL it printed.");
  }
  const links: Links = { token: context.token };
  if (request.method === "POST") {
    const origin = header(request, "origin");
    if (origin !== undefined && origin !== `http://${context.host}`) return plain(403, "refused: a form from another site.");
    if (url.pathname !== "/grade") return plain(404, "not found.");
    return postGrade(context, links, form!);
  }
  if (request.method !== "GET" && request.method !== "HEAD")
    return { ...plain(405, "use GET or POST."), headers: { allow: "GET, HEAD, POST" } };
  const q = url.searchParams;
  const flash = q.get("saved") ? { kind: "saved" as const, text: `Saved: ${q.get("saved")}.` } : undefined;
  switch (url.pathname) {
    case "/":
      return html(200, indexPage(links, writtenAnswers(context.gradebook), heldForReview(context.gradebook)));
    case "/answer": {
      const assignment = q.get("assignment") ?? "";
      const cell = q.get("cell") ?? "";
      const rows = writtenAnswers(context.gradebook, { assignment, gradeId: cell });
      if (rows.length === 0)
        return html(404, messagePage(links, "Not found", `"${assignment}" has no written answer "${cell}" in the gradebook.`));
      return html(
        200,
        answersPage(links, { view: "answer", assignment, subject: cell, rows, prompts: context.prompts, ...(flash ? { flash } : {}) }),
      );
    }
    case "/student": {
      const assignment = q.get("assignment") ?? "";
      const student = q.get("student") ?? "";
      const rows = writtenAnswers(context.gradebook, { assignment, student });
      if (rows.length === 0)
        return html(404, messagePage(links, "Not found", `the gradebook has no written answers of "${student}" in "${assignment}".`));
      return html(
        200,
        answersPage(links, { view: "student", assignment, subject: student, rows, prompts: context.prompts, ...(flash ? { flash } : {}) }),
      );
    }
    default:
      return plain(404, "not found.");
  }
}

/** Saves one grade at once; back to the view it came from, at the answer, saying what was saved. */
function postGrade(context: ReviewContext, links: Links, form: URLSearchParams): ReviewResponse {
  const student = form.get("student") ?? "";
  const assignment = form.get("assignment") ?? "";
  const cell = form.get("cell") ?? "";
  try {
    const saved = gradeWrittenAnswer(context.gradebook, {
      student,
      assignment,
      gradeId: cell,
      points: form.get("points") ?? "",
      comment: form.get("comment") ?? "",
    });
    const what = `${student} · ${cell}: ${formatPoints(saved.earned ?? 0)} / ${formatPoints(saved.points)}`;
    const back =
      form.get("back") === "student"
        ? href(links, "/student", { assignment, student, saved: what })
        : href(links, "/answer", { assignment, cell, saved: what });
    return redirect(`${back}#a-${encodeURIComponent(form.get("back") === "student" ? cell : student)}`);
  } catch (error) {
    if (!(error instanceof CourseError)) throw error;
    const message = `${error.message}${error.fix ? ` ${error.fix[0]!.toUpperCase()}${error.fix.slice(1)}` : ""} Nothing was saved.`;
    return html(400, messagePage(links, "Not saved", message));
  }
}
