/**
 * `npm run mutation`: mutation testing with StrykerJS, one area at a time (areas.ts).
 * Stryker plants one small bug (a mutant) at a time in an area's files and runs the unit
 * tests that reach it; a mutant no test fails on "survived", and the share of mutants
 * killed is the area's mutation score. Each area writes its HTML report to
 * reports/mutation/AREA.html (the survivors, line by line); the run ends with a table
 * of every area's score, target and time, as the benchmarks print theirs.
 *
 *   npm run mutation                          every area (long: about an hour on 2 cores)
 *   npm run mutation -- nn neurons            only the areas whose name contains a filter
 *   npm run mutation -- --quick               the grader's scoring only (CI: a few minutes)
 *   npm run mutation -- --concurrency 1       test processes at once (default 2)
 *   npm run mutation -- nn --incremental      reuse the last run's results for the mutants
 *                                             whose code and covering tests did not change
 *   npm run mutation -- nn --all-tests        run every covering test file on each mutant, not
 *                                             only up to the first that kills it, so that the
 *                                             report names every file that kills each one (slower)
 *
 * Exits 1 when an area is below its target, so CI can hold the quick mode to it.
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { MutantResult, PartialStrykerOptions } from "@stryker-mutator/api/core";
import { AREAS, GRADER_SCORING, nodeArgsFor, type MutationArea } from "./areas";

const root = path.resolve(__dirname, "..", "..");

interface AreaFigures {
  area: MutationArea;
  mutants: number;
  killed: number;
  timedOut: number;
  survived: number;
  noCoverage: number;
  /** Mutants that did not compile or were excluded by a Stryker comment: not counted. */
  notCounted: number;
  score: number;
  seconds: number;
}

interface RunChoices {
  areas: MutationArea[];
  concurrency: number;
  incremental: boolean;
  allTests: boolean;
}

function parseArgs(argv: string[]): RunChoices {
  let quick = false;
  let incremental = false;
  let allTests = false;
  let concurrency = 2;
  const filters: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--quick") quick = true;
    else if (arg === "--incremental") incremental = true;
    else if (arg === "--all-tests") allTests = true;
    else if (arg === "--concurrency") {
      concurrency = Number(argv[++i]);
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new Error(`mutation: --concurrency needs a whole number of processes, at least 1 (got ${argv[i]}).`);
    } else if (arg.startsWith("-"))
      throw new Error(`mutation: unknown option ${arg}; the options are --quick, --incremental, --all-tests and --concurrency N.`);
    else filters.push(arg);
  }
  if (quick && filters.length > 0) throw new Error("mutation: --quick runs the grader's scoring only; leave out the area names.");
  const areas = quick ? [GRADER_SCORING] : AREAS.filter((a) => filters.length === 0 || filters.some((f) => a.name.includes(f)));
  if (areas.length === 0)
    throw new Error(`mutation: no area matches ${filters.join(", ")}; the areas are ${AREAS.map((a) => a.name).join(", ")}.`);
  return { areas, concurrency, incremental, allTests };
}

/**
 * Stryker's mutation score: detected (killed or timed out) over detected plus undetected
 * (survived or never reached by a test). Mutants that do not compile, and those a
 * `// Stryker disable` comment excludes as equivalent, count on neither side.
 */
function figures(area: MutationArea, results: MutantResult[], seconds: number): AreaFigures {
  const count = (status: MutantResult["status"]) => results.filter((r) => r.status === status).length;
  const killed = count("Killed");
  const timedOut = count("Timeout");
  const survived = count("Survived");
  const noCoverage = count("NoCoverage");
  const detected = killed + timedOut;
  const valid = detected + survived + noCoverage;
  return {
    area,
    mutants: results.length,
    killed,
    timedOut,
    survived,
    noCoverage,
    notCounted: results.length - valid,
    score: valid === 0 ? 100 : (100 * detected) / valid,
    seconds,
  };
}

interface StrykerCore {
  Stryker: new (options: PartialStrykerOptions) => { runMutationTest(): Promise<MutantResult[]> };
}

/**
 * Stryker is an ES module only, and this script runs as CommonJS like the benchmarks: it
 * is imported at run time, by a name the CommonJS compiler does not try to resolve.
 */
async function strykerCore(): Promise<StrykerCore> {
  const name: string = "@stryker-mutator/core";
  return (await import(name)) as StrykerCore;
}

/** The settings every run shares (stryker.config.mjs, which `npx stryker run` reads too). */
async function baseOptions(): Promise<PartialStrykerOptions & { tap: Record<string, unknown> }> {
  const file: string = pathToFileURL(path.join(root, "stryker.config.mjs")).href;
  return ((await import(file)) as { default: PartialStrykerOptions & { tap: Record<string, unknown> } }).default;
}

/**
 * For an area whose tests reach its code only in child processes (areas.ts,
 * inChildProcesses): the library is built from the mutated sources, and each mutant runs
 * the area's test files as one command, which passes or fails as a whole. The tap
 * runner would report the coverage its own process saw (none of these mutants), and
 * Stryker would then run none of them; the command runner reports no coverage, so every
 * mutant runs every test file. The build finds tsc in node_modules/.bin, which Stryker
 * puts on the PATH (the sandbox's own node_modules link is made after the build).
 */
function childProcessOptions(area: MutationArea): PartialStrykerOptions {
  const files = area.tests.join(" ");
  return {
    testRunner: "command",
    commandRunner: { command: `node ${nodeArgsFor(area).join(" ")} --test ${files}` },
    coverageAnalysis: "off",
    ignoreStatic: false,
    buildCommand: "tsc -b lib",
  };
}

async function runArea(area: MutationArea, { concurrency, incremental, allTests }: RunChoices): Promise<AreaFigures> {
  console.log(`\n━━━ mutation: ${area.name} (${area.mutate.filter((m) => !m.startsWith("!")).join(", ")}) ━━━`);
  const base = await baseOptions();
  const options: PartialStrykerOptions = {
    ...base,
    mutate: area.mutate,
    concurrency,
    incremental,
    disableBail: allTests,
    incrementalFile: `reports/mutation/${area.name}.incremental.json`,
    tap: { ...base.tap, testFiles: area.tests, nodeArgs: nodeArgsFor(area) },
    ...(area.inChildProcesses ? childProcessOptions(area) : {}),
    htmlReporter: { fileName: `reports/mutation/${area.name}.html` },
    // The same results as JSON, for `node --import tsx test/mutation/survivors.ts AREA`.
    jsonReporter: { fileName: `reports/mutation/${area.name}.json` },
    // The score table is printed by this script; the survivors' list stays in the reports.
    reporters: ["html", "json", "progress"],
    // Areas are judged here, against their own targets.
    thresholds: { high: area.target, low: area.target, break: null },
  };
  const started = performance.now();
  const results = await new (await strykerCore()).Stryker(options).runMutationTest();
  return figures(area, results, (performance.now() - started) / 1000);
}

function printTable(rows: AreaFigures[], wallSeconds: number, concurrency: number): void {
  console.log("");
  console.log(`mutation score per area (concurrency ${concurrency}; reports in reports/mutation/)`);
  console.log(
    `  ${"area".padEnd(18)} ${"score".padStart(7)} ${"target".padStart(7)} ${"mutants".padStart(8)} ${"killed".padStart(7)} ${"timeout".padStart(8)} ${"survived".padStart(9)} ${"no cover".padStart(9)} ${"time".padStart(8)}`,
  );
  for (const r of rows) {
    const verdict = r.score >= r.area.target ? "PASS" : "MISS";
    console.log(
      `  ${r.area.name.padEnd(18)} ${(r.score.toFixed(1) + "%").padStart(7)} ${(r.area.target + "%").padStart(7)} ${String(r.mutants).padStart(8)} ${String(r.killed).padStart(7)} ${String(r.timedOut).padStart(8)} ${String(r.survived).padStart(9)} ${String(r.noCoverage).padStart(9)} ${(r.seconds.toFixed(0) + " s").padStart(8)}  ${verdict}`,
    );
  }
  console.log(`mutation wall time ${wallSeconds.toFixed(0)} s`);
}

async function main(): Promise<void> {
  process.chdir(root);
  const choices = parseArgs(process.argv.slice(2));
  fs.mkdirSync(path.join(root, "reports", "mutation"), { recursive: true });
  const started = performance.now();
  const rows: AreaFigures[] = [];
  for (const area of choices.areas) rows.push(await runArea(area, choices));
  printTable(rows, (performance.now() - started) / 1000, choices.concurrency);
  const missed = rows.filter((r) => r.score < r.area.target);
  if (missed.length > 0) {
    console.error(
      `mutation: below target: ${missed.map((r) => `${r.area.name} ${r.score.toFixed(1)}% < ${r.area.target}%`).join(", ")}. ` +
        "Open the area's report in reports/mutation/ for the surviving mutants, and add a test that fails on each.",
    );
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
