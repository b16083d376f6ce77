// Wrong-answer files (scripts/src/assign/wrong-answers.ts): read against their master, every
// slip is an error that names the file and the entry; `course build` checks them with the
// masters and never takes the folder for masters. Grading them in a kernel is
// test/integration/wrong-answers.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { releaseAll } from "../../scripts/src/assign/release-all";
import {
  exercisesOf,
  orphanWrongAnswerFiles,
  parseWrongAnswers,
  readWrongAnswers,
  wrongAnswersFileOf,
  WrongAnswersError,
} from "../../scripts/src/assign/wrong-answers";
import { newCodeCell, newMarkdownCell, newNotebook, readNotebook, serializeNotebook } from "../../scripts/src/notebook";
import { courseNotebookFiles } from "../../scripts/src/site/catalog";
import { projectRoot } from "../helpers/cli";
import { nbgrader } from "../helpers/master-cells";

/** Two exercises: "square" (a helper cell between it and its 2-point test) and "half" (1 point). */
const master = newNotebook([
  newMarkdownCell("## Exercise 1"),
  newCodeCell(
    "function square(x: number): number {\n  // BEGIN SOLUTION\n  return x * x;\n  // END SOLUTION\n}",
    nbgrader("square", "answer"),
  ),
  newMarkdownCell("A note between."),
  newCodeCell("const squares = [1, 2].map(square);", nbgrader("squares", "locked")),
  newCodeCell('check.test("square", () => check.equal(squares, [1, 4]));', nbgrader("square-tests", "test", 2)),
  newCodeCell("function half(x: number): number {\n  // BEGIN SOLUTION\n  return x / 2;\n  // END SOLUTION\n}", nbgrader("half", "answer")),
  newCodeCell('check.test("half", () => check.equal(half(4), 2));', nbgrader("half-tests", "test", 1)),
]);

const entry = (fields: Record<string, unknown> = {}) => ({
  exercise: "square",
  mistake: "doubles instead of squaring",
  maxPoints: 0,
  code: ["function square(x: number): number {", "  return 2 * x;", "}"],
  ...fields,
});
const file = (...answers: unknown[]) => JSON.stringify({ answers });
const SHOWN = "wrong-answers/m.json";

function problemOf(text: string): WrongAnswersError {
  try {
    parseWrongAnswers(text, master, SHOWN);
  } catch (error) {
    assert.ok(error instanceof WrongAnswersError, String(error));
    return error;
  }
  assert.fail(`no error for ${text}`);
}

test("an exercise is its answer cell, the first test cell after it and the code cells between", () => {
  const exercises = exercisesOf(master);
  assert.deepEqual([...exercises.keys()], ["square", "half"]);
  assert.deepEqual(exercises.get("square"), {
    exercise: "square",
    answerIndex: 1,
    testIndex: 4,
    betweenIndexes: [3],
    testGradeId: "square-tests",
    points: 2,
  });
  assert.deepEqual(exercises.get("half")!.betweenIndexes, []);
  assert.equal(exercises.get("half")!.points, 1);
});

test("a file reads as its entries, the code's lines joined, each entry named by file and place", () => {
  const answers = parseWrongAnswers(
    file(entry(), entry({ exercise: "half", maxPoints: 0.5, code: ["const half = (x: number) => x;"] })),
    master,
    SHOWN,
  );
  assert.deepEqual(answers, [
    {
      exercise: "square",
      mistake: "doubles instead of squaring",
      maxPoints: 0,
      code: "function square(x: number): number {\n  return 2 * x;\n}",
      where: `${SHOWN}, answer 1`,
    },
    {
      exercise: "half",
      mistake: "doubles instead of squaring",
      maxPoints: 0.5,
      code: "const half = (x: number) => x;",
      where: `${SHOWN}, answer 2`,
    },
  ]);
});

test("an unknown exercise names the file, the entry and the exercises there are", () => {
  const error = problemOf(file(entry(), entry({ exercise: "cube" })));
  assert.equal(error.where, `${SHOWN}, answer 2 (cube)`);
  assert.match(error.problem, /no exercise "cube"/);
  assert.match(error.fix!, /square, half/);
  assert.match(error.message, /^wrong-answers\/m\.json, answer 2 \(cube\): /);
});

test("a test cell's grade_id is not an exercise: the answer cell's is", () => {
  assert.match(problemOf(file(entry({ exercise: "square-tests" }))).problem, /no exercise "square-tests"/);
});

test("a missing or misspelt field is named", () => {
  const { maxPoints: _dropped, ...withoutPoints } = entry();
  const missing = problemOf(file(withoutPoints));
  assert.equal(missing.where, `${SHOWN}, answer 1 (square)`);
  assert.match(missing.problem, /missing maxPoints/);
  assert.match(problemOf(file({ ...withoutPoints, maxpoints: 0 })).problem, /unknown field "maxpoints"/);
  assert.match(problemOf(file(entry({ mistake: "" }))).problem, /"mistake"/);
  assert.match(problemOf(file(entry({ mistake: "two\nlines" }))).problem, /one line/);
});

test("code must be a list of lines", () => {
  assert.match(problemOf(file(entry({ code: "function square() {}" }))).problem, /"code" should be a non-empty list of lines/);
  assert.match(problemOf(file(entry({ code: [] }))).problem, /"code" should be a non-empty list/);
  assert.match(problemOf(file(entry({ code: ["a;\nb;"] }))).problem, /one line per string/);
});

test("maxPoints: a number from 0, below the test's points (a wrong answer may not earn them all)", () => {
  assert.match(problemOf(file(entry({ maxPoints: 2 }))).problem, /"maxPoints" is 2, but the test "square-tests" has 2 points/);
  assert.match(problemOf(file(entry({ exercise: "half", maxPoints: 1 }))).problem, /has 1 point:/);
  assert.match(problemOf(file(entry({ maxPoints: -1 }))).problem, /from 0/);
  assert.match(problemOf(file(entry({ maxPoints: "0" }))).problem, /from 0, got "0"/);
  assert.equal(parseWrongAnswers(file(entry({ maxPoints: 1.5 })), master, SHOWN)[0]!.maxPoints, 1.5);
});

test("the file's own shape: JSON, an object with a list of answers and nothing else", () => {
  assert.equal(problemOf("{ answers: [] }").where, SHOWN);
  assert.match(problemOf("{ answers: [] }").problem, /not valid JSON/);
  assert.match(problemOf("[]").problem, /an object with a list "answers", got a list/);
  assert.match(problemOf(JSON.stringify({ answers: [], note: 1 })).problem, /unknown top-level fields: note/);
  assert.match(problemOf(file("square")).problem, /should be an object/);
});

test("every wrong-answer file of the course reads against its master, and none is without one", () => {
  const folder = join(projectRoot, "notebooks");
  assert.deepEqual(orphanWrongAnswerFiles(folder), []);
  let read = 0;
  for (const masterFile of courseNotebookFiles(folder)) {
    const answers = readWrongAnswers(masterFile, readNotebook(masterFile));
    read += answers.length;
    for (const a of answers) assert.ok(a.code.trim() !== "", a.where);
  }
  assert.ok(read > 0, "the course has wrong answers");
});

test("course build checks the wrong answers with the masters and never releases their folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "nncourse-wrong-answers-"));
  try {
    const source = join(dir, "masters");
    const out = join(dir, "out");
    mkdirSync(join(source, "wrong-answers"), { recursive: true });
    writeFileSync(join(source, "m.ipynb"), serializeNotebook(master));
    const answersFile = wrongAnswersFileOf(join(source, "m.ipynb"));
    assert.equal(basename(answersFile), "m.json");
    writeFileSync(answersFile, file(entry()));
    const built = releaseAll({ source, out, check: false, show: (f) => f.slice(dir.length + 1) });
    assert.equal(built.outcome, "built", JSON.stringify(built.findings));
    assert.deepEqual(readdirSync(join(out, "exercises")), ["m.ipynb"]);
    assert.deepEqual(readdirSync(join(out, "solutions")), ["m.ipynb"]);
    assert.equal(releaseAll({ source, out, check: true }).outcome, "checked");

    writeFileSync(answersFile, file(entry({ exercise: "cube" })));
    writeFileSync(join(source, "wrong-answers", "gone.json"), file());
    const invalid = releaseAll({ source, out, check: true, show: (f) => f.slice(dir.length + 1) });
    assert.equal(invalid.outcome, "invalid");
    assert.deepEqual(
      invalid.findings.map((f) => `${f.notebook}: ${f.message.split(" (")[0]}`),
      [
        'masters/wrong-answers/m.json, answer 1 (cube): the master has no exercise "cube"',
        "masters/wrong-answers/gone.json: a wrong-answer file without its master",
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an exercise needs a code answer cell with a grade_id and a code test cell after it", () => {
  const test1 = newCodeCell("check.equal(1, 1);", nbgrader("t1", "test", 1));
  const noId = newCodeCell("const a = 1;", { nbgrader: { schema_version: 3, solution: true, grade: false, locked: false, task: false } });
  const notes = newMarkdownCell("Answer here.", nbgrader("notes", "answer"));
  const lastAnswer = newCodeCell("const z = 0;", nbgrader("last", "answer"));
  const markdownTest = newMarkdownCell("Checked by hand.", nbgrader("md-test", "test", 1));
  const exercises = exercisesOf(newNotebook([noId, notes, test1, lastAnswer, markdownTest]));
  assert.deepEqual([...exercises.keys()], [], "none of these is an exercise");
  const unnamedTest = newCodeCell("check.equal(1, 1);", { nbgrader: { grade: true, locked: true, points: 3 } });
  assert.deepEqual(exercisesOf(newNotebook([lastAnswer, unnamedTest])).get("last"), {
    exercise: "last",
    answerIndex: 0,
    testIndex: 1,
    betweenIndexes: [],
    testGradeId: "cell 2",
    points: 3,
  });
});

test("each refusal names the entry (with its exercise where it has one), the problem and the fix", () => {
  const refused = (answers: unknown) => {
    const error = problemOf(JSON.stringify({ answers }));
    return [error.where, error.problem, error.fix];
  };
  assert.equal(problemOf("[]").name, "WrongAnswersError");
  assert.deepEqual(refused(["square"]), [
    `${SHOWN}, answer 1`,
    'should be an object, got "square".',
    "give each answer the fields exercise, mistake, maxPoints, code.",
  ]);
  assert.deepEqual(refused([{ ...entry(), exercise: 5 }]), [
    `${SHOWN}, answer 1`,
    `"exercise" should be an answer cell's grade_id, got 5.`,
    "one of: square, half.",
  ]);
  assert.deepEqual(refused([{ ...entry(), note: 1, hint: 2 }]), [
    `${SHOWN}, answer 1 (square)`,
    'unknown field "note", "hint".',
    "the fields are exercise, mistake, maxPoints, code.",
  ]);
  const { mistake: _m, code: _c, ...partial } = entry();
  assert.deepEqual(refused([partial]), [
    `${SHOWN}, answer 1 (square)`,
    "missing mistake, code.",
    "give each answer the fields exercise, mistake, maxPoints, code.",
  ]);
  assert.deepEqual(refused([entry({ mistake: 3 })]).slice(1), ['"mistake" should say in one line what is wrong.', "describe the mistake."]);
  assert.deepEqual(refused([entry({ mistake: "   " })]).slice(1), [
    '"mistake" should say in one line what is wrong.',
    "describe the mistake.",
  ]);
  assert.equal(refused([entry({ mistake: "a\nb" })])[2], "shorten it to one line.");
  assert.deepEqual(refused([entry({ code: ["return 1;", 2] })]).slice(1), [
    '"code" should be a non-empty list of lines (strings).',
    "write the answer cell's code, one string per line.",
  ]);
  assert.deepEqual(refused([entry({ code: ["a;", "b;\nc;"] })]).slice(1), [
    '"code" should hold one line per string.',
    "split the strings at their line breaks.",
  ]);
  assert.equal(refused([entry({ maxPoints: 2 })])[2], "lower maxPoints, or drop the answer if it is right.");
  assert.equal(refused([entry({ maxPoints: -1 })])[2], "give the most points the test may award it (usually 0).");
});

test("maxPoints must be finite; the file's own slips say how to write it; a master without exercises offers none", () => {
  // JSON's 1e999 reads as Infinity.
  const infinite = problemOf(`{ "answers": [${JSON.stringify(entry()).replace('"maxPoints":0', '"maxPoints":1e999')}] }`);
  assert.equal(infinite.problem, '"maxPoints" should be a number of points from 0, got Infinity.');
  for (const text of ["null", '{ "answers": "square" }'])
    assert.deepEqual(
      [problemOf(text).problem.split(",")[0], problemOf(text).fix],
      ['should hold an object with a list "answers"', 'write { "answers": [ … ] }.'],
    );
  assert.match(problemOf("null").problem, /got null\.$/);
  assert.match(problemOf('{ "answers": {} }').problem, /got an object\.$/);
  assert.match(problemOf("7").problem, /got 7\.$/);
  assert.match(problemOf(JSON.stringify("x".repeat(41))).problem, new RegExp(`got "${"x".repeat(40)}…"\\.$`));
  assert.match(problemOf(JSON.stringify("x".repeat(40))).problem, new RegExp(`got "${"x".repeat(40)}"\\.$`));
  assert.equal(problemOf("{").fix, "correct the file's JSON syntax.");
  const extra = problemOf(JSON.stringify({ answers: [], note: 1, more: 2 }));
  assert.deepEqual([extra.problem, extra.fix], ["unknown top-level fields: note, more.", 'only "answers" belongs there.']);
  const noExercises = newNotebook([newMarkdownCell("Nothing to answer.")]);
  assert.throws(
    () => parseWrongAnswers(file(entry()), noExercises, SHOWN),
    (error: WrongAnswersError) => error.fix === "use one of: none.",
  );
});

test("a master without a wrong-answer file has none; the orphans of a folder are sorted, and anything but a JSON file is one", () => {
  const dir = mkdtempSync(join(tmpdir(), "nncourse-wrong-answers-"));
  try {
    writeFileSync(join(dir, "m.ipynb"), serializeNotebook(master));
    assert.deepEqual(readWrongAnswers(join(dir, "m.ipynb"), master), []);
    assert.deepEqual(orphanWrongAnswerFiles(dir), [], "no folder, no orphans");
    const folder = join(dir, "wrong-answers");
    mkdirSync(folder);
    for (const name of ["m.json", "z.json", "b.json", "m.ipynb"]) writeFileSync(join(folder, name), file());
    assert.deepEqual(
      orphanWrongAnswerFiles(dir),
      ["b.json", "m.ipynb", "z.json"].map((name) => join(folder, name)),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
