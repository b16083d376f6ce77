// The runner as a library (what the grader reuses): environment, node flags, working
// folder, the notebook time limit, and no kernel left behind when the runner is stopped.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../helpers/cli";
import { newCodeCell, newMarkdownCell, newNotebook, streamText, writeNotebook } from "../../scripts/src/notebook";
import { CourseError, EXIT } from "../../scripts/src/errors";
import type { CodeCell } from "../../scripts/src/notebook";
import { runNotebook, runNotebookFile } from "../../scripts/src/runner";

const workDir = join(projectRoot, ".cache", "test-notebooks", `api-${randomBytes(4).toString("hex")}`);
mkdirSync(workDir, { recursive: true });
after(() => rmSync(workDir, { recursive: true, force: true }));

const sleepCell = (ms: number) => `await new Promise((r) => setTimeout(r, ${ms}));`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe("runNotebook", { concurrency: 2 }, () => {
  test("runs with the given environment, node flags and working folder", async () => {
    const notebook = newNotebook([
      newCodeCell("console.log(JSON.stringify({ secret: process.env.COURSE_SECRET ?? null, marker: process.env.RUN_MARKER }))"),
      newCodeCell("console.log(Math.round(require('v8').getHeapStatistics().heap_size_limit / 2 ** 20))"),
      newCodeCell("console.log(process.cwd())"),
    ]);
    process.env.COURSE_SECRET = "do not leak";
    let kernelPid: number | undefined;
    const result = await runNotebook(notebook, {
      cwd: workDir,
      env: { PATH: process.env.PATH, RUN_MARKER: "scrubbed" },
      nodeFlags: ["--max-old-space-size=96"],
      onKernelReady: (kernel) => {
        kernelPid = kernel.pid;
      },
    });
    delete process.env.COURSE_SECRET;
    assert.equal(result.passed, true, JSON.stringify(result.cells));
    const cells = notebook.cells as CodeCell[];
    assert.deepEqual(JSON.parse(streamText(cells[0]!, "stdout")), { secret: null, marker: "scrubbed" });
    // The limit V8 derives from the flag differs by release (144 MiB on Node 20 and 22,
    // 288 on 24, 192 on 26: the young generation is counted in), so it is compared with
    // what this Node reports for the same flag, and with its default (about 4 GiB).
    const heapMiB = Number(streamText(cells[1]!, "stdout"));
    const heapLimit = (flags: string[]) =>
      Number(
        spawnSync(process.execPath, [...flags, "-p", "Math.round(require('v8').getHeapStatistics().heap_size_limit / 2 ** 20)"], {
          encoding: "utf8",
        }).stdout,
      );
    const [expected, unflagged] = [heapLimit(["--max-old-space-size=96"]), heapLimit([])];
    assert.ok(
      expected > 0 && expected < unflagged / 4,
      `--max-old-space-size=96 gives ${expected} MiB here, against ${unflagged} MiB by default`,
    );
    assert.equal(heapMiB, expected, `heap limit ${heapMiB} MiB follows --max-old-space-size`);
    assert.equal(streamText(cells[2]!, "stdout").trim(), workDir);
    assert.ok(kernelPid && !isAlive(kernelPid), "the kernel is shut down after the run");
  });

  test("a kernel that cannot start is reported with what it printed (exit code 3)", async () => {
    const notebook = newNotebook([newCodeCell("1")]);
    await assert.rejects(
      runNotebook(notebook, { cwd: workDir, nodeFlags: ["--no-such-node-flag"] }),
      (error: unknown) =>
        error instanceof CourseError &&
        error.exitCode === EXIT.missing &&
        /exited before it was ready[\s\S]*no-such-node-flag/.test(error.message),
    );
  });

  test("a notebook without code runs without starting a kernel", async () => {
    const started = Date.now();
    const result = await runNotebook(newNotebook([newMarkdownCell("# just text"), newCodeCell("  \n")]), { cwd: workDir });
    assert.equal(result.passed, true);
    assert.deepEqual(
      result.cells.map((c) => c.status),
      ["empty"],
    );
    assert.ok(Date.now() - started < 500);
  });

  test("a memory cap through node flags ends a greedy cell, reported as running out of memory", async () => {
    const notebook = newNotebook([
      newCodeCell("const hog: number[][] = [];\nwhile (true) hog.push(new Array(100_000).fill(1));"),
      newCodeCell("console.log('unreachable')"),
    ]);
    const result = await runNotebook(notebook, { cwd: workDir, nodeFlags: ["--max-old-space-size=256"] });
    assert.deepEqual(
      result.cells.map((c) => c.status),
      ["kernel-died", "not-run"],
    );
    assert.match(result.cells[0]!.error!, /ran out of memory/);
    assert.ok(result.kernelExit, "the exit is reported");
  });

  test("a cell sent right after a failed one runs: the runner's cells never stop on an earlier error", async () => {
    const notebook = newNotebook([
      newCodeCell("throw new Error('first');"),
      newCodeCell("console.log('second ran')"),
      newCodeCell("console.log('third ran')"),
    ]);
    const result = await runNotebook(notebook, { cwd: workDir, allowErrors: true });
    assert.deepEqual(
      result.cells.map((c) => c.status),
      ["error", "ok", "ok"],
    );
    const cells = notebook.cells as CodeCell[];
    assert.equal(streamText(cells[1]!, "stdout"), "second ran\n");
    assert.equal(streamText(cells[2]!, "stdout"), "third ran\n");
    assert.deepEqual(
      cells.map((c) => c.execution_count),
      [1, 2, 3],
    );
    const error = cells[0]!.outputs.filter((o) => o.output_type === "error");
    assert.equal(error.length, 1, "one error output: the kernel's, not a second one built from stderr");
    assert.deepEqual(
      error.map((o) => o.output_type === "error" && [o.ename, o.evalue]),
      [["Error", "first"]],
    );
    assert.equal(result.cells[0]!.error, "Error: first");
  });

  test("the notebook time limit stops the run and skips the remaining cells", async () => {
    const file = join(workDir, "slow.ipynb");
    writeNotebook(file, newNotebook(Array.from({ length: 20 }, () => newCodeCell(sleepCell(500)))));
    const started = Date.now();
    const result = await runNotebookFile(file, { notebookTimeoutMs: 3000, dryRun: true });
    const took = Date.now() - started - result.kernelStartMs;
    assert.ok(took < 6000, `the cells took ${took} ms`);
    assert.equal(result.passed, false);
    assert.equal(result.stopReason, "the notebook ran out of time");
    const statuses = result.cells.map((c) => c.status);
    const timedOut = statuses.indexOf("timeout");
    assert.ok(timedOut >= 0, statuses.join(","));
    assert.ok(statuses.slice(0, timedOut).every((s) => s === "ok"));
    assert.ok(statuses.slice(timedOut + 1).every((s) => s === "not-run"));
    assert.match(result.cells[timedOut]!.error!, /notebook's time limit \(3 s\)/);
  });

  test("stopping the runner with SIGTERM leaves no kernel running and no connection file", async () => {
    const pidFile = join(workDir, "kernel.pid");
    const file = join(workDir, "long.ipynb");
    writeNotebook(
      file,
      newNotebook([
        newCodeCell(
          `const connectionFile = process.argv[process.argv.indexOf('--config-path') + 1];\n` +
            `require('fs').writeFileSync(${JSON.stringify(pidFile)}, JSON.stringify({ pid: process.pid, connectionFile }));`,
        ),
        newCodeCell(sleepCell(60_000)),
      ]),
    );
    const runner = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        `require(${JSON.stringify(join(projectRoot, "scripts/src/cli.ts"))}).main(["run", ${JSON.stringify(file)}])`,
      ],
      {
        cwd: projectRoot,
        stdio: "ignore",
      },
    );
    try {
      assert.ok(await waitFor(() => existsSync(pidFile), 30_000), "the kernel started and wrote its pid");
      const { pid: kernelPid, connectionFile } = JSON.parse(readFileSync(pidFile, "utf8")) as { pid: number; connectionFile: string };
      assert.ok(isAlive(kernelPid));
      assert.ok(existsSync(connectionFile));
      const exited = new Promise((r) => runner.once("exit", r));
      runner.kill("SIGTERM");
      await exited;
      assert.ok(await waitFor(() => !isAlive(kernelPid), 3000), "the kernel died with the runner");
      assert.equal(existsSync(connectionFile), false, "its connection file (which holds the key) is removed");
    } finally {
      runner.kill("SIGKILL");
    }
  });
});
