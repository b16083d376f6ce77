/**
 * Wrong answers: beside each master, the plausible mistakes its tests must catch.
 *
 * A master's tests are only as good as the wrong answers they refuse. Each master may
 * have a file `wrong-answers/<master name>.json` in its folder (never read as a master:
 * the build and the grader read only `.ipynb` files there) that lists answers which run
 * without throwing but are wrong, each with the most points its exercise's test may give
 * it:
 *
 *   {
 *     "answers": [
 *       {
 *         "exercise": "nor",                          the answer cell's grade_id
 *         "mistake": "an OR unit: fires when either input is active",
 *         "maxPoints": 0,                             at most this many of the test's points
 *         "code": ["function makeNor(): McCullochPittsUnit {", "  return …;", "}"]
 *       }
 *     ]
 *   }
 *
 * `code` replaces the whole answer cell (one string per line, so a change reads well in
 * a diff); the exercise's test is the first test cell after its answer cell. This module
 * reads and checks the files; wrong-answer-run.ts grades them in a kernel.
 */
import fs from "node:fs";
import path from "node:path";
import { CourseError } from "../errors";
import { isInstructorOnly } from "../notebook/instructor-cells";
import { cellKind, gradeIdOf, nbgraderOf } from "../notebook/master";
import type { Notebook } from "../notebook/model";

/** The folder, inside the masters' folder, that holds the wrong-answer files. */
export const WRONG_ANSWERS_FOLDER = "wrong-answers";

export interface WrongAnswer {
  /** The grade_id of the answer cell the code replaces. */
  exercise: string;
  /** The mistake, in one line. */
  mistake: string;
  /** The code of the answer cell, its lines joined. */
  code: string;
  /** The most points the exercise's test may give this answer. */
  maxPoints: number;
  /** Where it is written, for messages: "wrong-answers/00-x.json, answer 3". */
  where: string;
}

/** An exercise as a master lays it out: its answer cell, its test cell and the cells between them. */
export interface ExerciseCells {
  exercise: string;
  /** Indexes into the master's cells. */
  answerIndex: number;
  testIndex: number;
  /** Code cells strictly between the answer and its test (derived state to rebuild), in order. */
  betweenIndexes: number[];
  testGradeId: string;
  /** The points of the test cell. */
  points: number;
}

const FIELDS = ["exercise", "mistake", "maxPoints", "code"] as const;

/** A wrong-answer file that cannot be read as its author meant: where (the file, the entry) and what. */
export class WrongAnswersError extends CourseError {
  constructor(
    readonly where: string,
    readonly problem: string,
    fix: string,
  ) {
    super(`${where}: ${problem}`, fix);
    this.name = "WrongAnswersError";
  }
}

/** The wrong-answer file of the master `masterFile` (which may not exist). */
export function wrongAnswersFileOf(masterFile: string): string {
  return path.join(path.dirname(masterFile), WRONG_ANSWERS_FOLDER, `${path.basename(masterFile, ".ipynb")}.json`);
}

/** The exercises of a master: every answer cell with the first test cell after it. Instructor-only cells are not counted. */
export function exercisesOf(master: Notebook): Map<string, ExerciseCells> {
  const exercises = new Map<string, ExerciseCells>();
  const cells = master.cells;
  cells.forEach((cell, answerIndex) => {
    if (cellKind(cell) !== "answer" || cell.cell_type !== "code") return;
    const exercise = gradeIdOf(cell);
    if (exercise === undefined) return;
    const testIndex = cells.findIndex((c, i) => i > answerIndex && cellKind(c) === "test" && c.cell_type === "code");
    if (testIndex < 0) return;
    const betweenIndexes: number[] = [];
    for (let i = answerIndex + 1; i < testIndex; i++)
      if (cells[i]!.cell_type === "code" && !isInstructorOnly(cells[i]!)) betweenIndexes.push(i);
    exercises.set(exercise, {
      exercise,
      answerIndex,
      testIndex,
      betweenIndexes,
      testGradeId: gradeIdOf(cells[testIndex]!) ?? `cell ${testIndex + 1}`,
      points: Number(nbgraderOf(cells[testIndex]!)?.points) || 0,
    });
  });
  return exercises;
}

/**
 * Reads and checks the wrong answers of one master from `file` (shown as `shown` in
 * messages). Throws a WrongAnswersError naming the file and the entry for anything that
 * would make the file mean something else than its author thought: bad JSON, a
 * missing or misspelt field, an exercise the master does not have, points the test
 * cannot give or that would call the answer right.
 */
export function parseWrongAnswers(text: string, master: Notebook, shown: string): WrongAnswer[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new WrongAnswersError(shown, `not valid JSON: ${(error as Error).message}`, "correct the file's JSON syntax.");
  }
  if (!isObject(data) || !Array.isArray(data.answers)) {
    throw new WrongAnswersError(
      shown,
      `should hold an object with a list "answers", got ${describeValue(data)}.`,
      'write { "answers": [ … ] }.',
    );
  }
  const extra = Object.keys(data).filter((key) => key !== "answers");
  if (extra.length > 0)
    throw new WrongAnswersError(shown, `unknown top-level fields: ${extra.join(", ")}.`, 'only "answers" belongs there.');
  const exercises = exercisesOf(master);
  const known = [...exercises.keys()].join(", ") || "none";
  return data.answers.map((entry: unknown, i: number): WrongAnswer => {
    const where = `${shown}, answer ${i + 1}`;
    const fail = (problem: string, fix: string): never => {
      throw new WrongAnswersError(
        `${where}${isObject(entry) && typeof entry.exercise === "string" ? ` (${entry.exercise})` : ""}`,
        problem,
        fix,
      );
    };
    if (!isObject(entry))
      return fail(`should be an object, got ${describeValue(entry)}.`, `give each answer the fields ${FIELDS.join(", ")}.`);
    const unknown = Object.keys(entry).filter((key) => !(FIELDS as readonly string[]).includes(key));
    if (unknown.length > 0)
      fail(`unknown field ${unknown.map((k) => JSON.stringify(k)).join(", ")}.`, `the fields are ${FIELDS.join(", ")}.`);
    const missing = FIELDS.filter((key) => !(key in entry));
    if (missing.length > 0) fail(`missing ${missing.join(", ")}.`, `give each answer the fields ${FIELDS.join(", ")}.`);
    const { exercise, mistake, maxPoints, code } = entry;
    if (typeof exercise !== "string")
      return fail(`"exercise" should be an answer cell's grade_id, got ${describeValue(exercise)}.`, `one of: ${known}.`);
    const cells = exercises.get(exercise);
    if (cells === undefined)
      return fail(`the master has no exercise "${exercise}" (an answer cell followed by a test cell).`, `use one of: ${known}.`);
    if (typeof mistake !== "string" || mistake.trim() === "")
      return fail('"mistake" should say in one line what is wrong.', "describe the mistake.");
    if (mistake.includes("\n")) fail('"mistake" should be one line.', "shorten it to one line.");
    if (!Array.isArray(code) || code.length === 0 || !code.every((line) => typeof line === "string"))
      return fail('"code" should be a non-empty list of lines (strings).', "write the answer cell's code, one string per line.");
    if (code.some((line) => line.includes("\n")))
      fail('"code" should hold one line per string.', "split the strings at their line breaks.");
    if (typeof maxPoints !== "number" || !Number.isFinite(maxPoints) || maxPoints < 0)
      return fail(
        `"maxPoints" should be a number of points from 0, got ${describeValue(maxPoints)}.`,
        "give the most points the test may award it (usually 0).",
      );
    if (maxPoints >= cells.points)
      fail(
        `"maxPoints" is ${maxPoints}, but the test "${cells.testGradeId}" has ${cells.points} point${cells.points === 1 ? "" : "s"}: a wrong answer may not earn them all.`,
        "lower maxPoints, or drop the answer if it is right.",
      );
    return { exercise, mistake, code: code.join("\n"), maxPoints, where };
  });
}

/** Reads the wrong answers of the master `masterFile`; an empty list when it has no file. */
export function readWrongAnswers(
  masterFile: string,
  master: Notebook,
  shown = path.relative(process.cwd(), wrongAnswersFileOf(masterFile)),
): WrongAnswer[] {
  const file = wrongAnswersFileOf(masterFile);
  if (!fs.existsSync(file)) return [];
  return parseWrongAnswers(fs.readFileSync(file, "utf8"), master, shown);
}

/** The wrong-answer files in a masters folder that belong to no master (a renamed or deleted notebook). */
export function orphanWrongAnswerFiles(mastersFolder: string): string[] {
  const folder = path.join(mastersFolder, WRONG_ANSWERS_FOLDER);
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((name) => !fs.existsSync(path.join(mastersFolder, name.replace(/\.json$/, ".ipynb"))) || !name.endsWith(".json"))
    .sort()
    .map((name) => path.join(folder, name));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === "object" ? "an object" : String(value);
}
