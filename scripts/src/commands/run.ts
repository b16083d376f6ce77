import { mkdirSync, readdirSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { intOption, parseCommandArgs, secondsOption } from "../args";
import type { Command } from "../command";
import { CourseError, EXIT, UsageError } from "../errors";
import { locateTslab } from "../kernel/locate";
import { holdsInstructorContent } from "../notebook/master";
import type { Notebook } from "../notebook/model";
import { readNotebook } from "../notebook/read";
import { DEFAULT_LIMITS } from "../runner/outputs";
import { mapWithConcurrency } from "../runner/pool";
import { formatNotebookReport, formatSummary, notebookFailed, type NotebookOutcome } from "../runner/report";
import { runNotebookFile } from "../runner/run-file";

const help = `usage: course run <notebook.ipynb | folder>... [options]

Runs notebooks headless in the tslab kernel, like "Restart Kernel and Run All Cells",
and saves each one with its outputs. Each notebook gets its own fresh kernel, started
in the notebook's folder. A folder stands for the .ipynb files directly inside it.

Where the executed notebook goes (pick one):
  --in-place               overwrite each input (the default, except for masters)
  --output PATH            write to PATH (one notebook only)
  --output-dir DIR         write each notebook into DIR under its own name

An instructor master (a notebook with solution regions, hidden tests or
instructor-only cells, like those in notebooks/) is not overwritten unless
--in-place is given: its outputs, the hidden tests' included, would end up in the
file that course build makes the learners' versions from. Without a destination,
course run stops before running anything when it is given a master.

Limits:
  --timeout SECONDS        time limit per cell (default: none). A cell over it is
                           interrupted (SIGINT) and counts as failed; if it does not
                           stop within --interrupt-grace, the kernel is killed.
  --notebook-timeout SECONDS
                           time limit for all cells of a notebook together, counted
                           from when its kernel is ready (default: none)
  --interrupt-grace SECONDS
                           how long an interrupted cell may take to stop (default: 5)
  --output-cap BYTES       output kept per cell (default: ${DEFAULT_LIMITS.cellBytes}); more is cut
                           with a visible note
  --notebook-output-cap BYTES
                           output kept per notebook (default: ${DEFAULT_LIMITS.notebookBytes})

Running:
  -j, --jobs N             run N notebooks at once (default: 1)
  --allow-errors           keep running the cells after a failing one; cells that
                           report an error then do not make the exit code fail
                           (time-outs and a dying kernel still do)
  -q, --quiet              print only failures and the summary

A cell passes when the kernel's reply says so, whatever it printed. The report names
each failing cell by its position in the notebook (1 = first cell), shows its first
line and its error. The notebook is saved even when a cell fails, with the error shown
under that cell; cells that did not run are left without outputs. Ctrl-C stops the
run and its kernels without saving.

Exit codes: 0 all cells passed, 1 a cell failed, 2 wrong command line,
3 a notebook is missing or not a valid notebook, or tslab is not installed.

Examples:
  course run exercises/01-mcculloch-pitts.ipynb
  course run notebooks --output-dir out --timeout 120 -j 4
  course run exercise.ipynb --output /tmp/run.ipynb --allow-errors`;

export const runCommand: Command = {
  name: "run",
  summary: "run notebooks headless in the tslab kernel and save their outputs",
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs("run", argv, {
      output: { type: "string" },
      "output-dir": { type: "string" },
      "in-place": { type: "boolean" },
      timeout: { type: "string" },
      "notebook-timeout": { type: "string" },
      "interrupt-grace": { type: "string" },
      "output-cap": { type: "string" },
      "notebook-output-cap": { type: "string" },
      jobs: { type: "string", short: "j" },
      "allow-errors": { type: "boolean" },
      quiet: { type: "boolean", short: "q" },
    });
    if (positionals.length === 0) throw new UsageError("name at least one notebook to run.", "see `course run --help`.");
    const destinations = [values.output, values["output-dir"], values["in-place"]].filter((v) => v !== undefined);
    if (destinations.length > 1) {
      throw new UsageError("--output, --output-dir and --in-place exclude each other; pick one.", "see `course run --help`.");
    }
    const cellTimeoutMs = secondsOption("run", "timeout", values.timeout);
    const notebookTimeoutMs = secondsOption("run", "notebook-timeout", values["notebook-timeout"]);
    const interruptGraceMs = secondsOption("run", "interrupt-grace", values["interrupt-grace"]);
    const cellBytes = intOption("run", "output-cap", values["output-cap"]);
    const notebookBytes = intOption("run", "notebook-output-cap", values["notebook-output-cap"]);
    const jobs = intOption("run", "jobs", values.jobs) ?? 1;
    const allowErrors = values["allow-errors"] === true;
    const quiet = values.quiet === true;

    const files = expandInputs(positionals);
    if (values.output !== undefined && files.length !== 1) {
      throw new UsageError(
        `--output names one file, but ${files.length} notebooks were given.`,
        "use --output-dir DIR for several notebooks.",
      );
    }
    const outputFor = outputPlanner(files, values.output, values["output-dir"]);

    // Check everything that can be checked before starting any kernel: a typo in the
    // last of ten notebook names should not cost the time of running the first nine.
    const problems: CourseError[] = [];
    const notebooks = new Map<string, Notebook>();
    for (const file of files) {
      try {
        notebooks.set(file, readNotebook(file));
      } catch (error) {
        if (!(error instanceof CourseError)) throw error;
        problems.push(error);
      }
    }
    if (problems.length > 0) {
      // Each problem keeps its own fix: a missing file needs its path checked, a broken one repairing.
      const fixes = [...new Set(problems.map((p) => p.fix).filter((fix): fix is string => fix !== undefined))];
      throw new CourseError(
        problems.length === 1
          ? problems[0]!.message
          : `${problems.length} notebooks cannot be run:\n  ${problems.map((p) => p.message).join("\n  ")}`,
        fixes.length > 0 ? fixes.map((fix) => fix.replace(/\.$/, "")).join("; ") + "." : undefined,
        EXIT.missing,
      );
    }
    if (destinations.length === 0) refuseMastersInPlace(notebooks);
    locateTslab(resolve(files[0]!, ".."));

    const started = Date.now();
    let startProblem = false;
    const outcomes = await mapWithConcurrency(files, jobs, async (file): Promise<NotebookOutcome> => {
      if (!quiet) console.log(`running ${file}`);
      let outcome: NotebookOutcome;
      try {
        const result = await runNotebookFile(file, {
          output: outputFor(file),
          cellTimeoutMs,
          notebookTimeoutMs,
          interruptGraceMs,
          allowErrors,
          limits: { ...(cellBytes ? { cellBytes } : {}), ...(notebookBytes ? { notebookBytes } : {}) },
        });
        outcome = { kind: "ran", file, ...result };
      } catch (error) {
        if (!(error instanceof CourseError)) throw error;
        startProblem ||= error.exitCode === EXIT.missing;
        outcome = { kind: "not-started", file, error: error.message + (error.fix ? `\nFix: ${error.fix}` : "") };
      }
      console.log(formatNotebookReport(outcome, { quiet, allowErrors }));
      return outcome;
    });
    console.log(formatSummary(outcomes, Date.now() - started, { allowErrors }));

    if (startProblem) return EXIT.missing;
    const failed = outcomes.some((outcome) => notebookFailed(outcome, allowErrors));
    return failed ? EXIT.failed : EXIT.ok;
  },
};

/**
 * Running in place is the default, for a learner's own notebook. A master is refused
 * unless --in-place says so: what decides is the content (solutions, hidden tests,
 * instructor-only cells), not the folder, because an instructor's private masters may
 * live anywhere (`course build --source DIR`), and a learner's copy of an exercise in
 * notebooks/ of their own is theirs to overwrite.
 */
function refuseMastersInPlace(notebooks: Map<string, Notebook>): void {
  const masters = [...notebooks].filter(([, notebook]) => holdsInstructorContent(notebook)).map(([file]) => file);
  if (masters.length === 0) return;
  const what =
    masters.length === 1
      ? `${masters[0]} is an instructor master (it holds solutions or hidden tests)`
      : `${masters.length} of the notebooks are instructor masters (they hold solutions or hidden tests): ${masters.slice(0, 3).join(", ")}${masters.length > 3 ? ", …" : ""}`;
  throw new UsageError(
    `${what}; running ${masters.length === 1 ? "it" : "them"} in place would write the outputs, the hidden tests' included, into the master${masters.length === 1 ? "" : "s"}. Nothing was run.`,
    "write the executed copies elsewhere with --output-dir DIR (or --output FILE), or pass --in-place to overwrite the masters on purpose. Learners run their copies in exercises/.",
  );
}

/** Notebook files named on the command line; a folder stands for the notebooks in it. */
function expandInputs(inputs: string[]): string[] {
  return inputs.flatMap((input) => {
    let isFolder = false;
    try {
      isFolder = statSync(input).isDirectory();
    } catch {
      return [input]; // reported as missing by readNotebook, with the name
    }
    if (!isFolder) return [input];
    const notebooks = readdirSync(input)
      .filter((name) => name.endsWith(".ipynb"))
      .sort()
      .map((name) => join(input, name));
    if (notebooks.length === 0)
      throw new CourseError(`${input} holds no .ipynb notebooks.`, "name the notebooks or the folder that holds them.", EXIT.missing);
    return notebooks;
  });
}

function outputPlanner(files: string[], output: string | undefined, outputDir: string | undefined): (file: string) => string | undefined {
  if (output !== undefined) return () => output;
  if (outputDir === undefined) return () => undefined;
  const names = files.map((file) => basename(file));
  const clash = names.find((name, i) => names.indexOf(name) !== i);
  if (clash)
    throw new UsageError(
      `two notebooks are named ${clash}; --output-dir would write one over the other.`,
      "run them separately with --output.",
    );
  mkdirSync(outputDir, { recursive: true });
  return (file) => join(outputDir, basename(file));
}
