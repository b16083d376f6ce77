/**
 * What `course run` and `course export --csv` refuse before doing any work: running an
 * instructor master in place (it would write outputs, hidden tests' included, into
 * the master), notebooks that are missing or are not notebooks (each with the fix that
 * fits), and a CSV export from a gradebook with no grades. No kernel starts in these
 * tests; test/integration/run-masters.test.ts runs masters where they may go.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { projectRoot, runCourse } from "../helpers/cli";
import { holdsInstructorContent } from "../../scripts/src/notebook/master";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import { newCodeCell, newNotebook, parseNotebook, writeNotebook } from "../../scripts/src/notebook";

function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-run-export-"));
  return fn(dir).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

function writeMaster(file: string): void {
  const answer = newCodeCell("function f() {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}", {
    nbgrader: { schema_version: 3, grade_id: "f", solution: true, grade: false, locked: false, task: false },
  });
  writeNotebook(file, newNotebook([answer]));
}

test("masters are told apart from the learners' versions by what they hold, not by their folder", () => {
  for (const folder of ["notebooks", "exercises", "solutions"]) {
    for (const name of fs.readdirSync(path.join(projectRoot, folder)).filter((f) => f.endsWith(".ipynb"))) {
      const notebook = parseNotebook(fs.readFileSync(path.join(projectRoot, folder, name), "utf8"), name);
      assert.equal(holdsInstructorContent(notebook), folder === "notebooks", `${folder}/${name}`);
    }
  }
  assert.equal(
    holdsInstructorContent(newNotebook([newCodeCell("// BEGIN HIDDEN TESTS\ncheck.equal(1, 1);\n// END HIDDEN TESTS")])),
    true,
    "hidden tests alone make a master",
  );
  assert.equal(
    holdsInstructorContent(newNotebook([newCodeCell('console.log("BEGIN SOLUTION is just text here")')])),
    false,
    "marker words inside a line are not a marker",
  );
});

test("course run does not overwrite a master unless told to, and says where the outputs can go", async () => {
  await withTemp(async (dir) => {
    const master = path.join(dir, "masters", "01-topic.ipynb");
    fs.mkdirSync(path.dirname(master));
    writeMaster(master);
    const before = fs.readFileSync(master, "utf8");
    for (const args of [[master], [path.dirname(master)], [master, "-j", "2"]]) {
      const r = await runCourse(["run", ...args]);
      const what = `course run ${args.join(" ")}\n${r.stdout}${r.stderr}`;
      assert.equal(r.code, 2, what);
      assert.match(r.stderr, /01-topic\.ipynb is an instructor master \(it holds solutions or hidden tests\).*Nothing was run\./, what);
      assert.match(
        r.stderr,
        /Fix: write the executed copies elsewhere with --output-dir DIR \(or --output FILE\), or pass --in-place/,
        what,
      );
      assert.doesNotMatch(r.stdout, /running/, what);
      assert.equal(fs.readFileSync(master, "utf8"), before, "the master is untouched");
    }
  });
});

test("course run names a missing file and a non-notebook with fixes that fit, and runs nothing", async () => {
  await withTemp(async (dir) => {
    const notes = path.join(dir, "notes.md");
    fs.writeFileSync(notes, "# my notes\n");
    const r = await runCourse(["run", path.join(dir, "gone.ipynb"), notes]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /2 notebooks cannot be run:\n {2}.*gone\.ipynb: no such file\.\n {2}.*notes\.md: a \.md file, not a notebook/);
    assert.match(r.stderr, /Fix: check the path and the file name \(notebooks end in \.ipynb\); name a \.ipynb notebook instead\./);
    assert.doesNotMatch(r.stderr, /repair|valid JSON/);
    assert.equal(fs.readFileSync(notes, "utf8"), "# my notes\n");
  });
});

test("course export --csv without grades exits 3, writes no CSV and keeps an earlier one", async () => {
  await withTemp(async (dir) => {
    const out = path.join(dir, "grades.csv");
    const missing = await runCourse(["export", "--csv", "--gradebook", path.join(dir, "none.sqlite"), "--out", out]);
    assert.equal(missing.code, 3, missing.stderr);
    assert.match(missing.stderr, /course export: there is no gradebook at .*none\.sqlite\.\nFix: .*course grade/);
    assert.ok(!fs.existsSync(out), "no CSV written");

    // A blank gradebook: what a first grading run that stopped early leaves, or an empty file.
    fs.writeFileSync(out, "student,total\r\nada,7\r\n");
    for (const blank of [path.join(dir, "empty.sqlite"), path.join(dir, "new.sqlite")]) {
      if (blank.endsWith("empty.sqlite")) fs.writeFileSync(blank, "");
      else Gradebook.open(blank).close();
      for (const target of [out, "-"]) {
        const r = await runCourse(["export", "--csv", "--gradebook", blank, "--out", target]);
        assert.equal(r.code, 3, r.stderr);
        assert.match(r.stderr, /holds no grades yet; no CSV was written\.\nFix: grade the submissions first \(`course grade DIR`\)/);
        assert.equal(r.stdout, "", "nothing on standard output either");
      }
      assert.equal(fs.readFileSync(out, "utf8"), "student,total\r\nada,7\r\n", "the earlier export is kept");
    }
    // Not a gradebook of ours at all: still refused as before.
    const other = path.join(dir, "other.sqlite");
    const db = new Database(other);
    db.exec("CREATE TABLE t (x)");
    db.close();
    const r = await runCourse(["export", "--csv", "--gradebook", other, "--out", out]);
    assert.equal(r.code, 2, r.stderr);
  });
});
