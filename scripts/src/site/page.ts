/** The site's two kinds of page: one notebook, and the course index. */
import type { Cell, Notebook } from "../notebook/model";
import { cellSource } from "../notebook/cells";
import { ASSETS } from "./assets";
import { COURSE_SOURCES, FOR_INSTRUCTORS, type CatalogEntry } from "./catalog";
import { highlightCode } from "./code";
import { escapeHtml } from "./html";
import { renderMarkdown, type MarkdownOptions } from "./markdown";
import { plotlyFigureCount, renderOutput } from "./outputs";

export interface PageLink {
  href: string;
  title: string;
}

export interface NotebookPageInput {
  courseTitle: string;
  entry: CatalogEntry;
  notebook: Notebook;
  previous?: PageLink;
  next?: PageLink;
  markdown: MarkdownOptions;
}

function layout(options: { title: string; body: string; plotly: boolean; header: string; footer: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="${ASSETS.katexCss}">
<link rel="stylesheet" href="${ASSETS.highlightCss}">
<link rel="stylesheet" href="${ASSETS.siteCss}">
${options.plotly ? `<script src="${ASSETS.plotly}"></script>\n<script src="${ASSETS.requireShim}"></script>\n` : ""}</head>
<body>
${options.header}
<main>
${options.body}
</main>
${options.footer}
${options.plotly ? `<script src="${ASSETS.siteJs}"></script>\n` : ""}</body>
</html>
`;
}

function pager(previous?: PageLink, next?: PageLink): string {
  const parts = [
    previous ? `<a rel="prev" href="${escapeHtml(previous.href)}">← ${escapeHtml(previous.title)}</a>` : "",
    next ? `<a rel="next" href="${escapeHtml(next.href)}">${escapeHtml(next.title)} →</a>` : "",
  ];
  return `<nav class="pager">${parts.join("")}</nav>`;
}

function renderCell(cell: Cell, index: number, markdown: MarkdownOptions): string {
  if (cell.cell_type === "markdown") {
    const attachments = (cell.attachments ?? {}) as Record<string, Record<string, string>>;
    const rewriteLink = (href: string) => {
      const name = href.startsWith("attachment:") ? href.slice("attachment:".length) : undefined;
      const bundle = name !== undefined ? attachments[name] : undefined;
      if (bundle) {
        const [mime, data] = Object.entries(bundle)[0] ?? [];
        if (mime && data) return `data:${mime};base64,${data}`;
      }
      return markdown.rewriteLink?.(href);
    };
    return `<section class="cell markdown-cell" id="cell-${index + 1}">\n${renderMarkdown(cellSource(cell), { ...markdown, rewriteLink })}</section>`;
  }
  if (cell.cell_type === "raw") return "";
  const count = cell.execution_count ?? " ";
  const outputs = cell.outputs.map((output) => renderOutput(output, markdown)).join("\n");
  return `<section class="cell code-cell" id="cell-${index + 1}">
<div class="input"><div class="prompt">In&nbsp;[${count}]:</div><pre class="source"><code class="hljs language-typescript">${highlightCode(cellSource(cell))}</code></pre></div>
<div class="outputs">${outputs}</div>
</section>`;
}

/** Whether a notebook's page needs plotly.js: it draws a figure, or its HTML mentions plotly (e.g. require(["plotly"])). */
export function needsPlotly(notebook: Notebook): boolean {
  return notebook.cells.some(
    (cell) =>
      cell.cell_type === "code" &&
      cell.outputs.some(
        (o) =>
          plotlyFigureCount(o) > 0 ||
          ((o.output_type === "display_data" || o.output_type === "execute_result") &&
            /plotly/i.test(JSON.stringify(o.data["text/html"] ?? ""))),
      ),
  );
}

export function notebookPage(input: NotebookPageInput): string {
  const { entry, notebook, courseTitle } = input;
  const header = `<header class="site-header"><a class="home" href="index.html">${escapeHtml(courseTitle)}</a>${pager(input.previous, input.next)}</header>`;
  const footer = `<footer class="site-footer"><a href="index.html">Course index</a>${pager(input.previous, input.next)}</footer>`;
  const body = notebook.cells
    .map((cell, i) => renderCell(cell, i, input.markdown))
    .filter(Boolean)
    .join("\n");
  return layout({
    title: `${entry.title} · ${courseTitle}`,
    body: `<article class="notebook" data-notebook="${escapeHtml(entry.file)}">\n${body}\n</article>`,
    plotly: needsPlotly(notebook),
    header,
    footer,
  });
}

export interface IndexPageInput {
  courseTitle: string;
  intro: string;
  entries: CatalogEntry[];
  markdown: MarkdownOptions;
}

export function indexPage(input: IndexPageInput): string {
  const item = (entry: CatalogEntry) => {
    const sections =
      entry.sections.length > 0
        ? `<p class="sections">${entry.sections.map((s) => renderMarkdown(s, input.markdown).replace(/^<p>|<\/p>\s*$/g, "")).join("; ")}</p>`
        : "";
    const badge = entry.assignment ? '<span class="badge">graded exercises</span>' : "";
    return `<li data-notebook="${escapeHtml(entry.file)}">
<h2><a href="${escapeHtml(entry.slug)}.html">${escapeHtml(entry.title)}</a>${badge}</h2>
${renderMarkdown(entry.summary, input.markdown)}${sections}
</li>`;
  };
  // Lessons first, in reading order; material for instructors (the sample assignment) apart.
  const lessons = input.entries.filter((e) => e.audience !== "instructors");
  const forInstructors = input.entries.filter((e) => e.audience === "instructors");
  const instructorsPart =
    forInstructors.length > 0
      ? `\n<section class="for-instructors">
<h2 id="for-instructors">For instructors</h2>
${renderMarkdown(FOR_INSTRUCTORS, input.markdown)}
<ul class="course-list">
${forInstructors.map(item).join("\n")}
</ul>
</section>`
      : "";
  const body = `<h1>${escapeHtml(input.courseTitle)}</h1>
<div class="course-intro">${renderMarkdown(input.intro, input.markdown)}</div>
<ol class="course-list">
${lessons.map(item).join("\n")}
</ol>${instructorsPart}
<section class="course-sources">
${renderMarkdown(COURSE_SOURCES, input.markdown)}
</section>`;
  const header = `<header class="site-header"><a class="home" href="index.html">${escapeHtml(input.courseTitle)}</a></header>`;
  return layout({ title: input.courseTitle, body, plotly: false, header, footer: "" });
}
