// Releasing a folder of masters (scripts/src/assign/release-all.ts): everything is
// checked before anything is written, --check writes nothing, and the output folders
// hold exactly what the masters produce. The command's printing is tested through the
// command line in assign-build.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { releaseAfterRun, releaseAll } from "../../scripts/src/assign/release-all";
import { newCodeCell, newNotebook, serializeNotebook } from "../../scripts/src/notebook";

const answer = (id: string) => ({
  nbgrader: { schema_version: 3, grade_id: id, solution: true, grade: false, locked: false, task: false },
});

function withFolders(fn: (source: string, out: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "nncourse-release-"));
  try {
    const source = join(dir, "masters");
    mkdirSync(source);
    writeFileSync(
      join(source, "a.ipynb"),
      serializeNotebook(newNotebook([newCodeCell("// BEGIN SOLUTION\nx;\n// END SOLUTION", answer("a"))])),
    );
    writeFileSync(join(source, "plain.ipynb"), serializeNotebook(newNotebook([newCodeCell("1;")])));
    fn(source, join(dir, "out"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a release writes both versions of every notebook, then finds them up to date", () => {
  withFolders((source, out) => {
    const first = releaseAll({ source, out, check: false });
    assert.equal(first.outcome, "built");
    assert.ok(first.outcome === "built");
    assert.deepEqual([first.notebooks, first.masters, first.findings], [2, 1, []]);
    assert.deepEqual(
      first.written,
      ["exercises/a.ipynb", "solutions/a.ipynb", "exercises/plain.ipynb", "solutions/plain.ipynb"].map((f) => join(out, f)),
    );
    assert.deepEqual([first.removed, first.upToDate], [[], 0]);

    const again = releaseAll({ source, out, check: false });
    assert.ok(again.outcome === "built");
    assert.deepEqual([again.written, again.upToDate], [[], 4]);
    const checked = releaseAll({ source, out, check: true });
    assert.ok(checked.outcome === "checked");
    assert.deepEqual(checked.outOfDate, []);
  });
});

test("--check names what is missing, what differs and what has no master, in that order, and writes nothing", () => {
  withFolders((source, out) => {
    releaseAll({ source, out, check: false });
    rmSync(join(out, "solutions", "plain.ipynb"));
    writeFileSync(join(out, "exercises", "a.ipynb"), "{}");
    writeFileSync(join(out, "exercises", "gone.ipynb"), "{}");
    const checked = releaseAll({ source, out, check: true });
    assert.ok(checked.outcome === "checked");
    assert.deepEqual(checked.outOfDate, [
      { file: join(out, "exercises", "a.ipynb"), problem: "differs" },
      { file: join(out, "solutions", "plain.ipynb"), problem: "missing" },
      { file: join(out, "exercises", "gone.ipynb"), problem: "no master" },
    ]);
    assert.ok(existsSync(join(out, "exercises", "gone.ipynb")) && !existsSync(join(out, "solutions", "plain.ipynb")));

    const rebuilt = releaseAll({ source, out, check: false });
    assert.ok(rebuilt.outcome === "built");
    assert.deepEqual(rebuilt.removed, [join(out, "exercises", "gone.ipynb")]);
    assert.deepEqual(rebuilt.written, [join(out, "exercises", "a.ipynb"), join(out, "solutions", "plain.ipynb")]);
    assert.equal(rebuilt.upToDate, 2);
    assert.deepEqual(readdirSync(join(out, "exercises")), ["a.ipynb", "plain.ipynb"]);
  });
});

test("one error in any master stops the release before anything is written; findings name the notebook as shown", () => {
  withFolders((source, out) => {
    writeFileSync(join(source, "b.ipynb"), serializeNotebook(newNotebook([newCodeCell("// BEGIN SOLUTION\nx;", answer("b"))])));
    const result = releaseAll({ source, out, check: false, show: (file) => `<${file.slice(source.length + 1)}>` });
    assert.equal(result.outcome, "invalid");
    assert.deepEqual(
      result.findings.map((f) => [f.severity, f.notebook, f.message]),
      [["error", "<b.ipynb>", '"BEGIN SOLUTION" is never closed.']],
    );
    assert.ok(!existsSync(out), "nothing written");
  });
});

test("a missing or empty source folder, or one that is an output folder, is refused with a fix", () => {
  withFolders((source, out) => {
    assert.throws(() => releaseAll({ source: join(source, "nope"), out, check: false }), /does not exist/);
    const empty = join(source, "..", "empty");
    mkdirSync(empty);
    assert.throws(() => releaseAll({ source: empty, out, check: false }), /holds no \.ipynb notebooks/);
    const exercises = join(source, "..", "exercises");
    mkdirSync(exercises);
    writeFileSync(join(exercises, "a.ipynb"), serializeNotebook(newNotebook()));
    assert.throws(() => releaseAll({ source: exercises, out: join(source, ".."), check: false }), /one of the output folders/);
  });
});

test("only the source's own notebooks are read, and only stale notebooks are removed from the output", () => {
  withFolders((source, out) => {
    writeFileSync(join(source, "README.md"), "# Masters");
    writeFileSync(join(source, ".scratch.ipynb"), "not a notebook");
    mkdirSync(join(source, "data"));
    const first = releaseAll({ source, out, check: false });
    assert.ok(first.outcome === "built");
    assert.equal(first.notebooks, 2);
    writeFileSync(join(out, "exercises", "data.csv"), "x,y\n");
    const again = releaseAll({ source, out, check: false });
    assert.ok(again.outcome === "built");
    assert.deepEqual(again.removed, []);
    assert.ok(existsSync(join(out, "exercises", "data.csv")), "a file that is no notebook is the course's own");
  });
});

test("warnings do not stop a release, and the findings are named relative to the current folder by default", () => {
  withFolders((source, out) => {
    const unlocked = {
      nbgrader: { schema_version: 3, grade_id: "t", solution: false, grade: true, locked: false, task: false, points: 1 },
    };
    writeFileSync(join(source, "b.ipynb"), serializeNotebook(newNotebook([newCodeCell("check.equal(1, 1);", unlocked)])));
    const result = releaseAll({ source, out, check: false });
    assert.equal(result.outcome, "built");
    assert.deepEqual(
      result.findings.map((f) => [f.severity, f.notebook]),
      [["warning", relative(process.cwd(), join(source, "b.ipynb"))]],
    );
  });
});

test("a wrong-answer file without its master, or that is no JSON, is an error with a fix; a folder in its place is thrown", () => {
  withFolders((source, out) => {
    mkdirSync(join(source, "wrong-answers"));
    writeFileSync(join(source, "wrong-answers", "gone.json"), JSON.stringify({ answers: [] }));
    const result = releaseAll({ source, out, check: false, show: (file) => file.slice(source.length + 1) });
    assert.deepEqual(result.findings, [
      {
        severity: "error",
        notebook: "wrong-answers/gone.json",
        message: "a wrong-answer file without its master (the folder holds <master name>.json for each master).",
        fix: "rename it after its master, or delete it with the master.",
      },
    ]);
    rmSync(join(source, "wrong-answers", "gone.json"));
    writeFileSync(join(source, "wrong-answers", "a.json"), "{");
    const broken = releaseAll({ source, out, check: false, show: (file) => file.slice(source.length + 1) });
    assert.deepEqual(
      broken.findings.map((f) => [f.severity, f.notebook, f.fix]),
      [["error", "wrong-answers/a.json", "correct the file's JSON syntax."]],
    );
    // A folder where the file should be is the machine's problem, not the author's slip: it is thrown.
    rmSync(join(source, "wrong-answers", "a.json"));
    mkdirSync(join(source, "wrong-answers", "a.json"));
    assert.throws(() => releaseAll({ source, out, check: false }), /EISDIR/);
  });
});

test("the output's solutions/ as the source is refused too; a missing or empty source says how to name it", () => {
  withFolders((source, out) => {
    const solutions = join(source, "..", "solutions");
    mkdirSync(solutions);
    writeFileSync(join(solutions, "a.ipynb"), serializeNotebook(newNotebook()));
    assert.throws(
      () => releaseAll({ source: solutions, out: join(source, ".."), check: false }),
      (error: Error & { fix?: string }) => /one of the output folders/.test(error.message) && error.fix === "pick another --out.",
    );
    for (const folder of [join(source, "nope"), join(out, "empty")]) {
      mkdirSync(join(out, "empty"), { recursive: true });
      assert.throws(
        () => releaseAll({ source: folder, out, check: false }),
        (error: Error & { fix?: string }) => error.fix === "name the folder of master notebooks with --source DIR.",
      );
    }
  });
});

test("a release after running masters checks the names asked for, and runs none when asked for none", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nncourse-release-"));
  try {
    const source = join(dir, "masters");
    mkdirSync(source);
    for (const name of ["a", "b"])
      writeFileSync(
        join(source, `${name}.ipynb`),
        serializeNotebook(newNotebook([newCodeCell("// BEGIN SOLUTION\nx;\n// END SOLUTION", answer(name))])),
      );
    const out = join(dir, "out");
    const options = { source, out, check: false, show: (file: string) => file.slice(dir.length + 1) };
    await assert.rejects(
      releaseAfterRun(options, { only: ["a", "c", "d"] }),
      (error: Error & { fix?: string }) => error.message === 'no master named "c", "d" in masters.' && error.fix === "name one of: a, b.",
    );
    assert.ok(!existsSync(out), "nothing written");
    // A warning is no reason not to run: the names asked for are still checked.
    const unlocked = {
      nbgrader: { schema_version: 3, grade_id: "t", solution: false, grade: true, locked: false, task: false, points: 1 },
    };
    writeFileSync(join(source, "w.ipynb"), serializeNotebook(newNotebook([newCodeCell("check.equal(1, 1);", unlocked)])));
    await assert.rejects(releaseAfterRun(options, { only: ["zz"] }), /no master named "zz"/);
    const started: string[] = [];
    const built = await releaseAfterRun(options, { only: [], onStart: (name) => started.push(name) });
    assert.equal(built.outcome, "built");
    assert.equal(started.length, 0, "no master run");
    // A master with errors is never run: its findings stop the release first.
    writeFileSync(join(source, "c.ipynb"), serializeNotebook(newNotebook([newCodeCell("// BEGIN SOLUTION\nx;", answer("c"))])));
    const invalid = await releaseAfterRun(options, { only: ["zz"], onStart: (name) => started.push(name) });
    assert.equal(invalid.outcome, "invalid");
    assert.equal(started.length, 0, "no master run");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
