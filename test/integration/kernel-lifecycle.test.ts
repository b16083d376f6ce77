/**
 * The course's kernel from start to shutdown, through the course tools' own client: a
 * shutdown request ends it cleanly (exit code 0, no socket errors in its log, the
 * traces tslab's own front printed), and it runs a notebook in a folder far from the
 * course.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { Kernel } from "../../scripts/src/kernel/kernel";

test("a shutdown request ends the kernel cleanly, after outputs from a library that keeps timers", { timeout: 120_000 }, async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-lifecycle-"));
  try {
    const kernel = await Kernel.start({ cwd: folder, startTimeoutMs: 60_000 });
    // A timer that outlives its cell keeps the event loop busy; the kernel must still end.
    const outcome = await kernel.execute('import { mcpAnd } from "nncourse";\nsetInterval(() => {}, 1000);\nconsole.log(mcpAnd().fire([1, 1]))');
    assert.equal(outcome.kind, "reply");
    assert.equal(outcome.kind === "reply" && outcome.reply.status, "ok");
    const exit = await kernel.shutdown(10_000);
    assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, exit.log);
    assert.doesNotMatch(exit.log, /EBADF|EBUSY|Socket is closed|Error/, exit.log);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
