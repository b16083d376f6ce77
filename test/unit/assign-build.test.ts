import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatFinding, validateMaster, type Finding } from "../../scripts/src/assign/validate";
import { regionsOf } from "../../scripts/src/notebook/master";
import { releaseNotebook } from "../../scripts/src/assign/release";
import {
  cellSource,
  newCodeCell,
  newMarkdownCell,
  newNotebook,
  serializeNotebook,
  type Cell,
  type Notebook,
} from "../../scripts/src/notebook";
import { runCourse } from "../helpers/cli";

const answer = (id: string) => ({
  nbgrader: { schema_version: 3, grade_id: id, solution: true, grade: false, locked: false, task: false },
});
const tests = (id: string, points?: unknown) => ({
  nbgrader: {
    schema_version: 3,
    grade_id: id,
    solution: false,
    grade: true,
    locked: true,
    task: false,
    ...(points === undefined ? {} : { points }),
  },
});
const locked = (id: string) => ({
  nbgrader: { schema_version: 3, grade_id: id, solution: false, grade: false, locked: true, task: false },
});

function code(source: string, metadata: Record<string, unknown> = {}, id?: string): Cell {
  const cell = newCodeCell(source, metadata);
  cell.id = id ?? `c${Math.abs(hash(source)).toString(16)}`;
  return cell;
}

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

function master(): Notebook {
  const intro = newMarkdownCell("# Gates", locked("intro"));
  intro.id = "intro";
  const setup = code('import { check } from "nncourse/grading";', locked("setup"), "setup");
  const solution = code(
    ["function and(a: number, b: number): number {", "  // BEGIN SOLUTION", "  return a & b;", "  // END SOLUTION", "}"].join("\n"),
    answer("and-gate"),
    "and",
  );
  solution.outputs = [{ output_type: "stream", name: "stdout", text: "leftover\n" }];
  solution.execution_count = 7;
  const testCell = code(
    [
      'import { check } from "nncourse/grading";',
      'check.equal(and(1, 1), 1, "and(1, 1)");',
      "",
      "// BEGIN HIDDEN TESTS",
      'check.equal(and(0, 1), 0, "and(0, 1)");',
      "// END HIDDEN TESTS",
    ].join("\n"),
    tests("and-gate-tests", 2),
    "and-tests",
  );
  const python = code(["### BEGIN SOLUTION", "const answer = 42;", "### END SOLUTION"].join("\n"), answer("answer"), "py");
  return newNotebook([intro, setup, solution, testCell, python]);
}

function errors(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.severity === "error");
}

test("a valid master has no errors, and both marker spellings are found", () => {
  assert.deepEqual(errors(validateMaster(master(), "m.ipynb")), []);
  assert.deepEqual(
    regionsOf("x\n  // BEGIN SOLUTION\n  y\n  // END SOLUTION\n").map((r) => [r.kind, r.begin, r.end, r.indent]),
    [["solution", 1, 3, "  "]],
  );
  assert.equal(regionsOf("### BEGIN HIDDEN TESTS\nz\n### END HIDDEN TESTS")[0]?.kind, "hidden");
});

test("the validator names notebook, cell, grade_id and line for each problem", () => {
  const nb = master();
  const cells: Cell[] = [
    code("// BEGIN SOLUTION\nx\n// END SOLUTION", answer("dup")), // 1
    code("// BEGIN SOLUTION\ny\n// END SOLUTION", answer("dup")), // 2: duplicate id
    code("check.equal(1, 1);", tests("no-points")), // 3: no points
    code("check.equal(1, 1);", tests("neg-points", -1)), // 4: negative points
    code("check.equal(1, 1);", tests("str-points", "two")), // 5: non-numeric points
    code("a\n// BEGIN SOLUTION\nb", answer("open")), // 6: never closed
    code("// END SOLUTION", answer("stray-end")), // 7: END without BEGIN
    code("// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION\n// END SOLUTION", answer("nested")), // 8: nested
    code("// BEGIN SOLUTION\nx\n// END SOLUTION", tests("sol-in-test", 1)), // 9: solution in a test cell
    code("// BEGIN HIDDEN TESTS\nx\n// END HIDDEN TESTS", answer("hidden-in-answer")), // 10: hidden outside test cell
    newMarkdownCell("Explain.\n// BEGIN SOLUTION\nsecret\n// END SOLUTION", answer("md")), // 11: markdown with markers
    code("const x = 1; // BEGIN SOLUTION", answer("inline")), // 12: marker not alone on its line
    code("const y = 2;", answer("no-region")), // 13: warning only
    code("// BEGIN SOLUTION\nx\n// END HIDDEN TESTS", answer("mismatch")), // 14: mismatched end
    code(
      'import { check } from "nncourse/grading";\n// BEGIN HIDDEN TESTS\ncheck.equal(1, 1);\n// END HIDDEN TESTS',
      tests("all-hidden", 1),
    ), // 15: warning
  ];
  nb.cells = cells;
  const findings = validateMaster(nb, "notebooks/x.ipynb");
  const text = findings.map(formatFinding);
  const has = (pattern: RegExp) =>
    assert.ok(
      text.some((t) => pattern.test(t)),
      `no finding matches ${pattern}:\n${text.join("\n")}`,
    );
  has(/^notebooks\/x\.ipynb: cell 2 \(grade_id "dup"\): the grade_id "dup" is also used by cell 1\./);
  has(/cell 3 \(grade_id "no-points"\): this graded cell has no points/);
  has(/cell 4 \(grade_id "neg-points"\): this graded cell has points -1/);
  has(/cell 5 \(grade_id "str-points"\): this graded cell has points "two"/);
  has(/cell 6 \(grade_id "open"\), line 2: "BEGIN SOLUTION" is never closed/);
  has(/cell 7 \(grade_id "stray-end"\), line 1: "END SOLUTION" without a "BEGIN SOLUTION"/);
  has(/cell 8 \(grade_id "nested"\), line 2: "BEGIN SOLUTION" inside the region opened by "BEGIN SOLUTION" on line 1; regions cannot nest/);
  has(/cell 9 \(grade_id "sol-in-test"\), line 1: a solution region in a test cell/);
  has(/cell 10 \(grade_id "hidden-in-answer"\), line 1: hidden tests outside a test cell/);
  has(/cell 11 \(grade_id "md"\), line 2: a markdown cell contains the marker/);
  has(/cell 12 \(grade_id "inline"\), line 1: .* not on a line of its own/);
  has(/cell 13 \(grade_id "no-region"\): warning: an answer cell without a solution region/);
  has(/cell 14 \(grade_id "mismatch"\), line 3: "END HIDDEN TESTS" closes the region opened by "BEGIN SOLUTION"/);
  has(/cell 15 \(grade_id "all-hidden"\): warning: a test cell with no visible test/);
  assert.ok(findings.find((f) => f.gradeId === "no-region")?.severity === "warning");
  assert.ok(!text.some((t) => /grade_id "(dup|no-points)"\): warning: a test cell with no visible/.test(t)));
  // Every error carries a fix.
  for (const f of errors(findings)) assert.ok(f.fix, formatFinding(f));
});

test("the student version stubs solutions, drops hidden tests and outputs, and locks test cells", () => {
  const ex = releaseNotebook(master(), "exercise");
  const byId = (id: string) => ex.cells.find((c) => c.id === id)!;
  assert.equal(
    cellSource(byId("and")),
    [
      "function and(a: number, b: number): number {",
      "  // YOUR CODE HERE",
      '  throw new Error("not implemented yet: and-gate");',
      "}",
    ].join("\n"),
  );
  const and = byId("and");
  assert.ok(and.cell_type === "code" && and.outputs.length === 0 && and.execution_count === null);
  assert.equal(
    cellSource(byId("and-tests")),
    ['import { check } from "nncourse/grading";', 'check.equal(and(1, 1), 1, "and(1, 1)");'].join("\n"),
  );
  assert.equal(byId("and-tests").metadata.editable, false);
  assert.equal(byId("and-tests").metadata.deletable, false);
  assert.equal(byId("setup").metadata.editable, false);
  assert.equal(byId("intro").metadata.deletable, false);
  assert.equal(byId("and").metadata.editable, undefined);
  assert.deepEqual(byId("and").metadata.nbgrader, answer("and-gate").nbgrader);
  assert.equal(cellSource(byId("py")), ["// YOUR CODE HERE", 'throw new Error("not implemented yet: answer");'].join("\n"));
  for (const cell of ex.cells) assert.doesNotMatch(cellSource(cell), /BEGIN|END|a & b|and\(0, 1\)/);
});

test("the solutions keep the code without markers and drop hidden tests", () => {
  const sol = releaseNotebook(master(), "solution");
  const byId = (id: string) => sol.cells.find((c) => c.id === id)!;
  assert.equal(cellSource(byId("and")), ["function and(a: number, b: number): number {", "  return a & b;", "}"].join("\n"));
  assert.equal(cellSource(byId("py")), "const answer = 42;");
  assert.doesNotMatch(cellSource(byId("and-tests")), /HIDDEN|and\(0, 1\)/);
  assert.equal(byId("and-tests").metadata.editable, false);
});

test("an answer cell without a region becomes a stub as a whole", () => {
  const nb = newNotebook([code("const y = 2;", answer("whole"), "w")]);
  assert.equal(
    cellSource(releaseNotebook(nb, "exercise").cells[0]!),
    ["// YOUR CODE HERE", 'throw new Error("not implemented yet: whole");'].join("\n"),
  );
  assert.equal(cellSource(releaseNotebook(nb, "solution").cells[0]!), "const y = 2;");
});

test("an answer cell without a grade_id is stubbed by its cell number; a manually graded code answer is stubbed too", () => {
  const unnamed = code(
    "const y = 2;\n",
    { nbgrader: { schema_version: 3, solution: true, grade: false, locked: false, task: false } },
    "u",
  );
  const manual = code("const essay = 1;", { nbgrader: { ...answer("essay").nbgrader, grade: true, points: 2 } }, "m");
  const ex = releaseNotebook(newNotebook([code("1;", {}, "first"), unnamed, manual]), "exercise");
  assert.equal(
    cellSource(ex.cells[1]!),
    '// YOUR CODE HERE\nthrow new Error("not implemented yet: cell 2");\n',
    "the trailing newline kept",
  );
  assert.equal(cellSource(ex.cells[2]!), '// YOUR CODE HERE\nthrow new Error("not implemented yet: essay");');
});

test("a written answer reads YOUR ANSWER HERE for learners and keeps its reference in the solutions; other Markdown stays", () => {
  const written = newMarkdownCell("Because XOR is not linearly separable.", {
    nbgrader: { schema_version: 3, grade_id: "why", solution: true, grade: true, locked: false, task: false, points: 2 },
  });
  const notes = newMarkdownCell("## Exercise 1");
  const nb = newNotebook([notes, written]);
  assert.deepEqual(releaseNotebook(nb, "exercise").cells.map(cellSource), ["## Exercise 1", "YOUR ANSWER HERE"]);
  assert.deepEqual(releaseNotebook(nb, "solution").cells.map(cellSource), ["## Exercise 1", "Because XOR is not linearly separable."]);
});

test("instructor-only cells are in neither version; cells without regions keep their text to the last byte", () => {
  const banner = newMarkdownCell("Instructor's copy: do not hand out.", { nncourse: { instructor_only: true } });
  const setup = code("const x = 1;\n\n", locked("setup"), "s");
  const nb = newNotebook([banner, setup]);
  for (const version of ["exercise", "solution"] as const) {
    const released = releaseNotebook(nb, version);
    assert.deepEqual(released.cells.map(cellSource), ["const x = 1;\n\n"], version);
  }
});

test("the hidden tests leave no blank lines behind, and a cell of hidden tests alone becomes empty", () => {
  const source = ["check.equal(1, 1);", "  ", "", "// BEGIN HIDDEN TESTS", "check.equal(2, 2);", "// END HIDDEN TESTS", ""].join("\n");
  const nb = newNotebook([
    code(source, tests("t", 1), "t"),
    code("// BEGIN HIDDEN TESTS\ncheck.equal(2, 2);\n// END HIDDEN TESTS\n", tests("h", 1), "h"),
  ]);
  for (const version of ["exercise", "solution"] as const)
    assert.deepEqual(releaseNotebook(nb, version).cells.map(cellSource), ["check.equal(1, 1);\n", ""], version);
});

// ------------------------------------------------------------------ the command

function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "nncourse-build-test-"));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function writeMasters(dir: string): string {
  const source = join(dir, "masters");
  mkdirSync(source);
  writeFileSync(join(source, "gates.ipynb"), serializeNotebook(master()));
  const plain = newNotebook([code("console.log(1);", {}, "p")]);
  (plain.cells[0] as { outputs: unknown[] }).outputs = [{ output_type: "stream", name: "stdout", text: "1\n" }];
  writeFileSync(join(source, "plain.ipynb"), serializeNotebook(plain));
  return source;
}

test("course build --source/--out writes both versions deterministically; --check finds drift", async () => {
  await withTemp(async (dir) => {
    const source = writeMasters(dir);
    const out = join(dir, "release");
    const first = await runCourse(["build", "--source", source, "--out", out]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(readdirSync(join(out, "exercises")), ["gates.ipynb", "plain.ipynb"]);
    assert.deepEqual(readdirSync(join(out, "solutions")), ["gates.ipynb", "plain.ipynb"]);
    const exercise = readFileSync(join(out, "exercises", "gates.ipynb"), "utf8");
    assert.match(exercise, /not implemented yet: and-gate/);
    assert.doesNotMatch(exercise, /HIDDEN|a & b|leftover/);
    assert.ok(exercise.startsWith('{\n "cells": [\n  {\n'), "indent 1, as Jupyter writes");
    assert.ok(exercise.endsWith("}\n"));
    assert.doesNotMatch(readFileSync(join(out, "solutions", "plain.ipynb"), "utf8"), /"1\\n"/, "outputs cleared in plain copies");

    // A second build changes nothing: same bytes.
    const second = await runCourse(["build", "--source", source, "--out", out]);
    assert.equal(second.code, 0);
    assert.match(second.stdout, /0 written, 4 already up to date/);
    assert.equal(readFileSync(join(out, "exercises", "gates.ipynb"), "utf8"), exercise);

    const clean = await runCourse(["build", "--check", "--source", source, "--out", out]);
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /up to date/);

    // Drift: an edited exercise, a missing solution and a stale file.
    writeFileSync(join(out, "exercises", "gates.ipynb"), exercise.replace("not implemented yet", "todo"));
    rmSync(join(out, "solutions", "plain.ipynb"));
    writeFileSync(join(out, "exercises", "old.ipynb"), "{}");
    const drift = await runCourse(["build", "--check", "--source", source, "--out", out]);
    assert.equal(drift.code, 1);
    assert.match(drift.stderr, /3 files are out of date/);
    assert.match(drift.stderr, /exercises\/gates\.ipynb differs from its master/);
    assert.match(drift.stderr, /solutions\/plain\.ipynb is missing/);
    assert.match(drift.stderr, /exercises\/old\.ipynb has no master/);
    assert.match(drift.stderr, /Fix: run `course build`/);
    assert.ok(existsSync(join(out, "exercises", "old.ipynb")), "--check writes nothing");

    const rebuilt = await runCourse(["build", "--source", source, "--out", out]);
    assert.equal(rebuilt.code, 0);
    assert.ok(!existsSync(join(out, "exercises", "old.ipynb")));
    assert.equal(readFileSync(join(out, "exercises", "gates.ipynb"), "utf8"), exercise);
  });
});

test("course build stops with exit 1 and writes nothing when a master has errors", async () => {
  await withTemp(async (dir) => {
    const source = join(dir, "masters");
    mkdirSync(source);
    const nb = master();
    nb.cells.push(code("// BEGIN SOLUTION\nx", answer("and-gate"), "bad"));
    writeFileSync(join(source, "broken.ipynb"), serializeNotebook(nb));
    const out = join(dir, "release");
    const r = await runCourse(["build", "--source", source, "--out", out]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /broken\.ipynb: cell 6 \(grade_id "and-gate"\): the grade_id "and-gate" is also used by cell 3/);
    assert.match(r.stderr, /broken\.ipynb: cell 6 \(grade_id "and-gate"\), line 1: "BEGIN SOLUTION" is never closed/);
    assert.match(r.stderr, /nothing was written/);
    assert.ok(!existsSync(out));
  });
});

test("course build: help, usage errors and a missing source folder", async () => {
  const help = await runCourse(["build", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: course build/);
  for (const word of ["--check", "--source", "--out", "BEGIN SOLUTION", "HIDDEN TESTS", "Exit codes"])
    assert.ok(help.stdout.includes(word), word);
  const bogus = await runCourse(["build", "--bogus"]);
  assert.equal(bogus.code, 2);
  const missing = await runCourse(["build", "--source", join(tmpdir(), "no-such-masters-folder")]);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /does not exist/);
});
