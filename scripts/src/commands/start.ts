import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Command } from "../command";
import { intOption, parseCommandArgs } from "../args";
import { CourseError, EXIT } from "../errors";
import { projectPath } from "../project";
import { registerKernel } from "./setup";
import { HOW_TO_GET_JUPYTER, findJupyter } from "../jupyter/find";

/** The course notebooks in order (file names start with their number). */
export function courseNotebooks(dir = projectPath("notebooks")): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

function waitForExit(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.on("error", () => resolve(EXIT.missing));
  });
}

/** Opens the course in JupyterLab or Notebook; resolves when the server stops. */
async function openInJupyter(program: string, options: { port?: number; browser: boolean }): Promise<number> {
  const args = [`--notebook-dir=${projectPath()}`, "--ip=127.0.0.1"];
  if (options.port) args.push(`--port=${options.port}`);
  if (!options.browser) args.push("--no-browser");
  // Jupyter refuses to start as root unless told; in containers root is the norm.
  if (process.getuid?.() === 0) args.push("--allow-root");
  console.log(`Starting ${path.basename(program)} in ${projectPath()}: notebooks/ holds the course, exercises/ the student versions.`);
  console.log("Jupyter prints the address to open below (with its access token). Stop it with Ctrl+C.\n");
  const child = spawn(program, args, { stdio: "inherit", cwd: projectPath() });
  // Ctrl+C reaches Jupyter too (same process group); it asks to confirm and shuts down.
  process.on("SIGINT", () => undefined);
  return waitForExit(child);
}

/** Runs every course notebook headless into a folder of executed copies. */
async function runHeadless(outputDir: string): Promise<number> {
  const notebooks = courseNotebooks();
  if (notebooks.length === 0) throw new CourseError(`no notebooks found in ${projectPath("notebooks")}.`, "check that you are in a complete copy of the course.", EXIT.missing);
  fs.mkdirSync(outputDir, { recursive: true });
  console.log(`Running ${notebooks.length} notebook(s) headless through the TypeScript kernel; executed copies go to ${outputDir}\n`);
  const course = projectPath("scripts", "bin", "course.js");
  const child = spawn(process.execPath, [course, "run", "--output-dir", outputDir, ...notebooks], { stdio: "inherit" });
  const code = await waitForExit(child);
  if (code === EXIT.ok) console.log(`\nDone. Open the executed notebooks in ${outputDir} with any notebook viewer, or install Jupyter to work in them.`);
  return code;
}

export const startCommand: Command = {
  name: "start",
  summary: "open the course in JupyterLab or Notebook (headless run when there is no Jupyter)",
  help: `usage: course start [--headless] [--port N] [--no-browser]

The main job (\`npm start\`):
  1. registers the TypeScript kernel with Jupyter if needed (as \`course setup\`);
  2. opens the course in JupyterLab if it is installed, else in Jupyter Notebook,
     serving on 127.0.0.1, and prints the address;
  3. with no Jupyter at all, says how to get one and runs every course notebook
     headless through the same kernel instead, writing executed copies to
     .cache/headless/.

options:
  --headless     run the notebooks headless even if Jupyter is installed
  --output-dir D where the headless run writes executed notebooks (default .cache/headless)
  --port N       port for the Jupyter server (default: Jupyter's, 8888 or the next free)
  --no-browser   do not open a browser window (print the address only)
  -h, --help     show this help

exit codes: 0 ok, 1 a notebook failed in the headless run, 2 wrong options, 3 something missing`,

  async run(argv) {
    const { values } = parseCommandArgs(
      "start",
      argv,
      { headless: { type: "boolean" }, port: { type: "string" }, "no-browser": { type: "boolean" }, "output-dir": { type: "string" } },
      { positionals: false },
    );
    const port = intOption("start", "port", values.port as string | undefined, 1);
    registerKernel();
    console.log("");
    const jupyter = findJupyter();
    const program = jupyter.lab ?? jupyter.notebook;
    const outputDir = path.resolve((values["output-dir"] as string | undefined) ?? projectPath(".cache", "headless"));
    if (values.headless) return runHeadless(outputDir);
    if (!program) {
      console.log(`No Jupyter found (looked for jupyter-lab and jupyter-notebook on PATH). To work in the notebooks, install one:\n       ${HOW_TO_GET_JUPYTER}\nMeanwhile, the course runs headless.\n`);
      return runHeadless(outputDir);
    }
    return openInJupyter(program, { port, browser: !values["no-browser"] });
  },
};
