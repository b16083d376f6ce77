/**
 * Releasing a course (`course build`): every notebook of a folder of masters goes to
 * exercises/ (the student version) and solutions/ (the reference solution), see
 * release.ts. Every master is read and checked before anything is written: one error
 * anywhere stops the release, so the two folders never hold a half-built course.
 * exercises/ and solutions/ are generated: a notebook there that no master produces is
 * removed. With `check`, nothing is written and what differs is returned instead (CI).
 *
 * A master's wrong answers (wrong-answers/<master>.json beside it, wrong-answers.ts) are
 * checked with it; the folder holds no masters and is never released.
 *
 * releaseAfterRun does the same after running masters with their solutions through the
 * kernel (solution-run.ts, `course build --run`): a master whose solution fails its own
 * tests, or does not compile, stops the release like any other error.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { CourseError, EXIT, UsageError } from "../errors";
import { isMaster } from "../notebook/master";
import { readNotebook } from "../notebook/read";
import { serializeNotebook } from "../notebook/write";
import type { Notebook } from "../notebook/model";
import { releaseNotebook, type Version } from "./release";
import { runSolution, type SolutionRun } from "./solution-run";
import { validateMaster, type Finding } from "./validate";
import { orphanWrongAnswerFiles, readWrongAnswers, wrongAnswersFileOf, WrongAnswersError } from "./wrong-answers";

export interface ReleaseOptions {
  /** The folder of masters. */
  source: string;
  /** The folder that receives exercises/ and solutions/. */
  out: string;
  /** Compare with what is there; write nothing. */
  check: boolean;
  /** How a file is named in findings and errors (default: relative to the current folder). */
  show?: (file: string) => string;
}

/** A generated file that is not what the release would write. */
export interface OutOfDate {
  file: string;
  problem: "missing" | "differs" | "no master";
}

interface ReleaseCounts {
  /** The .ipynb files in the source folder. */
  notebooks: number;
  /** How many of them are masters (hold nbgrader metadata). */
  masters: number;
  /** What the masters' checks found, errors and warnings, in notebook order. */
  findings: Finding[];
}

export type ReleaseResult =
  /** A master has errors: nothing was written or compared. */
  | (ReleaseCounts & { outcome: "invalid" })
  /** `check`: the files that differ, in the order they would be written, then those without a master. */
  | (ReleaseCounts & { outcome: "checked"; outOfDate: OutOfDate[] })
  /** Released: the files written (their bytes changed), those removed (no master), and how many were already up to date. */
  | (ReleaseCounts & { outcome: "built"; written: string[]; removed: string[]; upToDate: number });

/** A file the release would write. */
interface Planned {
  /** Where it goes, absolute. */
  file: string;
  bytes: string;
}

export function releaseAll(options: ReleaseOptions): ReleaseResult {
  return finishRelease(planRelease(options), options);
}

export interface RunOptions {
  /** Run only these masters (names without .ipynb); all masters when undefined. */
  only?: readonly string[];
  /** Called as each master starts and ends its run. */
  onStart?: (name: string) => void;
  onEnd?: (name: string, run: SolutionRun) => void;
}

/** The release, after running the masters with their solutions; what the runs find counts like any finding. */
export async function releaseAfterRun(options: ReleaseOptions, run: RunOptions = {}): Promise<ReleaseResult> {
  const plan = planRelease(options);
  if (!plan.counts.findings.some((f) => f.severity === "error")) {
    const known = plan.masters.map((m) => m.name);
    const unknown = (run.only ?? []).filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new UsageError(
        `no master named ${unknown.map((n) => `"${n}"`).join(", ")} in ${plan.show(options.source)}.`,
        `name one of: ${known.join(", ")}.`,
      );
    }
    for (const master of plan.masters) {
      if (run.only !== undefined && !run.only.includes(master.name)) continue;
      run.onStart?.(master.name);
      const result = await runSolution(master.notebook, plan.show(master.file));
      run.onEnd?.(master.name, result);
      plan.counts.findings.push(...result.findings);
    }
  }
  return finishRelease(plan, options);
}

/** Everything read and checked, nothing written yet. */
interface Plan {
  counts: ReleaseCounts;
  planned: Planned[];
  folders: Record<Version, string>;
  /** The masters, in file order, by name without .ipynb. */
  masters: Array<{ name: string; file: string; notebook: Notebook }>;
  show: (file: string) => string;
}

function planRelease(options: ReleaseOptions): Plan {
  const show = options.show ?? ((file: string) => relative(process.cwd(), file) || ".");
  const names = masterFiles(options.source, show);
  const folders: Record<Version, string> = { exercise: join(options.out, "exercises"), solution: join(options.out, "solutions") };
  if (folders.exercise === options.source || folders.solution === options.source) {
    throw new UsageError("the source folder is one of the output folders; the build would overwrite the masters.", "pick another --out.");
  }

  // Read and check every master before writing anything.
  const findings: Finding[] = [];
  const planned: Planned[] = [];
  const masters: Plan["masters"] = [];
  for (const name of names) {
    const file = join(options.source, name);
    const notebook = readNotebook(file);
    if (isMaster(notebook)) {
      masters.push({ name: name.slice(0, -".ipynb".length), file, notebook });
      findings.push(...validateMaster(notebook, show(file)));
      findings.push(...wrongAnswerFindings(file, notebook, show));
    }
    for (const version of ["exercise", "solution"] as const) {
      planned.push({ file: join(folders[version], name), bytes: serializeNotebook(releaseNotebook(notebook, version)) });
    }
  }
  for (const orphan of orphanWrongAnswerFiles(options.source)) {
    findings.push({
      severity: "error",
      notebook: show(orphan),
      message: "a wrong-answer file without its master (the folder holds <master name>.json for each master).",
      fix: "rename it after its master, or delete it with the master.",
    });
  }
  return { counts: { notebooks: names.length, masters: masters.length, findings }, planned, folders, masters, show };
}

/** A master's wrong answers (wrong-answers.ts) are read with it, so that a renamed exercise or a slip in the file stops the build. */
function wrongAnswerFindings(file: string, notebook: Notebook, show: (file: string) => string): Finding[] {
  try {
    readWrongAnswers(file, notebook, show(wrongAnswersFileOf(file)));
    return [];
  } catch (error) {
    if (!(error instanceof WrongAnswersError)) throw error;
    return [{ severity: "error", notebook: error.where, message: error.problem, fix: error.fix }];
  }
}

function finishRelease({ counts, planned, folders }: Plan, options: ReleaseOptions): ReleaseResult {
  if (counts.findings.some((f) => f.severity === "error")) return { ...counts, outcome: "invalid" };
  const stale = withoutMaster(Object.values(folders), new Set(planned.map((p) => p.file)));
  if (options.check) return { ...counts, outcome: "checked", outOfDate: outOfDate(planned, stale) };
  const written = writeChanged(planned, Object.values(folders));
  for (const file of stale) unlinkSync(file);
  return { ...counts, outcome: "built", written, removed: stale, upToDate: planned.length - written.length };
}

/** The notebooks of the source folder, by name, sorted; an error when there are none. */
function masterFiles(source: string, show: (file: string) => string): string[] {
  if (!existsSync(source) || !statSync(source).isDirectory()) {
    throw new CourseError(
      `the source folder ${show(source)} does not exist.`,
      "name the folder of master notebooks with --source DIR.",
      EXIT.missing,
    );
  }
  const names = readdirSync(source)
    .filter((name) => name.endsWith(".ipynb") && !name.startsWith("."))
    .sort();
  if (names.length === 0) {
    throw new CourseError(
      `${show(source)} holds no .ipynb notebooks.`,
      "name the folder of master notebooks with --source DIR.",
      EXIT.missing,
    );
  }
  return names;
}

/** The notebooks in the output folders that the release would not write. */
function withoutMaster(folders: string[], wanted: ReadonlySet<string>): string[] {
  return folders.flatMap((folder) =>
    existsSync(folder)
      ? readdirSync(folder)
          .filter((name) => name.endsWith(".ipynb"))
          .sort()
          .map((name) => join(folder, name))
          .filter((file) => !wanted.has(file))
      : [],
  );
}

function outOfDate(planned: Planned[], stale: string[]): OutOfDate[] {
  const differing = planned.flatMap((p): OutOfDate[] => {
    if (!existsSync(p.file)) return [{ file: p.file, problem: "missing" }];
    return readFileSync(p.file, "utf8") !== p.bytes ? [{ file: p.file, problem: "differs" }] : [];
  });
  return [...differing, ...stale.map((file): OutOfDate => ({ file, problem: "no master" }))];
}

/** Writes the planned files whose bytes changed; returns them. Unchanged files keep their dates. */
function writeChanged(planned: Planned[], folders: string[]): string[] {
  for (const folder of folders) mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  for (const p of planned) {
    if (existsSync(p.file) && readFileSync(p.file, "utf8") === p.bytes) continue;
    // Written beside and renamed, so Jupyter never opens a half-written notebook.
    const temp = `${p.file}.${process.pid}.tmp`;
    writeFileSync(temp, p.bytes);
    renameSync(temp, p.file);
    written.push(p.file);
  }
  return written;
}
