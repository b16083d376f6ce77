/**
 * The course index notebook (index.ipynb in the course folder): what Jupyter opens
 * first. It lists every course notebook with its title, what it is about and its
 * topics, linking to the learner's copy in exercises/ (and, for graded notebooks, to the
 * reference solution). It never links to the masters in notebooks/: they hold the
 * solutions and the hidden tests, and the obvious link is the one a learner clicks. It
 * is generated from the notebooks themselves, so it cannot drift from them:
 * `course start` rewrites it when it is out of date, and a test fails when the
 * committed copy differs from what would be generated.
 *
 * Notebooks written for instructors (notebook metadata `"nncourse": { "audience":
 * "instructors" }`, like the sample assignment) are listed apart, under "For
 * instructors", not as lessons; a "Sources" part names the documents the course draws on.
 *
 * It sits in the course folder rather than in notebooks/, because every notebook in
 * notebooks/ is a master that `course build` turns into exercises and solutions.
 */
import fs from "node:fs";
import path from "node:path";
import { courseNotebookMetadata } from "../notebook/kernel-metadata";
import type { MarkdownCell, Notebook } from "../notebook/model";
import { serializeNotebook } from "../notebook/write";
import { COURSE_TITLE } from "./build";
import { COURSE_SOURCES, FOR_INSTRUCTORS, readCatalog, type CatalogEntry } from "./catalog";

export const INDEX_NOTEBOOK = "index.ipynb";

/** Markdown cells only, locked: the page is read, not edited (an edit would be overwritten). */
function cell(id: string, source: string): MarkdownCell {
  return { cell_type: "markdown", id, metadata: { editable: false, deletable: false }, source };
}

/** Where a learner opens a course notebook: their copy in exercises/, or the notebook itself in a course without a build. */
function learnerCopy(entry: CatalogEntry, root: string): string {
  const exercise = `exercises/${entry.file}`;
  return fs.existsSync(path.join(root, exercise)) ? exercise : `notebooks/${entry.file}`;
}

function entryMarkdown(entry: CatalogEntry, root: string, heading = "##"): string {
  const copy = learnerCopy(entry, root);
  const lines = [`${heading} [${entry.title}](${copy})`, "", entry.summary];
  if (entry.sections.length > 0) lines.push("", `*Topics:* ${entry.sections.join("; ")}`);
  const solution = `solutions/${entry.file}`;
  if (entry.assignment && copy.startsWith("exercises/")) {
    const reference = fs.existsSync(path.join(root, solution)) ? `; reference solution: [${solution}](${solution})` : "";
    lines.push("", `**Graded exercises.** Work in your copy, [${copy}](${copy}), and run each test cell to check your answer${reference}.`);
  }
  return lines.join("\n");
}

/** The index notebook for the course in `root` (its notebooks/ folder). */
export function courseIndexNotebook(root: string): Notebook {
  const catalog = readCatalog(path.join(root, "notebooks"));
  const entries = catalog.filter((entry) => entry.audience === "learners");
  const forInstructors = catalog.filter((entry) => entry.audience === "instructors");
  const intro = [
    `# ${COURSE_TITLE}: the course`,
    "",
    "Open a notebook below and run its cells from top to bottom: **Shift+Enter** runs one cell, *Cell › Run All* (Notebook) or *Run › Run All Cells* (JupyterLab) runs them all. " +
      "Every notebook uses the kernel **TypeScript (nncourse)**, which `npm start` registers; if Jupyter asks for a kernel, pick that one.",
    "",
    "- `exercises/` is where you work: every notebook of the course, in reading order, with its graded exercises left for you to write. Run each test cell to check your answer, or `npx course check exercises/<notebook>.ipynb` for all of them at once;",
    "- `solutions/` holds the reference solutions (try the exercises first);",
    "- `notebooks/` holds the instructors' masters, with the solutions and the hidden tests that grading uses: instructors edit them, and `npx course build` makes `exercises/` and `solutions/` from them.",
  ].join("\n");
  const footer =
    "*This page is generated from the notebooks' titles and first paragraphs. `npm start` keeps it up to date; edit the notebooks, not this page.*";
  return {
    nbformat: 4,
    nbformat_minor: 5,
    // The kernel's own metadata: anything else and Jupyter marks the page changed on opening.
    metadata: courseNotebookMetadata(),
    cells: [
      cell("course-index-intro", intro),
      ...entries.map((entry) => cell(`course-index-${entry.slug}`.slice(0, 64), entryMarkdown(entry, root))),
      ...(forInstructors.length > 0
        ? [
            cell(
              "course-index-for-instructors",
              [
                "## For instructors",
                "",
                FOR_INSTRUCTORS,
                ...forInstructors.flatMap((entry) => ["", entryMarkdown(entry, root, "###")]),
              ].join("\n"),
            ),
          ]
        : []),
      cell("course-index-sources", COURSE_SOURCES),
      cell("course-index-footer", footer),
    ],
  };
}

export type IndexOutcome = "created" | "updated" | "unchanged";

/** Writes index.ipynb when it is missing or differs from what the notebooks say. */
export function ensureCourseIndex(root: string): { file: string; outcome: IndexOutcome } {
  const file = path.join(root, INDEX_NOTEBOOK);
  const text = serializeNotebook(courseIndexNotebook(root));
  const existed = fs.existsSync(file);
  if (existed && fs.readFileSync(file, "utf8") === text) return { file, outcome: "unchanged" };
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
  return { file, outcome: existed ? "updated" : "created" };
}
