/**
 * Why a submission is graded again: the run says it, and the gradebook keeps it in the
 * submission's message, so that a learner whose score moved reads why. A master fixed
 * after grading regrades every submission of the assignment; saying so stops an
 * instructor (or a learner) from wondering what else changed.
 */
import type { StoredGrade } from "../gradebook/gradebook";

export interface Regrade {
  /** For the run's log. */
  reason: string;
  /** For the submission's message, where a learner reads it; undefined where there is nothing to tell them. */
  note?: string;
}

/** Why `now` (this file, this master) is graded although `stored` is in the gradebook; undefined for a first grading. */
export function regradeReason(
  stored: StoredGrade | undefined,
  now: { sha256: string; masterSha256: string | null; sandbox: "bubblewrap" | "none"; force: boolean },
): Regrade | undefined {
  if (stored === undefined) return undefined;
  const when = `${stored.gradedAt.slice(0, 16).replace("T", " ")} UTC`;
  if (stored.sha256 !== now.sha256) return { reason: `a new file was handed in since the grading of ${when}` };
  if (stored.masterSha256 !== now.masterSha256) {
    const reason = `the assignment's master changed since the grading of ${when}`;
    return { reason, note: `Regraded: ${reason}; the tests as they are now were run.` };
  }
  if (stored.status === "error") return { reason: `the grading of ${when} failed` };
  if (now.sandbox === "bubblewrap" && stored.sandbox !== "bubblewrap")
    return {
      reason: `the grading of ${when} was made without the sandbox`,
      note: `Regraded in the grading sandbox (the grading of ${when} was made without it).`,
    };
  if (now.force) return { reason: "--force", note: `Regraded on the instructor's request (the grading of ${when} was replaced).` };
  return undefined;
}
