/**
 * `course run` on an instructor master: refused in place by default (see
 * test/unit/run-export-cli.test.ts), run when the outputs go elsewhere or when
 * --in-place asks for it. A learner's own notebook (here: the student version of the
 * same master) is still run in place by default, from a folder outside the course.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCourse } from "../helpers/cli";
import { releaseNotebook } from "../../scripts/src/assign/release";
import { instructorBanner } from "../../scripts/src/notebook/instructor-cells";
import { newCodeCell, newNotebook, readNotebook, serializeNotebook, writeNotebook, type Notebook } from "../../scripts/src/notebook";

function master(): Notebook {
  const answer = newCodeCell(
    'function double(x: number): number {\n  // BEGIN SOLUTION\n  return 2 * x;\n  // END SOLUTION\n}\nconsole.log("answer cell ran");',
    {
      nbgrader: { schema_version: 3, grade_id: "double", solution: true, grade: false, locked: false, task: false },
    },
  );
  const tests = newCodeCell(
    'import { check } from "nncourse/grading";\ncheck.equal(double(2), 4, "double(2)");\n// BEGIN HIDDEN TESTS\ncheck.equal(double(-3), -6, "double(-3)");\n// END HIDDEN TESTS',
    {
      nbgrader: { schema_version: 3, grade_id: "double-tests", solution: false, grade: true, locked: true, task: false, points: 1 },
    },
  );
  return newNotebook([instructorBanner("01-double.ipynb"), answer, tests]);
}

const ran = (notebook: Notebook) => notebook.cells.filter((c) => c.cell_type === "code" && c.execution_count !== null).length;

test("a master runs into --output-dir or, when asked, --in-place; a learner's notebook runs in place", { timeout: 240_000 }, async () => {
  // Outside the project on purpose: a learner's download folder, an instructor's private masters.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-run-masters-"));
  try {
    const file = path.join(dir, "masters", "01-double.ipynb");
    fs.mkdirSync(path.dirname(file));
    writeNotebook(file, master());
    const before = fs.readFileSync(file, "utf8");

    const out = path.join(dir, "executed");
    const copy = await runCourse(["run", file, "--output-dir", out, "-q"], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(copy.code, 0, copy.stdout + copy.stderr);
    assert.equal(fs.readFileSync(file, "utf8"), before, "--output-dir leaves the master as it was");
    assert.equal(ran(readNotebook(path.join(out, "01-double.ipynb"))), 2, "the executed copy has its outputs");

    const inPlace = await runCourse(["run", file, "--in-place", "-q"], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(inPlace.code, 0, inPlace.stdout + inPlace.stderr);
    assert.equal(ran(readNotebook(file)), 2, "--in-place overwrites the master, as asked");

    // The student version: no solutions, no hidden tests, so in place is the default.
    const exercise = path.join(dir, "Downloads", "01-double.ipynb");
    fs.mkdirSync(path.dirname(exercise));
    fs.writeFileSync(exercise, serializeNotebook(releaseNotebook(master(), "solution")));
    const learner = await runCourse(["run", exercise, "-q"], { cwd: os.tmpdir(), timeoutMs: 120_000 });
    assert.equal(learner.code, 0, learner.stdout + learner.stderr);
    assert.equal(ran(readNotebook(exercise)), 2, "a learner's notebook is run and saved in place");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
