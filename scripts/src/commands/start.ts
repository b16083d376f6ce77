import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { readManifest } from "nncourse";
import type { Command } from "../command";
import { intOption, parseCommandArgs } from "../args";
import { CourseError, EXIT } from "../errors";
import { courseJobs } from "../runner/pool";
import { projectPath, projectRoot } from "../project";
import { registerKernel } from "./setup";
import { HOW_TO_GET_JUPYTER, findJupyter } from "../jupyter/find";
import { verifyFile } from "../data/verify";
import { courseNotebookFiles } from "../site/catalog";
import { INDEX_NOTEBOOK, ensureCourseIndex } from "../site/index-notebook";
import { describeReport, exportHtml } from "../site/export-html";
import { serveSite } from "../site/serve";

/** The course notebooks in order (file names start with their number). */
export function courseNotebooks(dir = projectPath("notebooks")): string[] {
  return courseNotebookFiles(dir);
}

function waitForExit(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.on("error", () => resolve(EXIT.missing));
  });
}

/**
 * Which datasets are not on this machine yet. Not fatal: only the notebooks that use a
 * dataset need it, and the learner may start with the others while it downloads.
 */
function reportDatasets(): void {
  let datasets;
  try {
    datasets = readManifest().datasets;
  } catch (error) {
    console.log(`Datasets: the manifest cannot be read (${(error as Error).message}); restore data/manifest.json.`);
    return;
  }
  const problems: string[] = [];
  for (const dataset of datasets) {
    const outcomes = dataset.files.map((entry) => verifyFile(dataset, entry));
    const bad = outcomes.find((o) => o.status === "mismatch");
    const missing = outcomes.filter((o) => o.status === "missing");
    if (bad)
      problems.push(`  ${dataset.name}: ${bad.file} does not match its checksum; fetch it again: npx course data fetch ${dataset.name}`);
    else if (missing.length > 0) problems.push(`  ${dataset.name}: not fetched yet; get it with: npx course data fetch ${dataset.name}`);
  }
  if (problems.length === 0) console.log(`Datasets: all ${datasets.length} present and verified.`);
  else
    console.log(
      `Datasets: ${problems.length} of ${datasets.length} need attention (the notebooks that use them will say so too):\n${problems.join("\n")}`,
    );
}

/** The address that opens the course index, given where Jupyter listens. */
export function indexUrl(kind: "lab" | "notebook", port: number, token: string): string {
  const page = kind === "lab" ? `lab/tree/${INDEX_NOTEBOOK}` : `notebooks/${INDEX_NOTEBOOK}`;
  return `http://127.0.0.1:${port}/${page}?token=${token}`;
}

/** Jupyter's command line: the course folder, localhost only, our token, the index as the start page. */
export function jupyterArgs(
  kind: "lab" | "notebook",
  options: { port?: number; browser: boolean; token: string; root: string; isRoot: boolean },
): string[] {
  const app = kind === "lab" ? "ServerApp" : "NotebookApp";
  const startPage =
    kind === "lab" ? `--LabApp.default_url=/lab/tree/${INDEX_NOTEBOOK}` : `--NotebookApp.default_url=/notebooks/${INDEX_NOTEBOOK}`;
  const args = [`--notebook-dir=${options.root}`, "--ip=127.0.0.1", `--${app}.token=${options.token}`, startPage];
  if (options.port) args.push(`--port=${options.port}`);
  if (!options.browser) args.push("--no-browser");
  // Jupyter refuses to start as root unless told; in containers root is the norm.
  if (options.isRoot) args.push("--allow-root");
  return args;
}

/** Opens the course in JupyterLab or Notebook at the course index; resolves when the server stops. */
async function openInJupyter(program: string, kind: "lab" | "notebook", options: { port?: number; browser: boolean }): Promise<number> {
  // Our own token (or the learner's JUPYTER_TOKEN), so that we can print a working address.
  const token = process.env.JUPYTER_TOKEN || randomBytes(24).toString("hex");
  const args = jupyterArgs(kind, { ...options, token, root: projectRoot(), isRoot: process.getuid?.() === 0 });
  console.log(
    `Starting ${path.basename(program)} in ${projectRoot()}; it opens ${INDEX_NOTEBOOK}, the course index. Stop it with Ctrl+C.\n`,
  );
  const child = spawn(program, args, { stdio: ["inherit", "inherit", "pipe"], cwd: projectRoot() });
  // Jupyter logs to stderr: pass it on, and catch the port it settled on (8888 may be taken).
  let announced = false;
  child.stderr?.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    const port = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(chunk.toString())?.[1];
    if (port && !announced) {
      announced = true;
      console.log(
        `\nThe course is open at:\n\n    ${indexUrl(kind, Number(port), token)}\n\n(open that address in a browser if none opened by itself)\n`,
      );
    }
  });
  // Ctrl+C reaches Jupyter too (same process group); it asks to confirm and shuts down.
  process.on("SIGINT", () => undefined);
  // A plain kill of this process must not leave Jupyter running behind it.
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  return waitForExit(child);
}

/** Runs every course notebook headless into a folder of executed copies. */
async function runHeadless(outputDir: string): Promise<number> {
  const notebooks = courseNotebooks();
  if (notebooks.length === 0)
    throw new CourseError(
      `no notebooks found in ${projectPath("notebooks")}.`,
      "check that you are in a complete copy of the course.",
      EXIT.missing,
    );
  fs.mkdirSync(outputDir, { recursive: true });
  console.log(`Running ${notebooks.length} notebook(s) headless through the TypeScript kernel; executed copies go to ${outputDir}\n`);
  const course = projectPath("scripts", "bin", "course.js");
  const child = spawn(process.execPath, [course, "run", "-j", String(courseJobs()), "--output-dir", outputDir, ...notebooks], {
    stdio: "inherit",
  });
  return waitForExit(child);
}

/** The no-Jupyter path: run the course, export it as HTML, serve it on 127.0.0.1 until Ctrl+C. */
async function headlessCourse(options: { outputDir: string; siteDir: string; serve: boolean; port?: number }): Promise<number> {
  const ran = await runHeadless(options.outputDir);
  if (ran !== EXIT.ok && ran !== EXIT.failed) return ran; // the run could not start: nothing to show
  if (ran === EXIT.failed) console.log("\nSome cells failed (see above); their pages show the error where it happened.");
  console.log("");
  const { report } = await exportHtml({ from: options.outputDir, out: options.siteDir });
  console.log(`Wrote the course as ${report.pages.length} HTML pages to ${report.out}.\n${describeReport(report)}`);
  if (!options.serve) return ran;
  const server = await serveSite(options.siteDir, options.port ?? 0);
  console.log(`\nThe course (as it ran, read-only) is served at:\n\n    ${server.url}\n\nStop with Ctrl+C.`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await server.close();
  console.log("Stopped.");
  return ran;
}

export const startCommand: Command = {
  name: "start",
  summary: "open the course in JupyterLab or Notebook (headless run and HTML pages when there is no Jupyter)",
  help: `usage: course start [--headless] [--port N] [--no-browser] [--no-serve] [--index]

The main job (\`npm start\`):
  1. registers the TypeScript kernel with Jupyter if needed (as \`course setup\`);
  2. says which datasets are not fetched yet, and how to fetch them;
  3. brings ${INDEX_NOTEBOOK}, the course index, up to date with the notebooks;
  4. opens the course in JupyterLab if it is installed, else in Jupyter Notebook,
     on 127.0.0.1, at the course index, and prints the address;
  5. with no Jupyter at all, says how to get one, runs every course notebook headless
     through the same kernel (executed copies in .cache/headless/), exports them as
     HTML pages (.cache/site/) and serves those on 127.0.0.1 until Ctrl+C.

options:
  --headless     run the notebooks headless and serve the pages even if Jupyter is installed
  --output-dir D where the headless run writes executed notebooks (default .cache/headless)
  --site-dir D   where the headless run's HTML pages go (default .cache/site)
  --no-serve     headless: stop after writing the pages instead of serving them
  --port N       port for Jupyter or the page server (default: Jupyter's 8888 or the
                 next free one; any free port for the page server)
  --no-browser   do not open a browser window (print the address only)
  --index        only bring ${INDEX_NOTEBOOK} up to date, then stop
  -h, --help     show this help

exit codes: 0 ok, 1 a notebook failed in the headless run, 2 wrong options, 3 something missing`,

  async run(argv) {
    const { values } = parseCommandArgs(
      "start",
      argv,
      {
        headless: { type: "boolean" },
        port: { type: "string" },
        "no-browser": { type: "boolean" },
        "no-serve": { type: "boolean" },
        "output-dir": { type: "string" },
        "site-dir": { type: "string" },
        index: { type: "boolean" },
      },
      { positionals: false },
    );
    const port = intOption("start", "port", values.port as string | undefined, 1);
    try {
      const index = ensureCourseIndex(projectRoot());
      if (index.outcome !== "unchanged")
        console.log(`${index.outcome === "created" ? "Wrote" : "Updated"} the course index ${INDEX_NOTEBOOK} from the notebooks.`);
      else if (values.index) console.log(`The course index ${INDEX_NOTEBOOK} is up to date.`);
    } catch (error) {
      // A read-only copy of the course still opens; only the index may be out of date.
      if (values.index)
        throw new CourseError(`cannot write ${INDEX_NOTEBOOK}: ${(error as Error).message}`, "check that the course folder is writable.");
      console.log(`Note: could not bring ${INDEX_NOTEBOOK} up to date (${(error as Error).message}); it may not list every notebook.`);
    }
    if (values.index) return EXIT.ok;
    registerKernel();
    reportDatasets();
    console.log("");
    const jupyter = findJupyter();
    const headless = {
      outputDir: path.resolve((values["output-dir"] as string | undefined) ?? projectPath(".cache", "headless")),
      siteDir: path.resolve((values["site-dir"] as string | undefined) ?? projectPath(".cache", "site")),
      serve: !values["no-serve"],
      port,
    };
    if (values.headless) return headlessCourse(headless);
    if (jupyter.lab) return openInJupyter(jupyter.lab, "lab", { port, browser: !values["no-browser"] });
    if (jupyter.notebook) return openInJupyter(jupyter.notebook, "notebook", { port, browser: !values["no-browser"] });
    console.log(
      `No Jupyter found (looked for jupyter-lab and jupyter-notebook on PATH). To work in the notebooks, install one:\n       ${HOW_TO_GET_JUPYTER}\nMeanwhile, the course runs headless and you can read it, with its outputs, in your browser.\n`,
    );
    return headlessCourse(headless);
  },
};
