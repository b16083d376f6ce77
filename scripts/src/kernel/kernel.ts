/**
 * A running course kernel (lib/kernel: tslab's engine) and the client that talks to it
 * over zeromq.
 *
 * We start the kernel ourselves (rather than through jupyter_client) so that the course
 * tools need no Python: write a connection file, spawn `node KERNEL --config-path FILE`, connect a Dealer to shell and control and a Subscriber to iopub, and wait for
 * the kernel_info reply. The process is watched: if it exits, every pending request is
 * answered at once with a "died" outcome instead of waiting forever.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import * as zmq from "zeromq";
import { builtToolFile } from "../built-files";
import { CourseError, EXIT } from "../errors";
import { channelAddress, newConnectionInfo, writeConnectionFile, type ConnectionInfo } from "./connection";
import { locateKernel } from "./locate";
import type { ExecuteReplyContent, JupyterMessage } from "./messages";
import { trackKernelProcess, untrackKernelProcess } from "./reaper";
import { decodeMessage, encodeMessage, newMessage } from "./wire";

export interface KernelStartOptions {
  /** The kernel's working folder; tslab resolves imports and relative paths from here. */
  cwd: string;
  /** The kernel's environment (default: this process's). Pass a scrubbed one to hide secrets. */
  env?: NodeJS.ProcessEnv;
  /** Extra flags for the node process that runs tslab, e.g. ["--max-old-space-size=512"]. */
  nodeFlags?: string[];
  /** How long to wait for the kernel_info reply (default 30 s). */
  startTimeoutMs?: number;
  /** The kernel's entry script (default: the course's kernel, see locate.ts). */
  kernelScript?: string;
  /**
   * Starts the kernel process some other way (the grader's sandbox): it gets `env`;
   * cwd, nodeFlags and kernelScript are then the launcher's business.
   */
  launch?: KernelLauncher;
}

/** A started kernel process, as its client sees it. */
export interface KernelProcess {
  /** The process whose exit ends the kernel (the kernel itself, or a sandbox around it). */
  child: ChildProcess;
  /** Where the client connects (inside a sandbox, the kernel's own file names other paths). */
  connection: ConnectionInfo;
  /** Sends a signal to the kernel process itself: SIGINT interrupts a cell, SIGKILL ends it. */
  signal(signal: NodeJS.Signals): void;
  /** Removes the launch's files (the connection file holds the key); synchronous, as it also runs at exit. */
  cleanup(): void;
  /** Resolves once the kernel listens and the client may connect (default: at once; zeromq retries). */
  listening?: (timeoutMs: number) => Promise<void>;
  /**
   * False: connect once, and never again by the same path. For a kernel that could, once
   * it runs untrusted code, put something else at that path (the grader's sandbox).
   */
  reconnect?: boolean;
}

/** Starts a kernel process with the given environment (see KernelStartOptions.launch). */
export type KernelLauncher = (env: NodeJS.ProcessEnv) => Promise<KernelProcess>;

export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last few kilobytes the kernel process wrote to its own stdout/stderr. */
  log: string;
}

export type ExecuteOutcome = { kind: "reply"; reply: ExecuteReplyContent; message: JupyterMessage } | { kind: "died"; exit: KernelExit };

export interface ExecuteOptions {
  /** Called for each iopub message whose parent is this request, in arrival order. */
  onIopub?: (message: JupyterMessage) => void;
  /**
   * When true (default), the outcome waits until the kernel also reports idle on iopub
   * for this request, so that every output has arrived; Jupyter sends the reply on
   * another socket, which may overtake the last outputs.
   */
  waitForIdle?: boolean;
}

/** How long after the execute reply we wait for the idle status before giving up on it. */
const IDLE_AFTER_REPLY_MS = 2000;
const LOG_LIMIT = 8192;
/** How long to wait for a kernel_info request's status on iopub before asking again. */
const IOPUB_READY_MS = 300;
/** For delay(): a wait of the client's never keeps the process alive by itself. */
const UNREF = { ref: false } as const;

export class Kernel {
  readonly session = randomUUID();
  /** Resolves once the kernel process has exited, however that happened. */
  readonly exited: Promise<KernelExit>;
  private exitInfo: KernelExit | undefined;
  private log = "";
  private readonly shell: zmq.Dealer;
  private readonly control: zmq.Dealer;
  private readonly iopub: zmq.Subscriber;
  private readonly replyWaiters = new Map<string, (message: JupyterMessage) => void>();
  private readonly iopubListeners = new Map<string, (message: JupyterMessage) => void>();
  private readonly anyIopubListeners = new Set<(message: JupyterMessage) => void>();
  private readonly sending = new Map<zmq.Dealer, Promise<void>>();
  private closed = false;

  readonly child: ChildProcess;
  readonly connection: ConnectionInfo;

  private constructor(private readonly launched: KernelProcess) {
    const { child } = launched;
    this.child = child;
    this.connection = launched.connection;
    // -1: a connection, once lost, is not made again (see KernelProcess.reconnect).
    const options = { linger: 0, ...(launched.reconnect === false ? { reconnectInterval: -1 } : {}) };
    this.shell = new zmq.Dealer(options);
    this.control = new zmq.Dealer(options);
    this.iopub = new zmq.Subscriber(options);
    this.exited = new Promise((resolveExit) => {
      const exit = (code: number | null, signal: NodeJS.Signals | null) => {
        this.exitInfo = { code, signal, log: this.log };
        resolveExit(this.exitInfo);
      };
      // A launcher that waited for its process may hand it over already gone.
      if (child.exitCode !== null || child.signalCode !== null) exit(child.exitCode, child.signalCode);
      else child.once("exit", exit);
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding("utf8");
      stream?.on("data", (text: string) => {
        this.log = (this.log + text).slice(-LOG_LIMIT);
      });
    }
  }

  /**
   * Starts a tslab kernel and resolves once it answers kernel_info on shell and iopub.
   * A local kernel whose port another process took between our choosing it and the
   * kernel's bind (see freePorts) is started again on fresh ports, up to twice.
   */
  static async start(options: KernelStartOptions): Promise<Kernel> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await Kernel.startOnce(options);
      } catch (error) {
        const portTaken = error instanceof CourseError && /EADDRINUSE|address already in use/i.test(error.message);
        if (options.launch || !portTaken || attempt === 3) throw error;
      }
    }
  }

  private static async startOnce(options: KernelStartOptions): Promise<Kernel> {
    const launched = await (options.launch ? options.launch(options.env ?? process.env) : launchLocal(options));
    trackKernelProcess(launched.child, launched.cleanup);
    const kernel = new Kernel(launched);
    const spawned = new Promise<void>((ok, fail) => {
      if (launched.child.pid !== undefined) ok();
      launched.child.once("spawn", ok);
      launched.child.once("error", fail);
    });
    try {
      await spawned;
      if (launched.listening) {
        const first = await Promise.race([
          launched.listening(options.startTimeoutMs ?? 30_000).then(() => "listening" as const),
          kernel.exited.then(() => "died" as const),
        ]);
        if (first === "died") {
          await kernel.logSettled();
          throw kernel.startError("exited before it was ready");
        }
      }
      kernel.connect();
      await kernel.waitUntilReady(options.startTimeoutMs ?? 30_000);
      return kernel;
    } catch (error) {
      kernel.kill();
      await kernel.exited;
      kernel.close();
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /** The last output the kernel process wrote outside of cells (start errors, crashes). */
  get processLog(): string {
    return this.log;
  }

  private connect(): void {
    this.shell.connect(channelAddress(this.connection, "shell"));
    this.control.connect(channelAddress(this.connection, "control"));
    this.iopub.connect(channelAddress(this.connection, "iopub"));
    this.iopub.subscribe();
    void this.readReplies(this.shell);
    void this.readReplies(this.control);
    void this.readIopub();
  }

  private async readReplies(socket: zmq.Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = this.decode(frames);
        const parent = message?.parent_header.msg_id;
        if (!message || !parent) continue;
        const waiter = this.replyWaiters.get(parent);
        if (waiter) {
          this.replyWaiters.delete(parent);
          waiter(message);
        }
      }
    } catch {
      // The socket was closed (shutdown) or broke; the exit watcher answers pending requests.
    }
  }

  private async readIopub(): Promise<void> {
    try {
      for await (const frames of this.iopub) {
        const message = this.decode(frames);
        if (!message) continue;
        const parent = message.parent_header.msg_id;
        if (parent) this.iopubListeners.get(parent)?.(message);
        for (const listener of this.anyIopubListeners) listener(message);
      }
    } catch {
      // As above: nothing to report here, a dead kernel is noticed through its process.
    }
  }

  private decode(frames: Buffer[]): JupyterMessage | undefined {
    try {
      return decodeMessage(frames, this.connection.key).message;
    } catch {
      // A message we cannot verify is dropped, as Jupyter clients do.
      return undefined;
    }
  }

  /**
   * Sends kernel_info_request until a reply comes on shell AND its status reaches us on
   * iopub. Waiting for iopub too avoids zeromq's "slow joiner" problem: a subscriber
   * that connects late misses the first cell's outputs.
   */
  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const request = newMessage("kernel_info_request", {}, this.session);
      let sawIopub = false;
      let markIopub = () => {};
      const iopubSeen = new Promise<void>((ok) => (markIopub = ok));
      this.iopubListeners.set(request.header.msg_id, () => {
        sawIopub = true;
        markIopub();
      });
      const reply = this.request(this.shell, request);
      const answered = await Promise.race([
        reply.then(() => "reply" as const),
        this.exited.then(() => "died" as const),
        delay(Math.max(1, deadline - Date.now()), undefined, UNREF).then(() => "late" as const),
      ]);
      if (answered === "died") {
        await this.logSettled();
        throw this.startError("exited before it was ready");
      }
      if (answered === "reply") await Promise.race([iopubSeen, delay(IOPUB_READY_MS, undefined, UNREF)]);
      this.replyWaiters.delete(request.header.msg_id);
      this.iopubListeners.delete(request.header.msg_id);
      if (sawIopub) return;
    }
    throw this.startError(`did not answer within ${Math.round(timeoutMs / 1000)} s`);
  }

  /**
   * Waits (briefly) until the dead process's output has been read. "exit" can come
   * before the last output; "close" waits for it, but would wait forever if a child of
   * the kernel still holds its stdout, so it is not awaited unbounded.
   */
  private async logSettled(): Promise<void> {
    const closed = new Promise<void>((ok) => {
      if (this.child.stdout?.readableEnded !== false && this.child.stderr?.readableEnded !== false) ok();
      this.child.once("close", () => ok());
    });
    await Promise.race([closed, delay(200, undefined, UNREF)]);
    if (this.exitInfo) this.exitInfo.log = this.log;
  }

  private startError(what: string): CourseError {
    const log = this.log.trim().split("\n").slice(-20).join("\n");
    const exit = this.exitInfo;
    if (exit && what.startsWith("exited")) what += exit.signal ? ` (killed by ${exit.signal})` : ` (exit code ${exit.code})`;
    const outOfMemory = /heap out of memory/.test(this.log);
    return new CourseError(
      `the tslab kernel ${what}.` + (log ? `\nKernel output (end):\n${log}` : ""),
      outOfMemory
        ? "the kernel ran out of memory while starting (tslab's TypeScript compiler alone needs about 150 MB); allow it more memory."
        : "run `course doctor` to check the installation; `npm install` repairs a broken tslab.",
      EXIT.missing,
    );
  }

  private request(socket: zmq.Dealer, message: JupyterMessage<unknown>): Promise<JupyterMessage> {
    const reply = new Promise<JupyterMessage>((ok) => this.replyWaiters.set(message.header.msg_id, ok));
    const frames = encodeMessage(message, this.connection.key);
    // zeromq allows one pending send per socket at a time, so sends are queued.
    const previous = this.sending.get(socket) ?? Promise.resolve();
    const sent = previous
      .then(() => socket.send(frames))
      .catch(() => {
        // A send fails only once the socket is closed; the exit watcher answers then.
      });
    this.sending.set(socket, sent);
    return reply;
  }

  /** Listens to every iopub message (e.g. to follow display updates across cells). Returns an unsubscribe function. */
  onAnyIopub(listener: (message: JupyterMessage) => void): () => void {
    this.anyIopubListeners.add(listener);
    return () => this.anyIopubListeners.delete(listener);
  }

  /**
   * Runs code in the kernel. Resolves with the execute reply, or with "died" if the
   * kernel process exits first. Never rejects for a kernel-side failure: the reply's
   * status says whether the code worked. Time limits are the caller's business
   * (see interrupt() and kill()).
   */
  async execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteOutcome> {
    if (!this.alive) return { kind: "died", exit: this.exitInfo! };
    const request = newMessage(
      "execute_request",
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false },
      this.session,
    );
    const id = request.header.msg_id;
    let markIdle = () => {};
    const idle = new Promise<void>((ok) => (markIdle = ok));
    this.iopubListeners.set(id, (message) => {
      if (message.header.msg_type === "status") {
        if ((message.content as { execution_state?: string }).execution_state === "idle") markIdle();
        return;
      }
      options.onIopub?.(message);
    });
    try {
      const outcome = await Promise.race([
        this.request(this.shell, request).then((message) => ({ kind: "reply" as const, message })),
        this.exited.then((exit) => ({ kind: "died" as const, exit })),
      ]);
      if (outcome.kind === "died") {
        // Outputs sent just before the crash may still be in flight; give them a moment.
        await Promise.all([delay(50, undefined, UNREF), this.logSettled()]);
        return { kind: "died", exit: this.exitInfo ?? outcome.exit };
      }
      if (options.waitForIdle !== false) await Promise.race([idle, delay(IDLE_AFTER_REPLY_MS, undefined, UNREF), this.exited]);
      return { kind: "reply", reply: outcome.message.content as unknown as ExecuteReplyContent, message: outcome.message };
    } finally {
      this.replyWaiters.delete(id);
      this.iopubListeners.delete(id);
    }
  }

  /**
   * Interrupts the running cell. tslab handles SIGINT by stopping the cell with the
   * error "Script execution was interrupted by SIGINT" and stays usable. A cell that
   * blocks the event loop outside tslab's own evaluation may ignore it: callers should
   * kill() the kernel if no reply comes within a grace period.
   */
  interrupt(): void {
    if (this.alive) this.signal("SIGINT");
  }

  /** Kills the kernel process at once (SIGKILL). */
  kill(): void {
    if (this.alive) this.signal("SIGKILL");
  }

  private signal(signal: NodeJS.Signals): void {
    // Only while it lives: a process id that is free again may belong to someone else.
    if (this.alive) this.launched.signal(signal);
  }

  /**
   * Stops the kernel: asks politely on the control channel, kills it if it has not
   * exited after `graceMs`, then closes the sockets and removes the connection file.
   */
  async shutdown(graceMs = 500): Promise<KernelExit> {
    if (this.alive) {
      const request = newMessage("shutdown_request", { restart: false }, this.session);
      void this.request(this.control, request);
      const exitedInTime = await Promise.race([this.exited.then(() => true), delay(graceMs, undefined, UNREF).then(() => false)]);
      if (!exitedInTime) this.kill();
    }
    const exit = await this.exited;
    this.close();
    return exit;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    untrackKernelProcess(this.child);
    for (const socket of [this.shell, this.control, this.iopub]) socket.close();
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    this.launched.cleanup();
  }
}

/**
 * The usual way: tslab in a node process of its own, on five fresh loopback ports, with
 * the connection file and a copy of the parent watch (parent-watch.ts) in a private temp
 * folder. A copy, not the build's own file: an unsandboxed grading kernel may read its
 * own folders and these only (Node's permission model refuses a preload elsewhere; see
 * sandbox.ts), and its command line, which a notebook can read, must not name the project.
 */
async function launchLocal(options: KernelStartOptions): Promise<KernelProcess> {
  const cwd = resolve(options.cwd);
  const script = options.kernelScript ?? locateKernel().script;
  const connection = await newConnectionInfo();
  const filesDir = mkdtempSync(join(tmpdir(), "nncourse-kernel-"));
  const connectionFile = join(filesDir, "connection.json");
  const watchFile = join(filesDir, "parent-watch.js");
  writeConnectionFile(connectionFile, connection);
  copyFileSync(builtToolFile("kernel/parent-watch.js"), watchFile);
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), "--require", watchFile, script, "--config-path", connectionFile], {
    cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  return {
    child,
    connection,
    signal: (signal) => {
      try {
        child.kill(signal);
      } catch {
        // the process is already gone
      }
    },
    cleanup: () => rmSync(filesDir, { recursive: true, force: true }),
  };
}
