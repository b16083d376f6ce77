import fs from "node:fs";
import path from "node:path";
import { intOption, parseCommandArgs, secondsOption } from "../args";
import type { Command } from "../command";
import { EXIT, UsageError } from "../errors";
import { Gradebook } from "../gradebook/gradebook";
import { gradeAll } from "../grade/grade-all";
import { DEFAULT_GRADE_LIMITS } from "../grade/grade-one";
import { loadAssignments } from "../grade/masters";
import { projectRoot } from "../project";
import { formatShard, shardGradebookName, type Shard } from "../grade/shard";
import { parseShardOption } from "../grade/shard-option";
import { parseDue, parseLatePenalty, timeZoneName } from "../grade/lateness";

const help = `usage: course grade [SUBMISSIONS_DIR] [--masters DIR] [--gradebook FILE] [-j N]
                    [--force] [--timeout S] [--notebook-timeout S] [--memory MB]
                    [--output-cap BYTES] [--unsandboxed] [--shard K/N] [--assignment NAME]
                    [--due TIME] [--late-penalty RULE]

Grades a folder of submissions against the master notebooks and records the results
in a SQLite gradebook. SUBMISSIONS_DIR (default: submissions/) may hold
  <student>/<assignment>.ipynb              one folder per student
  an LMS's "download all submissions", unzipped: Canvas, Moodle, Blackboard,
                                            Gradescope (the run says how it names
                                            each one's students; see the README)
  <student>_<anything>_<assignment>.ipynb   flat downloads from an LMS: the student is
                                            the text before the first "_"; a "-1"
                                            resubmission suffix is accepted
  <assignment>.ipynb                        directly in the folder: the student is the
                                            folder's name (course grade solutions/)
Files that fit neither layout are reported (and kept in the gradebook's
rejected_files table); a notebook named after no master is recorded as
"unknown-assignment"; a file that is not a valid notebook as "invalid". The
folders a notebook run writes (models/, runs/, .ipynb_checkpoints/) are ignored.

For each submission the grader
  - restores the master's read-only and test cells (with the hidden tests) and its
    kernelspec by grade_id, and reports deleted, duplicated, retyped or edited cells;
  - runs it in a kernel of its own inside an operating-system sandbox (bubblewrap):
    a read-only view of node, tslab, the library and the datasets, a fresh scratch
    folder that nothing else sees, no network, its own process namespace, an
    unprivileged user and resource limits; the masters, solutions, gradebook, other
    submissions and your home folder are not in its view at all. Node's permission
    model and a guard run inside it as a second layer. Time limits per cell and per
    notebook, an output cap and a memory cap apply too;
  - scores each test cell by the tagged grade record its checks emit (check.test,
    check.score), which only the grader can make valid, AND a tagged end-of-test
    record; a test cell of bare checks by its execute reply and that end record. A
    submission that looks tampered with is flagged for review.
Each submission is stored in one transaction: an interrupted run loses nothing, and
the next run grades only what is missing or changed.

Options:
  --masters DIR          master notebooks (default: notebooks/ of the project)
  --assignment NAME      grade only this assignment (a master's file name without
                         .ipynb, e.g. 00-sample-assignment); the others' files are
                         left alone
  --gradebook FILE       the gradebook (default: grading/gradebook.sqlite)
  -j, --jobs N           kernels in parallel (default 1)
  --force                regrade submissions already graded with the same file
  --timeout S            time limit per cell in seconds (default ${DEFAULT_GRADE_LIMITS.cellTimeoutMs / 1000}, or what
                         the master declares in metadata.nncourse.time_limits)
  --notebook-timeout S   time limit for a whole notebook (default ${DEFAULT_GRADE_LIMITS.notebookTimeoutMs / 1000}, or the master's)
  --memory MB            heap limit of each kernel (default ${DEFAULT_GRADE_LIMITS.memoryMb}; tslab alone needs ~150)
  --output-cap BYTES     most output kept per notebook (default ${DEFAULT_GRADE_LIMITS.outputCapBytes})
  --scratch MB           size of each kernel's scratch folder (default ${DEFAULT_GRADE_LIMITS.scratchMb})
  --unsandboxed          grade without the operating-system sandbox, where bubblewrap
                         is missing (macOS, Windows, a locked-down host): kernels then
                         have Node's permission model only, which is no boundary
                         against a hostile notebook. Only for notebooks you trust;
                         the summary, gradebook and CSV mark such grades
  --shard K/N            grade only shard K of N (K counts from 1), into a gradebook of
                         its own; run N of these side by side, on one machine or many,
                         and join them with \`course gradebook merge\`. A submission's
                         shard comes from a hash of its student and assignment: every
                         shard agrees on it, and a new hand-in moves no other. --shard /N
                         reads K from the job runner: a Kubernetes Indexed Job
                         (JOB_COMPLETION_INDEX, counted from 0) or a Slurm array
                         (SLURM_ARRAY_TASK_ID, by its place in --array; the array must
                         hold N tasks). The gradebook is then
                         grading/gradebook.shard-K-of-N.sqlite, or that name inside the
                         folder --gradebook names
  --due TIME             the due date, e.g. 2026-12-01T23:59 (this machine's time
                         zone; add Z or +01:00 for another): a submission is late by
                         the time its LMS gives (Blackboard, Gradescope) or, in the
                         folder layout, its file time (course collect keeps the save
                         time). Without it, Canvas's LATE and Gradescope's late flag
                         say late or not. Lateness is recorded and shown in the
                         summary, the feedback and the CSV
  --late-penalty RULE    taken off the totals of late submissions, in percent of the
                         assignment's points: "10%" once, "10%/day" or "2%/hour" per
                         day or hour begun, with an optional ", max 50%"; the score
                         before it is kept. A rerun with another --due or rule
                         updates every stored grade without grading again
  -q, --quiet            print only the summary and problems

Exit codes: 0 every submission was processed (whatever its score), 1 the grader
failed on some submission (stored as "error"; rerun to retry), 2 wrong command line,
3 the submissions or masters folder is missing, the kernel is not installed, or the
sandbox is missing or does not work here (course doctor says why).

Examples:
  course grade submissions/ -j 2
  course grade solutions/ --assignment 00-sample-assignment   (a master's own solution)
  course grade ~/downloads/lms-export --gradebook grading/week1.sqlite --timeout 10
  course grade submissions/ --shard 2/4          (then: course gradebook merge
                                                  grading/gradebook.shard-*-of-4.sqlite --into all.sqlite)
  course feedback && course export --csv`;

export const gradeCommand: Command = {
  name: "grade",
  summary: "grade a folder of submissions into the SQLite gradebook",
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs("grade", argv, {
      masters: { type: "string" },
      assignment: { type: "string" },
      gradebook: { type: "string" },
      jobs: { type: "string", short: "j" },
      force: { type: "boolean" },
      timeout: { type: "string" },
      "notebook-timeout": { type: "string" },
      memory: { type: "string" },
      "output-cap": { type: "string" },
      scratch: { type: "string" },
      unsandboxed: { type: "boolean" },
      shard: { type: "string" },
      due: { type: "string" },
      "late-penalty": { type: "string" },
      quiet: { type: "boolean", short: "q" },
    });
    if (positionals.length > 1)
      throw new UsageError(
        `one submissions folder at a time, got ${positionals.length}: ${positionals.map((p) => `"${p}"`).join(", ")}.`,
        "see `course grade --help`.",
      );
    const root = projectRoot();
    const memory = intOption("grade", "memory", values.memory, 160);
    const given = {
      ...(values.timeout !== undefined ? { cellTimeoutMs: secondsOption("grade", "timeout", values.timeout)! } : {}),
      ...(values["notebook-timeout"] !== undefined
        ? { notebookTimeoutMs: secondsOption("grade", "notebook-timeout", values["notebook-timeout"])! }
        : {}),
    };
    const limits = {
      ...DEFAULT_GRADE_LIMITS,
      ...given,
      given,
      ...(memory !== undefined ? { memoryMb: memory } : {}),
      ...(values.scratch !== undefined ? { scratchMb: intOption("grade", "scratch", values.scratch, 1)! } : {}),
      ...(values["output-cap"] !== undefined ? { outputCapBytes: intOption("grade", "output-cap", values["output-cap"], 1024)! } : {}),
    };
    const mastersDir = path.resolve(values.masters ?? path.join(root, "notebooks"));
    const assignment = values.assignment === undefined ? undefined : knownAssignment(values.assignment, mastersDir);
    const shard = values.shard === undefined ? undefined : parseShardOption(values.shard, process.env);
    const latePolicy = {
      ...(values.due !== undefined ? { due: parseDue(values.due) } : {}),
      ...(values["late-penalty"] !== undefined ? { penalty: parseLatePenalty(values["late-penalty"]) } : {}),
    };
    const gradebook = Gradebook.open(gradebookFile(values.gradebook, root, shard));
    try {
      const quiet = values.quiet === true;
      if (latePolicy.due !== undefined)
        console.log(
          `due ${values.due} (${/(Z|[+-]\d{2}:\d{2})$/.test(values.due!) ? "its own zone" : `time zone ${timeZoneName()}`}): ${new Date(latePolicy.due.utcMs).toISOString()}`,
        );
      if (shard !== undefined) console.log(`shard ${formatShard(shard)} (K from ${shard.from}); gradebook: ${shownPath(gradebook.file)}`);
      const summary = await gradeAll({
        submissionsDir: path.resolve(positionals[0] ?? "submissions"),
        mastersDir,
        ...(assignment !== undefined ? { assignment } : {}),
        projectRoot: root,
        gradebook,
        jobs: intOption("grade", "jobs", values.jobs) ?? 1,
        force: values.force === true,
        limits,
        sandbox: values.unsandboxed === true ? "none" : "bubblewrap",
        gradebookFile: gradebook.file,
        ...(shard !== undefined ? { shard } : {}),
        latePolicy,
        log: (line) => {
          if (!quiet || !line.startsWith("graded ")) console.log(line);
        },
      });
      console.log(
        `course grade${shard === undefined ? "" : ` (shard ${formatShard(shard)}; ${summary.otherShards} file(s) left to the other shards)`}: ${summary.graded} graded, ${summary.skipped} skipped (unchanged), ${summary.invalid} invalid, ` +
          `${summary.unknown} unknown assignment, ${summary.rejected} rejected file(s), ${summary.setAside} older file(s) set aside, ` +
          `${summary.errors} grader error(s); ${summary.late} late (${summary.penalised} penalised); ` +
          `${summary.review} held for review; ${(summary.durationMs / 1000).toFixed(1)} s. Gradebook: ${shownPath(gradebook.file)}`,
      );
      if (values.unsandboxed === true && summary.graded > 0) {
        console.log(
          "UNSANDBOXED: these grades were made without the operating-system sandbox (--unsandboxed); a hostile notebook could have changed " +
            "them or files of yours. The gradebook and the CSV export mark them; grade again without --unsandboxed where bubblewrap is available.",
        );
      }
      return summary.errors > 0 ? EXIT.failed : EXIT.ok;
    } finally {
      gradebook.close();
    }
  },
};

/** --assignment names a master (its file name, ".ipynb" optional), checked before the gradebook is opened. */
function knownAssignment(given: string, mastersDir: string): string {
  const name = given.replace(/\.ipynb$/, "");
  const names = [...loadAssignments(mastersDir).keys()];
  if (names.includes(name)) return name;
  throw new UsageError(
    `there is no assignment "${name}" among the masters in ${shownPath(mastersDir)}.`,
    `name one of: ${names.join(", ")}.`,
  );
}

/**
 * The gradebook file: --gradebook, or grading/gradebook.sqlite. A shard writes a file of
 * its own, named after the shard, in grading/ or in the folder --gradebook names, so
 * that N tasks given one command line never write one SQLite file together.
 */
function gradebookFile(given: string | undefined, root: string, shard: Shard | undefined): string {
  if (shard === undefined) return path.resolve(given ?? path.join(root, "grading", "gradebook.sqlite"));
  if (given === undefined) return path.join(root, "grading", shardGradebookName(shard));
  const folder = given.endsWith("/") || given.endsWith(path.sep) || isFolder(given);
  return path.resolve(folder ? path.join(given, shardGradebookName(shard)) : given);
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function shownPath(file: string): string {
  return path.relative(process.cwd(), file) || file;
}
