/**
 * The kernel's broadcast channel (iopub), in order and without losing a message.
 *
 * zeromq allows one send in progress per socket and throws EBUSY at a second, so
 * messages wait in a queue and go out one after another. Text a cell writes in a burst
 * (a training loop that prints every epoch) is merged into one stream message while it
 * waits, the way Jupyter's own kernels batch their output.
 */
import type { JupyterMessage } from "./messages";

export interface FrameSink {
  send(frames: Buffer[]): Promise<void>;
}

export class IopubQueue {
  private readonly waiting: JupyterMessage<Record<string, unknown>>[] = [];
  private pumping: Promise<void> | undefined;
  private broken = false;

  constructor(
    private readonly socket: FrameSink,
    private readonly encode: (message: JupyterMessage<Record<string, unknown>>) => Buffer[],
  ) {}

  publish(message: JupyterMessage<Record<string, unknown>>): void {
    if (this.broken) return;
    const last = this.waiting.at(-1);
    if (message.header.msg_type === "stream" && last !== undefined && sameStream(last, message)) {
      last.content.text = String(last.content.text) + String(message.content.text);
    } else {
      this.waiting.push(message);
    }
    this.pumping ??= this.pump();
  }

  /** Resolves once every message published so far has been handed to zeromq. */
  async flushed(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  private async pump(): Promise<void> {
    try {
      for (let message = this.waiting.shift(); message !== undefined; message = this.waiting.shift()) {
        await this.socket.send(this.encode(message));
      }
    } catch {
      // The socket is closed (the kernel is shutting down): nobody is listening any more.
      this.broken = true;
      this.waiting.length = 0;
    } finally {
      this.pumping = undefined;
    }
  }
}

function sameStream(a: JupyterMessage<Record<string, unknown>>, b: JupyterMessage<Record<string, unknown>>): boolean {
  return a.header.msg_type === "stream" && a.content.name === b.content.name && a.parent_header.msg_id === b.parent_header.msg_id;
}
