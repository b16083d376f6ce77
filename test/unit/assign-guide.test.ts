// The instructor's guide (docs/instructors.md) is checked, not trusted: its complete
// master builds without a finding, and every example of its check API runs against the
// library as built, with the messages the guide prints under it.
//
// How the guide's examples are read: each ```ts block under "## The check API" is one
// program. A statement followed by comment lines
//   // ✗ MESSAGE          must throw a CheckFailure whose message is MESSAGE
//   // shows: TEXT        must print TEXT (what a test cell shows; the grade record aside)
// (further "// " lines continue the text, one line each); every other statement must
// run without throwing. Statements are separated by blank lines or by annotations.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { projectRoot, runCourse } from "../helpers/cli";
import { fenced, guideMaster, section } from "../helpers/guide";
import { cellKind, gradeIdOf } from "../../scripts/src/notebook/master";
import { parseNotebook } from "../../scripts/src/notebook/read";
import { cellSource } from "../../scripts/src/notebook";

const libraryRequire = createRequire(join(projectRoot, "package.json"));
const { check, GRADE_LINE_PREFIX } = libraryRequire("nncourse/grading") as typeof import("../../lib/grading");

const ANNOTATION = /^\/\/ (✗|shows:) ?(.*)$/;

/** The block as a program whose annotated statements are wrapped in `__expect(() => { … }, kind, text)`. */
function instrument(code: string): string {
  const lines = code.replace(/\n$/, "").split("\n");
  const out: string[] = [];
  let statement: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const annotation = ANNOTATION.exec(lines[i]!);
    if (annotation) {
      const text = [annotation[2]!];
      while (i + 1 < lines.length && lines[i + 1]!.startsWith("// ") && !ANNOTATION.test(lines[i + 1]!)) text.push(lines[++i]!.slice(3));
      assert.ok(statement.length > 0, `an annotation with no statement before it: ${lines[i]}`);
      out.push(`__expect(() => {\n${statement.join("\n")}\n}, ${JSON.stringify(annotation[1])}, ${JSON.stringify(text.join("\n"))});`);
      statement = [];
    } else if (lines[i]!.trim() === "") {
      out.push(...statement, "");
      statement = [];
    } else {
      statement.push(lines[i]!);
    }
  }
  out.push(...statement);
  return out.join("\n");
}

function captureStdout(fn: () => void): string {
  const original = process.stdout.write;
  let text = "";
  process.stdout.write = ((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = original;
  }
  return text;
}

function expectation(fn: () => void, kind: string, text: string): void {
  if (kind === "✗") {
    assert.throws(
      () => captureStdout(fn),
      (error: Error) => {
        assert.equal(error.name, "CheckFailure", `a CheckFailure, not ${error.name}: ${error.message}`);
        assert.equal(error.message, text);
        return true;
      },
    );
    return;
  }
  const printed = captureStdout(fn)
    .split("\n")
    .filter((line) => !line.startsWith(GRADE_LINE_PREFIX))
    .join("\n")
    .trimEnd();
  assert.equal(printed, text);
}

function runExample(code: string): void {
  const program = ts.transpileModule(instrument(code), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  new Function("require", "exports", "__expect", program)(libraryRequire, {}, expectation);
}

const apiExamples = fenced(section("The check API"), "ts");

test("the guide has an example for every function of the check API", () => {
  // Code only: the comments above each example name the function too.
  const all = apiExamples
    .flatMap((block) => block.code.split("\n"))
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n");
  for (const name of Object.keys(check)) assert.match(all, new RegExp(`check\\.${name}\\(`), `check.${name} has an example`);
  assert.match(all, /score\.part\(/);
  assert.match(all, /score\.finish\(\)/);
});

for (const block of apiExamples) {
  test(`the check API example at line ${block.line} of the guide does what it says`, () => {
    runExample(block.code);
  });
}

test("the guide's master builds without a finding: the exercise gets stubs, the solution keeps its code, neither the hidden tests", async () => {
  const master = parseNotebook(guideMaster(), "the guide's master");
  const dir = mkdtempSync(join(tmpdir(), "nncourse-guide-"));
  try {
    mkdirSync(join(dir, "masters"));
    writeFileSync(join(dir, "masters", "01-first-assignment.ipynb"), guideMaster());
    const built = await runCourse(["build", "--source", join(dir, "masters"), "--out", join(dir, "out")], { cwd: dir });
    assert.equal(built.code, 0, built.stdout + built.stderr);
    assert.equal(built.stderr, "", "no warnings either");
    const read = (version: string) => parseNotebook(readFileSync(join(dir, "out", version, "01-first-assignment.ipynb"), "utf8"), version);
    const exercise = read("exercises");
    const solution = read("solutions");
    const tests = master.cells.filter((cell) => cellKind(cell) === "test");
    assert.ok(tests.length >= 2, "the master shows more than one test cell");
    assert.ok(
      tests.some((cell) => /check\.test\(/.test(cellSource(cell))) && tests.some((cell) => /check\.score\(/.test(cellSource(cell))),
    );
    for (const cell of master.cells.filter((c) => cellKind(c) === "answer")) {
      const id = gradeIdOf(cell)!;
      const inExercise = cellSource(exercise.cells.find((c) => gradeIdOf(c) === id)!);
      assert.match(inExercise, new RegExp(`not implemented yet: ${id}`));
      assert.doesNotMatch(cellSource(solution.cells.find((c) => gradeIdOf(c) === id)!), /not implemented yet|BEGIN SOLUTION/);
    }
    for (const version of [exercise, solution]) {
      assert.doesNotMatch(JSON.stringify(version), /HIDDEN TESTS/);
    }
    assert.ok(existsSync(join(dir, "out", "exercises")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
