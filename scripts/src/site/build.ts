/**
 * The static site: assets/, index.html and one page per course notebook, all in one
 * folder with relative links, so it can be opened from disk, served by any static
 * server, or copied to a web host as it is.
 */
import fs from "node:fs";
import path from "node:path";
import { CourseError, EXIT } from "../errors";
import type { Notebook } from "../notebook/model";
import { writeAssets } from "./assets";
import { describeNotebook, type CatalogEntry } from "./catalog";
import type { MarkdownOptions } from "./markdown";
import { plotlyFigureCount, resetFigureIds } from "./outputs";
import { indexPage, notebookPage } from "./page";
import { publishable } from "./publish";

export const COURSE_TITLE = "Neural networks in TypeScript";

export const COURSE_INTRO =
  "A course on neural networks written in TypeScript, from the McCulloch-Pitts neuron to Keras-style models in TensorFlow.js. " +
  "These pages show every notebook of the course with its outputs, as it ran. To run and change the code yourself, open the " +
  "notebooks in Jupyter with `npm start` in the course folder.";

/** Marks a folder as made by the export, so that a later export may replace what is in it. */
const MARKER = ".nncourse-site";

export interface SiteNotebook {
  /** The notebook's file name in the course ("01-mcculloch-pitts.ipynb"). */
  file: string;
  /** The executed notebook (its outputs are shown). */
  notebook: Notebook;
}

export interface SiteReport {
  out: string;
  pages: string[];
  figures: number;
  /** Math KaTeX could not typeset, as "page: tex (why)"; shown in red on the page. */
  mathProblems: string[];
}

/** Throws unless `out` is new, empty, or an earlier export (which the next one replaces). */
export function checkSiteFolder(out: string): void {
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory())
    throw new CourseError(`${out} is a file, not a folder.`, "give a folder for the site with --out DIR.", EXIT.usage);
  const entries = fs.readdirSync(out);
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new CourseError(
      `${out} already holds files that the export did not write; it will not write over them.`,
      "give an empty or new folder with --out DIR (or delete the folder).",
      EXIT.usage,
    );
  }
}

/** Empties a previous export in `out`, but refuses to write into a folder of other files. */
function prepareFolder(out: string): void {
  checkSiteFolder(out);
  if (fs.existsSync(out)) {
    fs.rmSync(out, { recursive: true, force: true });
  }
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, MARKER), "made by `course export --html`; the next export replaces this folder\n");
}

export function buildSite(out: string, notebooks: SiteNotebook[], options: { courseTitle?: string; intro?: string } = {}): SiteReport {
  const courseTitle = options.courseTitle ?? COURSE_TITLE;
  prepareFolder(out);
  writeAssets(out);
  resetFigureIds();
  // Lessons in reading order, then what is written for instructors (the sample assignment),
  // so that a lesson's "previous" and "next" links lead to lessons.
  const described = notebooks.map(({ file, notebook }) => ({ notebook: publishable(notebook), entry: describeNotebook(file, notebook) }));
  const published = [
    ...described.filter((p) => p.entry.audience !== "instructors"),
    ...described.filter((p) => p.entry.audience === "instructors"),
  ];
  const slugs = new Set(published.map((p) => p.entry.slug));
  const mathProblems: string[] = [];
  const markdownFor = (page: string): MarkdownOptions => ({
    onError: (tex, why) => mathProblems.push(`${page}: ${tex.trim().slice(0, 80)} (${why.split("\n")[0]})`),
    // Links between notebooks ("02-perceptron.ipynb", "../notebooks/02-perceptron.ipynb#x") open their pages.
    rewriteLink: (href) => {
      const m = /^(?:\.{0,2}\/)*(?:[\w.-]+\/)*([^/#?]+)\.ipynb(#.*)?$/.exec(href);
      return m && slugs.has(m[1]!) ? `${m[1]}.html${m[2] ?? ""}` : undefined;
    },
  });
  const pages: string[] = [];
  let figures = 0;
  published.forEach(({ notebook, entry }, i) => {
    const link = (e: CatalogEntry | undefined) => (e ? { href: `${e.slug}.html`, title: e.title } : undefined);
    const html = notebookPage({
      courseTitle,
      entry,
      notebook,
      previous: link(published[i - 1]?.entry),
      next: link(published[i + 1]?.entry),
      markdown: markdownFor(`${entry.slug}.html`),
    });
    figures += notebook.cells.reduce(
      (n, c) => n + (c.cell_type === "code" ? c.outputs.reduce((m, o) => m + plotlyFigureCount(o), 0) : 0),
      0,
    );
    fs.writeFileSync(path.join(out, `${entry.slug}.html`), html);
    pages.push(`${entry.slug}.html`);
  });
  const index = indexPage({
    courseTitle,
    intro: options.intro ?? COURSE_INTRO,
    entries: published.map((p) => p.entry),
    markdown: markdownFor("index.html"),
  });
  fs.writeFileSync(path.join(out, "index.html"), index);
  return { out, pages: ["index.html", ...pages], figures, mathProblems };
}
