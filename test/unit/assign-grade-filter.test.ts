// Grading one assignment against the solutions: `course grade solutions/ --assignment NAME`
// grades that assignment alone, and the folders a notebook run writes (models/, runs/) are
// left out, not reported as rejected files (scripts/src/grade/submissions.ts, narrowForRun).
// The same name chooses what `course build --run` runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { discoverSubmissions, narrowForRun } from "../../scripts/src/grade/submissions";
import { newCodeCell, newNotebook, serializeNotebook } from "../../scripts/src/notebook";
import { runCourse } from "../helpers/cli";

const names = ["00-first", "01-second"];

function withFolder(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-grade-filter-"));
  return Promise.resolve(fn(dir)).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

function write(file: string, text = "{}"): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

test("a run's models/ and runs/ are no rejected files, beside the notebooks or in a student's folder; other strays still are", () =>
  withFolder((dir) => {
    const solutions = path.join(dir, "solutions");
    write(path.join(solutions, "00-first.ipynb"));
    write(path.join(solutions, "01-second.ipynb"));
    write(path.join(solutions, "models", "xor", "model.json"));
    write(path.join(solutions, "runs", "wide-deep.json"));
    write(path.join(solutions, ".ipynb_checkpoints", "00-first-checkpoint.ipynb"));
    write(path.join(solutions, "alice", "00-first.ipynb"));
    write(path.join(solutions, "alice", "models", "weights.bin"));
    write(path.join(solutions, "alice", "notes.txt"));
    const found = narrowForRun(discoverSubmissions(solutions, names));
    assert.deepEqual(
      found.unrecognized.map((u) => u.relative),
      [path.join("alice", "notes.txt")],
    );
    assert.deepEqual(found.submissions.map((s) => `${s.student}/${s.assignment}`).sort(), [
      "alice/00-first",
      "solutions/00-first",
      "solutions/01-second",
    ]);
  }));

test("a notebook inside a run's folder is still reported: only a run's own outputs are left out", () =>
  withFolder((dir) => {
    // A Gradescope folder without the export's metadata: every file in it is reported.
    write(path.join(dir, "submission_9", "runs", "00-first.ipynb"));
    write(path.join(dir, "submission_9", "runs", "log.json"));
    const found = narrowForRun(discoverSubmissions(dir, names));
    assert.deepEqual(
      found.unrecognized.map((u) => u.relative),
      [path.join("submission_9", "runs", "00-first.ipynb")],
    );
  }));

test("with an assignment, only its submissions are kept", () =>
  withFolder((dir) => {
    write(path.join(dir, "00-first.ipynb"));
    write(path.join(dir, "01-second.ipynb"));
    write(path.join(dir, "bob", "01-second.ipynb"));
    write(path.join(dir, "bob", "99-unknown.ipynb"));
    const found = narrowForRun(discoverSubmissions(dir, names), "01-second");
    assert.deepEqual(found.submissions.map((s) => `${s.student}/${s.assignment}`).sort(), [
      "bob/01-second",
      `${path.basename(dir)}/01-second`,
    ]);
  }));

function masters(dir: string): string {
  const folder = path.join(dir, "masters");
  const tests = { nbgrader: { schema_version: 3, grade_id: "t", solution: false, grade: true, locked: true, task: false, points: 1 } };
  for (const name of names) write(path.join(folder, `${name}.ipynb`), serializeNotebook(newNotebook([newCodeCell("1;", tests)])));
  return folder;
}

test("course grade --assignment with a name no master has is a usage error listing the assignments", () =>
  withFolder(async (dir) => {
    write(path.join(dir, "submissions", "00-first.ipynb"));
    const args = ["grade", path.join(dir, "submissions"), "--masters", masters(dir), "--gradebook", path.join(dir, "g.sqlite")];
    const result = await runCourse([...args, "--assignment", "00-frist"], { cwd: dir });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /there is no assignment "00-frist" among the masters in masters\./);
    assert.match(result.stderr, /Fix: name one of: 00-first, 01-second\./);
    assert.equal(fs.existsSync(path.join(dir, "g.sqlite")), false, "nothing opened, nothing graded");
  }));

test("course build: --assignment needs --run, and --run --assignment with an unknown name lists the masters", () =>
  withFolder(async (dir) => {
    const source = masters(dir);
    const alone = await runCourse(["build", "--source", source, "--out", dir, "--assignment", "00-first"], { cwd: dir });
    assert.equal(alone.code, 2, alone.stdout + alone.stderr);
    assert.match(alone.stderr, /--assignment chooses which masters --run runs; it needs --run\./);
    const unknown = await runCourse(["build", "--run", "--source", source, "--out", dir, "--assignment", "02-third"], { cwd: dir });
    assert.equal(unknown.code, 2, unknown.stdout + unknown.stderr);
    assert.match(unknown.stderr, /no master named "02-third" in masters\.\nFix: name one of: 00-first, 01-second\./);
    assert.equal(fs.existsSync(path.join(dir, "exercises")), false, "nothing written");
  }));
