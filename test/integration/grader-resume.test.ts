// A grading run killed midway loses nothing and the next run grades only the rest.
// (That solutions/ earns full marks and exercises/ zero is in course-notebooks.test.ts.)
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { courseBin, projectRoot, runCourse } from "../helpers/cli";
import { processesNaming } from "../helpers/processes";
import { cellKind } from "../../scripts/src/notebook/master";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import { readNotebook } from "../../scripts/src/notebook";

const NAME = "00-sample-assignment";
const master = readNotebook(path.join(projectRoot, "notebooks", `${NAME}.ipynb`));
const FULL = master.cells
  .filter((c) => cellKind(c) === "test")
  .reduce((sum, c) => sum + Number((c.metadata.nbgrader as { points: number }).points), 0);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "grader-resume-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function rows(file: string): Array<{ student: string; score: number; graded_at: string; status: string }> {
  const gradebook = Gradebook.open(file, { create: false });
  try {
    return gradebook.submissions();
  } finally {
    gradebook.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

/** Child processes of `pid` (the kernels of a grading run). */
function childrenOf(pid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ")".
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("course grade: interrupted runs", { concurrency: 1 }, () => {
  test("a run killed with SIGKILL midway resumes with only the ungraded submissions", async () => {
    const dir = path.join(work, "class");
    const students = ["s1", "s2", "s3", "s4", "s5", "s6"];
    for (const s of students) {
      fs.mkdirSync(path.join(dir, s), { recursive: true });
      fs.copyFileSync(path.join(projectRoot, "solutions", `${NAME}.ipynb`), path.join(dir, s, `${NAME}.ipynb`));
    }
    const gradebookFile = path.join(work, "resume.sqlite");
    const args = [courseBin, "grade", dir, "--gradebook", gradebookFile, "-j", "1", "--timeout", "20"];
    // Its own temporary folder, so that whatever names its run folder is its own.
    const runTmp = path.join(work, "tmp");
    fs.mkdirSync(runTmp);
    const child = spawn(process.execPath, args, {
      cwd: projectRoot,
      env: { ...process.env, TMPDIR: runTmp },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
    const deadline = Date.now() + 240_000;
    while (!/graded .*s2/.test(output)) {
      assert.ok(Date.now() < deadline, `the run never got to s2:\n${output}`);
      await sleep(100);
    }
    const kernels = childrenOf(child.pid!);
    assert.ok(kernels.length >= 1, "a kernel was running when the run was killed");
    child.kill("SIGKILL");
    await exited;
    const first = rows(gradebookFile);
    assert.ok(first.length >= 2 && first.length < students.length, `graded before the kill: ${first.map((r) => r.student).join(", ")}`);
    // Kernels notice their parent is gone within a second or two and exit.
    for (let i = 0; i < 50 && kernels.some(alive); i++) await sleep(100);
    assert.deepEqual(kernels.filter(alive), [], "no kernel outlives the killed run");
    // Nor a sandbox that was starting when the run was killed (its bwrap names the run folder).
    for (let i = 0; i < 50 && processesNaming(runTmp).length > 0; i++) await sleep(100);
    const left = processesNaming(runTmp);
    for (const pid of left) process.kill(pid, "SIGKILL");
    assert.deepEqual(left, [], "no sandbox of the killed run is still running");

    const second = await runCourse(["grade", dir, "--gradebook", gradebookFile, "-j", "2", "--timeout", "20"], { timeoutMs: 300_000 });
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, new RegExp(`${students.length - first.length} graded, ${first.length} skipped`));
    const all = rows(gradebookFile);
    assert.deepEqual(all.map((r) => r.student).sort(), students);
    for (const row of all) assert.equal(row.score, FULL, row.student);
    for (const before of first) {
      assert.equal(all.find((r) => r.student === before.student)!.graded_at, before.graded_at, `${before.student} was not graded again`);
    }
    const forced = await runCourse(["grade", dir, "--gradebook", gradebookFile, "-j", "2", "--force"], { timeoutMs: 300_000 });
    assert.match(forced.stdout, new RegExp(`${students.length} graded, 0 skipped`));
  });
});
