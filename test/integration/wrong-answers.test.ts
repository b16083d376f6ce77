// Every master's wrong answers (notebooks/wrong-answers/<master>.json) graded in the real
// kernel: each must lose the points it should. One kernel session per master: the master
// runs once with its hidden tests, then each wrong answer replaces its answer cell, the
// test runs again and the solution is put back (scripts/src/assign/wrong-answer-run.ts),
// so the file costs about one run of each master, not one per wrong answer.
//
// NNCOURSE_TEST_NOTEBOOKS=REGEX limits it to the masters whose file name matches.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { readNotebook } from "../../scripts/src/notebook";
import { courseNotebookFiles } from "../../scripts/src/site/catalog";
import { gradeWrongAnswers } from "../../scripts/src/assign/wrong-answer-run";
import { orphanWrongAnswerFiles, readWrongAnswers, wrongAnswersFileOf } from "../../scripts/src/assign/wrong-answers";

const only = process.env.NNCOURSE_TEST_NOTEBOOKS ? new RegExp(process.env.NNCOURSE_TEST_NOTEBOOKS) : undefined;
const mastersFolder = path.join(projectRoot, "notebooks");
const masters = courseNotebookFiles(mastersFolder).filter((f) => !only || only.test(path.basename(f)));
const withAnswers = masters.filter((f) => fs.existsSync(wrongAnswersFileOf(f)));

describe("wrong answers lose their points", { concurrency: 1 }, () => {
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
      console.log(`${name.slice(0, 2)}: ${answers.length} wrong answers, all lose their points, ${(run.durationMs / 1000).toFixed(1)} s`);
    });
  }
});
