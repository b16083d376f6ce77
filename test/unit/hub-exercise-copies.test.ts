// The learners' copies of the exercises: what a course update does to a learner's
// folder (the rule, then the files), never overwriting what a learner changed.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { planExerciseCopies, type CourseNotebook } from "../../scripts/src/hub/exercise-copies";
import { COPY_RECORD_FILE, copyExercises, describeCopy } from "../../scripts/src/hub/copy-exercises";

const nb = (name: string, sha256: string): CourseNotebook => ({ name, sha256 });
const files = (entries: Record<string, string>) => new Map(Object.entries(entries));
const kinds = (plan: ReturnType<typeof planExerciseCopies>) =>
  Object.fromEntries(plan.steps.map((s) => [s.name, s.kind === "keep" || s.kind === "copy" ? `${s.kind}:${s.why}` : s.kind]));

describe("the rule for a learner's folder", () => {
  test("first login: every notebook is copied and recorded", () => {
    const plan = planExerciseCopies([nb("01.ipynb", "a1"), nb("02.ipynb", "b1")], files({}), {});
    assert.deepEqual(kinds(plan), { "01.ipynb": "copy:new", "02.ipynb": "copy:new" });
    assert.deepEqual(plan.record, { "01.ipynb": "a1", "02.ipynb": "b1" });
  });

  test("a course update: the new notebook appears, the learner's changed one is kept, an untouched one follows the course", () => {
    const plan = planExerciseCopies(
      [nb("01.ipynb", "a2"), nb("02.ipynb", "b2"), nb("03.ipynb", "c1")],
      files({ "01.ipynb": "learner-work", "02.ipynb": "b1" }),
      { "01.ipynb": "a1", "02.ipynb": "b1" },
    );
    assert.deepEqual(kinds(plan), { "01.ipynb": "keep:changed-by-learner", "02.ipynb": "update", "03.ipynb": "copy:new" });
    // The changed notebook stays recorded as what we gave, not as the course's new version:
    // recording "a2" would make the learner's work look untouched after the next update.
    assert.deepEqual(plan.record, { "01.ipynb": "a1", "02.ipynb": "b2", "03.ipynb": "c1" });
  });

  test("a file the learner changed is kept even when the course's notebook did not change", () => {
    const plan = planExerciseCopies([nb("01.ipynb", "a1")], files({ "01.ipynb": "learner-work" }), { "01.ipynb": "a1" });
    assert.deepEqual(kinds(plan), { "01.ipynb": "keep:changed-by-learner" });
  });

  test("without a record, every notebook already there is the learner's own (a lost record never overwrites)", () => {
    const plan = planExerciseCopies([nb("01.ipynb", "a2"), nb("02.ipynb", "b1")], files({ "01.ipynb": "a1", "02.ipynb": "b1" }), {});
    assert.deepEqual(kinds(plan), { "01.ipynb": "keep:learner's-own", "02.ipynb": "keep:up-to-date" });
    assert.deepEqual(plan.record, { "02.ipynb": "b1" }, "only the identical one follows the course from now on");
  });

  test("a notebook the learner deleted comes back fresh, in the course's current version", () => {
    const plan = planExerciseCopies([nb("01.ipynb", "a2")], files({}), { "01.ipynb": "a1" });
    assert.deepEqual(kinds(plan), { "01.ipynb": "copy:restored" });
    assert.equal(plan.record["01.ipynb"], "a2");
  });

  test("notebooks the course dropped are left alone, with their record entries", () => {
    const plan = planExerciseCopies([nb("01.ipynb", "a1")], files({ "01.ipynb": "a1", "old.ipynb": "o1" }), {
      "01.ipynb": "a1",
      "old.ipynb": "o1",
    });
    assert.deepEqual(
      plan.steps.map((s) => s.name),
      ["01.ipynb"],
    );
    assert.equal(plan.record["old.ipynb"], "o1");
  });
});

describe("copying into a learner's folder", () => {
  const setup = () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "hub-copies-"));
    const course = path.join(root, "exercises");
    const learner = path.join(root, "home", "nncourse");
    fs.mkdirSync(course, { recursive: true });
    return { root, course, learner };
  };
  const write = (file: string, text: string) => fs.writeFileSync(file, text);
  const read = (file: string) => fs.readFileSync(file, "utf8");

  test("first copy, a course update, a learner's edit and a deletion, end to end", () => {
    const { root, course, learner } = setup();
    try {
      write(path.join(course, "01.ipynb"), "one v1");
      write(path.join(course, "02.ipynb"), "two v1");
      write(path.join(course, "notes.txt"), "not a notebook");
      const first = copyExercises(course, learner);
      assert.deepEqual(fs.readdirSync(learner).sort(), [COPY_RECORD_FILE, "01.ipynb", "02.ipynb"].sort());
      assert.equal(fs.statSync(learner).mode & 0o777, 0o700, "the course folder is private");
      assert.equal(fs.statSync(path.join(learner, "01.ipynb")).mode & 0o777, 0o600, "a copy is private");
      assert.match(describeCopy(first), /new \(2\): 01\.ipynb, 02\.ipynb/);

      write(path.join(learner, "01.ipynb"), "one: the learner's answers");
      fs.rmSync(path.join(learner, "02.ipynb"));
      write(path.join(course, "01.ipynb"), "one v2");
      write(path.join(course, "02.ipynb"), "two v2");
      write(path.join(course, "03.ipynb"), "three v1");
      const second = copyExercises(course, learner);
      assert.equal(read(path.join(learner, "01.ipynb")), "one: the learner's answers", "the learner's work is never overwritten");
      assert.equal(read(path.join(learner, "02.ipynb")), "two v2", "a deleted notebook comes back in the current version");
      assert.equal(read(path.join(learner, "03.ipynb")), "three v1", "the new notebook appears");
      assert.match(describeCopy(second), /kept as you changed them \(1\): 01\.ipynb/);

      write(path.join(course, "03.ipynb"), "three v2");
      copyExercises(course, learner);
      assert.equal(read(path.join(learner, "03.ipynb")), "three v2", "an untouched copy follows the course");
      write(path.join(course, "01.ipynb"), "one v3");
      copyExercises(course, learner);
      assert.equal(read(path.join(learner, "01.ipynb")), "one: the learner's answers", "still the learner's after another update");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test("a damaged record keeps everything already there and says so", () => {
    const { root, course, learner } = setup();
    try {
      write(path.join(course, "01.ipynb"), "one v1");
      copyExercises(course, learner);
      write(path.join(course, "01.ipynb"), "one v2");
      write(path.join(learner, COPY_RECORD_FILE), "{ not json");
      const outcome = copyExercises(course, learner);
      assert.equal(read(path.join(learner, "01.ipynb")), "one v1", "untouched, but without a record it cannot be known to be");
      assert.match(describeCopy(outcome), /unreadable.*kept as yours/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test("a folder or a link with a notebook's name is the learner's and is left alone", () => {
    const { root, course, learner } = setup();
    try {
      write(path.join(course, "01.ipynb"), "one v1");
      write(path.join(course, "02.ipynb"), "two v1");
      fs.mkdirSync(path.join(learner, "01.ipynb"), { recursive: true });
      const elsewhere = path.join(root, "elsewhere.txt");
      write(elsewhere, "somewhere else");
      fs.symlinkSync(elsewhere, path.join(learner, "02.ipynb"));
      copyExercises(course, learner);
      assert.ok(fs.statSync(path.join(learner, "01.ipynb")).isDirectory());
      assert.ok(fs.lstatSync(path.join(learner, "02.ipynb")).isSymbolicLink());
      assert.equal(read(elsewhere), "somewhere else", "nothing is written through a link");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test("no notebooks in the course is an error that says to build them", () => {
    const { root, course, learner } = setup();
    try {
      assert.throws(() => copyExercises(course, learner), /holds no notebooks[\s\S]*/);
      assert.throws(
        () => copyExercises(course, learner),
        (error: unknown) => /course build/.test((error as { fix?: string }).fix ?? ""),
      );
      assert.ok(!fs.existsSync(learner), "nothing is made for a course with nothing to copy");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
