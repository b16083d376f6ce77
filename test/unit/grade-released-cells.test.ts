// A master fixed after release is not a learner's edit: a copy whose read-only cells are
// as an earlier release had them is "master-changed", never "edited"; a real edit still is.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadAssignments } from "../../scripts/src/grade/masters";
import { sanitizeSubmission } from "../../scripts/src/grade/sanitize";
import { addRelease, lockedCells, normalizeSource, releasedCellsFromGit, type ReleasedCells } from "../../scripts/src/grade/released-cells";
import { regradeReason } from "../../scripts/src/grade/regrade";
import { gradeIdOf } from "../../scripts/src/notebook/master";
import type { Notebook } from "../../scripts/src/notebook/model";
import { projectRoot } from "../helpers/cli";

const NAME = "00-sample-assignment";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "released-cells-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** The sample master with a typo fixed in its NOR exercise's text and in a visible test's label. */
function fixedMaster(): string {
  const master = JSON.parse(fs.readFileSync(path.join(projectRoot, "notebooks", `${NAME}.ipynb`), "utf8")) as Notebook;
  for (const cell of master.cells) {
    const id = gradeIdOf(cell);
    const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    if (id === "nor-intro") cell.source = text.replace("Think about", "Think carefully about");
    if (id === "majority-tests")
      cell.source = text.replace('"the number of inputs of your majority unit"', '"the number of inputs of the majority unit"');
  }
  const dir = path.join(work, "masters");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${NAME}.ipynb`), JSON.stringify(master));
  return dir;
}

const before = loadAssignments(path.join(projectRoot, "notebooks")).get(NAME)!;
const after_ = loadAssignments(fixedMaster()).get(NAME)!;
/** What a learner handed in: the student version as released before the fix. */
const handedIn = structuredClone(before.exercise);

function kinds(released?: ReleasedCells): Map<string, string> {
  return new Map(sanitizeSubmission(after_, handedIn, released).issues.map((i) => [i.gradeId, i.kind]));
}

test("without the earlier release, the master's fix reads as the learner's edit (what every learner was told)", () => {
  const found = kinds();
  assert.equal(found.get("nor-intro"), "edited");
  assert.equal(found.get("majority-tests"), "edited");
});

test("with it, both cells are the master's change, and no cell is called edited", () => {
  const released: ReleasedCells = new Map();
  addRelease(released, before.exercise);
  const found = kinds(released);
  assert.equal(found.get("nor-intro"), "master-changed");
  assert.equal(found.get("majority-tests"), "master-changed");
  assert.ok(![...found.values()].includes("edited"), JSON.stringify([...found]));
  assert.equal(
    sanitizeSubmission(after_, handedIn, released).issues.find((i) => i.gradeId === "nor-intro")?.message,
    'the read-only cell "nor-intro" is as an earlier release had it: the master changed after this copy was handed out, and today\'s version was graded.',
  );
  // Grading still runs today's master: the fixed label is what the graded notebook holds.
  const graded = sanitizeSubmission(after_, handedIn, released).notebook;
  const tests = graded.cells.find((c) => gradeIdOf(c) === "majority-tests")!;
  assert.match(Array.isArray(tests.source) ? tests.source.join("") : tests.source, /inputs of the majority unit/);
});

test("a learner's own edit of a read-only cell is still an edit, whatever the releases", () => {
  const released: ReleasedCells = new Map();
  addRelease(released, before.exercise);
  const edited = structuredClone(before.exercise);
  const cell = edited.cells.find((c) => gradeIdOf(c) === "xor-tests")!;
  cell.source = 'check.test("xor", () => {});\n';
  const found = new Map(sanitizeSubmission(after_, edited, released).issues.map((i) => [i.gradeId, i.kind]));
  assert.equal(found.get("xor-tests"), "edited");
  // a cell no earlier release had (added to the master since) is compared with today's only
  released.delete("xor-tests");
  assert.equal(new Map(sanitizeSubmission(after_, edited, released).issues.map((i) => [i.gradeId, i.kind])).get("xor-tests"), "edited");
});

test("the releases are read from the git history of exercises/<name>.ipynb, and a folder without git has none", () => {
  const repo = path.join(work, "course");
  fs.mkdirSync(path.join(repo, "exercises"), { recursive: true });
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.org", ...args], { stdio: "pipe" });
  assert.equal(releasedCellsFromGit(repo, NAME).size, 0, "no repository: no releases, no error");
  git("init", "-q");
  fs.writeFileSync(path.join(repo, "exercises", `${NAME}.ipynb`), JSON.stringify(before.exercise));
  git("add", ".");
  git("commit", "-q", "-m", "first release");
  fs.writeFileSync(path.join(repo, "exercises", `${NAME}.ipynb`), JSON.stringify(after_.exercise));
  git("commit", "-q", "-am", "typo fixed");
  const released = releasedCellsFromGit(repo, NAME);
  assert.equal(released.get("nor-intro")?.size, 2, "both releases of the fixed cell");
  assert.equal(released.get("xor-tests")?.size, 1, "an unchanged cell, once");
  assert.equal(kinds(released).get("nor-intro"), "master-changed");
});

/** A submission graded on 2026-12-01 in the sandbox, and a run that finds it as it was. */
const stored = {
  sha256: "f1",
  masterSha256: "m1",
  status: "graded" as const,
  sandbox: "bubblewrap" as const,
  gradedAt: "2026-12-01T10:00:00.000Z",
};
const now = { sha256: "f1", masterSha256: "m1", sandbox: "bubblewrap" as const, force: false };

test("a regrade says why: a new file, a changed master (told to the learner too), the sandbox, --force", () => {
  assert.equal(regradeReason(undefined, now), undefined);
  assert.equal(regradeReason(stored, now), undefined);
  assert.match(regradeReason(stored, { ...now, sha256: "f2" })!.reason, /new file/);
  const master = regradeReason(stored, { ...now, masterSha256: "m2" })!;
  assert.match(master.reason, /master changed since the grading of 2026-12-01 10:00 UTC/);
  assert.match(master.note!, /^Regraded: /);
  assert.match(regradeReason({ ...stored, sandbox: "none" }, now)!.note!, /sandbox/);
  assert.match(regradeReason(stored, { ...now, force: true })!.note!, /request/);
});

test("a regrade's reasons in full: a failed grading is graded again, an unsandboxed run never asks for one", () => {
  assert.deepEqual(regradeReason({ ...stored, status: "error" as never }, now), { reason: "the grading of 2026-12-01 10:00 UTC failed" });
  assert.deepEqual(regradeReason({ ...stored, sandbox: "none" }, now), {
    reason: "the grading of 2026-12-01 10:00 UTC was made without the sandbox",
    note: "Regraded in the grading sandbox (the grading of 2026-12-01 10:00 UTC was made without it).",
  });
  assert.equal(regradeReason(stored, { ...now, sandbox: "none" }), undefined, "a sandboxed grade stands in an unsandboxed run");
  assert.equal(regradeReason({ ...stored, sandbox: "none" }, { ...now, sandbox: "none" }), undefined);
  assert.deepEqual(regradeReason(stored, { ...now, force: true }), {
    reason: "--force",
    note: "Regraded on the instructor's request (the grading of 2026-12-01 10:00 UTC was replaced).",
  });
});

test("a release's read-only cells are its locked and test cells with a grade_id, compared without trailing space", () => {
  const notebook = {
    ...before.master,
    cells: [
      {
        cell_type: "code",
        source: "const a = 1;  \r\nconst b = 2;\t\n\n",
        metadata: { nbgrader: { grade_id: "setup", locked: true } },
        outputs: [],
        execution_count: null,
      },
      {
        cell_type: "code",
        source: "check(1);",
        metadata: { nbgrader: { grade_id: "t", grade: true, locked: true, points: 1 } },
        outputs: [],
        execution_count: null,
      },
      { cell_type: "code", source: "f();", metadata: { nbgrader: { grade_id: "f", solution: true } }, outputs: [], execution_count: null },
      { cell_type: "code", source: "x;", metadata: { nbgrader: { locked: true } }, outputs: [], execution_count: null },
      { cell_type: "markdown", source: "# Notes", metadata: {} },
    ],
  } as Notebook;
  assert.deepEqual(
    [...lockedCells(notebook)],
    [
      ["setup", "const a = 1;\nconst b = 2;"],
      ["t", "check(1);"],
    ],
  );
  assert.equal(normalizeSource("  x;  \r\n\r\n"), "  x;");
});
