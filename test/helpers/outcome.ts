/**
 * A graded submission as the grader stores it (SubmissionOutcome), for the tests of
 * what comes after grading: the gradebook and its merges, feedback, the CSV layouts,
 * written answers and the review page. By default one student's notebook for
 * assignment "a1" of master "m1", graded in the sandbox with nothing noticed and no
 * log; each test file passes the fields its tests are about (the scores, the hash of
 * the notebook, timings, written answers, the hand-in).
 */
import type { SubmissionOutcome } from "../../scripts/src/grade/outcome";

type Given = Pick<SubmissionOutcome, "sha256" | "score" | "maxScore" | "scores"> & Partial<SubmissionOutcome>;

export function gradedOutcome(student: string, given: Given): SubmissionOutcome {
  const assignment = given.assignment ?? "a1";
  return {
    student,
    assignment,
    assignmentKnown: true,
    masterSha256: "m1",
    sourcePath: `${student}/${assignment}.ipynb`,
    status: "graded",
    review: false,
    message: "",
    kernelStartMs: 1,
    durationMs: 1,
    sandbox: "bubblewrap",
    cellRuns: [],
    issues: [],
    log: "",
    ...given,
  };
}
