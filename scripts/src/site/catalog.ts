/**
 * What the course holds: each course notebook with its title, the paragraph that says
 * what it is about, and its section headings. The course index notebook and the HTML
 * export's index page are both made from this, so they list the same things.
 */
import fs from "node:fs";
import path from "node:path";
import { isMaster } from "../grading/authoring";
import { isInstructorOnly } from "../grading/instructor-cells";
import { cellSource } from "../notebook/cells";
import type { Notebook } from "../notebook/model";
import { readNotebook } from "../notebook/read";

export interface CatalogEntry {
  /** The notebook's file name, e.g. "01-mcculloch-pitts.ipynb". */
  file: string;
  /** The file name without .ipynb, used for page names. */
  slug: string;
  /** The first heading of the notebook, or the file name when it has none. */
  title: string;
  /** The first paragraph after the title (Markdown, may hold math). */
  summary: string;
  /** The second-level headings, in order: the notebook's topics. */
  sections: string[];
  /** True when the notebook has graded exercises (nbgrader metadata). */
  assignment: boolean;
}

/** Course notebooks are the numbered ones ("01-....ipynb"); scratch files are not listed. */
export const COURSE_NOTEBOOK = /^\d\d-.*\.ipynb$/;

/** The course notebooks of a folder, in reading order. */
export function courseNotebookFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => COURSE_NOTEBOOK.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The catalog entry of one notebook. */
export function describeNotebook(file: string, notebook: Notebook = readNotebook(file)): CatalogEntry {
  const base = path.basename(file);
  // Instructor-only cells (a master's banner) are not what the notebook teaches.
  const markdown = notebook.cells.filter((c) => c.cell_type === "markdown" && !isInstructorOnly(c)).map(cellSource);
  const blocks = markdown.flatMap(markdownBlocks);
  const titleAt = blocks.findIndex((b) => /^#\s/.test(b));
  const title = titleAt >= 0 ? blocks[titleAt]!.replace(/^#\s+/, "").trim() : base.replace(/\.ipynb$/, "");
  // The first real paragraph after the title: not a heading, list, table, code or math block.
  const summary = blocks.slice(titleAt + 1).find((b) => !/^(#|[-*+]\s|\d+\.\s|\||```|\$\$|<)/.test(b)) ?? "";
  const sections = blocks.filter((b) => /^##\s/.test(b)).map((b) => b.replace(/^##\s+/, "").trim());
  return { file: base, slug: base.replace(/\.ipynb$/, ""), title, summary, sections, assignment: isMaster(notebook) };
}

/** The catalog of a folder of course notebooks. */
export function readCatalog(dir: string): CatalogEntry[] {
  return courseNotebookFiles(dir).map((file) => describeNotebook(file));
}

/** Markdown split into blocks at blank lines, with headings always a block of their own. */
function markdownBlocks(text: string): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .flatMap((block) => block.split(/\n(?=#{1,6}\s)/))
    .flatMap((b) => (/^#{1,6}\s/.test(b) ? [b.split("\n")[0]!, b.split("\n").slice(1).join("\n")] : [b]))
    .map((b) => b.trim())
    .filter((b) => b !== "");
}
