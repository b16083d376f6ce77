/**
 * The kernel's side of Jupyter's messaging protocol (version 5.3), over zeromq.
 *
 * Requests on the shell channel are handled one at a time, in the order they came, as
 * in IPython: each is framed by a `busy` and an `idle` status on iopub, so a front end's
 * busy indicator follows a long cell from start to end (tslab handled every request at
 * once, so a completion request during training sent `idle` while the cell still ran).
 * The control channel (shutdown, interrupt) is answered at once, beside the queue.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { inspect, TextDecoder } from "node:util";
import * as zmq from "zeromq";
import type { CellOutcome, Engine } from "./engine";
import { setCellOutput } from "./cell-output";
import { History, type HistoryRequest } from "./history";
import { IopubQueue } from "./iopub";
import { PROTOCOL_VERSION, type JupyterMessage } from "./messages";
import { decodeMessage, encodeMessage } from "./wire";

/** The connection file a Jupyter client writes for its kernel. */
export interface KernelConnection {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme?: string;
}

/** What kernel_info says about the kernel. */
export interface KernelIdentity {
  implementation: string;
  implementationVersion: string;
  /** The TypeScript version that compiles the cells. */
  typescriptVersion: string;
  banner: string;
}

type Message = JupyterMessage<Record<string, unknown>>;
interface Request {
  socket: zmq.Router;
  ids: Buffer[];
  message: Message;
}

/** Where a channel listens: Jupyter writes ipc endpoints as "<ip>-<port>", tcp ones as "<ip>:<port>". */
export function endpoint(connection: KernelConnection, port: number): string {
  return connection.transport === "ipc" ? `ipc://${connection.ip}-${port}` : `tcp://${connection.ip}:${port}`;
}

export class KernelServer {
  private readonly session = randomUUID();
  private readonly shell = new zmq.Router();
  private readonly control = new zmq.Router();
  private readonly stdin = new zmq.Router();
  private readonly hb = new zmq.Reply();
  private readonly iopubSocket = new zmq.Publisher({ sendHighWaterMark: 100_000 });
  private readonly iopub: IopubQueue;
  private readonly history = new History();
  private readonly waiting: Request[] = [];
  private wake: (() => void) | undefined;
  private executionCount = 0;
  /** The execute request whose cell output goes where: the running cell, or the last one (late output from timers). */
  private outputParent: Message | undefined;
  private stopping = false;
  private readonly replying = new Map<zmq.Router, Promise<void>>();

  constructor(
    private readonly connection: KernelConnection,
    private readonly engine: Engine,
    private readonly identity: KernelIdentity,
    private readonly onStopped: () => void,
  ) {
    this.iopub = new IopubQueue(this.iopubSocket, (message) => encodeMessage(message, this.connection.key));
  }

  /** Binds every channel, and only then starts reading (reading a socket that is still binding fails with EBUSY). */
  async start(): Promise<void> {
    const c = this.connection;
    await Promise.all([
      this.shell.bind(endpoint(c, c.shell_port)),
      this.control.bind(endpoint(c, c.control_port)),
      this.stdin.bind(endpoint(c, c.stdin_port)),
      this.hb.bind(endpoint(c, c.hb_port)),
      this.iopubSocket.bind(endpoint(c, c.iopub_port)),
    ]);
    void this.read(this.shell, (request) => this.enqueue(request));
    void this.read(this.control, (request) => void this.handleControl(request));
    void this.echoHeartbeats();
    void this.serveShell();
    this.publish(undefined, "status", { execution_state: "starting" });
  }

  /** Routes this process's stdout and stderr, and tslab's display writer, to the cell whose output is due. */
  captureOutput(tslabJupyter: { lastWriteDisplayData: unknown }): void {
    const decoder = new TextDecoder();
    const route = (name: "stdout" | "stderr") =>
      function write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
        const text = typeof chunk === "string" ? chunk : chunk instanceof Uint8Array ? decoder.decode(chunk) : String(chunk);
        server.stream(name, text);
        const done = typeof encoding === "function" ? encoding : callback;
        if (typeof done === "function") queueMicrotask(() => (done as () => void)());
        return true;
      };
    const server = this;
    process.stdout.write = route("stdout") as typeof process.stdout.write;
    process.stderr.write = route("stderr") as typeof process.stderr.write;
    tslabJupyter.lastWriteDisplayData = (content: Record<string, unknown>, update: boolean) => {
      this.publish(this.outputParent, update ? "update_display_data" : "display_data", {
        data: {},
        metadata: {},
        transient: {},
        ...content,
      });
    };
    setCellOutput({ clearOutput: (wait) => this.publish(this.outputParent, "clear_output", { wait }) });
  }

  /** Text for the cell whose output is due; before any cell, the kernel's own log (stderr of the process). */
  stream(name: "stdout" | "stderr", text: string): void {
    if (text === "") return;
    this.publish(this.outputParent, "stream", { name, text });
  }

  private async read(socket: zmq.Router, handle: (request: Request) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        let decoded: { ids: Buffer[]; message: Message };
        try {
          decoded = decodeMessage(frames, this.connection.key) as { ids: Buffer[]; message: Message };
        } catch {
          continue; // unsigned or malformed: dropped, as every Jupyter kernel does
        }
        handle({ socket, ids: decoded.ids, message: decoded.message });
      }
    } catch {
      // The socket was closed: the kernel is stopping.
    }
  }

  private enqueue(request: Request): void {
    this.waiting.push(request);
    this.wake?.();
  }

  private async serveShell(): Promise<void> {
    while (!this.stopping) {
      const request = this.waiting.shift();
      if (request === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      this.publish(request.message, "status", { execution_state: "busy" });
      try {
        await this.handleShell(request);
      } catch (error) {
        this.stream("stderr", `The kernel could not handle a ${request.message.header.msg_type}: ${inspect(error)}\n`);
      }
      this.publish(request.message, "status", { execution_state: "idle" });
    }
  }

  private async handleShell(request: Request): Promise<void> {
    const { message } = request;
    const content = message.content;
    switch (message.header.msg_type) {
      case "execute_request":
        return this.execute(request);
      case "kernel_info_request":
        return this.reply(request, "kernel_info_reply", this.kernelInfo());
      case "complete_request": {
        const found = this.engine.complete(String(content.code ?? ""), Number(content.cursor_pos ?? 0));
        return this.reply(request, "complete_reply", {
          status: "ok",
          matches: found.matches,
          cursor_start: found.start,
          cursor_end: found.end,
          metadata: {},
        });
      }
      case "inspect_request": {
        const text = this.engine.inspect(String(content.code ?? ""), Number(content.cursor_pos ?? 0));
        return this.reply(request, "inspect_reply", {
          status: "ok",
          found: text !== undefined,
          data: text === undefined ? {} : { "text/plain": text },
          metadata: {},
        });
      }
      case "is_complete_request":
        return this.reply(request, "is_complete_reply", this.engine.isComplete(String(content.code ?? "")));
      case "history_request":
        return this.reply(request, "history_reply", { status: "ok", history: this.history.lookup(content as HistoryRequest) });
      case "comm_info_request":
        // No comms (widgets) in this kernel.
        return this.reply(request, "comm_info_reply", { status: "ok", comms: {} });
      case "shutdown_request":
      case "interrupt_request":
        return this.handleControl(request);
      default:
        // comm_open and friends, or a request of a newer protocol: nothing to do, as IPython.
        return;
    }
  }

  private async handleControl(request: Request): Promise<void> {
    const { message } = request;
    switch (message.header.msg_type) {
      case "shutdown_request": {
        const restart = message.content.restart === true;
        await this.reply(request, "shutdown_reply", { status: "ok", restart });
        await this.stop();
        return;
      }
      case "interrupt_request":
        this.engine.interrupt();
        return this.reply(request, "interrupt_reply", { status: "ok" });
      case "kernel_info_request":
        return this.reply(request, "kernel_info_reply", this.kernelInfo());
      default:
        return;
    }
  }

  private async execute(request: Request): Promise<void> {
    const { message } = request;
    const code = String(message.content.code ?? "");
    const silent = message.content.silent === true;
    const storeHistory = message.content.store_history !== false && !silent;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.publish(message, "execute_input", { code, execution_count: count });
    this.outputParent = message;
    let outcome: CellOutcome;
    try {
      outcome = await this.engine.execute(code);
    } catch (error) {
      outcome = { status: "error", error: { ename: "KernelError", evalue: String(error), traceback: [`KernelError: ${String(error)}`] } };
    }
    let result: string | null = null;
    if (outcome.status === "ok") {
      for (const warning of outcome.warnings) this.stream("stderr", warning + "\n");
      if (outcome.value && !silent) {
        result = inspect(outcome.value.of);
        this.publish(message, "execute_result", { execution_count: count, data: { "text/plain": result }, metadata: {} });
      }
      await this.reply(request, "execute_reply", { status: "ok", execution_count: count, payload: [], user_expressions: {} });
    } else {
      this.publish(message, "error", { ...outcome.error });
      await this.reply(request, "execute_reply", { status: "error", execution_count: count, ...outcome.error });
      if (message.content.stop_on_error !== false) await this.abortWaitingExecutions();
    }
    if (storeHistory) this.history.record(count, code, result);
  }

  /** After a failed cell, cells already sent behind it are skipped, as IPython does (unless stop_on_error is false). */
  private async abortWaitingExecutions(): Promise<void> {
    const aborted = this.waiting.filter((request) => request.message.header.msg_type === "execute_request");
    for (const request of aborted) this.waiting.splice(this.waiting.indexOf(request), 1);
    for (const request of aborted) {
      this.publish(request.message, "status", { execution_state: "busy" });
      await this.reply(request, "execute_reply", { status: "aborted", execution_count: null });
      this.publish(request.message, "status", { execution_state: "idle" });
    }
  }

  private kernelInfo(): Record<string, unknown> {
    return {
      status: "ok",
      protocol_version: PROTOCOL_VERSION,
      implementation: this.identity.implementation,
      implementation_version: this.identity.implementationVersion,
      language_info: {
        name: "typescript",
        version: this.identity.typescriptVersion,
        mimetype: "text/typescript",
        file_extension: ".ts",
        pygments_lexer: "typescript",
        // What Notebook 6 and JupyterLab need to highlight TypeScript (tslab's finding).
        codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
      },
      banner: this.identity.banner,
      help_links: [],
    };
  }

  private newMessage(parent: Message | undefined, msgType: string, content: Record<string, unknown>): Message {
    return {
      header: {
        msg_id: randomUUID(),
        session: this.session,
        username: "kernel",
        date: new Date().toISOString(),
        msg_type: msgType,
        version: PROTOCOL_VERSION,
      },
      parent_header: parent ? parent.header : {},
      metadata: {},
      content,
      buffers: [],
    };
  }

  private publish(parent: Message | undefined, msgType: string, content: Record<string, unknown>): void {
    this.iopub.publish(this.newMessage(parent, msgType, content));
  }

  /** Sends a reply on the request's own socket; replies on one socket go one after another (zeromq allows one send at a time). */
  private reply(request: Request, msgType: string, content: Record<string, unknown>): Promise<void> {
    const frames = encodeMessage(this.newMessage(request.message, msgType, content), this.connection.key, request.ids);
    const previous = this.replying.get(request.socket) ?? Promise.resolve();
    const sent = previous
      .then(() => request.socket.send(frames))
      .catch(() => {
        // The client is gone or the socket closed: there is no one to answer.
      });
    this.replying.set(request.socket, sent);
    return sent;
  }

  private async echoHeartbeats(): Promise<void> {
    try {
      for await (const frames of this.hb) await this.hb.send(frames);
    } catch {
      // closed
    }
  }

  /** Stops: the last messages go out, the sockets close, then the process may end. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake?.();
    await Promise.race([Promise.all([this.iopub.flushed(), ...this.replying.values()]), delay(1000, undefined, { ref: false })]);
    setCellOutput(undefined);
    for (const socket of [this.shell, this.control, this.stdin, this.hb, this.iopubSocket]) {
      try {
        socket.close();
      } catch {
        // already closed
      }
    }
    try {
      this.engine.close();
    } catch {
      // the compiler's watchers may be gone already
    }
    this.onStopped();
  }
}
