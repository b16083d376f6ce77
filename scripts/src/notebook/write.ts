/**
 * Writing notebooks the way Jupyter (nbformat) does, so that running a notebook and
 * saving it from Jupyter give the same bytes and diffs stay small: keys sorted, indent
 * of one space, text split into lines, a final newline.
 */
import { renameSync, writeFileSync } from "node:fs";
import type { Notebook } from "./model";
import { splitLines } from "./text";

/** Mime types whose value is JSON data rather than text, which nbformat leaves unsplit. */
function isJsonMime(mime: string): boolean {
  return mime === "application/json" || /^application\/.+\+json$/.test(mime);
}

export function serializeNotebook(notebook: Notebook): string {
  return JSON.stringify(sortKeys(splitNotebookText(notebook)), null, 1) + "\n";
}

/** Writes atomically (temp file + rename): a crash mid-write never leaves half a notebook. */
export function writeNotebook(file: string, notebook: Notebook): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, serializeNotebook(notebook));
  renameSync(temp, file);
}

/** A copy with source, stream text and text mime data as lists of lines (nbformat's split_lines). */
function splitNotebookText(notebook: Notebook): Notebook {
  const split = (value: unknown) => (typeof value === "string" ? splitLines(value) : value);
  return {
    ...notebook,
    cells: notebook.cells.map((cell) => {
      const copy = { ...cell, source: split(cell.source) as string[] };
      if (copy.cell_type !== "code") return copy;
      return {
        ...copy,
        outputs: copy.outputs.map((output) => {
          if (output.output_type === "stream") return { ...output, text: split(output.text) as string[] };
          if (output.output_type === "display_data" || output.output_type === "execute_result") {
            const data = Object.fromEntries(
              Object.entries(output.data).map(([mime, value]) => [mime, isJsonMime(mime) ? value : split(value)]),
            );
            return { ...output, data };
          }
          return output;
        }),
      };
    }),
  };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
