import { basename, join, relative, resolve } from "node:path";
import { parseCommandArgs } from "../args";
import { releaseAfterRun, releaseAll, type OutOfDate } from "../assign/release-all";
import { formatFinding } from "../assign/validate";
import type { Command } from "../command";
import { EXIT, UsageError } from "../errors";
import { projectRoot } from "../project";

const help = `usage: course build [--check] [--run [--assignment NAME]...] [--source DIR] [--out DIR] [-q]

Makes the student versions and the reference solutions of the course notebooks:
every notebook in the source folder (default notebooks/) goes to
  exercises/   solution regions replaced by a stub that throws
               "not implemented yet: <grade_id>", hidden tests removed,
               locked and test cells read-only (editable/deletable false)
  solutions/   solution regions kept without their markers, hidden tests removed
Outputs and execution counts are cleared in both. Notebooks without nbgrader
metadata are copied to both folders with their outputs cleared. .ipynb files in
exercises/ and solutions/ that no source notebook produces are removed: both
folders are generated, edit the masters instead.

Authoring (nbgrader's format, schema version 3):
  answer cell  metadata.nbgrader = { solution: true, grade: false, locked: false,
               grade_id } with the answer between "// BEGIN SOLUTION" and
               "// END SOLUTION" (each marker alone on its line)
  test cell    { solution: false, grade: true, locked: true, grade_id, points },
               hidden tests between "// BEGIN HIDDEN TESTS" and
               "// END HIDDEN TESTS"
  locked cell  { solution: false, grade: false, locked: true, grade_id }
nbgrader's "### BEGIN SOLUTION" spelling works too. Every master is checked
first (duplicate grade_ids, missing or zero points, unbalanced or nested markers,
regions in the wrong kind of cell, a kernelspec that is not the course's kernel,
a check.score(label) never finished, misspelt metadata.nncourse.time_limits,
...), and so are its wrong answers (wrong-answers/<master>.json beside it: an
unknown exercise, a missing field); any error stops the build and nothing is
written. The wrong-answers folder is never released. docs/instructors.md is
the guide: a complete master to copy, and the check API.

With --run, each master also runs in the course's kernel with its solutions and
hidden tests in place, in a scratch folder, before anything is written: a cell
that does not compile (the kernel's own type check) or throws, or a test cell
that gives the solution less than full marks or reports no result, stops the
build, naming the cell. Without --run nothing is run: the build stays fast and
needs no kernel or datasets (running the course's masters takes minutes).

Options:
  --check          write nothing; exit 1 listing every file in exercises/ or
                   solutions/ that differs from what the build would write
                   (CI runs this)
  --run            run the masters with their solutions first (see above); the
                   time limits are those of course check (60 s a cell, 600 s a
                   notebook) or what a master declares in
                   metadata.nncourse.time_limits
  --assignment NAME
                   with --run: run only this master (its file name without
                   .ipynb); repeat it for several. Every master is still
                   checked and built
  --source DIR     the folder of masters (default: notebooks/ of the project)
  --out DIR        the folder that receives exercises/ and solutions/
                   (default: the project folder). With --source and --out an
                   instructor keeps private masters outside the repository.
  -q, --quiet      print only problems

Exit codes: 0 built (or up to date), 1 a master has errors, (--run) its
solution fails, or (--check) a file is out of date, 2 wrong command line, 3 the
source folder is missing, a notebook is not valid JSON/nbformat 4, or (--run)
the kernel is not installed.

Examples:
  course build
  course build --run --assignment 00-sample-assignment
  course build --check
  course build --source ~/private/masters --out ~/course-release`;

export const buildCommand: Command = {
  name: "build",
  summary: "make exercises/ and solutions/ from the masters in notebooks/",
  help,
  async run(argv) {
    const { values } = parseCommandArgs(
      "build",
      argv,
      {
        check: { type: "boolean" },
        run: { type: "boolean" },
        assignment: { type: "string", multiple: true },
        source: { type: "string" },
        out: { type: "string" },
        quiet: { type: "boolean", short: "q" },
      },
      { positionals: false },
    );
    const root = projectRoot();
    const source = resolve(values.source ?? join(root, "notebooks"));
    const quiet = values.quiet === true;
    const show = (file: string) => relative(process.cwd(), file) || ".";

    if (values.assignment !== undefined && values.run !== true) {
      throw new UsageError("--assignment chooses which masters --run runs; it needs --run.", "add --run, or leave out --assignment.");
    }

    // The release is the assign room's job (assign/release-all.ts); the command prints what it did.
    // Running is asked for, never the default: the course's masters take minutes in the
    // kernel (notebook 09 trains on Fashion-MNIST) and need its datasets, while a build
    // (and CI's --check) must stay a fast, offline reading of the files.
    const options = { source, out: resolve(values.out ?? root), check: values.check === true, show };
    const result =
      values.run === true
        ? await releaseAfterRun(options, {
            ...(values.assignment !== undefined ? { only: values.assignment } : {}),
            onStart: (name) => {
              if (!quiet) console.log(`running ${name} with its solutions and hidden tests…`);
            },
            onEnd: (name, run) => {
              if (quiet) return;
              const failed = run.findings.length > 0 ? `; ${run.findings.length} problem(s), listed below` : "";
              console.log(
                `ran ${name}: ${run.cellsRun} cells, ${run.testsPassed} test cell(s) at full marks${failed} (${(run.durationMs / 1000).toFixed(1)} s)`,
              );
            },
          })
        : releaseAll(options);
    for (const warning of result.findings.filter((f) => f.severity === "warning")) console.error(formatFinding(warning));

    switch (result.outcome) {
      case "invalid": {
        const errors = result.findings.filter((f) => f.severity === "error");
        for (const error of errors) console.error(formatFinding(error));
        console.error(`course build: ${errors.length} ${errors.length === 1 ? "error" : "errors"} in the masters; nothing was written.`);
        return EXIT.failed;
      }
      case "checked": {
        const stale = result.outOfDate;
        const why: Record<OutOfDate["problem"], string> = {
          missing: "is missing",
          differs: "differs from its master",
          "no master": `has no master in ${show(source)}`,
        };
        if (stale.length > 0) {
          console.error(`course build --check: ${stale.length} ${stale.length === 1 ? "file is" : "files are"} out of date:`);
          for (const { file, problem } of stale) console.error(`  ${show(file)} ${why[problem]}`);
          console.error("Fix: run `course build` and commit exercises/ and solutions/.");
          return EXIT.failed;
        }
        if (!quiet)
          console.log(`exercises/ and solutions/ are up to date (${result.notebooks} notebooks, ${result.masters} with exercises).`);
        return EXIT.ok;
      }
      case "built": {
        if (!quiet) {
          for (const file of result.written) console.log(`wrote ${show(file)}`);
          for (const file of result.removed) console.log(`removed ${show(file)} (no master)`);
          console.log(
            `built ${result.notebooks} notebooks (${result.masters} with exercises): ${result.written.length} written, ${result.upToDate} already up to date.`,
          );
          const changed = [...new Set(result.written.map((file) => basename(file, ".ipynb")))];
          if (values.run !== true && changed.length > 0) {
            console.log(
              `Not run in the kernel: \`course build --run ${changed.map((name) => `--assignment ${name}`).join(" ")}\` runs what changed with its solutions (type errors, failing tests).`,
            );
          }
        }
        return EXIT.ok;
      }
    }
  },
};
