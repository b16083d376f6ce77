// Restoring a submission's graded cells from the master, and finding its files.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { cellKind, gradeIdOf } from "../../scripts/src/notebook/master";
import { loadAssignments } from "../../scripts/src/grade/masters";
import { sanitizeSubmission } from "../../scripts/src/grade/sanitize";
import { instrument } from "../../scripts/src/grade/instrument";
import { hiddenLines, redactHidden } from "../../scripts/src/grade/redact";
import { discoverSubmissions, matchFlat } from "../../scripts/src/grade/submissions";
import { suspiciousCode } from "../../scripts/src/grade/suspicious";
import { cellSource, newCodeCell, readNotebook, type Notebook } from "../../scripts/src/notebook";

const NAME = "00-sample-assignment";
const assignments = loadAssignments(path.join(projectRoot, "notebooks"));
const assignment = assignments.get(NAME)!;
const exercise = readNotebook(path.join(projectRoot, "exercises", `${NAME}.ipynb`));
const master = assignment.master;

const ids = (nb: Notebook) => nb.cells.map((c) => gradeIdOf(c) ?? "(plain)");
const at = (nb: Notebook, id: string) => nb.cells.find((c) => gradeIdOf(c) === id)!;
const masterIds = master.cells.map((c) => gradeIdOf(c)).filter((id): id is string => id !== undefined);

describe("loading the masters", () => {
  test("test cells, their points and which report their result in a record come from the master", () => {
    const tests = master.cells.filter((c) => cellKind(c) === "test");
    assert.deepEqual(
      assignment.tests.map((t) => t.gradeId),
      tests.map((c) => gradeIdOf(c)),
    );
    assert.equal(
      assignment.maxPoints,
      tests.reduce((s, c) => s + Number((c.metadata.nbgrader as { points: number }).points), 0),
    );
    for (const t of assignment.tests)
      assert.equal(t.partial, /check\.(test|score|partial)\(/.test(cellSource(at(master, t.gradeId))), t.gradeId);
    assert.ok(assignment.tests.some((t) => t.partial));
  });
});

describe("sanitizing a submission", () => {
  test("an untouched exercise gets the master's test cells back, hidden tests included, and no issue", () => {
    const { notebook, issues } = sanitizeSubmission(assignment, exercise);
    assert.deepEqual(issues, []);
    assert.deepEqual(ids(notebook), masterIds);
    for (const t of assignment.tests) assert.equal(cellSource(at(notebook, t.gradeId)), cellSource(at(master, t.gradeId)));
    assert.ok(notebook.cells.some((c) => /BEGIN HIDDEN TESTS/.test(cellSource(c))));
    assert.ok(!notebook.cells.some((c) => /BEGIN SOLUTION/.test(cellSource(c))), "no solution region enters the graded notebook");
  });

  test("answers and the learner's own cells are kept, in place", () => {
    const sub = structuredClone(exercise);
    at(sub, "nor").source = "function makeNor() { return mcpOr(); }";
    sub.cells.splice(sub.cells.indexOf(at(sub, "nor")) + 1, 0, newCodeCell("console.log('scratch work');"));
    const { notebook } = sanitizeSubmission(assignment, sub);
    assert.equal(cellSource(at(notebook, "nor")), "function makeNor() { return mcpOr(); }");
    const nor = notebook.cells.indexOf(at(notebook, "nor"));
    assert.equal(cellSource(notebook.cells[nor + 1]!), "console.log('scratch work');");
    assert.equal(gradeIdOf(notebook.cells[nor + 2]!), "nor-tests");
  });

  test("deleted, edited, retyped and duplicated graded cells are restored and reported; the kernelspec is the master's", () => {
    const sub = structuredClone(exercise);
    sub.cells = sub.cells.filter((c) => gradeIdOf(c) !== "xor-tests" && gradeIdOf(c) !== "majority");
    at(sub, "nor-tests").source = "// nothing to see";
    at(sub, "intro").source = "edited instructions";
    const step = at(sub, "perceptron-step-tests");
    sub.cells[sub.cells.indexOf(step)] = { cell_type: "raw", metadata: step.metadata, source: "x" };
    sub.cells.push(structuredClone(at(sub, "nor")));
    sub.cells.push(newCodeCell("1", { nbgrader: { grade_id: "made-up", grade: true, points: 99, solution: false, locked: true } }));
    sub.metadata.kernelspec = { name: "python3", display_name: "Python 3", language: "python" };
    const { notebook, issues } = sanitizeSubmission(assignment, sub);
    const found = issues.map((i) => `${i.kind}:${i.gradeId}`).sort();
    assert.deepEqual(
      found,
      [
        "deleted:majority",
        "deleted:xor-tests",
        "duplicated:nor",
        "edited:intro",
        "edited:nor-tests",
        "retyped:perceptron-step-tests",
        "unknown-cell:made-up",
      ].sort(),
    );
    assert.deepEqual(notebook.metadata.kernelspec, master.metadata.kernelspec);
    for (const id of ["xor-tests", "nor-tests", "intro", "perceptron-step-tests"])
      assert.equal(cellSource(at(notebook, id)), cellSource(at(master, id)), id);
    assert.match(cellSource(at(notebook, "majority")), /not implemented yet: majority/, "a deleted answer is graded as the stub");
    const madeUp = notebook.cells.find((c) => cellSource(c) === "1")!;
    assert.equal(madeUp.metadata.nbgrader, undefined, "an unknown graded cell becomes a plain cell");
    assert.equal(notebook.cells.filter((c) => gradeIdOf(c) === "nor").length, 1);
  });

  test("the grader's cells wrap the notebook: a begin cell first, an end record in each test cell, a finish cell last", () => {
    const { notebook } = sanitizeSubmission(assignment, exercise);
    const wrapped = instrument(
      notebook,
      assignment.tests.map((t) => t.gradeId),
    );
    assert.match(cellSource(wrapped.notebook.cells[0]!), new RegExp(`beginGradingRun.*\\("${wrapped.nonce}"\\)`, "s"));
    assert.match(cellSource(wrapped.notebook.cells.at(-1)!), /finishGradingRun/);
    // The freeze comes after the master's setup cell and before the first answer cell.
    const freeze = wrapped.notebook.cells[wrapped.freezeIndex]!;
    assert.match(cellSource(freeze), /freezeIntrinsics/);
    assert.equal(gradeIdOf(wrapped.notebook.cells[wrapped.freezeIndex - 1]!), "nor-intro");
    assert.equal(gradeIdOf(wrapped.notebook.cells[wrapped.freezeIndex + 1]!), "nor");
    for (const [id, index] of wrapped.testCellIndex) assert.equal(gradeIdOf(wrapped.notebook.cells[index]!), id);
    assert.equal(wrapped.endLabels.size, assignment.tests.length);
    for (const [id, label] of wrapped.endLabels) {
      const source = cellSource(wrapped.notebook.cells[wrapped.testCellIndex.get(id)!]!);
      // Strict mode on the test's first line: its own lines keep their numbers.
      assert.ok(
        source.startsWith(`"use strict"; ${cellSource(at(master, id)).trimEnd()}`),
        "the test runs in strict mode, its own lines keep their numbers",
      );
      assert.ok(source.trimEnd().endsWith(`.partial(1, ${JSON.stringify(label)});`));
    }
    const again = instrument(
      notebook,
      assignment.tests.map((t) => t.gradeId),
    );
    assert.notEqual(again.nonce, wrapped.nonce, "a fresh nonce per run");
    assert.notEqual(again.endLabels.get("nor-tests"), wrapped.endLabels.get("nor-tests"));
  });

  test("feedback messages lose any line that quotes a hidden test", () => {
    const hidden = hiddenLines(cellSource(at(master, "perceptron-step-tests")));
    assert.ok(hidden.length > 0);
    const message = `TypeError: oops\n    ${hidden[0]}\n    ^^^`;
    const redacted = redactHidden(message, hidden);
    assert.ok(!redacted.includes(hidden[0]!));
    assert.match(redacted, /TypeError: oops/);
  });

  test("learner code that names the grading machinery is flagged, ordinary code is not", () => {
    const sub = structuredClone(exercise);
    at(sub, "nor").source = 'const fs = require("fs");\nfs.readFileSync("../notebooks/x.ipynb");\nfunction makeNor() { return mcpOr(); }';
    sub.cells.push(newCodeCell("const v = require('v8');"));
    const findings = suspiciousCode(sanitizeSubmission(assignment, sub).notebook);
    assert.equal(findings.length, 2, JSON.stringify(findings));
    assert.deepEqual(
      suspiciousCode(sanitizeSubmission(assignment, readNotebook(path.join(projectRoot, "solutions", `${NAME}.ipynb`))).notebook),
      [],
    );
  });

  test("a line megabytes long is searched in its first part only, so it cannot stall the grader", { timeout: 20_000 }, () => {
    // Searched whole, this line takes the two-part pattern hours (it is quadratic).
    const sub = structuredClone(exercise);
    at(sub, "nor").source = `// ${"notebooks ".repeat(500_000)}\nfunction makeNor() { return mcpOr(); }`;
    assert.deepEqual(suspiciousCode(sanitizeSubmission(assignment, sub).notebook), []);
    at(sub, "nor").source = `const t = require("fs").readFileSync("notebooks/x"); // ${"x".repeat(2_000_000)}`;
    assert.equal(
      suspiciousCode(sanitizeSubmission(assignment, sub).notebook).length,
      1,
      "what is at the start of a long line is still found",
    );
  });
});

describe("finding submissions", () => {
  const names = ["00-sample-assignment", "01-more"];
  test("LMS file names: the student before the first underscore, the assignment at the end", () => {
    assert.deepEqual(matchFlat("alice_12345_00-sample-assignment.ipynb", names), { student: "alice", assignment: "00-sample-assignment" });
    assert.deepEqual(matchFlat("Zoë Ångström_late_x_y_01-more-2.ipynb", names), { student: "Zoë Ångström", assignment: "01-more" });
    assert.deepEqual(matchFlat("bob_01-more.ipynb", names), { student: "bob", assignment: "01-more" });
    assert.match(matchFlat("bob-01-more.ipynb", names) as string, /<student>_/);
    assert.match(matchFlat("bob_02-other.ipynb", names) as string, /any master/);
    assert.match(matchFlat("bob_01-more.txt", names) as string, /not a .ipynb/);
  });

  test("folders per student, flat downloads and stray files, all accounted for", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grader-discover-"));
    try {
      fs.mkdirSync(path.join(dir, "carol", ".ipynb_checkpoints"), { recursive: true });
      fs.writeFileSync(path.join(dir, "carol", "00-sample-assignment.ipynb"), "{}");
      fs.writeFileSync(path.join(dir, "carol", "99-unknown.ipynb"), "{}");
      fs.writeFileSync(path.join(dir, "carol", "notes.txt"), "");
      fs.writeFileSync(path.join(dir, "dave_1_01-more.ipynb"), "{}");
      fs.writeFileSync(path.join(dir, "01-more.ipynb"), "{}");
      fs.writeFileSync(path.join(dir, "stray.ipynb"), "{}");
      const found = discoverSubmissions(dir, names);
      assert.deepEqual(
        found.submissions.map((s) => `${s.student}/${s.assignment}`).sort(),
        ["carol/00-sample-assignment", "carol/99-unknown", "dave/01-more", `${path.basename(dir)}/01-more`].sort(),
      );
      assert.deepEqual(found.unrecognized.map((u) => u.relative).sort(), [path.join("carol", "notes.txt"), "stray.ipynb"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a submissions folder with traps in it", () => {
  test("broken links and files too big to be notebooks are reported, and the run goes on", async () => {
    const { gradeAll } = await import("../../scripts/src/grade/grade-all");
    const { DEFAULT_GRADE_LIMITS } = await import("../../scripts/src/grade/grade-one");
    const { Gradebook } = await import("../../scripts/src/gradebook/gradebook");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grader-traps-"));
    try {
      const subs = path.join(dir, "submissions");
      fs.mkdirSync(path.join(subs, "mallory"), { recursive: true });
      fs.mkdirSync(path.join(subs, "eve"), { recursive: true });
      fs.symlinkSync("/nonexistent/notes.txt", path.join(subs, "mallory", "notes.txt"));
      fs.symlinkSync("/nonexistent/x.ipynb", path.join(subs, "mallory", `${NAME}.ipynb`));
      // A sparse file: 3 GB on paper, nothing on disk; reading it whole would take the grader down.
      fs.writeFileSync(path.join(subs, "eve", `${NAME}.ipynb`), "");
      fs.truncateSync(path.join(subs, "eve", `${NAME}.ipynb`), 3 * 1024 ** 3);
      const gradebook = Gradebook.open(path.join(dir, "gradebook.sqlite"));
      try {
        const lines: string[] = [];
        const summary = await gradeAll({
          submissionsDir: subs,
          mastersDir: path.join(projectRoot, "notebooks"),
          projectRoot,
          gradebook,
          jobs: 1,
          force: false,
          limits: DEFAULT_GRADE_LIMITS,
          sandbox: "none",
          gradebookFile: gradebook.file,
          log: (l) => lines.push(l),
        });
        assert.equal(summary.rejected, 3, lines.join("\n"));
        const reasons = gradebook
          .rejectedFiles()
          .map((r) => `${r.path}: ${r.reason}`)
          .join("\n");
        assert.match(reasons, /eve.*more than a notebook can be/);
      } finally {
        gradebook.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
