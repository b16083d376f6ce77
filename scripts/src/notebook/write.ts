/**
 * Writing notebooks byte for byte as Jupyter (nbformat 5's v4 writer) does, so that a
 * notebook we write is not rewritten by the first save in Jupyter, and running one with
 * `course run` then saving it in Jupyter gives no diff:
 *   - JSON as Python's json module writes it: keys sorted, indent of one space, numbers
 *     in Python's form (python-json.ts), a final newline;
 *   - text split into lines with Python's idea of a line end: cell sources, stream text,
 *     and in output and attachment bundles the text/* types plus application/javascript
 *     and image/svg+xml (base64 images and JSON data stay one string);
 *   - what nbformat never stores dropped: the notebook's orig_nbformat,
 *     orig_nbformat_minor and signature metadata, and each cell's "trusted" flag.
 */
import { renameSync, writeFileSync } from "node:fs";
import type { Cell, JsonObject, Notebook, Output } from "./model";
import { pythonJson } from "./python-json";
import { splitLines } from "./text";

/** Mime types nbformat splits into lines besides text/* (its _non_text_split_mimes). */
const SPLIT_MIMES = new Set(["application/javascript", "image/svg+xml"]);

export function serializeNotebook(notebook: Notebook): string {
  return pythonJson(forFile(notebook)) + "\n";
}

/** Writes atomically (temp file + rename): a crash mid-write never leaves half a notebook. */
export function writeNotebook(file: string, notebook: Notebook): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, serializeNotebook(notebook));
  renameSync(temp, file);
}

/** A copy in the form nbformat writes (see above); the in-memory notebook is left as it is. */
function forFile(notebook: Notebook): Notebook {
  const { orig_nbformat: _a, orig_nbformat_minor: _b, signature: _c, ...metadata } = notebook.metadata;
  return { ...notebook, metadata, cells: notebook.cells.map(cellForFile) };
}

function cellForFile(cell: Cell): Cell {
  const { trusted: _trusted, ...metadata } = cell.metadata;
  const copy = { ...cell, metadata, source: split(cell.source) } as Cell;
  if (copy.cell_type !== "code") {
    if (copy.attachments !== undefined) copy.attachments = splitBundles(copy.attachments);
    return copy;
  }
  return { ...copy, outputs: copy.outputs.map(outputForFile) };
}

function outputForFile(output: Output): Output {
  if (output.output_type === "stream") return { ...output, text: split(output.text) };
  if (output.output_type === "display_data" || output.output_type === "execute_result")
    return { ...output, data: splitBundle(output.data) };
  return output;
}

/** Attachments: a bundle per attached file name. */
function splitBundles(attachments: JsonObject): JsonObject {
  return Object.fromEntries(
    Object.entries(attachments).map(([name, bundle]) => [
      name,
      typeof bundle === "object" && bundle !== null && !Array.isArray(bundle) ? splitBundle(bundle as JsonObject) : bundle,
    ]),
  );
}

/**
 * nbformat joins every list of strings in a bundle but JSON data when it reads, and
 * splits only some types when it writes: "image/png": ["iVBO", "Rw0"] comes back as
 * one string.
 */
function splitBundle(data: JsonObject): JsonObject {
  return Object.fromEntries(
    Object.entries(data).map(([mime, value]) => {
      if (isJsonMime(mime)) return [mime, value];
      const text = joined(value);
      return [mime, mime.startsWith("text/") || SPLIT_MIMES.has(mime) ? split(text) : text];
    }),
  );
}

function isJsonMime(mime: string): boolean {
  return mime === "application/json" || (mime.startsWith("application/") && mime.endsWith("+json"));
}

/** A list of strings as one string (nbformat's rejoin_lines); anything else as it is. */
function joined(value: unknown): unknown {
  return Array.isArray(value) && value.every((line) => typeof line === "string") ? value.join("") : value;
}

/** Text as a list of lines, however it was stored (a list that splits differently is split again). */
function split<T>(value: T): T | string[] {
  const text = joined(value);
  return typeof text === "string" ? splitLines(text) : value;
}
