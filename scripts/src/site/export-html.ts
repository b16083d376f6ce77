/**
 * `course export --html`: the course as a static site. The notebooks come either from a
 * folder of executed copies (--from, e.g. what `course run --output-dir` or
 * `course start` wrote) or are run now, each in a fresh kernel.
 */
import fs from "node:fs";
import path from "node:path";
import { secondsOption } from "../args";
import { CourseError, EXIT } from "../errors";
import { readNotebook } from "../notebook/read";
import { projectPath } from "../project";
import { buildSite, type SiteNotebook, type SiteReport } from "./build";
import { courseNotebookFiles } from "./catalog";
import { executeNotebooks } from "./execute";

export const HTML_EXPORT_HELP = `HTML export (--html): the course as a static site, offline and self-contained
  --out DIR       where the site goes (default: .cache/site); a folder the export
                  made before is replaced, any other non-empty folder is refused
  --from DIR      take executed notebooks from DIR (as \`course run --output-dir DIR\`
                  writes them) instead of running the course now
  --timeout S     when running now: time limit per cell in seconds (default: none)
The site holds index.html (every notebook with what it teaches), one page per
notebook with its outputs, interactive plotly figures, equations typeset with
KaTeX, highlighted code, and assets/ (one plotly.js for all pages, KaTeX's fonts).
Notebooks with graded exercises are published as their reference solutions:
hidden tests never reach the site.`;

export const HTML_EXPORT_OPTIONS = {
  out: { type: "string" },
  from: { type: "string" },
  timeout: { type: "string" },
} as const;

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
    throw new CourseError(`${dir} is not a folder.`, "give the folder that `course run --output-dir DIR` wrote, or leave --from out to run the course now.", EXIT.missing);
  }
  const files = courseNotebookFiles(dir);
  if (files.length === 0) {
    throw new CourseError(`${dir} holds no course notebooks (files named like 01-topic.ipynb).`, "run `course run notebooks --output-dir DIR` first, or leave --from out to run the course now.", EXIT.missing);
  }
  return files.map((file) => {
    const notebook = readNotebook(file);
    const unrun = notebook.cells.filter((c) => c.cell_type === "code" && c.execution_count === null && c.source.length > 0).length;
    if (unrun > 0) console.log(`note: ${path.basename(file)} has ${unrun} code cell(s) that never ran; their outputs will be missing.`);
    return { file: path.basename(file), notebook };
  });
}

export function describeReport(report: SiteReport): string {
  const lines = [`Wrote ${report.pages.length} pages (${report.figures} plotly figure(s)) to ${report.out}`, `Open ${path.join(report.out, "index.html")} in a browser; it works offline.`];
  for (const problem of report.mathProblems) lines.push(`warning: an equation KaTeX cannot typeset (shown as red TeX): ${problem}`);
  return lines.join("\n");
}

/** Builds the site; resolves to the exit code (1 when a notebook failed while running now). */
export async function exportHtml(request: HtmlExportRequest): Promise<{ code: number; report: SiteReport }> {
  const out = path.resolve(request.out ?? projectPath(".cache", "site"));
  let notebooks: SiteNotebook[];
  let failed = false;
  if (request.from !== undefined) {
    notebooks = fromFolder(path.resolve(request.from));
  } else {
    const source = request.source ?? projectPath("notebooks");
    const files = courseNotebookFiles(source);
    if (files.length === 0) throw new CourseError(`no course notebooks in ${source}.`, "check that you are in a complete copy of the course.", EXIT.missing);
    console.log(`Running ${files.length} notebook(s) for the export (use --from DIR to export notebooks you already ran).`);
    const executed = await executeNotebooks(files, { cellTimeoutMs: secondsOption("export", "timeout", request.timeout), log: (l) => console.log(l) });
    for (const nb of executed) {
      for (const failure of nb.failures) console.log(`  ${nb.file}: ${failure}`);
      failed ||= nb.failures.length > 0;
    }
    notebooks = executed;
  }
  const report = buildSite(out, notebooks);
  console.log(describeReport(report));
  if (failed) console.log("Some cells failed: their pages show the error where it happened.");
  return { code: failed ? EXIT.failed : EXIT.ok, report };
}
