// Every master's wrong answers (notebooks/wrong-answers/<master>.json) graded in the real
// kernel: each must lose the points it should. One kernel session per master: the master
// runs once with its hidden tests, then each wrong answer replaces its answer cell, the
// test runs again and the solution is put back (scripts/src/assign/wrong-answer-run.ts),
// so the file costs about one run of each master, not one per wrong answer.
//
// NNCOURSE_TEST_NOTEBOOKS=REGEX limits it to the masters whose file name matches. A small
// master of its own checks the session itself first: the cells between an answer and its
// test are run again, partial credit is read as the grader reads it, and a later exercise
// is graded against the solution put back.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { nbgrader } from "../helpers/master-cells";
import { newCodeCell, newNotebook, readNotebook } from "../../scripts/src/notebook";
import { courseNotebookFiles } from "../../scripts/src/site/catalog";
import { gradeWrongAnswers } from "../../scripts/src/assign/wrong-answer-run";
import { orphanWrongAnswerFiles, parseWrongAnswers, readWrongAnswers, wrongAnswersFileOf } from "../../scripts/src/assign/wrong-answers";

const only = process.env.NNCOURSE_TEST_NOTEBOOKS ? new RegExp(process.env.NNCOURSE_TEST_NOTEBOOKS) : undefined;
const mastersFolder = path.join(projectRoot, "notebooks");
const masters = courseNotebookFiles(mastersFolder).filter((f) => !only || only.test(path.basename(f)));
const withAnswers = masters.filter((f) => fs.existsSync(wrongAnswersFileOf(f)));

/** `squares` is derived from the answer `square` in a cell between it and its test; `total` builds on `squares`. */
const smallMaster = newNotebook([
  newCodeCell('import { check } from "nncourse/grading";', nbgrader("setup", "locked")),
  newCodeCell(
    "function square(x: number): number {\n  // BEGIN SOLUTION\n  return x * x;\n  // END SOLUTION\n}",
    nbgrader("square", "answer"),
  ),
  newCodeCell("const squares = [1, 2, 3].map(square);", nbgrader("squares", "locked")),
  newCodeCell(
    'check.score("square", (s) => {\n  s.part(1, "1 and 2", () => check.equal(squares.slice(0, 2), [1, 4]));\n  s.part(1, "3", () => check.equal(squares[2], 9));\n});',
    nbgrader("square-tests", "test", 2),
  ),
  newCodeCell(
    "function total(): number {\n  // BEGIN SOLUTION\n  return squares.reduce((a, b) => a + b, 0);\n  // END SOLUTION\n}",
    nbgrader("total", "answer"),
  ),
  newCodeCell('check.test("total", () => check.equal(total(), 14));', nbgrader("total-tests", "test", 1)),
]);

const smallAnswers = (answers: Array<[string, number, string]>) =>
  parseWrongAnswers(
    JSON.stringify({ answers: answers.map(([exercise, maxPoints, code]) => ({ exercise, mistake: code, maxPoints, code: [code] })) }),
    smallMaster,
    "small.json",
  );

describe("wrong answers lose their points", { concurrency: 1 }, () => {
  test("the session: cells between rerun, partial credit read as graded, the solution put back", { timeout: 300_000 }, async () => {
    const answers = smallAnswers([
      // Only wrong through the cell between: unless it runs again, the test sees the old squares.
      ["square", 0, "function square(x: number): number { return 2 * x; }"],
      ["square", 1, "function square(x: number): number { return x < 3 ? x * x : 0; }"],
      // Right only on the squares the answer before left behind ([1, 4, 0]): wrong once the solution is back.
      ["total", 0, "function total(): number { return squares.reduce((a, b) => a + b, 0) + 9; }"],
    ]);
    const run = await gradeWrongAnswers(smallMaster, answers);
    assert.deepEqual([run.masterFailures, run.masterShortfalls, run.restoreFailure], [[], [], undefined]);
    assert.deepEqual(
      run.results.map((r) => [r.answerStatus, r.testStatus, r.earned, r.points, r.recordProblem]),
      [
        ["ok", "ok", 0, 2, undefined],
        ["ok", "ok", 1, 2, undefined],
        ["ok", "ok", 0, 1, undefined],
      ],
    );
    assert.equal(run.results[1]!.messages[0], "✓ 1 and 2");
    assert.match(run.results[1]!.messages[1]!, /^✗ 3/);
  });

  test("every wrong-answer file belongs to a master and reads without error", () => {
    assert.deepEqual(
      orphanWrongAnswerFiles(mastersFolder).map((f) => path.relative(projectRoot, f)),
      [],
    );
    for (const file of withAnswers)
      assert.ok(readWrongAnswers(file, readNotebook(file), path.relative(projectRoot, wrongAnswersFileOf(file))).length > 0);
  });

  for (const file of withAnswers) {
    const name = path.basename(file, ".ipynb");
    test(name, { timeout: 600_000 }, async () => {
      const master = readNotebook(file);
      const answers = readWrongAnswers(file, master, path.relative(projectRoot, wrongAnswersFileOf(file)));
      const run = await gradeWrongAnswers(master, answers);
      assert.deepEqual(run.masterFailures, [], `${name}: the master runs with its solutions`);
      assert.deepEqual(run.masterShortfalls, [], `${name}: the master's solutions earn full marks`);
      assert.equal(run.restoreFailure, undefined);
      assert.equal(run.results.length, answers.length, "every wrong answer was graded");
      const problems = run.results.flatMap((r) => {
        const what = `${r.answer.where} (${r.answer.exercise}: ${r.answer.mistake})`;
        if (r.answerStatus !== "ok") return [`${what}: the wrong answer itself does not run (${r.messages[0]}); it tests nothing`];
        if (r.testStatus !== "ok") return [`${what}: the test cell failed (${r.testStatus}) instead of reporting`];
        if (r.recordProblem !== undefined) return [`${what}: ${r.recordProblem}`];
        if (r.earned > r.answer.maxPoints)
          return [`${what}: earned ${r.earned} of ${r.points} points, at most ${r.answer.maxPoints} allowed`];
        return [];
      });
      assert.deepEqual(problems, []);
      console.log(
        `${name.slice(0, 2)}: ${answers.length} wrong answers, all lose their points, ${(run.durationMs / 1000).toFixed(1)} s (the master's own run ${(run.masterMs / 1000).toFixed(1)} s)`,
      );
    });
  }
});
