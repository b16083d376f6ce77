/**
 * The written answers' part of a feedback page: points given by hand (or "pending") and
 * the instructor's comment for each, and a note while some are not graded yet. Kept
 * apart from feedback.ts, which places it under the score. Everything is escaped: the
 * comment is the instructor's, but a page must never run what a gradebook holds.
 */
import { escapeHtml } from "nncourse/dist/viz/html";
import { formatPoints, formatScore } from "../grade/points";
import type { Gradebook } from "./gradebook";
import { pendingPoints, submissionWrittenAnswers, type WrittenRow } from "./written-answers";

/** "2 points of written answers pending". */
export function pendingText(points: number): string {
  return `${formatPoints(points)} point${points === 1 ? "" : "s"} of written answers pending`;
}

/** The section for one submission; "" when it has no written answers. */
export function writtenFeedbackHtml(gradebook: Gradebook, submissionId: number): string {
  return writtenSection(submissionWrittenAnswers(gradebook, submissionId));
}

export function writtenSection(written: readonly WrittenRow[]): string {
  if (written.length === 0) return "";
  const pending = pendingPoints(written);
  const note =
    pending > 0
      ? `<p class="note">${pendingText(pending)}: an instructor has not graded them yet, and the score above leaves them out.</p>\n`
      : "";
  const body = written
    .map((w) => {
      const points = w.status === "pending" ? `pending / ${formatPoints(w.points)}` : formatScore(w.earned ?? 0, w.points, " / ");
      const comment = w.status === "unanswered" && w.comment === "" ? "not answered" : w.comment;
      return `<tr><td>${escapeHtml(w.gradeId)}</td><td class="written-${w.status}">${points}</td><td><pre>${escapeHtml(comment)}</pre></td></tr>`;
    })
    .join("\n");
  return `${note}<h2>Written answers</h2><table><thead><tr><th>Answer</th><th>Points</th><th>Comment</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}
