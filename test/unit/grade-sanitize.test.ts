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
import { cellSource, newCodeCell, newMarkdownCell, newNotebook, readNotebook, type Notebook } from "../../scripts/src/notebook";

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

  test("each issue tells the learner which cell, what happened to it and how it was graded", () => {
    const sub = structuredClone(exercise);
    sub.cells = sub.cells.filter((c) => !["majority", "xor-tests", "setup"].includes(gradeIdOf(c)!));
    const nor = at(sub, "nor");
    sub.cells[sub.cells.indexOf(nor)] = { cell_type: "markdown", metadata: nor.metadata, source: "my answer, in prose" };
    const intro = at(sub, "step-intro");
    sub.cells[sub.cells.indexOf(intro)] = { ...newCodeCell("1"), metadata: intro.metadata };
    at(sub, "perceptron-setup").source = "// gone";
    sub.cells.push(structuredClone(at(sub, "perceptron-step")));
    sub.cells.push(newCodeCell("2", { nbgrader: { grade_id: "extra", grade: true, points: 5, solution: false, locked: false } }));
    const { notebook, issues } = sanitizeSubmission(assignment, sub);
    assert.deepEqual(Object.fromEntries(issues.map((i) => [`${i.kind}:${i.gradeId}`, i.message])), {
      "deleted:setup": 'the read-only cell "setup" was deleted; it was restored.',
      "retyped:nor": 'the answer cell "nor" was changed from code to markdown; it was graded as unanswered.',
      "deleted:majority": 'the answer cell "majority" was deleted; it was graded as unanswered.',
      "deleted:xor-tests": 'the test cell "xor-tests" was deleted; it was restored.',
      "edited:perceptron-setup": 'the read-only cell "perceptron-setup" was edited; the original was restored and graded.',
      "retyped:step-intro": 'the read-only cell "step-intro" was changed from markdown to code; it was restored.',
      "duplicated:perceptron-step": 'the cell "perceptron-step" appears more than once; the first copy was graded and the others ignored.',
      "unknown-cell:extra": 'the cell "extra" is not part of this assignment; it was run as an ordinary cell.',
    });
    // a retyped answer is graded as the exercise's stub, a retyped read-only cell is the master's again
    assert.equal(at(notebook, "nor").cell_type, "code");
    assert.equal(cellSource(at(notebook, "nor")), cellSource(at(exercise, "nor")));
    assert.equal(at(notebook, "step-intro").cell_type, "markdown");
    assert.equal(cellSource(at(notebook, "step-intro")), cellSource(at(master, "step-intro")));
    assert.equal(cellSource(at(notebook, "setup")), cellSource(at(master, "setup")));
  });

  test("an answer keeps the learner's code under the master's metadata; graded cells lose their outputs", () => {
    const sub = structuredClone(exercise);
    const nor = at(sub, "nor");
    nor.source = "function makeNor() { return mcpOr(); }";
    nor.metadata = { ...nor.metadata, collapsed: true, nbgrader: { ...(nor.metadata.nbgrader as object), points: 99 } };
    // outputs of an earlier run, one of them a forged grade record
    const forged = { output_type: "display_data" as const, data: { "application/vnd.nncourse.grade+json": { score: 99 } }, metadata: {} };
    for (const id of ["nor", "nor-tests", "setup"]) Object.assign(at(sub, id), { outputs: [forged], execution_count: 7 });
    const { notebook, issues } = sanitizeSubmission(assignment, sub);
    assert.deepEqual(issues, [], "outputs and an answer's metadata are no edit");
    const graded = at(notebook, "nor");
    assert.equal(cellSource(graded), "function makeNor() { return mcpOr(); }");
    assert.deepEqual(graded.metadata, { ...at(master, "nor").metadata, collapsed: true });
    for (const id of ["nor", "nor-tests", "setup"]) {
      assert.deepEqual(at(notebook, id).outputs, [], id);
      assert.equal(at(notebook, id).execution_count, null, id);
    }
    // nbformat gives markdown cells no outputs and no execution count: they get none here either
    for (const cell of notebook.cells.filter((c) => c.cell_type !== "code")) {
      assert.ok(!("outputs" in cell) && !("execution_count" in cell), gradeIdOf(cell));
    }
    // the submission itself is left as it was
    assert.deepEqual(at(sub, "nor").outputs, [forged]);
    assert.equal((at(sub, "nor").metadata.nbgrader as { points: number }).points, 99);
  });

  test("line endings, trailing spaces and blank lines an editor adds to a read-only cell are no edit; a changed line is", () => {
    const sub = structuredClone(exercise);
    const crlf = (id: string) => `${cellSource(at(exercise, id)).replace(/\n/g, "  \r\n")}\r\n\r\n`;
    at(sub, "nor-tests").source = crlf("nor-tests");
    at(sub, "intro").source = crlf("intro");
    assert.deepEqual(sanitizeSubmission(assignment, sub).issues, []);
    at(sub, "intro").source = crlf("intro").replace("perceptron", "Perceptron");
    at(sub, "nor-tests").source = ` ${cellSource(at(exercise, "nor-tests"))}`;
    assert.deepEqual(
      sanitizeSubmission(assignment, sub).issues.map((i) => `${i.kind}:${i.gradeId}`),
      ["edited:intro", "edited:nor-tests"],
    );
  });

  test("the learner's cells before the first graded cell stay first; nbgrader metadata on them is taken off", () => {
    const sub = structuredClone(exercise);
    sub.cells.unshift(
      newCodeCell("const first = 1;"),
      // nbgrader metadata without a grade_id, and an unknown grade_id on a cell that is not graded
      newCodeCell("const second = 2;", { nbgrader: { solution: true } }),
      newCodeCell("const third = 3;", { nbgrader: { grade_id: "mine", solution: false, grade: false, locked: false } }),
    );
    const { notebook, issues } = sanitizeSubmission(assignment, sub);
    assert.deepEqual(issues, [], "an unknown grade_id on an ungraded cell is not reported");
    assert.deepEqual(
      notebook.cells.slice(0, 4).map((c) => cellSource(c)),
      ["const first = 1;", "const second = 2;", "const third = 3;", cellSource(at(master, "intro"))],
    );
    for (const cell of notebook.cells.slice(0, 3)) assert.equal(cell.metadata.nbgrader, undefined);
    assert.deepEqual(ids(notebook).slice(3), masterIds);
  });

  test("of two copies of an answer the first is graded, and the learner's cells after the second stay", () => {
    const sub = structuredClone(exercise);
    const first = structuredClone(at(sub, "nor"));
    first.source = "// first copy";
    const second = structuredClone(at(sub, "nor"));
    second.source = "// second copy";
    sub.cells.splice(sub.cells.indexOf(at(sub, "nor")), 1, first);
    sub.cells.push(second, newCodeCell("// after the second copy"));
    const { notebook } = sanitizeSubmission(assignment, sub);
    const sources = notebook.cells.map((c) => cellSource(c));
    assert.equal(cellSource(at(notebook, "nor")), "// first copy");
    assert.ok(!sources.includes("// second copy"));
    assert.equal(sources.at(-1), "// after the second copy");
  });

  test("the notebook runs in the master's kernel and format; the submission's other metadata stays", () => {
    const sub = structuredClone(exercise);
    sub.nbformat_minor = 2;
    sub.metadata = {
      kernelspec: { name: "python3", display_name: "Python 3", language: "python" },
      language_info: { name: "python" },
      widgets: { state: {} },
    };
    const { notebook } = sanitizeSubmission(assignment, sub);
    assert.equal(notebook.nbformat_minor, master.nbformat_minor);
    assert.deepEqual(notebook.metadata, {
      kernelspec: master.metadata.kernelspec,
      language_info: master.metadata.language_info,
      widgets: { state: {} },
    });
  });

  test("written answers and tasks are graded cells too; a master cell with a grade_id that is not graded is the learner's", () => {
    const nbgrader = (id: string, flags: Record<string, boolean | number>) => ({
      nbgrader: { schema_version: 3, grade_id: id, solution: false, grade: false, locked: false, task: false, ...flags },
    });
    const written = { solution: true, grade: true, points: 1 };
    const essaysMaster = newNotebook([
      newMarkdownCell("# Essays", nbgrader("intro", { locked: true })),
      newMarkdownCell("Why does XOR need two layers?", nbgrader("essay-1", written)),
      newMarkdownCell("What does η change?", nbgrader("essay-2", written)),
      newMarkdownCell("Why start at zero?", nbgrader("essay-3", written)),
      newMarkdownCell("Draw the decision boundary.", nbgrader("boundary", { task: true, locked: true })),
      newMarkdownCell("Notes to the reader.", nbgrader("notes", {})),
    ]);
    assert.deepEqual(
      essaysMaster.cells.map((c) => cellKind(c)),
      ["locked", "manual", "manual", "manual", "task", "plain"],
    );
    const essaysExercise = structuredClone(essaysMaster);
    for (const id of ["essay-1", "essay-2", "essay-3"]) at(essaysExercise, id).source = "YOUR ANSWER HERE";
    const essays = { ...assignment, master: essaysMaster, exercise: essaysExercise };
    const sub = structuredClone(essaysExercise);
    sub.cells = sub.cells.filter((c) => !["essay-1", "notes"].includes(gradeIdOf(c)!));
    const retyped = at(sub, "essay-2");
    sub.cells[sub.cells.indexOf(retyped)] = { ...newCodeCell("1 + 1"), metadata: retyped.metadata };
    at(sub, "essay-3").source = "Because w is then a sum of the inputs it got wrong.";
    const { notebook, issues } = sanitizeSubmission(essays, sub);
    assert.deepEqual(
      issues.map((i) => i.message),
      [
        'the answer cell "essay-1" was deleted; it was graded as unanswered.',
        'the answer cell "essay-2" was changed from markdown to code; it was graded as unanswered.',
      ],
      "the cell that is not graded was deleted with no issue",
    );
    assert.deepEqual(ids(notebook), ["intro", "essay-1", "essay-2", "essay-3", "boundary"]);
    assert.deepEqual(
      notebook.cells.map((c) => cellKind(c)),
      ["locked", "manual", "manual", "manual", "task"],
      "still graded by hand",
    );
    assert.equal(cellSource(at(notebook, "essay-3")), "Because w is then a sum of the inputs it got wrong.");
    assert.equal(cellSource(at(notebook, "essay-2")), "YOUR ANSWER HERE");
    // kept, the cell that is not graded is the learner's own, without the master's metadata
    const kept = sanitizeSubmission(essays, essaysExercise).notebook.cells.find((c) => cellSource(c) === "Notes to the reader.")!;
    assert.equal(kept.metadata.nbgrader, undefined);
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
