/**
 * Reading notebooks: parse the JSON and check the parts of the nbformat 4 schema the
 * tools rely on, with an error that names the file, the place and the fix.
 */
import { readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { CourseError, EXIT } from "../errors";
import type { Cell, Notebook } from "./model";

/** A notebook file that is missing, unreadable or not a valid nbformat 4 notebook. */
export class NotebookError extends CourseError {
  constructor(
    readonly file: string,
    readonly problem: string,
    fix = "open the notebook in Jupyter to repair it, or restore it from version control.",
  ) {
    super(`${file}: ${problem}`, fix, EXIT.missing);
    this.name = "NotebookError";
  }
}

export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Nothing to repair: say so, with the full path, since a relative one depends on where the command ran.
    if (code === "ENOENT" || code === "ENOTDIR") {
      const full = resolve(file);
      throw new NotebookError(
        file,
        `no such file${full !== file ? ` (looked at ${full})` : ""}.`,
        "check the path and the file name (notebooks end in .ipynb).",
      );
    }
    if (code === "EISDIR") throw new NotebookError(file, "is a folder, not a notebook file.", "name the .ipynb files inside it.");
    throw new NotebookError(file, `cannot be read (${code ?? String(error)}).`, "check the file's permissions.");
  }
  return parseNotebook(text, file);
}

/** Parses notebook JSON; `file` is used in error messages only. */
export function parseNotebook(text: string, file = "<notebook>"): Notebook {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw notJson(file, text, error);
  }
  validateNotebook(json, file);
  return json;
}

/**
 * Why a file that should be a notebook is not JSON. "Repair it in Jupyter" only helps a
 * notebook that broke: a Markdown file named by mistake, or the HTML page a browser
 * saved instead of the raw .ipynb, needs another file.
 */
function notJson(file: string, text: string, error: unknown): NotebookError {
  const extension = extname(file).toLowerCase();
  if (file !== "<notebook>" && extension !== ".ipynb") {
    return new NotebookError(
      file,
      `${extension ? `a ${extension} file` : "a file without the .ipynb extension"}, not a notebook; the course tools read Jupyter notebooks (.ipynb files).`,
      "name a .ipynb notebook instead.",
    );
  }
  if (/^\s*</.test(text)) {
    return new NotebookError(
      file,
      "holds an HTML page, not a notebook (a browser's \"Save page\" of a notebook's web page looks like this).",
      "download the raw .ipynb file instead (on GitHub: the Download raw file button).",
    );
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new NotebookError(file, `is not valid JSON (${detail}).`);
}

/** Checks the structure in place, filling the two fields Jupyter itself tolerates missing on code cells. */
export function validateNotebook(json: unknown, file = "<notebook>"): asserts json is Notebook {
  if (!isObject(json)) throw new NotebookError(file, "is not a notebook: the top level must be a JSON object.");
  if (json.nbformat === undefined) throw new NotebookError(file, 'is not a notebook: the "nbformat" field is missing.');
  if (json.nbformat !== 4) {
    throw new NotebookError(
      file,
      `has nbformat ${JSON.stringify(json.nbformat)}, but only nbformat 4 is supported.`,
      "convert it with `jupyter nbconvert --to notebook --nbformat 4`, or save it again from a current Jupyter.",
    );
  }
  if (typeof json.nbformat_minor !== "number") throw new NotebookError(file, 'lacks a numeric "nbformat_minor".');
  if (!isObject(json.metadata)) throw new NotebookError(file, 'lacks the "metadata" object.');
  if (!Array.isArray(json.cells)) throw new NotebookError(file, 'lacks the "cells" list.');
  json.cells.forEach((cell: unknown, index: number) => validateCell(cell, `cell ${index + 1}`, file));
}

function validateCell(cell: unknown, where: string, file: string): asserts cell is Cell {
  if (!isObject(cell)) throw new NotebookError(file, `${where} is not a JSON object.`);
  const type = cell.cell_type;
  if (type !== "code" && type !== "markdown" && type !== "raw") {
    throw new NotebookError(file, `${where} has cell_type ${JSON.stringify(type)}; expected "code", "markdown" or "raw".`);
  }
  const source = cell.source;
  const sourceOk = typeof source === "string" || (Array.isArray(source) && source.every((line) => typeof line === "string"));
  if (!sourceOk) throw new NotebookError(file, `${where} has no "source" text (a string or a list of strings).`);
  if (cell.metadata === undefined) cell.metadata = {};
  if (!isObject(cell.metadata)) throw new NotebookError(file, `${where} has "metadata" that is not an object.`);
  if (type !== "code") return;
  if (cell.outputs === undefined) cell.outputs = [];
  if (!Array.isArray(cell.outputs)) throw new NotebookError(file, `${where} has "outputs" that is not a list.`);
  if (cell.execution_count === undefined) cell.execution_count = null;
  if (cell.execution_count !== null && typeof cell.execution_count !== "number") {
    throw new NotebookError(file, `${where} has an "execution_count" that is neither a number nor null.`);
  }
  cell.outputs.forEach((output: unknown, i: number) => {
    if (!isObject(output) || typeof output.output_type !== "string") {
      throw new NotebookError(file, `${where}, output ${i + 1} has no "output_type".`);
    }
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
