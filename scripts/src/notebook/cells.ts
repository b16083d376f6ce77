/** Building and inspecting cells and notebooks. */
import { randomBytes } from "node:crypto";
import type { Cell, CodeCell, JsonObject, MarkdownCell, Notebook, Output } from "./model";
import { courseNotebookMetadata } from "./kernel-metadata";
import { joinText } from "./text";

/** A cell id as Jupyter makes them: 8 random hex characters, valid for nbformat 4.5. */
export function newCellId(): string {
  return randomBytes(4).toString("hex");
}

export function newCodeCell(source: string, metadata: JsonObject = {}): CodeCell {
  return { cell_type: "code", id: newCellId(), metadata, source, execution_count: null, outputs: [] };
}

export function newMarkdownCell(source: string, metadata: JsonObject = {}): MarkdownCell {
  return { cell_type: "markdown", id: newCellId(), metadata, source };
}

/** An empty notebook for the course kernel, with the metadata the kernel reports (so Jupyter does not mark it changed on opening). */
export function newNotebook(cells: Cell[] = []): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata: courseNotebookMetadata(), cells };
}

export function isCodeCell(cell: Cell): cell is CodeCell {
  return cell.cell_type === "code";
}

/** The cell's source as one string. */
export function cellSource(cell: Cell): string {
  return joinText(cell.source);
}

/** Code cells with their index in the notebook (0-based), in order. */
export function codeCells(notebook: Notebook): Array<{ index: number; cell: CodeCell }> {
  return notebook.cells.flatMap((cell, index) => (isCodeCell(cell) ? [{ index, cell }] : []));
}

export function clearOutputs(cell: CodeCell): void {
  cell.outputs = [];
  cell.execution_count = null;
}

/** The text of a cell's outputs of one stream (e.g. everything it printed to stdout). */
export function streamText(cell: CodeCell, name: "stdout" | "stderr"): string {
  return cell.outputs
    .filter((output): output is Extract<Output, { output_type: "stream" }> => output.output_type === "stream" && output.name === name)
    .map((output) => joinText(output.text))
    .join("");
}
