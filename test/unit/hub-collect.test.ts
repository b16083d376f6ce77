// course collect: which learner notebooks are taken (the rules, then a real folder
// tree), and that an earlier collection is never overwritten unasked.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pickSubmissions, planCollect, studentNameProblem, type FoundNotebook } from "../../scripts/src/hub/collect-plan";
import { applyCollect, existingCopy, hashFile, scanLearnerFolders } from "../../scripts/src/hub/collect";
import { runCourse } from "../helpers/cli";

const found = (student: string, relative: string, mtimeMs = 1000): FoundNotebook => ({
  student,
  relative,
  stem: path.basename(relative, ".ipynb"),
  mtimeMs,
});
const assignments = new Set(["01-neuron", "02-perceptron"]);

describe("choosing the learners' notebooks", () => {
  test("notebooks named after an assignment are taken; others are listed, not taken", () => {
    const picks = pickSubmissions(
      [found("ada", "nncourse/01-neuron.ipynb"), found("ada", "nncourse/Untitled.ipynb"), found("bob", "02-perceptron.ipynb")],
      assignments,
    );
    assert.deepEqual(
      picks.picked.map((p) => [p.student, p.assignment]),
      [
        ["ada", "01-neuron"],
        ["bob", "02-perceptron"],
      ],
    );
    assert.deepEqual(
      picks.others.map((o) => o.relative),
      ["nncourse/Untitled.ipynb"],
    );
  });

  test("of one learner's two copies the one saved last is taken, whatever order they were found in", () => {
    const older = found("ada", "nncourse/01-neuron.ipynb", 1000);
    const newer = found("ada", "Downloads/01-neuron.ipynb", 2000);
    for (const order of [
      [older, newer],
      [newer, older],
    ]) {
      const picks = pickSubmissions(order, assignments);
      assert.equal(picks.picked.length, 1);
      assert.equal(picks.picked[0]!.found.relative, "Downloads/01-neuron.ipynb");
      assert.deepEqual(picks.duplicates, [
        { student: "ada", assignment: "01-neuron", taken: "Downloads/01-neuron.ipynb", left: ["nncourse/01-neuron.ipynb"] },
      ]);
    }
  });

  test("saved at the same moment: the shallower path wins (the course folder over a copy in a subfolder)", () => {
    const picks = pickSubmissions([found("ada", "nncourse/old/01-neuron.ipynb"), found("ada", "nncourse/01-neuron.ipynb")], assignments);
    assert.equal(picks.picked[0]!.found.relative, "nncourse/01-neuron.ipynb");
  });

  test("two learners with the same assignment are two submissions, not duplicates", () => {
    const picks = pickSubmissions([found("ada", "01-neuron.ipynb"), found("bob", "01-neuron.ipynb")], assignments);
    assert.equal(picks.picked.length, 2);
    assert.deepEqual(picks.duplicates, []);
  });

  test("names that cannot be a student's", () => {
    for (const ok of ["ada", "o'brien", "Zoë Müller", "student_42", "ana-maria"]) assert.equal(studentNameProblem(ok), undefined, ok);
    assert.match(studentNameProblem(".ada") ?? "", /hidden/);
    assert.match(studentNameProblem("ada\n") ?? "", /control characters/);
    assert.match(studentNameProblem(" ada") ?? "", /space/);
  });
});

describe("against what submissions/ already holds", () => {
  const picks = pickSubmissions(
    [found("ada", "01-neuron.ipynb"), found("bob", "01-neuron.ipynb"), found("cy", "01-neuron.ipynb")],
    assignments,
  ).picked;
  const there: Record<string, string> = { ada: "same", bob: "old" };
  const existing = (student: string) => there[student];
  const hashOf = () => "same";

  test("new, identical and different copies; a different one is a conflict unless replacing was asked for", () => {
    const plan = planCollect(picks, existing, hashOf, false);
    assert.deepEqual(
      plan.steps.map((s) => [s.student, s.action]),
      [
        ["ada", "unchanged"],
        ["cy", "new"],
      ],
    );
    assert.deepEqual(
      plan.conflicts.map((c) => c.student),
      ["bob"],
    );
    const replacing = planCollect(picks, existing, hashOf, true);
    assert.deepEqual(
      replacing.steps.map((s) => [s.student, s.action]),
      [
        ["ada", "unchanged"],
        ["bob", "replace"],
        ["cy", "new"],
      ],
    );
    assert.deepEqual(replacing.conflicts, []);
  });
});

describe("a real tree of learners' folders", () => {
  function tree() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "hub-collect-"));
    const home = path.join(root, "home");
    const put = (relative: string, text: string, mtime?: string) => {
      const file = path.join(home, relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      if (mtime) fs.utimesSync(file, new Date(mtime), new Date(mtime));
    };
    put("ada/nncourse/01-neuron.ipynb", "ada's answer");
    put("ada/nncourse/.ipynb_checkpoints/01-neuron-checkpoint.ipynb", "a checkpoint");
    put("ada/Downloads/01-neuron.ipynb", "outside the course folder: not looked at");
    put("bob/work/02-perceptron.ipynb", "bob has no course folder");
    put("bob/secret.txt", "another learner's secret");
    fs.symlinkSync(path.join(home, "bob", "secret.txt"), path.join(home, "bob", "01-neuron.ipynb"));
    put(".snapshots/ada/01-neuron.ipynb", "not a learner");
    put("lost+found/01-neuron.ipynb", "not a learner");
    put("stray.ipynb", "whose?");
    return { root, home, out: path.join(root, "submissions") };
  }

  test("the course folder when a learner has one, else their whole folder; no links, no hidden folders", () => {
    const { root, home } = tree();
    try {
      const scan = scanLearnerFolders(home, "nncourse");
      assert.deepEqual(scan.students, ["ada", "bob"]);
      assert.deepEqual(
        scan.found.map((f) => `${f.student}:${f.relative}`),
        ["ada:nncourse/01-neuron.ipynb", "bob:work/02-perceptron.ipynb"],
      );
      assert.deepEqual(
        scan.refused.map((r) => `${path.relative(home, r.path)}: ${r.reason.split(":")[0]}`),
        ["bob/01-neuron.ipynb: a link", "stray.ipynb: a notebook outside any learner's folder"],
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test("a save time the learner set back is not believed: the file's last change counts, and the run says so", () => {
    // `touch -d` (or fs.utimesSync from the learner's own kernel) sets the modification
    // time to anything; the change time is the kernel's own, moved to now by that too.
    const { root, home } = tree();
    try {
      const before = Date.now() - 5_000;
      const notebook = path.join(home, "ada", "nncourse", "01-neuron.ipynb");
      fs.utimesSync(notebook, new Date("2020-01-01T00:00:00Z"), new Date("2020-01-01T00:00:00Z"));
      const scan = scanLearnerFolders(home, "nncourse");
      const ada = scan.found.find((f) => f.student === "ada")!;
      assert.ok(ada.mtimeMs >= before, `the save time ${new Date(ada.mtimeMs).toISOString()} is not the one set back`);
      assert.equal(scan.notes.length, 1);
      assert.match(scan.notes[0]!, /01-neuron\.ipynb: its modification time, 2020-01-01 00:00 UTC, is earlier than its last change/);
      assert.ok(!scan.notes.some((n) => n.includes("02-perceptron")), "a notebook saved as usual gets no note");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test("copies are private, keep the save time, and a replaced copy is kept aside", () => {
    const { root, home, out } = tree();
    try {
      const collect = (replace: boolean) => {
        const picks = pickSubmissions(scanLearnerFolders(home, "nncourse").found, assignments);
        const plan = planCollect(
          picks.picked,
          (s, a) => existingCopy(out, s, a),
          (p) => hashFile(p.found.file),
          replace,
        );
        return { plan, written: plan.conflicts.length === 0 ? applyCollect(plan, out, new Date("2026-03-09T12:00:00Z")) : undefined };
      };
      const first = collect(false);
      assert.equal(first.written?.written, 2);
      const copy = path.join(out, "ada", "01-neuron.ipynb");
      assert.equal(fs.readFileSync(copy, "utf8"), "ada's answer");
      assert.equal(fs.statSync(copy).mode & 0o777, 0o600);
      assert.equal(fs.statSync(out).mode & 0o777, 0o700);
      const saved = fs.statSync(path.join(home, "ada", "nncourse", "01-neuron.ipynb"));
      const kept = fs.statSync(copy).mtimeMs;
      assert.ok(Math.abs(kept - Math.max(saved.mtimeMs, saved.ctimeMs)) < 1, "the learner's save time (to the millisecond a Date holds)");

      fs.writeFileSync(path.join(home, "ada", "nncourse", "01-neuron.ipynb"), "ada kept working after the deadline");
      const second = collect(false);
      assert.equal(second.written, undefined, "a differing copy stops the collection");
      assert.equal(fs.readFileSync(copy, "utf8"), "ada's answer", "and nothing was written");

      const third = collect(true);
      assert.equal(third.written?.written, 1);
      assert.equal(fs.readFileSync(copy, "utf8"), "ada kept working after the deadline");
      const aside = path.join(out, ".replaced", "2026-03-09T12-00-00", "ada", "01-neuron.ipynb");
      assert.equal(third.written?.replacedInto, path.dirname(path.dirname(aside)));
      assert.equal(fs.readFileSync(aside, "utf8"), "ada's answer", "the replaced copy is kept");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test("the command: a conflict exits 1 and names the fix; an unknown assignment is a usage error", async () => {
    const { root, home, out } = tree();
    try {
      const masters = path.join(root, "masters");
      fs.mkdirSync(masters);
      const master = JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          {
            cell_type: "code",
            metadata: { nbgrader: { grade_id: "x", solution: true, grade: false, locked: false } },
            source: "",
            outputs: [],
            execution_count: null,
          },
        ],
      });
      for (const name of assignments) fs.writeFileSync(path.join(masters, `${name}.ipynb`), master);
      const run = (...extra: string[]) => runCourse(["collect", home, "--out", out, "--masters", masters, ...extra]);
      const first = await run();
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /new: 2, unchanged: 0, replaced: 0/);
      assert.match(first.stdout, /refused .*01-neuron\.ipynb: a link/);
      fs.writeFileSync(path.join(home, "ada", "nncourse", "01-neuron.ipynb"), "changed");
      const conflict = await run();
      assert.equal(conflict.code, 1);
      assert.match(conflict.stderr, /differ from the copy .* already holds, so nothing was written/);
      assert.match(conflict.stderr, /Fix: .*--assignment NAME.*--replace/);
      const onlyOther = await run("--assignment", "02-perceptron");
      assert.equal(onlyOther.code, 0, "another week's assignment is collected beside the conflicting one");
      const unknown = await run("--assignment", "03-nothing");
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /"03-nothing" is no assignment's name/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
