/**
 * Submissions held for review: what the grader would not settle alone (an integrity
 * finding, code that names the grading machinery, a grader cell that failed, a kernel
 * that would not start, a group submission competing with a student's own hand-in),
 * each with its reasons as the gradebook recorded them.
 */
import type { Gradebook } from "../gradebook/gradebook";

export interface HeldSubmission {
  student: string;
  assignment: string;
  status: string;
  reasons: string[];
}

/** Findings that hold a submission; the others (a restored cell) are the learner's to read in feedback. */
const HOLDING_KINDS = new Set(["integrity", "suspicious", "submission-choice"]);

export function heldForReview(gradebook: Gradebook): HeldSubmission[] {
  return gradebook
    .submissions()
    .filter((row) => row.review === 1 || row.status === "error")
    .map((row) => {
      const reasons = gradebook
        .issues(row.id)
        .filter((i) => HOLDING_KINDS.has(i.kind))
        .map((i) => `${i.kind}${i.gradeId ? ` (${i.gradeId})` : ""}: ${i.message}`);
      if (row.message !== "") reasons.push(row.message);
      return { student: row.student, assignment: row.assignment, status: row.status, reasons };
    });
}
