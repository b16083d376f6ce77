/**
 * What `course run` costs: cold start to the first cell's result, the overhead per
 * trivial cell, and a whole 20-cell notebook through `course run` against the same
 * notebook through `jupyter nbconvert --execute` (when installed), as a ratio.
 *
 *   node --import tsx bench/runner.bench.ts [--runs N]
 *
 * Every figure is the median of N runs (default 5). Targets: under 4 s to the first
 * result, under 100 ms per trivial cell, no slower than nbconvert.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { newCodeCell, newNotebook, writeNotebook } from "../scripts/src/notebook";
import { kernelJsonFor } from "../scripts/src/jupyter/kernelspec";
import { locateKernel } from "../scripts/src/kernel/locate";
import { runNotebook } from "../scripts/src/runner";

const root = resolve(__dirname, "..");
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const CELLS = 20;

// Inside the project's cache folder, removed at exit.
const work = join(root, ".cache", `bench-runner-${randomBytes(4).toString("hex")}`);
mkdirSync(work, { recursive: true });
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

const trivialCells = () => Array.from({ length: CELLS }, (_, i) => newCodeCell(`const v${i} = ${i} + 1;`));
const notebookPath = join(work, "trivial.ipynb");
writeNotebook(notebookPath, newNotebook(trivialCells()));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** In-process: time to the first cell's result, and per-cell time over the 20 cells. */
async function measureInProcess(): Promise<{ firstResultMs: number; perCellMs: number }> {
  const notebook = newNotebook(trivialCells());
  const started = performance.now();
  let firstEnd = 0;
  let firstStart = 0;
  let lastEnd = 0;
  const result = await runNotebook(notebook, {
    cwd: work,
    onCellStart: (index) => {
      if (index === 0) firstStart = performance.now();
    },
    onCellEnd: (cell) => {
      lastEnd = performance.now();
      if (cell.index === 0) firstEnd = lastEnd;
    },
  });
  if (!result.passed) throw new Error(`the benchmark notebook failed: ${JSON.stringify(result.cells.find((c) => c.status !== "ok"))}`);
  return { firstResultMs: firstEnd - started, perCellMs: (lastEnd - firstStart) / CELLS };
}

/** Wall time of one command, or undefined if it failed. */
function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: root, env, encoding: "utf8" });
  const took = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return took;
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** A kernelspec for nbconvert that starts this project's kernel (as `course setup` registers it), in a throwaway JUPYTER_PATH. */
function benchKernelspec(): { env: NodeJS.ProcessEnv; name: string } {
  const name = "nncourse-bench";
  const dir = join(work, "jupyter", "kernels", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "kernel.json"), JSON.stringify(kernelJsonFor(process.execPath, locateKernel().script)));
  return { env: { ...process.env, JUPYTER_PATH: join(work, "jupyter") }, name };
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
}

function row(label: string, value: string, target = "", met?: boolean): void {
  const verdict = met === undefined ? "" : met ? "ok" : "MISSED";
  console.log(`  ${label.padEnd(34)} ${value.padStart(9)}   ${target.padEnd(16)} ${verdict}`);
}

async function main(): Promise<void> {
  console.log(`course run benchmark: median of ${runs} runs, a notebook of ${CELLS} trivial cells`);

  const inProcess: Array<{ firstResultMs: number; perCellMs: number }> = [];
  await measureInProcess(); // warm the file system cache; not counted
  for (let i = 0; i < runs; i++) inProcess.push(await measureInProcess());
  const firstResult = median(inProcess.map((r) => r.firstResultMs));
  const perCell = median(inProcess.map((r) => r.perCellMs));
  row("cold start to first cell result", ms(firstResult), "target < 4 s", firstResult < 4000);
  row("per trivial cell", ms(perCell), "target < 100 ms", perCell < 100);

  // Whole notebook as a user runs it: a fresh process each time, start to exit.
  const cli = join(root, "scripts", "dist", "cli.js");
  const ours = existsSync(cli)
    ? (out: string) =>
        timeCommand(process.execPath, [join(root, "scripts", "bin", "course.js"), "run", notebookPath, "--output", out, "--quiet"])
    : (out: string) =>
        timeCommand(process.execPath, [
          "--import",
          "tsx",
          "-e",
          `require(${JSON.stringify(join(root, "scripts/src/cli.ts"))}).main(["run", ${JSON.stringify(notebookPath)}, "--output", ${JSON.stringify(out)}, "--quiet"]).then((c) => process.exit(c))`,
        ]);
  if (!existsSync(cli)) console.log("  (scripts/dist is not built: timing `course run` through tsx, which adds its start-up)");
  const oursMs = median(Array.from({ length: runs }, (_, i) => ours(join(work, `ours-${i}.ipynb`))));
  row(`${CELLS}-cell notebook, course run`, ms(oursMs));

  const nbconvert = findOnPath("jupyter-nbconvert");
  if (!nbconvert) {
    row(`${CELLS}-cell notebook, nbconvert`, "n/a", "jupyter-nbconvert not installed");
    return;
  }
  const spec = benchKernelspec();
  const theirs = (i: number) =>
    timeCommand(
      nbconvert,
      [
        "--to",
        "notebook",
        "--execute",
        `--ExecutePreprocessor.kernel_name=${spec.name}`,
        "--output-dir",
        work,
        "--output",
        `nbconvert-${i}`,
        notebookPath,
      ],
      spec.env,
    );
  const theirsMs = median(Array.from({ length: runs }, (_, i) => theirs(i)));
  row(`${CELLS}-cell notebook, nbconvert`, ms(theirsMs));
  const ratio = oursMs / theirsMs;
  row("ours / nbconvert", ratio.toFixed(2), "target <= 1", ratio <= 1);
}

main().catch((error) => {
  console.error(`runner benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
