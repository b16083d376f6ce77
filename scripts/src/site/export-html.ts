/**
 * `course export --html`: the course as a static site. The notebooks come either from a
 * folder of executed copies (--from, e.g. what `course run --output-dir` or
 * `course start` wrote) or are run now, each in a fresh kernel.
 */
import fs from "node:fs";
import path from "node:path";
import { secondsOption } from "../args";
import { CourseError, EXIT, UsageError } from "../errors";
import { readNotebook } from "../notebook/read";
import { projectPath } from "../project";
import { buildSite, checkSiteFolder, type SiteNotebook, type SiteReport } from "./build";
import { courseNotebookFiles } from "./catalog";
import { executeNotebooks } from "./execute";

export const HTML_EXPORT_HELP = `Options of --html (the course as a static site, offline and self-contained):
  --out DIR          where the site goes (default: .cache/site); a folder an earlier
                     export made is replaced, any other non-empty folder is refused
  --from DIR         take executed notebooks from DIR (as \`course run notebooks
                     --output-dir DIR\` writes them) instead of running the course now
  --timeout SECONDS  when running now: time limit per cell (default: none)
  The site holds index.html (every notebook with what it teaches), a page per
  notebook with its outputs, interactive plotly figures, equations typeset with
  KaTeX and highlighted code, and assets/ (one plotly.js for all pages, KaTeX's
  fonts). Graded notebooks are published as their reference solutions: hidden tests
  never reach the site. Exit code 1 when a cell failed while running now (the site
  is written all the same, with the error under the cell).`;

export interface HtmlExportRequest {
  out?: string;
  from?: string;
  timeout?: string;
  /** The folder of course notebooks (default notebooks/ of the project). */
  source?: string;
}

/** Executed copies from a folder: the course notebooks in it, in order. */
function fromFolder(dir: string): SiteNotebook[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new CourseError(
      `${dir} is not a folder.`,
      "give the folder that `course run --output-dir DIR` wrote, or leave --from out to run the course now.",
      EXIT.missing,
    );
  }
  const files = courseNotebookFiles(dir);
  if (files.length === 0) {
    throw new CourseError(
      `${dir} holds no course notebooks (files named like 01-topic.ipynb).`,
      "run `course run notebooks --output-dir DIR` first, or leave --from out to run the course now.",
      EXIT.missing,
    );
  }
  return files.map((file) => {
    const notebook = readNotebook(file);
    const unrun = notebook.cells.filter((c) => c.cell_type === "code" && c.execution_count === null && c.source.length > 0).length;
    if (unrun > 0) console.log(`note: ${path.basename(file)} has ${unrun} code cell(s) that never ran; their outputs will be missing.`);
    return { file: path.basename(file), notebook };
  });
}

/** What to tell the reader about a finished site: where to open it, and any equation KaTeX could not read. */
export function describeReport(report: SiteReport): string {
  const lines = [`Open ${path.join(report.out, "index.html")} in a browser; it works offline.`];
  for (const problem of report.mathProblems) lines.push(`warning: an equation KaTeX cannot typeset (shown as red TeX): ${problem}`);
  return lines.join("\n");
}

/** Builds the site; resolves to the exit code (1 when a notebook failed while running now). */
export async function exportHtml(request: HtmlExportRequest): Promise<{ code: number; report: SiteReport }> {
  const out = path.resolve(request.out ?? projectPath(".cache", "site"));
  // Before any notebook runs: a refused folder should not cost the time of a run.
  checkSiteFolder(out);
  let notebooks: SiteNotebook[];
  let failed = false;
  if (request.from !== undefined) {
    notebooks = fromFolder(path.resolve(request.from));
  } else {
    const source = request.source ?? projectPath("notebooks");
    const files = courseNotebookFiles(source);
    if (files.length === 0)
      throw new CourseError(`no course notebooks in ${source}.`, "check that you are in a complete copy of the course.", EXIT.missing);
    console.log(`Running ${files.length} notebook(s) for the export (use --from DIR to export notebooks you already ran).`);
    const executed = await executeNotebooks(files, {
      cellTimeoutMs: secondsOption("export", "timeout", request.timeout),
      log: (l) => console.log(l),
    });
    for (const nb of executed) {
      for (const failure of nb.failures) console.log(`  ${nb.file}: ${failure}`);
      failed ||= nb.failures.length > 0;
    }
    notebooks = executed;
  }
  const report = buildSite(out, notebooks);
  return { code: failed ? EXIT.failed : EXIT.ok, report };
}

/** `course export --html`, in the shape of the export command's modes. */
export const htmlExportMode = {
  name: "html",
  summary: "the course as a static site (index, notebooks with outputs, figures, equations)",
  defaultOut: path.join(".cache", "site"),
  options: { from: { type: "string" as const }, timeout: { type: "string" as const } },
  optionsHelp: HTML_EXPORT_HELP,
  async run({ out, values = {} }: { out: string; values?: Record<string, unknown> }): Promise<string> {
    if (out === "-")
      throw new UsageError("--html writes a folder of pages; it cannot go to standard output.", "give a folder with --out DIR.");
    const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
    const { code, report } = await exportHtml({ out, from: text("from"), timeout: text("timeout") });
    console.log(describeReport(report));
    if (code !== EXIT.ok) {
      throw new CourseError(
        "some cells failed while the course ran; the site was written, and their pages show the errors.",
        "fix the notebooks (see the failures above), or export notebooks you ran yourself with --from DIR.",
        EXIT.failed,
      );
    }
    return `${report.pages.length} pages (${report.figures} plotly figure(s))`;
  },
};
