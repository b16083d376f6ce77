/**
 * A submission's hand-in as the gradebook keeps it: who the LMS says handed it in, when,
 * how late, and the total after the late penalty (the raw total kept beside it). Pure:
 * the grading run applies it to each new grade, and to each grade it skips, so that a
 * new --due or --late-penalty takes effect without grading anything again.
 */
import { applyPenalty, assessLateness, type HandIn, type LatePolicy } from "./lateness";
import type { SubmissionFile } from "./submissions";

export function handInOf(
  file: SubmissionFile,
  policy: LatePolicy,
  graded: { status: string; rawScore: number; maxScore: number },
): { handIn: HandIn; score: number } {
  const lateness = assessLateness(file.time ?? { lmsTime: null, lmsLate: null, fileTimeMs: null }, policy.due);
  // Only a grade is penalised: an invalid or failed submission has no total to take from.
  const penalised =
    graded.status === "graded"
      ? applyPenalty(graded.rawScore, graded.maxScore, lateness, policy.penalty)
      : { score: graded.rawScore, rawScore: null, penalty: null };
  return {
    handIn: {
      ...lateness,
      lms: file.lms?.lms ?? null,
      lmsId: file.lms?.lmsId ?? null,
      displayName: file.lms?.displayName ?? null,
      email: file.lms?.email ?? null,
      rawScore: penalised.rawScore,
      penalty: penalised.penalty,
    },
    score: penalised.score,
  };
}
