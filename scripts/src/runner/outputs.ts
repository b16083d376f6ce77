/**
 * Collecting a kernel's iopub messages into nbformat outputs, the way Jupyter's
 * frontends and nbclient do:
 *  - consecutive chunks of the same stream merge into one output;
 *  - display_data with a display_id can later be replaced in place by
 *    update_display_data (tslab.newDisplay() works this way, even from a later cell);
 *  - clear_output empties the cell, or with wait=true just before the next output
 *    arrives (so progress displays do not flicker);
 *  - output size is capped per cell and per notebook, with a visible note where
 *    output was cut, so that a cell printing in a loop cannot produce a gigabyte file.
 */
import type { JupyterMessage } from "../kernel/messages";
import type { CodeCell, DisplayDataOutput, ExecuteResultOutput, JsonObject, Output, StreamOutput } from "../notebook/model";
import { joinText } from "../notebook/text";

export interface OutputLimits {
  /** Most bytes of output kept for one cell. */
  cellBytes: number;
  /** Most bytes of output kept for the whole notebook. */
  notebookBytes: number;
}

export const DEFAULT_LIMITS: OutputLimits = { cellBytes: 1 << 20, notebookBytes: 20 << 20 };

/** Collects the outputs of all cells of one notebook run. */
export class NotebookOutputs {
  private used = 0;
  private readonly displays = new Map<string, Array<{ output: DisplayDataOutput | ExecuteResultOutput; owner: CellOutputs }>>();

  constructor(readonly limits: OutputLimits = DEFAULT_LIMITS) {}

  /** Bytes of output kept so far, all cells together. */
  get bytes(): number {
    return this.used;
  }

  /** Starts collecting for a cell; its previous outputs are dropped. */
  startCell(cell: CodeCell): CellOutputs {
    cell.outputs = [];
    return new CellOutputs(cell, this);
  }

  /** @internal space left for a cell that already holds `cellUsed` bytes. */
  room(cellUsed: number): number {
    return Math.max(0, Math.min(this.limits.cellBytes - cellUsed, this.limits.notebookBytes - this.used));
  }

  /** @internal */
  account(delta: number): void {
    this.used += delta;
  }

  /** @internal */
  registerDisplay(id: string, output: DisplayDataOutput | ExecuteResultOutput, owner: CellOutputs): void {
    const list = this.displays.get(id) ?? [];
    list.push({ output, owner });
    this.displays.set(id, list);
  }

  /** @internal forget the displays of outputs a clear_output removed. */
  forgetDisplays(owner: CellOutputs): void {
    for (const [id, list] of this.displays) {
      const kept = list.filter((entry) => entry.owner !== owner);
      if (kept.length === 0) this.displays.delete(id);
      else this.displays.set(id, kept);
    }
  }

  /**
   * Applies an update_display_data message, from whichever cell it comes: every output
   * shown with that display_id gets the new data, in place.
   */
  updateDisplay(message: JupyterMessage): void {
    const content = message.content as { data?: JsonObject; metadata?: JsonObject; transient?: { display_id?: string } };
    const id = content.transient?.display_id;
    if (!id) return;
    for (const { output, owner } of this.displays.get(id) ?? []) {
      owner.replaceData(output, content.data ?? {}, content.metadata ?? {});
    }
  }
}

/** The outputs of one cell while it runs. */
export class CellOutputs {
  private used = 0;
  private clearPending = false;
  private stderr = "";
  private reportedError: { ename: string; evalue: string; traceback: string[] } | undefined;
  /** True once some output of this cell was cut or dropped by the size cap. */
  truncated = false;

  constructor(
    readonly cell: CodeCell,
    private readonly notebook: NotebookOutputs,
  ) {}

  /** Everything the cell wrote to stderr (up to 64 KB): a kernel without `error` messages (tslab's own) prints its errors there. */
  get stderrText(): string {
    return this.stderr;
  }

  /** The error the kernel reported for this cell (its `error` message), if it sent one. */
  get kernelError(): { ename: string; evalue: string; traceback: string[] } | undefined {
    return this.reportedError;
  }

  /** Handles one iopub message that belongs to this cell's execute request. */
  handle(message: JupyterMessage): void {
    const content = message.content as Record<string, unknown>;
    switch (message.header.msg_type) {
      case "stream": {
        const name = content.name === "stderr" ? "stderr" : "stdout";
        const text = typeof content.text === "string" ? content.text : "";
        if (name === "stderr" && this.stderr.length < 65536) this.stderr += text;
        this.addStream(name, text);
        break;
      }
      case "display_data":
      case "execute_result": {
        const output: DisplayDataOutput | ExecuteResultOutput =
          message.header.msg_type === "display_data"
            ? { output_type: "display_data", data: asObject(content.data), metadata: asObject(content.metadata) }
            : {
                output_type: "execute_result",
                execution_count: typeof content.execution_count === "number" ? content.execution_count : null,
                data: asObject(content.data),
                metadata: asObject(content.metadata),
              };
        if (this.add(output)) {
          const id = asObject(content.transient).display_id;
          if (typeof id === "string") this.notebook.registerDisplay(id, output, this);
        }
        break;
      }
      case "error": {
        const error = {
          ename: String(content.ename ?? "Error"),
          evalue: String(content.evalue ?? ""),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        };
        this.reportedError = error;
        // Always kept, whatever the size cap: it explains the failure.
        this.addError(error.ename, error.evalue, error.traceback);
        break;
      }
      case "clear_output":
        if (content.wait === true) this.clearPending = true;
        else this.clear();
        break;
      // update_display_data is applied notebook-wide (NotebookOutputs.updateDisplay);
      // status and execute_input carry no output.
    }
  }

  /** Adds an error output that is always kept, whatever the size cap (it explains the failure). */
  addError(ename: string, evalue: string, traceback: string[]): void {
    this.flushPendingClear();
    const output: Output = {
      output_type: "error",
      ename,
      evalue: clip(evalue, 4096),
      traceback: traceback.map((line) => clip(line, 4096)),
    };
    this.cell.outputs.push(output);
    this.grow(sizeOf(output));
  }

  /** @internal replace a display's data in place, if the new data fits. */
  replaceData(output: DisplayDataOutput | ExecuteResultOutput, data: JsonObject, metadata: JsonObject): void {
    const delta = sizeOf({ ...output, data, metadata }) - sizeOf(output);
    if (delta > this.notebook.room(this.used)) {
      this.markTruncated();
      return;
    }
    output.data = data;
    output.metadata = metadata;
    this.grow(delta);
  }

  private addStream(name: "stdout" | "stderr", text: string): void {
    if (text === "") return;
    this.flushPendingClear();
    if (this.truncated) return;
    const room = this.notebook.room(this.used);
    const kept = truncateToBytes(text, room);
    const last = this.cell.outputs.at(-1);
    if (last?.output_type === "stream" && last.name === name) {
      last.text = joinText(last.text) + kept;
    } else if (kept !== "") {
      this.cell.outputs.push({ output_type: "stream", name, text: kept } satisfies StreamOutput);
    }
    this.grow(Buffer.byteLength(kept));
    if (kept.length < text.length) this.markTruncated();
  }

  private add(output: Output): boolean {
    this.flushPendingClear();
    if (this.truncated) return false;
    const size = sizeOf(output);
    if (size > this.notebook.room(this.used)) {
      this.markTruncated();
      return false;
    }
    this.cell.outputs.push(output);
    this.grow(size);
    return true;
  }

  private markTruncated(): void {
    if (this.truncated) return;
    this.truncated = true;
    const limits = this.notebook.limits;
    const note =
      `\n[output truncated: a cell may keep ${limits.cellBytes} bytes of output and a notebook ${limits.notebookBytes}; ` +
      `the rest of this cell's output was dropped]\n`;
    // The note itself is not counted, so that it always shows.
    this.cell.outputs.push({ output_type: "stream", name: "stderr", text: note });
  }

  private flushPendingClear(): void {
    if (!this.clearPending) return;
    this.clearPending = false;
    this.clear();
  }

  private clear(): void {
    this.cell.outputs = [];
    this.notebook.forgetDisplays(this);
    this.grow(-this.used);
    this.truncated = false;
  }

  private grow(delta: number): void {
    this.used += delta;
    this.notebook.account(delta);
  }
}

/** Stored size of an output in UTF-8 bytes: its text, or its data and metadata as JSON. */
function sizeOf(output: Output): number {
  switch (output.output_type) {
    case "stream":
      return Buffer.byteLength(joinText(output.text));
    case "error":
      return Buffer.byteLength(output.ename + output.evalue + output.traceback.join(""));
    default:
      return Buffer.byteLength(JSON.stringify(output.data)) + Buffer.byteLength(JSON.stringify(output.metadata));
  }
}

/** The longest start of `text` that fits in `bytes` UTF-8 bytes, never splitting a character. */
export function truncateToBytes(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  const cut = Buffer.from(text).subarray(0, bytes).toString("utf8");
  // A character cut in half decodes to U+FFFD at the end: drop it.
  return cut.endsWith("\uFFFD") && !text.startsWith(cut) ? cut.slice(0, -1) : cut;
}

function asObject(value: unknown): JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max) + " [...]";
}
