import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { CourseError, EXIT, UsageError } from "../errors";
import { formatFinding, validateMaster, type Finding } from "../assign/validate";
import { isMaster } from "../notebook/master";
import { releaseNotebook, type Version } from "../assign/release";
import { readNotebook } from "../notebook/read";
import { serializeNotebook } from "../notebook/write";
import { projectRoot } from "../project";

const help = `usage: course build [--check] [--source DIR] [--out DIR] [-q]

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
first (duplicate grade_ids, missing points, unbalanced or nested markers,
regions in the wrong kind of cell, ...); any error stops the build and nothing
is written.

Options:
  --check          write nothing; exit 1 listing every file in exercises/ or
                   solutions/ that differs from what the build would write
                   (CI runs this)
  --source DIR     the folder of masters (default: notebooks/ of the project)
  --out DIR        the folder that receives exercises/ and solutions/
                   (default: the project folder). With --source and --out an
                   instructor keeps private masters outside the repository.
  -q, --quiet      print only problems

Exit codes: 0 built (or up to date), 1 a master has errors or (--check) a file
is out of date, 2 wrong command line, 3 the source folder is missing or a
notebook is not valid JSON/nbformat 4.

Examples:
  course build
  course build --check
  course build --source ~/private/masters --out ~/course-release`;

interface Planned {
  /** Where it goes, absolute. */
  file: string;
  /** The path shown to the user. */
  shown: string;
  bytes: string;
}

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
        source: { type: "string" },
        out: { type: "string" },
        quiet: { type: "boolean", short: "q" },
      },
      { positionals: false },
    );
    const root = projectRoot();
    const source = resolve(values.source ?? join(root, "notebooks"));
    const out = resolve(values.out ?? root);
    const quiet = values.quiet === true;
    const show = (file: string) => relative(process.cwd(), file) || ".";

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
    const folders: Record<Version, string> = { exercise: join(out, "exercises"), solution: join(out, "solutions") };
    if (folders.exercise === source || folders.solution === source) {
      throw new UsageError("the source folder is one of the output folders; the build would overwrite the masters.", "pick another --out.");
    }

    // Read and check every master before writing anything.
    const findings: Finding[] = [];
    const planned: Planned[] = [];
    let masters = 0;
    for (const name of names) {
      const file = join(source, name);
      const notebook = readNotebook(file);
      const master = isMaster(notebook);
      if (master) {
        masters++;
        findings.push(...validateMaster(notebook, show(file)));
      }
      for (const version of ["exercise", "solution"] as const) {
        const target = join(folders[version], name);
        planned.push({ file: target, shown: show(target), bytes: serializeNotebook(releaseNotebook(notebook, version)) });
      }
    }
    const errors = findings.filter((f) => f.severity === "error");
    for (const warning of findings.filter((f) => f.severity === "warning")) console.error(formatFinding(warning));
    if (errors.length > 0) {
      for (const error of errors) console.error(formatFinding(error));
      console.error(`course build: ${errors.length} ${errors.length === 1 ? "error" : "errors"} in the masters; nothing was written.`);
      return EXIT.failed;
    }

    const wanted = new Set(planned.map((p) => p.file));
    const stale = (Object.values(folders) as string[]).flatMap((folder) =>
      existsSync(folder)
        ? readdirSync(folder)
            .filter((name) => name.endsWith(".ipynb"))
            .sort()
            .map((name) => join(folder, name))
            .filter((file) => !wanted.has(file))
        : [],
    );

    if (values.check === true) {
      const problems: string[] = [];
      for (const p of planned) {
        if (!existsSync(p.file)) problems.push(`${p.shown} is missing`);
        else if (readFileSync(p.file, "utf8") !== p.bytes) problems.push(`${p.shown} differs from its master`);
      }
      for (const file of stale) problems.push(`${show(file)} has no master in ${show(source)}`);
      if (problems.length > 0) {
        console.error(`course build --check: ${problems.length} ${problems.length === 1 ? "file is" : "files are"} out of date:`);
        for (const problem of problems) console.error(`  ${problem}`);
        console.error("Fix: run `course build` and commit exercises/ and solutions/.");
        return EXIT.failed;
      }
      if (!quiet) console.log(`exercises/ and solutions/ are up to date (${names.length} notebooks, ${masters} with exercises).`);
      return EXIT.ok;
    }

    let written = 0;
    for (const folder of Object.values(folders)) mkdirSync(folder, { recursive: true });
    for (const p of planned) {
      if (existsSync(p.file) && readFileSync(p.file, "utf8") === p.bytes) continue;
      const temp = `${p.file}.${process.pid}.tmp`;
      writeFileSync(temp, p.bytes);
      renameSync(temp, p.file);
      written++;
      if (!quiet) console.log(`wrote ${p.shown}`);
    }
    for (const file of stale) {
      unlinkSync(file);
      if (!quiet) console.log(`removed ${show(file)} (no master)`);
    }
    if (!quiet) {
      console.log(
        `built ${names.length} notebooks (${masters} with exercises): ${written} written, ${planned.length - written} already up to date.`,
      );
    }
    return EXIT.ok;
  },
};
