// `course check`: a learner's own run of their exercise notebook.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { projectRoot, runCourse } from "../helpers/cli";
import { cellKind, gradeIdOf } from "../../scripts/src/notebook/master";
import { cellSource, readNotebook, writeNotebook } from "../../scripts/src/notebook";
import Database from "better-sqlite3";
import { testTitles } from "../../scripts/src/grade/test-titles";

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const NAME = "00-sample-assignment";
const solutionFile = path.join(projectRoot, "solutions", `${NAME}.ipynb`);
const solution = readNotebook(solutionFile);
const tests = solution.cells.filter((c) => cellKind(c) === "test");
const points = (id: string) => Number((tests.find((c) => gradeIdOf(c) === id)!.metadata.nbgrader as { points: number }).points);
const FULL = tests.reduce((s, c) => s + points(gradeIdOf(c)!), 0);

// Inside the project, so that the kernel finds the library from the notebook's folder.
const work = path.join(projectRoot, ".cache", "test-notebooks", `grader-check-${randomBytes(4).toString("hex")}`);
fs.mkdirSync(work, { recursive: true });
after(() => fs.rmSync(work, { recursive: true, force: true }));

describe("course check", { concurrency: 1 }, () => {
  test("the reference solution passes every visible test", async () => {
    const before = fs.readFileSync(solutionFile, "utf8");
    const result = await runCourse(["check", solutionFile], { timeoutMs: 120_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    // Each exercise by its title, as the notebook's heading names it, not by its grade_id.
    const titles = testTitles(solution);
    for (const c of tests) {
      const id = gradeIdOf(c)!;
      assert.notEqual(titles.get(id), id, `${id} has a heading above it`);
      assert.match(result.stdout, new RegExp(`✓ ${escapeRegExp(titles.get(id)!)}\\s+${points(id)}/${points(id)}`));
      assert.doesNotMatch(result.stdout, new RegExp(`✓ ${id}\\b`));
    }
    assert.match(result.stdout, new RegExp(`visible score: ${FULL}/${FULL}`));
    assert.equal(fs.readFileSync(solutionFile, "utf8"), before, "the learner's file is not changed");
  });

  test("a wrong answer fails its exercise with the check's message and lowers the visible score", async () => {
    const nb = structuredClone(solution);
    nb.cells.find((c) => gradeIdOf(c) === "majority")!.source =
      'function makeMajority(): McCullochPittsUnit {\n  return new McCullochPittsUnit({ name: "any", excitatory: [1, 1, 1], threshold: 1 });\n}\n';
    const file = path.join(work, `${NAME}.ipynb`);
    writeNotebook(file, nb);
    const result = await runCourse(["check", file, "--json"], { timeoutMs: 120_000 });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const [report] = JSON.parse(result.stdout) as Array<{
      earned: number;
      possible: number;
      exercises: Array<{ gradeId: string; status: string; message: string }>;
    }>;
    assert.equal(report!.possible, FULL);
    assert.equal(report!.earned, FULL - points("majority-tests"));
    const majority = report!.exercises.find((e) => e.gradeId === "majority-tests")!;
    assert.equal(majority.status, "failed");
    assert.equal((majority as { title?: string }).title, testTitles(solution).get("majority-tests"), "the JSON gives the title too");
    assert.match(majority.message, /majority unit on inputs \[1, 0, 0\]/);
    assert.deepEqual(
      report!.exercises.filter((e) => e.status !== "passed").map((e) => e.gradeId),
      ["majority-tests"],
    );
  });

  test(
    "a learner is told the score they are graded: course check and course grade agree on a partly right notebook that runs to the end",
    { timeout: 600_000 },
    async () => {
      const nb = structuredClone(solution);
      // One exercise left as its stub, one training loop that never stops early (2 of its 3 parts).
      const majority = nb.cells.find((c) => gradeIdOf(c) === "majority")!;
      majority.source =
        'function makeMajority(): McCullochPittsUnit {\n  // YOUR CODE HERE\n  throw new Error("not implemented yet: majority");\n}\n';
      const train = nb.cells.find((c) => gradeIdOf(c) === "perceptron-train")!;
      const trainSource = cellSource(train);
      assert.match(trainSource, /if \(mistakes === 0\) break;/);
      train.source = trainSource.replace(/\s*if \(mistakes === 0\) break;/, "");
      const student = path.join(work, "submissions", "ann");
      fs.mkdirSync(student, { recursive: true });
      const file = path.join(student, `${NAME}.ipynb`);
      writeNotebook(file, nb);

      const checked = await runCourse(["check", file, "--json"], { timeoutMs: 180_000 });
      assert.equal(checked.code, 1, checked.stdout + checked.stderr);
      const [report] = JSON.parse(checked.stdout) as Array<{
        earned: number;
        exercises: Array<{ gradeId: string; status: string; earned: number; message: string }>;
      }>;
      const told = new Map(report!.exercises.map((e) => [e.gradeId, e.earned]));
      assert.equal(told.get("majority-tests"), 0);
      assert.equal(told.get("perceptron-train-tests"), (2 / 3) * points("perceptron-train-tests"));
      // The stub did not stop the notebook: the exercises after it were checked and pass.
      assert.equal(told.get("perceptron-step-tests"), points("perceptron-step-tests"));
      assert.match(report!.exercises.find((e) => e.gradeId === "majority-tests")!.message, /^not implemented yet: majority/);

      const gradebook = path.join(work, "gradebook.sqlite");
      const graded = await runCourse(["grade", path.join(work, "submissions"), "--gradebook", gradebook, "--quiet"], {
        timeoutMs: 300_000,
      });
      assert.equal(graded.code, 0, graded.stdout + graded.stderr);
      const db = new Database(gradebook, { readonly: true });
      try {
        const given = new Map(
          (db.prepare("SELECT grade_id, earned FROM scores").all() as Array<{ grade_id: string; earned: number }>).map((r) => [
            r.grade_id,
            r.earned,
          ]),
        );
        assert.deepEqual(given, told, "course grade gives each exercise what course check told the learner");
        const review = db.prepare("SELECT review FROM submissions").get() as { review: number };
        assert.equal(review.review, 0, "an honest partly right notebook is not held for review");
      } finally {
        db.close();
      }
    },
  );

  test("a notebook without test cells is a usage error that says what to run instead", async () => {
    const file = path.join(work, "plain.ipynb");
    writeNotebook(file, { ...solution, cells: solution.cells.filter((c) => cellKind(c) !== "test").map((c) => ({ ...c, metadata: {} })) });
    const result = await runCourse(["check", file], { timeoutMs: 120_000 });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /no test cells/);
  });
});
