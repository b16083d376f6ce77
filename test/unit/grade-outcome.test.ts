// The grader's result for one submission (scripts/src/grade/outcome.ts): each way grading
// can end, built from what the pipeline's steps found, without a kernel.
import { test } from "node:test";
import assert from "node:assert/strict";
import { instrument } from "../../scripts/src/grade/instrument";
import type { Assignment } from "../../scripts/src/grade/masters";
import {
  describeOutcome,
  gradedOutcome,
  graderFailed,
  invalidNotebook,
  kernelDidNotStart,
  sanitizeIssues,
  startOutcome,
  suspiciousIssues,
  unknownAssignment,
  type SubmissionIssue,
} from "../../scripts/src/grade/outcome";
import type { Scored } from "../../scripts/src/grade/score";
import type { SubmissionFile } from "../../scripts/src/grade/submissions";
import { newCodeCell, newNotebook } from "../../scripts/src/notebook";
import type { CellResult, NotebookRunResult } from "../../scripts/src/runner/run-notebook";

const nbgrader = (grade_id: string, fields: Record<string, unknown>) => ({
  nbgrader: { schema_version: 3, grade_id, solution: false, grade: false, locked: false, task: false, ...fields },
});
const master = newNotebook([
  newCodeCell("const setup = 1;", nbgrader("setup", { locked: true })),
  newCodeCell("function f() {}", nbgrader("f", { solution: true })),
  newCodeCell('check.test("t1", () => {});', nbgrader("t1", { grade: true, locked: true, points: 2 })),
  newCodeCell('check.test("t2", () => {});', nbgrader("t2", { grade: true, locked: true, points: 1 })),
]);
const assignment = {
  name: "a",
  file: "a.ipynb",
  master,
  exercise: master,
  sha256: "master-hash",
  tests: [
    { gradeId: "t1", points: 2, partial: true },
    { gradeId: "t2", points: 1, partial: true },
  ],
  maxPoints: 3,
  timeLimits: {},
} as unknown as Assignment;
const file: SubmissionFile = { file: "/s/ann/a.ipynb", relative: "ann/a.ipynb", student: "ann", assignment: "a", layout: "folder" };
const base = startOutcome(file, Buffer.from("abc"), assignment, "bubblewrap");

// After instrumenting: begin 0, setup 1, freeze 2, f 3, t1 4, t2 5, finish 6.
const instrumented = instrument(master, ["t1", "t2"]);

function run(changes: Record<number, Partial<CellResult>> = {}, extra: Partial<NotebookRunResult> = {}): NotebookRunResult {
  return {
    cells: instrumented.notebook.cells.map((_, index) => ({
      index,
      status: "ok",
      executionCount: index + 1,
      durationMs: 10 * index,
      firstLine: "",
      truncated: false,
      ...changes[index],
    })),
    kernelStartMs: 700,
    durationMs: 900,
    passed: true,
    ...extra,
  };
}

function scored(earned: [number, number], integrity: Scored["integrity"] = []): Scored {
  return {
    cells: [
      { gradeId: "t1", points: 2, earned: earned[0], fraction: earned[0] / 2, status: "partial", message: "", durationMs: 40 },
      { gradeId: "t2", points: 1, earned: earned[1], fraction: earned[1], status: "partial", message: "", durationMs: 50 },
    ],
    integrity,
  };
}

test("every outcome starts with whose file it is, its hash, the master's hash and its points, nothing earned", () => {
  assert.equal(base.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "the SHA-256 of the file's bytes");
  assert.deepEqual(
    [base.student, base.assignment, base.sourcePath, base.assignmentKnown, base.masterSha256, base.maxScore, base.score, base.status],
    ["ann", "a", "ann/a.ipynb", true, "master-hash", 3, 0, "graded"],
  );
  assert.equal(base.sandbox, "bubblewrap");
  const unknown = startOutcome({ ...file, assignment: "zz" }, Buffer.from("abc"), undefined, "none");
  assert.deepEqual([unknown.assignmentKnown, unknown.masterSha256, unknown.maxScore, unknown.sandbox], [false, null, 0, "none"]);
});

test("a file named after no master lists the masters there are", () => {
  const o = unknownAssignment({ ...base, assignment: "zz" }, ["a", "b"]);
  assert.equal(o.status, "unknown-assignment");
  assert.match(o.message, /no master notebook is named "zz\.ipynb" \(known assignments: a, b\)/);
  assert.deepEqual(o.scores, []);
});

test("a file that is no notebook, or whose kernel never starts, scores every test at zero", () => {
  const invalid = invalidNotebook(base, assignment, "not JSON.");
  assert.equal(invalid.status, "invalid");
  assert.equal(invalid.message, "not JSON. The file was not graded; hand in the notebook as saved by Jupyter.");
  assert.deepEqual(
    invalid.scores.map((s) => [s.gradeId, s.position, s.points, s.earned, s.status]),
    [
      ["t1", 0, 2, 0, "not-run"],
      ["t2", 1, 1, 0, "not-run"],
    ],
  );
  const issues: SubmissionIssue[] = [{ kind: "edited", gradeId: "t1", message: "edited" }];
  const noKernel = kernelDidNotStart(base, assignment, issues, 3, new Error("port taken"));
  assert.deepEqual([noKernel.status, noKernel.review, noKernel.score], ["error", true, 0]);
  assert.equal(noKernel.message, "the kernel could not start (3 attempts): port taken");
  assert.deepEqual(noKernel.issues, issues);
  assert.equal(noKernel.scores.length, 2);
});

test("a bug in the grader is an error held for review, with its stack", () => {
  const error = new Error("boom");
  const o = graderFailed(base, error);
  assert.deepEqual([o.status, o.review, o.score, o.scores.length], ["error", true, 0, 0]);
  assert.equal(o.message, `the grader failed on this submission: ${error.stack}`);
  assert.equal(graderFailed(base, "thrown text").message, "the grader failed on this submission: thrown text");
});

test("a graded run: scores at their test cells, the total to a millionth, every cell's run named", () => {
  const o = gradedOutcome(base, instrumented, run(), scored([0.1, 0.2]), []);
  assert.deepEqual([o.status, o.score, o.review, o.message, o.log, o.kernelStartMs], ["graded", 0.3, false, "", "", 700]);
  assert.deepEqual(
    o.scores.map((s) => [s.gradeId, s.position]),
    [
      ["t1", 4],
      ["t2", 5],
    ],
  );
  assert.deepEqual(
    o.cellRuns.map((c) => c.gradeId),
    ["(grader: begin)", "setup", "(grader: freeze)", "f", "t1", "t2", "(grader: finish)"],
  );
  assert.deepEqual(o.cellRuns[3], { position: 3, gradeId: "f", status: "ok", durationMs: 30, truncated: false, error: null });
});

test("a grader cell that fails before the learner's code makes the outcome an error held for review; a learner's cell does not", () => {
  const freezeFailed = gradedOutcome(base, instrumented, run({ 2: { status: "error", error: "frozen twice" } }), scored([2, 1]), []);
  assert.deepEqual([freezeFailed.status, freezeFailed.review], ["error", true]);
  assert.equal(freezeFailed.message, "a grader cell that runs before the learner's code failed (error): frozen twice");
  const beginFailed = gradedOutcome(base, instrumented, run({ 0: { status: "timeout" } }), scored([2, 1]), []);
  assert.deepEqual(
    [beginFailed.status, beginFailed.message],
    ["error", "a grader cell that runs before the learner's code failed (timeout):"],
  );
  const answerFailed = gradedOutcome(base, instrumented, run({ 3: { status: "error", error: "TypeError" } }), scored([0, 1]), []);
  assert.deepEqual([answerFailed.status, answerFailed.review, answerFailed.score], ["graded", false, 1]);
  assert.equal(answerFailed.cellRuns[3]!.error, "TypeError");
});

test("an early stop and cut output are said, and the kernel's exit goes to the log", () => {
  const o = gradedOutcome(
    base,
    instrumented,
    run(
      { 4: { truncated: true } },
      { stopReason: "the notebook ran out of time", kernelExit: { code: 1, signal: null, log: "heap out of memory" } },
    ),
    scored([0, 0]),
    [],
  );
  assert.equal(o.message, "the run stopped early: the notebook ran out of time. some output was cut at the output cap.");
  assert.equal(o.log, "kernel exit: code 1, signal null\nheap out of memory");
  assert.equal(o.status, "graded");
});

test("issues keep their order, restored cells before suspicious code before integrity findings; the last two hold for review", () => {
  const restored = sanitizeIssues([{ kind: "edited", gradeId: "t1", message: "the test cell was edited" }]);
  const suspicious = suspiciousIssues([{ gradeId: "f", message: "reads /proc" }]);
  const integrity = [{ gradeId: null, message: "the run-end record is missing." }];
  assert.equal(
    gradedOutcome(base, instrumented, run(), scored([2, 1]), restored).review,
    false,
    "a restored cell alone is no reason for review",
  );
  assert.equal(gradedOutcome(base, instrumented, run(), scored([2, 1]), [...restored, ...suspicious]).review, true);
  const o = gradedOutcome(base, instrumented, run(), scored([2, 1], integrity), [...restored, ...suspicious]);
  assert.equal(o.review, true);
  assert.deepEqual(o.issues, [
    { kind: "edited", gradeId: "t1", message: "the test cell was edited" },
    { kind: "suspicious", gradeId: "f", message: "reads /proc" },
    { kind: "integrity", gradeId: null, message: "the run-end record is missing." },
  ]);
});

test("the grading run's line shows the score as every report does, the time, the kinds of issue and REVIEW", () => {
  const o = gradedOutcome(base, instrumented, run(), scored([2 / 3, 0]), suspiciousIssues([{ gradeId: "f", message: "x" }]));
  assert.equal(describeOutcome({ ...o, durationMs: 1540 }), "graded   ann · a: 0.67/3 (1.5 s) [suspicious] REVIEW");
  assert.equal(describeOutcome({ ...base, score: 3 }), "graded   ann · a: 3/3");
  assert.equal(
    describeOutcome(invalidNotebook(base, assignment, "not JSON.")),
    `invalid  ann · a: ${invalidNotebook(base, assignment, "not JSON.").message}`,
  );
});

test("an outcome starts with no message, no cell runs and an empty log; ungraded tests say why", () => {
  assert.deepEqual([base.message, base.cellRuns, base.log, base.issues, base.scores], ["", [], "", [], []]);
  assert.deepEqual(
    invalidNotebook(base, assignment, "not JSON.").scores.map((s) => [s.message, s.fraction, s.durationMs]),
    [
      ["the notebook could not be graded.", null, 0],
      ["the notebook could not be graded.", null, 0],
    ],
  );
});

test("integrity findings alone hold for review; a score for a test the notebook does not have sits nowhere", () => {
  const integrity = [{ gradeId: "t1", message: "the end record of t1 is missing." }];
  assert.equal(gradedOutcome(base, instrumented, run(), scored([2, 1], integrity), []).review, true);
  const stray = scored([2, 1]);
  stray.cells.push({ gradeId: "gone", points: 1, earned: 0, fraction: 0, status: "tampered", message: "", durationMs: 0 });
  assert.equal(gradedOutcome(base, instrumented, run(), stray, []).scores.at(-1)!.position, -1);
});

test("the run's line lists each kind of issue once, in order", () => {
  const issues = [
    ...sanitizeIssues([
      { kind: "edited", gradeId: "t1", message: "x" },
      { kind: "deleted", gradeId: "t2", message: "y" },
    ]),
    ...suspiciousIssues([{ gradeId: "f", message: "z" }]),
  ];
  assert.equal(describeOutcome({ ...base, issues, score: 1 }), "graded   ann · a: 1/3 [edited, deleted, suspicious]");
});
