// The grading pipeline for one submission (scripts/src/grade/grade-one.ts): the ways it
// ends before a kernel is needed, and the limits a sandboxed run gets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_GRADE_LIMITS, gradeSubmission, parseSubmission, type GradeContext } from "../../scripts/src/grade/grade-one";
import type { Assignment } from "../../scripts/src/grade/masters";
import { runLimits } from "../../scripts/src/grade/run-in-sandbox";
import type { SubmissionFile } from "../../scripts/src/grade/submissions";
import { newNotebook, serializeNotebook } from "../../scripts/src/notebook";
import type { GradingSandbox } from "../../scripts/src/sandbox/sandbox";

const assignment = {
  name: "a",
  sha256: "m",
  tests: [{ gradeId: "t1", points: 2, partial: true }],
  maxPoints: 2,
  timeLimits: {},
} as unknown as Assignment;
/** A sandbox that fails the test if the pipeline asks it for a kernel. */
const noKernels = {
  kind: "bubblewrap",
  kernelFor: () => assert.fail("no kernel is started for a file that cannot be graded"),
} as unknown as GradingSandbox;
const context: GradeContext = {
  assignments: new Map([["a", assignment]]),
  mastersDir: "/m",
  sandbox: noKernels,
  limits: DEFAULT_GRADE_LIMITS,
};
const file = (assignmentName: string): SubmissionFile => ({
  file: `/s/ann/${assignmentName}.ipynb`,
  relative: `ann/${assignmentName}.ipynb`,
  student: "ann",
  assignment: assignmentName,
  layout: "folder",
});

test("a file named after no master ends before it is read, timed and stored as unknown", async () => {
  const o = await gradeSubmission(file("zz"), Buffer.from("not even JSON"), context);
  assert.equal(o.status, "unknown-assignment");
  assert.match(o.message, /known assignments: a\)/);
  assert.equal(typeof o.durationMs, "number");
});

test("a file that is not a notebook ends as invalid, with the reader's reason, before any kernel", async () => {
  const o = await gradeSubmission(file("a"), Buffer.from("{ not json"), context);
  assert.equal(o.status, "invalid");
  assert.match(o.message, /The file was not graded; hand in the notebook as saved by Jupyter\.$/);
  assert.deepEqual(
    o.scores.map((s) => [s.gradeId, s.earned]),
    [["t1", 0]],
  );
  assert.equal(typeof o.durationMs, "number");
});

test("parseSubmission gives the notebook, or the reason it is none", () => {
  const notebook = newNotebook();
  const parsed = parseSubmission(Buffer.from(serializeNotebook(notebook)), "ann/a.ipynb");
  assert.equal(typeof parsed, "object");
  assert.deepEqual(parsed, notebook);
  const broken = parseSubmission(Buffer.from("[]"), "ann/a.ipynb");
  assert.equal(typeof broken, "string");
  assert.match(broken as string, /ann\/a\.ipynb/, "the reason names the file");
});

test("time limits: the command line over the master over the defaults; the kernel lives for its start and the notebook's time", () => {
  const limits = { ...DEFAULT_GRADE_LIMITS, startTimeoutMs: 5_000 };
  assert.deepEqual(runLimits(limits, {}).time, { cellTimeoutMs: 30_000, notebookTimeoutMs: 300_000 });
  assert.deepEqual(runLimits(limits, { notebookTimeoutMs: 600_000 }).time, { cellTimeoutMs: 30_000, notebookTimeoutMs: 600_000 });
  const given = runLimits({ ...limits, given: { notebookTimeoutMs: 60_000 } }, { cellTimeoutMs: 90_000, notebookTimeoutMs: 600_000 });
  assert.deepEqual(given.time, { cellTimeoutMs: 90_000, notebookTimeoutMs: 60_000 });
  assert.deepEqual(given.kernel, { memoryMb: 1024, scratchMb: 256, lifetimeMs: 65_000 });
});
