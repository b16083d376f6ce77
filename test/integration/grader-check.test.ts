// `course check`: a learner's own run of their exercise notebook.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { projectRoot, runCourse } from "../helpers/cli";
import { cellKind, gradeIdOf } from "../../scripts/src/grading/authoring";
import { readNotebook, writeNotebook } from "../../scripts/src/notebook";

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
    for (const c of tests) assert.match(result.stdout, new RegExp(`✓ ${gradeIdOf(c)}\\s+${points(gradeIdOf(c)!)}/${points(gradeIdOf(c)!)}`));
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
    const [report] = JSON.parse(result.stdout) as Array<{ earned: number; possible: number; exercises: Array<{ gradeId: string; status: string; message: string }> }>;
    assert.equal(report!.possible, FULL);
    assert.equal(report!.earned, FULL - points("majority-tests"));
    const majority = report!.exercises.find((e) => e.gradeId === "majority-tests")!;
    assert.equal(majority.status, "failed");
    assert.match(majority.message, /majority unit on inputs \[1, 0, 0\]/);
    assert.deepEqual(report!.exercises.filter((e) => e.status !== "passed").map((e) => e.gradeId), ["majority-tests"]);
  });

  test("a notebook without test cells is a usage error that says what to run instead", async () => {
    const file = path.join(work, "plain.ipynb");
    writeNotebook(file, { ...solution, cells: solution.cells.filter((c) => cellKind(c) !== "test").map((c) => ({ ...c, metadata: {} })) });
    const result = await runCourse(["check", file], { timeoutMs: 120_000 });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /no test cells/);
  });
});
