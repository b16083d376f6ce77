import { test } from "node:test";
import assert from "node:assert/strict";
import type { JupyterMessage } from "../../scripts/src/kernel/messages";
import { newCodeCell } from "../../scripts/src/notebook/cells";
import { joinText } from "../../scripts/src/notebook/text";
import { NotebookOutputs, truncateToBytes } from "../../scripts/src/runner/outputs";

function message(msgType: string, content: Record<string, unknown>): JupyterMessage {
  return {
    header: { msg_id: String(Math.random()), msg_type: msgType, session: "s", username: "u", date: "", version: "5.3" },
    parent_header: {},
    metadata: {},
    content,
    buffers: [],
  };
}
const stream = (name: string, text: string) => message("stream", { name, text });
const display = (data: Record<string, unknown>, displayId?: string) =>
  message("display_data", { data, metadata: {}, transient: displayId ? { display_id: displayId } : {} });

test("consecutive chunks of one stream merge; a different stream starts a new output", () => {
  const cell = newCodeCell("x");
  const outputs = new NotebookOutputs().startCell(cell);
  for (const m of [stream("stdout", "a"), stream("stdout", "b\n"), stream("stderr", "warn\n"), stream("stdout", "c\n")]) outputs.handle(m);
  assert.deepEqual(
    cell.outputs.map((o) => (o.output_type === "stream" ? [o.name, joinText(o.text)] : o.output_type)),
    [
      ["stdout", "ab\n"],
      ["stderr", "warn\n"],
      ["stdout", "c\n"],
    ],
  );
  assert.equal(outputs.stderrText, "warn\n");
});

test("display_data and execute_result become outputs without the transient part", () => {
  const cell = newCodeCell("x");
  const outputs = new NotebookOutputs().startCell(cell);
  outputs.handle(display({ "text/html": "<b>x</b>" }, "d1"));
  outputs.handle(message("execute_result", { data: { "text/plain": "3" }, metadata: {}, execution_count: 4 }));
  assert.deepEqual(cell.outputs, [
    { output_type: "display_data", data: { "text/html": "<b>x</b>" }, metadata: {} },
    { output_type: "execute_result", execution_count: 4, data: { "text/plain": "3" }, metadata: {} },
  ]);
});

test("update_display_data replaces the display in place, also in an earlier cell", () => {
  const notebook = new NotebookOutputs();
  const first = newCodeCell("a");
  const second = newCodeCell("b");
  notebook.startCell(first).handle(display({ "text/plain": "step 0" }, "progress"));
  const later = notebook.startCell(second);
  later.handle(stream("stdout", "working\n"));
  notebook.updateDisplay(
    message("update_display_data", { data: { "text/plain": "step 9" }, metadata: {}, transient: { display_id: "progress" } }),
  );
  assert.equal(first.outputs.length, 1);
  assert.deepEqual(first.outputs[0], { output_type: "display_data", data: { "text/plain": "step 9" }, metadata: {} });
  assert.equal(second.outputs.length, 1, "the update adds nothing to the running cell");
  notebook.updateDisplay(
    message("update_display_data", { data: { "text/plain": "?" }, metadata: {}, transient: { display_id: "unknown" } }),
  );
  assert.equal(joinText((first.outputs[0] as { data: { "text/plain": string } }).data["text/plain"]), "step 9");
});

test("clear_output clears at once, or with wait=true just before the next output", () => {
  const cell = newCodeCell("x");
  const outputs = new NotebookOutputs().startCell(cell);
  outputs.handle(stream("stdout", "one\n"));
  outputs.handle(message("clear_output", { wait: false }));
  assert.deepEqual(cell.outputs, []);
  outputs.handle(stream("stdout", "two\n"));
  outputs.handle(message("clear_output", { wait: true }));
  assert.equal(cell.outputs.length, 1, "still shown while waiting");
  outputs.handle(stream("stdout", "three\n"));
  assert.deepEqual(cell.outputs, [{ output_type: "stream", name: "stdout", text: "three\n" }]);
});

test("the per-cell cap cuts a stream and adds one visible note", () => {
  const notebook = new NotebookOutputs({ cellBytes: 10, notebookBytes: 1000 });
  const cell = newCodeCell("x");
  const outputs = notebook.startCell(cell);
  outputs.handle(stream("stdout", "0123456"));
  outputs.handle(stream("stdout", "789abcdef"));
  outputs.handle(stream("stdout", "more"));
  outputs.handle(display({ "text/plain": "dropped" }));
  assert.equal(outputs.truncated, true);
  assert.equal(cell.outputs.length, 2);
  assert.equal(joinText((cell.outputs[0] as { text: string }).text), "0123456789");
  assert.match(joinText((cell.outputs[1] as { text: string }).text), /output truncated/);
  // The cap is per cell: the next cell starts with room again.
  const next = newCodeCell("y");
  notebook.startCell(next).handle(stream("stdout", "fine"));
  assert.deepEqual(next.outputs, [{ output_type: "stream", name: "stdout", text: "fine" }]);
});

test("the per-notebook cap counts all cells together", () => {
  const notebook = new NotebookOutputs({ cellBytes: 100, notebookBytes: 15 });
  const a = newCodeCell("a");
  notebook.startCell(a).handle(stream("stdout", "0123456789"));
  const b = newCodeCell("b");
  const outputs = notebook.startCell(b);
  outputs.handle(stream("stdout", "abcdefghij"));
  assert.equal(outputs.truncated, true);
  assert.equal(joinText((b.outputs[0] as { text: string }).text), "abcde");
  assert.equal(notebook.bytes, 15);
});

test("error outputs are always kept, even past the cap", () => {
  const notebook = new NotebookOutputs({ cellBytes: 1, notebookBytes: 1 });
  const cell = newCodeCell("x");
  notebook.startCell(cell).addError("Error", "boom", ["Error: boom"]);
  assert.deepEqual(cell.outputs, [{ output_type: "error", ename: "Error", evalue: "boom", traceback: ["Error: boom"] }]);
});

test("caps count UTF-8 bytes and never split a character", () => {
  assert.equal(truncateToBytes("héllo", 2), "h", "é takes two bytes");
  assert.equal(truncateToBytes("héllo", 3), "hé");
  assert.equal(truncateToBytes("ok", 10), "ok");
  assert.equal(truncateToBytes("a😀b", 3), "a");
  const notebook = new NotebookOutputs({ cellBytes: 7, notebookBytes: 100 });
  const cell = newCodeCell("x");
  notebook.startCell(cell).handle(stream("stdout", "ééééé"));
  assert.equal(joinText((cell.outputs[0] as { text: string }).text), "ééé");
});
