/**
 * What the course holds: each course notebook with its title, the paragraph that says
 * what it is about, and its section headings. The course index notebook and the HTML
 * export's index page are both made from this, so they list the same things.
 */
import fs from "node:fs";
import path from "node:path";
import { isMaster } from "../notebook/master";
import { isInstructorOnly } from "../notebook/instructor-cells";
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
  /**
   * Who the notebook is for: "learners" (a lesson, the default) or "instructors" (notebook
   * metadata `"nncourse": { "audience": "instructors" }`, e.g. the sample assignment).
   */
  audience: "learners" | "instructors";
}

/** Who a notebook is written for, from its metadata (`nncourse.audience`). */
export function notebookAudience(notebook: Notebook): "learners" | "instructors" {
  const own = notebook.metadata.nncourse;
  const audience = typeof own === "object" && own !== null && !Array.isArray(own) ? (own as Record<string, unknown>).audience : undefined;
  return audience === "instructors" ? "instructors" : "learners";
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
  return {
    file: base,
    slug: base.replace(/\.ipynb$/, ""),
    title,
    summary,
    sections,
    assignment: isMaster(notebook),
    audience: notebookAudience(notebook),
  };
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

/**
 * The four documents the course takes its facts, examples and numbers from, each named
 * as a reader would cite it, with what it is and what the course takes from it. The
 * notebooks name them the same way (full name first, then the short form in brackets).
 */
export const COURSE_SOURCES = [
  "## Sources",
  "",
  "The course takes its facts, worked examples and numbers from four documents. The notebooks are written in their own words, recompute every number they quote, and say so where a source is wrong.",
  "",
  "- The lecture *Neural Networks: Multi-layer Perceptron* (short: the Multi-layer Perceptron lecture): lecture slides on the history of neural networks and the multi-layer perceptron. " +
    "The course takes from it the history, the perceptron's truth table with a bias column (02), the XOR table (03), the single-neuron backpropagation derivation (05), the gradient descent pseudocode (07) and its hyperparameters.",
  "- IIT Roorkee's *Introduction to Artificial Neural Networks with Keras* (the IIT Roorkee slides): slides of IIT Roorkee's certificate course on artificial intelligence and deep learning. " +
    "The course takes from them the McCulloch-Pitts logic circuits (01), the threshold unit and the perceptron on iris (02), the scalar backpropagation example (05), activations and losses (06), and the Keras-style models of Fashion-MNIST, California housing, the functional API, callbacks and tuning (09–13).",
  "- Ryan Arredondo's talk *Introduction to Artificial Neural Networks*, PyData Denver, 2017 (Arredondo's talk): a talk that introduces neural networks and builds one as a Python `Network` class. " +
    "The course takes from it the simplest network's sums (04), the four backpropagation equations, cross-entropy, L2 regularization and weight initialization (08).",
  "- The *MSA 8650 Deep Learning* slides, fall 2019 (the MSA 8650 slides): slides of a graduate deep learning course. " +
    "The course takes from them the universal approximation theorem (03), the forward pass in matrix form (04), Matt Mazur's 2-2-2 backpropagation example (05), the step conventions and activations (02, 06), and the moons, circles and three-class results (08).",
].join("\n");

/** What the "For instructors" part of the index says above the notebooks it lists. */
export const FOR_INSTRUCTORS =
  "Not a lesson: material for those who teach the course. The sample assignment shows, on exercises about notebooks 01 and 02, how an assignment is written (a master in `notebooks/` with solution regions and hidden tests), released (`npx course build`) and graded (`npx course grade`).";
