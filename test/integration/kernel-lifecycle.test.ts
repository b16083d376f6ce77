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
import { spawnSync } from "node:child_process";
import net from "node:net";
import { LOOPBACK, newConnectionInfo, writeConnectionFile } from "../../scripts/src/kernel/connection";
import { Kernel } from "../../scripts/src/kernel/kernel";
import { locateKernel } from "../../scripts/src/kernel/locate";

test("a shutdown request ends the kernel cleanly, after outputs from a library that keeps timers", { timeout: 120_000 }, async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-lifecycle-"));
  try {
    const kernel = await Kernel.start({ cwd: folder, startTimeoutMs: 60_000 });
    // A timer that outlives its cell keeps the event loop busy; the kernel must still end.
    const outcome = await kernel.execute(
      'import { mcpAnd } from "nncourse";\nsetInterval(() => {}, 1000);\nconsole.log(mcpAnd().fire([1, 1]))',
    );
    assert.equal(outcome.kind, "reply");
    assert.equal(outcome.kind === "reply" && outcome.reply.status, "ok");
    const exit = await kernel.shutdown(10_000);
    assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, exit.log);
    assert.doesNotMatch(exit.log, /EBADF|EBUSY|Socket is closed|Error/, exit.log);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test("a kernel whose port another process holds says so on its own stderr and exits 1", { timeout: 120_000 }, async () => {
  // The client picks free ports, another process may take one before the kernel binds it:
  // the kernel's reason must reach the client (Kernel.start then retries on fresh ports),
  // not vanish into iopub, where its own output goes once it runs.
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-lifecycle-"));
  const holder = net.createServer();
  await new Promise<void>((ok) => holder.listen(0, LOOPBACK, ok));
  try {
    const connection = await newConnectionInfo();
    connection.shell_port = (holder.address() as net.AddressInfo).port;
    const file = path.join(folder, "connection.json");
    writeConnectionFile(file, connection);
    const kernel = spawnSync(process.execPath, [locateKernel().script, "--config-path", file], {
      cwd: folder,
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(kernel.status, 1, kernel.stderr);
    assert.match(kernel.stderr, /nncourse kernel: could not start: .*(EADDRINUSE|Address already in use)/);
  } finally {
    holder.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
