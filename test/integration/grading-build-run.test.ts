// The sample assignment in a real tslab kernel: the master and the reference solutions
// pass every cell, the student version's test cells fail with the not-implemented
// message, and a submission that tampers with the kernel before the (hidden) tests
// still fails them with the learner's message.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../helpers/cli";
import { cellKind, gradeIdOf } from "../../scripts/src/notebook/master";
import { newCodeCell, readNotebook, writeNotebook, type CodeCell, type Notebook } from "../../scripts/src/notebook";
import { runNotebook, runNotebookFile, type CellResult } from "../../scripts/src/runner";

const name = "00-sample-assignment.ipynb";
const OPTIONS = { dryRun: true, allowErrors: true, cellTimeoutMs: 60_000, notebookTimeoutMs: 240_000 };
const GRADE_MIME = "application/vnd.nncourse.grade+json";

const workDir = join(projectRoot, ".cache", "test-notebooks", `grading-${randomBytes(4).toString("hex")}`);
mkdirSync(workDir, { recursive: true });
after(() => rmSync(workDir, { recursive: true, force: true }));

function byGradeId(notebook: Notebook, cells: CellResult[]): Map<string, CellResult> {
  const map = new Map<string, CellResult>();
  for (const result of cells) {
    const id = gradeIdOf(notebook.cells[result.index]!);
    if (id !== undefined) map.set(id, result);
  }
  return map;
}

function testCellIds(notebook: Notebook): string[] {
  return notebook.cells.filter((cell) => cellKind(cell) === "test").map((cell) => gradeIdOf(cell)!);
}

describe("the sample assignment in the kernel", { concurrency: 1 }, () => {
  for (const folder of ["notebooks", "solutions"]) {
    test(`${folder}/${name} runs with every cell passing and full partial credit`, async () => {
      const result = await runNotebookFile(join(projectRoot, folder, name), OPTIONS);
      const failed = result.cells.filter((cell) => cell.status !== "ok" && cell.status !== "empty");
      assert.deepEqual(
        failed.map((cell) => `cell ${cell.index + 1}: ${cell.status} ${cell.error ?? ""}`),
        [],
      );
      const partial = result.notebook.cells.flatMap((cell) =>
        cell.cell_type === "code"
          ? cell.outputs.flatMap((o) => (o.output_type === "display_data" && GRADE_MIME in o.data ? [o.data[GRADE_MIME]] : []))
          : [],
      );
      assert.equal(partial.length, testCellIds(result.notebook).length, "one grade record per test cell");
      for (const record of partial) assert.equal((record as { fraction: number }).fraction, 1);
    });
  }

  test(`exercises/${name}: runs to the end; every test reports 0 with the not-implemented message of its exercise`, async () => {
    const result = await runNotebookFile(join(projectRoot, "exercises", name), OPTIONS);
    const tests = testCellIds(result.notebook);
    assert.ok(tests.length >= 5);
    // No cell fails: a test cell shows its result instead of stopping "Run All".
    for (const cell of result.cells)
      assert.ok(cell.status === "ok" || cell.status === "empty", `cell ${cell.index + 1}: ${cell.status} ${cell.error ?? ""}`);
    result.notebook.cells.forEach((cell) => {
      const id = gradeIdOf(cell);
      if (id === undefined || !tests.includes(id) || cell.cell_type !== "code") return;
      const records = cell.outputs.flatMap((o) =>
        o.output_type === "display_data" && GRADE_MIME in o.data ? [o.data[GRADE_MIME] as { fraction: number; messages: string[] }] : [],
      );
      assert.equal(records.length, 1, `${id}: one grade record`);
      assert.equal(records[0]!.fraction, 0, `${id} earns nothing`);
      assert.match(records[0]!.messages.join("\n"), new RegExp(`not implemented yet: ${id.replace(/-tests$/, "")}`), id);
    });
  });

  test("a wrong answer still fails its hidden tests after student code tampers with the kernel", async () => {
    // A graded submission as the grader will run it: the master's test cells (hidden
    // tests included) after the student's answers, one of them wrong, and a student
    // cell that swaps the checks, patches the reply path and the built-ins before the
    // tests run. (More attacks on built-ins run in test/unit/grading-hardening.)
    const master = readNotebook(join(projectRoot, "notebooks", name));
    const nor = master.cells.find((cell) => gradeIdOf(cell) === "nor") as CodeCell;
    nor.source =
      'function makeNor(): McCullochPittsUnit {\n  return new McCullochPittsUnit({ name: "NOR", excitatory: [1, 1], threshold: 1 });\n}';
    const attack = newCodeCell(
      [
        "const M = require('module');",
        "const fake = { check: { equal() {}, close() {}, truthTable() {}, that() {}, shape() {}, score() { return { part() { return true; }, finish() {} }; } } };",
        "const tryIt = (f: () => void) => { try { f(); } catch {} };",
        "for (const key of Object.keys(M._cache)) if (key.includes('grading')) { tryIt(() => { delete M._cache[key]; }); tryIt(() => { M._cache[key] = { exports: fake } as any; }); }",
        "tryIt(() => { M.prototype.require = function () { return fake; }; });",
        "tryIt(() => { (globalThis as any).__tslab__ = { exports: {}, require: () => fake }; });",
        "tryIt(() => { require('tslab/dist/jupyter').JupyterHandlerImpl.prototype.handleExecute = async () => ({ status: 'ok' }); });",
        "tryIt(() => { require('vm').runInThisContext = () => undefined; });",
        "tryIt(() => { console.error = () => {}; console.log = () => {}; });",
        "tryIt(() => { const g = require('nncourse/dist/grading'); g.check.truthTable = () => {}; });",
        "tryIt(() => { (Array.prototype as any)[Symbol.iterator] = function* () {}; (Array.prototype as any).every = () => true; (Array.prototype as any).push = () => 0; });",
        "tryIt(() => { (Math as any).abs = () => 0; (Object as any).is = () => true; (JSON as any).stringify = () => '{}'; });",
      ].join("\n"),
    );
    const norTestsIndex = master.cells.findIndex((cell) => gradeIdOf(cell) === "nor-tests");
    master.cells.splice(norTestsIndex, 0, attack);
    // What the grader adds: after the setup cell, a run nonce and frozen built-ins; at the end, the run-end record.
    const setupIndex = master.cells.findIndex((cell) => gradeIdOf(cell) === "setup");
    master.cells.splice(
      setupIndex + 1,
      0,
      newCodeCell(
        '{ const g = require("nncourse/dist/grading"); g.beginGradingRun("grading-run-nonce-0123456789"); g.freezeIntrinsics(); }',
      ),
    );
    master.cells.push(newCodeCell('require("nncourse/dist/grading").finishGradingRun();'));
    const file = join(workDir, "tampering.ipynb");
    writeNotebook(file, master);
    const submission = readNotebook(file);
    const result = await runNotebook(submission, { path: file, allowErrors: true, cellTimeoutMs: 60_000, notebookTimeoutMs: 240_000 });
    const ran = byGradeId(master, result.cells);
    const attackIndex = master.cells.indexOf(attack);
    const attackResult = result.cells.find((cell) => cell.index === attackIndex)!;
    assert.equal(attackResult.status, "ok", `the attack cell itself runs: ${attackResult.error}`);
    // Every test cell runs to its end and reports in a record; the record decides.
    const recordOf = (id: string) => {
      const cell = submission.cells.find((c) => gradeIdOf(c) === id) as CodeCell;
      const records = cell.outputs.flatMap((o) =>
        o.output_type === "display_data" && GRADE_MIME in o.data
          ? [o.data[GRADE_MIME] as { fraction: number; messages: string[]; tag: string | null }]
          : [],
      );
      assert.equal(records.length, 1, `${id}: one record`);
      assert.ok(records[0]!.tag, `${id}: the record is tagged`);
      return records[0]!;
    };
    assert.equal(ran.get("nor-tests")?.status, "ok");
    const norRecord = recordOf("nor-tests");
    assert.equal(norRecord.fraction, 0, "the wrong NOR unit earns nothing");
    assert.match(norRecord.messages.join("\n"), /your NOR unit gets 4 of 4 rows of its truth table wrong/);
    // The right answers after the attack still pass: the attack broke nothing they need.
    const passing = ["majority-tests", "xor-tests", "perceptron-step-tests", "perceptron-train-tests"];
    for (const id of passing) {
      assert.equal(ran.get(id)?.status, "ok", `${id}: ${ran.get(id)?.error}`);
      assert.equal(recordOf(id).fraction, 1, id);
    }
    // The run-end record counts the failed check and carries a tag keyed by the nonce.
    const last = submission.cells[submission.cells.length - 1] as CodeCell;
    const runEnd = last.outputs.flatMap((o) =>
      o.output_type === "display_data" && GRADE_MIME in o.data ? [o.data[GRADE_MIME]] : [],
    )[0] as { kind: string; checksFailed: number; sealed: boolean; tag: string; records: number } | undefined;
    assert.ok(runEnd, "the grader's last cell emits a run-end record");
    assert.equal(runEnd.kind, "run-end");
    assert.equal(runEnd.sealed, true);
    assert.equal(runEnd.records, passing.length + 1, "one record per test cell before it");
    assert.ok(runEnd.checksFailed >= 1);
    const { recordTag } = await import("../../lib/grading/record");
    const { tag, ...body } = runEnd;
    assert.equal(tag, recordTag("grading-run-nonce-0123456789", body as never));
  });
});
