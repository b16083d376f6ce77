// The grader reaches a sandboxed kernel's sockets by path, a path the kernel's own code
// could later point elsewhere (a symbolic link to any socket on this machine). So the
// client connects once, to checked sockets, before any notebook code runs, and never
// reconnects. A stand-in kernel (zeromq sockets answering kernel_info) plays the kernel.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import * as zmq from "zeromq";
import { Kernel, type KernelProcess } from "../../scripts/src/kernel/kernel";
import type { ConnectionInfo } from "../../scripts/src/kernel/connection";
import { decodeMessage, encodeMessage, newMessage } from "../../scripts/src/kernel/wire";
import { socketsListening } from "../../scripts/src/sandbox/bubblewrap";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "kernel-no-reconnect-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));
const KEY = "k".repeat(64);
let folders = 0;

/** A kernel stand-in on ipc sockets in a folder of its own: shell answers kernel_info, iopub says idle. */
async function standInKernel(): Promise<{ connection: ConnectionInfo; close(): void }> {
  const dir = path.join(work, `k${folders++}`);
  fs.mkdirSync(dir);
  const connection: ConnectionInfo = {
    transport: "ipc",
    ip: path.join(dir, "k"),
    shell_port: 1,
    iopub_port: 2,
    stdin_port: 3,
    control_port: 4,
    hb_port: 5,
    key: KEY,
    signature_scheme: "hmac-sha256",
  };
  const shell = new zmq.Router({ linger: 0 });
  const control = new zmq.Router({ linger: 0 });
  const iopub = new zmq.Publisher({ linger: 0 });
  await Promise.all([
    shell.bind(`ipc://${connection.ip}-1`),
    iopub.bind(`ipc://${connection.ip}-2`),
    control.bind(`ipc://${connection.ip}-4`),
  ]);
  void (async () => {
    try {
      for await (const frames of shell) {
        const { ids, message } = decodeMessage(frames, KEY);
        const reply = { ...newMessage("kernel_info_reply", { status: "ok" }, message.header.session), parent_header: message.header };
        const idle = { ...newMessage("status", { execution_state: "idle" }, message.header.session), parent_header: message.header };
        await iopub.send(encodeMessage(idle, KEY));
        await shell.send(encodeMessage(reply, KEY, ids));
      }
    } catch {
      // closed
    }
  })();
  return {
    connection,
    close: () => {
      for (const s of [shell, control, iopub]) s.close();
    },
  };
}

/** A kernel process as a launcher hands it to Kernel.start; the process itself is a sleeper. */
function launched(connection: ConnectionInfo, reconnect: boolean): KernelProcess {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: ["ignore", "pipe", "pipe"] });
  return {
    child,
    connection,
    signal: (signal) => child.kill(signal),
    cleanup: () => {},
    listening: (timeoutMs) =>
      socketsListening(
        [1, 2, 4].map((port) => `${connection.ip}-${port}`),
        timeoutMs,
      ),
    reconnect,
  };
}

/** A server on this machine's own Unix socket, counting who connects. */
async function hostServer(): Promise<{ file: string; connections: () => number; close(): void }> {
  const file = path.join(work, `host-${folders++}.sock`);
  let count = 0;
  const server = net.createServer((s) => {
    count++;
    s.on("error", () => {});
    s.destroy();
  });
  await new Promise<void>((ok) => server.listen(file, ok));
  return { file, connections: () => count, close: () => server.close() };
}

const delay = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** Starts a client, then the stand-in drops its sockets and puts a link to `target` where shell was. */
async function redirectAfterStart(reconnect: boolean, target: string): Promise<void> {
  const fake = await standInKernel();
  const kernel = await Kernel.start({ cwd: work, launch: async () => launched(fake.connection, reconnect), startTimeoutMs: 10_000 });
  try {
    fake.close();
    await delay(100);
    fs.rmSync(`${fake.connection.ip}-1`, { force: true });
    fs.symlinkSync(target, `${fake.connection.ip}-1`);
    await delay(1500); // zeromq's reconnect interval is 100 ms by default
  } finally {
    kernel.kill();
    await kernel.shutdown(100);
  }
}

describe("a client that must not reconnect", () => {
  test("does not follow a link put where the kernel's socket was, once the kernel's code could have put it there", async () => {
    const host = await hostServer();
    try {
      await redirectAfterStart(false, host.file);
      assert.equal(host.connections(), 0, "the client connected to a socket of this machine that the kernel named");
    } finally {
      host.close();
    }
  });

  test("control: a client that reconnects does follow it (so the test above can fail)", async () => {
    const host = await hostServer();
    try {
      await redirectAfterStart(true, host.file);
      assert.ok(host.connections() > 0, "the reconnecting client never reached the linked socket");
    } finally {
      host.close();
    }
  });

  test("waits for real sockets: a link in place of one is not taken for the kernel listening", async () => {
    const host = await hostServer();
    const dir = path.join(work, "links");
    fs.mkdirSync(dir);
    try {
      for (const port of [1, 2, 4]) fs.symlinkSync(host.file, path.join(dir, `k-${port}`));
      await assert.rejects(
        socketsListening(
          [1, 2, 4].map((p) => path.join(dir, `k-${p}`)),
          300,
        ),
        /did not listen/,
      );
      assert.equal(host.connections(), 0);
    } finally {
      host.close();
    }
  });
});
