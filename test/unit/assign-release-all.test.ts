// Releasing a folder of masters (scripts/src/assign/release-all.ts): everything is
// checked before anything is written, --check writes nothing, and the output folders
// hold exactly what the masters produce. The command's printing is tested through the
// command line in assign-build.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { releaseAll } from "../../scripts/src/assign/release-all";
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
