// `course run` against the real tslab kernel. Test notebooks live in a temporary
// folder inside the project, because tslab resolves packages (tslab, nncourse) from the
// notebook's folder upward. The CLI under test is the built one (`npm test` builds).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { projectRoot, runCourse } from "../helpers/cli";
import { newCodeCell, newMarkdownCell, newNotebook, readNotebook, streamText, writeNotebook } from "../../scripts/src/notebook";
import type { CodeCell, Notebook } from "../../scripts/src/notebook";

const workDir = join(projectRoot, ".cache", "test-notebooks", `run-${randomBytes(4).toString("hex")}`);
mkdirSync(workDir, { recursive: true });
after(() => rmSync(workDir, { recursive: true, force: true }));

let counter = 0;
/** Writes a notebook of code cells (strings) or ready cells into the work folder; returns its path. */
function notebookFile(cells: Array<string | CodeCell | ReturnType<typeof newMarkdownCell>>, name = `nb${++counter}.ipynb`): string {
  const file = join(workDir, name);
  writeNotebook(file, newNotebook(cells.map((c) => (typeof c === "string" ? newCodeCell(c) : c))));
  return file;
}

function code(notebook: Notebook, index: number): CodeCell {
  const cell = notebook.cells[index]!;
  assert.equal(cell.cell_type, "code");
  return cell as CodeCell;
}

const TIMEOUT = { timeoutMs: 45_000 };

describe("course run", { concurrency: 2 }, () => {
  test("captures stdout, html displays, last values and display updates into the notebook", async () => {
    const solution = newCodeCell("const answer: number = 6 * 7;", {
      nbgrader: { schema_version: 3, grade_id: "answer", solution: true, grade: false, locked: false, task: false },
    });
    const input = notebookFile([
      newMarkdownCell("# A notebook"),
      "import * as tslab from 'tslab';\nconsole.log('hello from the kernel');",
      solution,
      "tslab.display.html('<b>bold</b>');",
      "answer + 1",
      "const progress = tslab.newDisplay();\nfor (let i = 0; i <= 5; i++) progress.text(`step ${i}`);",
      "",
    ]);
    const before = readFileSync(input, "utf8");
    const output = join(workDir, "captured-out.ipynb");
    const result = await runCourse(["run", input, "--output", output], TIMEOUT);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /PASS .*5 cells run/);
    assert.match(result.stdout, /summary: 1 notebook, 1 passed, 0 failed; 5 cells run, 0 failed/);
    assert.equal(readFileSync(input, "utf8"), before, "--output leaves the input alone");

    const ran = readNotebook(output);
    assert.equal(streamText(code(ran, 1), "stdout"), "hello from the kernel\n");
    assert.deepEqual(code(ran, 2).metadata, solution.metadata, "cell metadata is kept as it was");
    assert.deepEqual(code(ran, 3).outputs, [{ output_type: "display_data", data: { "text/html": ["<b>bold</b>"] }, metadata: {} }]);
    const result4 = code(ran, 4).outputs.find((o) => o.output_type === "execute_result");
    assert.ok(result4 && result4.output_type === "execute_result", "a cell's last value is its execute_result");
    assert.deepEqual(result4.data["text/plain"], ["43"]);
    assert.equal(result4.execution_count, code(ran, 4).execution_count);
    const progress = code(ran, 5).outputs;
    assert.equal(progress.length, 1, "updates replace the display instead of adding outputs");
    assert.deepEqual(progress[0], { output_type: "display_data", data: { "text/plain": ["step 5"] }, metadata: {} });
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((i) => code(ran, i).execution_count),
      [1, 2, 3, 4, 5],
    );
    assert.equal(code(ran, 6).execution_count, null, "empty cells are not run");
    assert.deepEqual(ran.cells[0], JSON.parse(before).cells[0], "markdown is untouched");
  });

  test("a failing cell fails the run, is named in the report, and stops the notebook", async () => {
    const input = notebookFile([
      "console.log('first')",
      "const data = [1, 2];\nthrow new Error('the data is wrong');",
      "console.log('never printed')",
    ]);
    const result = await runCourse(["run", input], TIMEOUT);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /FAIL /);
    assert.match(result.stdout, /cell 2 failed\s+`const data = \[1, 2\];`/);
    assert.match(result.stdout, /Error: the data is wrong/);
    assert.match(result.stdout, /1 cell not run: a cell failed/);
    const ran = readNotebook(input); // in place by default
    const failing = code(ran, 1);
    assert.ok(
      failing.outputs.some((o) => o.output_type === "error" && o.evalue === "the data is wrong"),
      JSON.stringify(failing.outputs),
    );
    assert.equal(code(ran, 2).execution_count, null);
    assert.deepEqual(code(ran, 2).outputs, []);
  });

  test("a TypeScript type error is a failed cell", async () => {
    const input = notebookFile(["let count: number = 'three';"]);
    const result = await runCourse(["run", input], TIMEOUT);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /cell 1 failed/);
    assert.match(result.stdout, /Type 'string' is not assignable to type 'number'/);
    const error = readNotebook(input).cells[0] as CodeCell;
    assert.ok(error.outputs.some((o) => o.output_type === "error" && o.ename === "TypeScriptError"));
  });

  test("--allow-errors really runs the cells after a failure, and error cells do not fail the exit code", async () => {
    const input = notebookFile([
      "throw new Error('first failure');",
      "console.log('second ran');",
      "let bad: string = 1;",
      "console.log('fourth ran');",
    ]);
    const result = await runCourse(["run", input, "--allow-errors"], TIMEOUT);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /PASS .*4 cells run, 2 failed \(allowed\)/);
    assert.match(result.stdout, /cell 1 failed/);
    assert.match(result.stdout, /cell 3 failed/);
    const ran = readNotebook(input);
    assert.equal(streamText(code(ran, 1), "stdout"), "second ran\n", "not aborted");
    assert.equal(streamText(code(ran, 3), "stdout"), "fourth ran\n");
    assert.deepEqual(
      ran.cells.map((c) => (c as CodeCell).execution_count),
      [1, 2, 3, 4],
    );
  });

  test("an endless loop is interrupted by --timeout, reported, and the run stops or goes on per flags", async () => {
    const cells = ["console.log('before')", "while (true) {}", "console.log('after the loop')"];
    const stops = notebookFile(cells);
    const started = Date.now();
    const stopped = await runCourse(["run", stops, "--timeout", "1"], TIMEOUT);
    assert.equal(stopped.code, 1, stopped.stdout + stopped.stderr);
    assert.match(stopped.stdout, /cell 2 timed out\s+`while \(true\) \{\}`/);
    assert.match(stopped.stdout, /time limit of 1 s; it was interrupted/);
    assert.ok(Date.now() - started < 20_000, "the timeout ended the cell");
    assert.equal(code(readNotebook(stops), 2).execution_count, null);

    const goesOn = notebookFile(cells);
    const continued = await runCourse(["run", goesOn, "--timeout", "1", "--allow-errors"], TIMEOUT);
    assert.equal(continued.code, 1, "a time-out fails the run even with --allow-errors");
    assert.equal(streamText(code(readNotebook(goesOn), 2), "stdout"), "after the loop\n", "the kernel lived on");
  });

  test("a cell that ignores the interrupt gets its kernel killed after the grace period", async () => {
    // The loop runs after an await, outside tslab's interruptible evaluation.
    const input = notebookFile(["console.log(process.pid)", "await Promise.resolve();\nwhile (true) {}", "console.log('unreachable')"]);
    const result = await runCourse(["run", input, "--timeout", "1", "--interrupt-grace", "1", "--allow-errors"], TIMEOUT);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /cell 2 timed out/);
    assert.match(result.stdout, /ignored the interrupt, so the kernel was killed/);
    const ran = readNotebook(input);
    const pid = Number(streamText(code(ran, 0), "stdout"));
    assert.ok(pid > 0);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, "the kernel process is gone");
  });

  test("process.exit in a cell is reported as the kernel dying, at once", async () => {
    const input = notebookFile(["console.log('alive')", "process.exit(3)", "console.log('never')"]);
    const started = Date.now();
    const result = await runCourse(["run", input, "--allow-errors"], TIMEOUT);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /cell 2 killed the kernel\s+`process.exit\(3\)`/);
    assert.match(result.stdout, /exited with code 3/);
    assert.match(result.stdout, /1 cell not run: the kernel is gone/);
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
    const dead = code(readNotebook(input), 1);
    assert.ok(dead.outputs.some((o) => o.output_type === "error" && o.ename === "KernelDied"));
  });

  test("--output-cap truncates a chatty cell with a visible note", async () => {
    const input = notebookFile(["for (let i = 0; i < 2000; i++) console.log('line ' + i);", "console.log('short')"]);
    const result = await runCourse(["run", input, "--output-cap", "1000"], TIMEOUT);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /output truncated in cell 1/);
    const ran = readNotebook(input);
    const stdout = streamText(code(ran, 0), "stdout");
    assert.equal(stdout.length, 1000);
    assert.ok(stdout.startsWith("line 0\nline 1\n"));
    assert.match(streamText(code(ran, 0), "stderr"), /output truncated/);
    assert.equal(streamText(code(ran, 1), "stdout"), "short\n");
  });

  test("-j 2 runs two notebooks at the same time", async () => {
    // Each notebook leaves a mark and waits for the other's: they meet only if both
    // kernels run at once, however long each one took to start.
    const meet = (me: string, other: string) =>
      [
        "const fs = require('fs');",
        `fs.writeFileSync(${JSON.stringify(join(workDir, me))}, '');`,
        "const until = Date.now() + 15000;",
        `while (!fs.existsSync(${JSON.stringify(join(workDir, other))}) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));`,
        `console.log(fs.existsSync(${JSON.stringify(join(workDir, other))}) ? 'met' : 'alone');`,
      ].join("\n");
    const a = notebookFile([meet("mark-a", "mark-b")]);
    const b = notebookFile([meet("mark-b", "mark-a")]);
    const outDir = join(workDir, "parallel-out");
    const result = await runCourse(["run", a, b, "-j", "2", "--output-dir", outDir], TIMEOUT);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /summary: 2 notebooks, 2 passed/);
    for (const file of [a, b]) {
      const ran = readNotebook(join(outDir, basename(file)));
      assert.equal(streamText(code(ran, 0), "stdout"), "met\n", `${basename(file)} ran while the other one did`);
    }
  });

  test("bad notebooks and bad command lines are refused before any kernel starts", async () => {
    const broken = join(workDir, "broken.ipynb");
    writeFileSync(broken, '{"nbformat": 4, "cells": [');
    const malformed = await runCourse(["run", broken], TIMEOUT);
    assert.equal(malformed.code, 3);
    assert.match(malformed.stderr, /broken\.ipynb: is not valid JSON/);

    const missing = await runCourse(["run", join(workDir, "no-such.ipynb")], TIMEOUT);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /no-such\.ipynb: no such file/);

    const good = notebookFile(["1"]);
    const twoOutputs = await runCourse(["run", good, good, "--output", "x.ipynb"], TIMEOUT);
    assert.equal(twoOutputs.code, 2);
    assert.match(twoOutputs.stderr, /--output names one file/);
    const badTimeout = await runCourse(["run", good, "--timeout", "soon"], TIMEOUT);
    assert.equal(badTimeout.code, 2);
    const none = await runCourse(["run"], TIMEOUT);
    assert.equal(none.code, 2);
    const help = await runCourse(["run", "--help"], TIMEOUT);
    assert.equal(help.code, 0);
    for (const flag of [
      "--output",
      "--output-dir",
      "--in-place",
      "--timeout",
      "--notebook-timeout",
      "--output-cap",
      "--jobs",
      "--allow-errors",
      "--quiet",
    ]) {
      assert.ok(help.stdout.includes(flag), `help mentions ${flag}`);
    }
  });
});
