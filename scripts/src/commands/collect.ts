import fs from "node:fs";
import path from "node:path";
import type { Command } from "../command";
import { parseCommandArgs } from "../args";
import { CourseError, EXIT, UsageError } from "../errors";
import { projectPath, projectRoot } from "../project";
import { learnerFolderProblem } from "../hub/hub-config";
import { pickSubmissions, planCollect, type CollectPlan, type Picks } from "../hub/collect-plan";
import { applyCollect, assignmentNames, existingCopy, hashFile, scanLearnerFolders, type FoundFile, type Scan } from "../hub/collect";

const help = `usage: course collect [FROM] [--out DIR] [--folder NAME] [--assignment NAME]…
                      [--masters DIR] [--replace]

Gathers the learners' saved notebooks into DIR/<student>/<assignment>.ipynb (default
DIR: submissions/), ready for \`course grade\`. FROM (default /home) holds one folder
per learner, named after them: the home folders of a hub (course hub), or any tree of
per-learner folders. In each, the course folder (--folder, default nncourse) is
searched when the learner has one, else the whole folder, subfolders included.

  - A notebook counts when its file name is an assignment's (a master in --masters,
    default notebooks/); other notebooks are listed and left out.
  - Two notebooks of one learner with the same assignment's name: the one saved last
    is taken; the report names the others.
  - Links are not followed, hidden folders (.ipynb_checkpoints, .local) are skipped,
    a folder whose name cannot be a student's (hidden, control characters, spaces at
    either end) is refused and named. Nothing in FROM is changed.
  - DIR may hold earlier collections: an identical notebook stays; a different one
    stops the whole collection (nothing is written) unless you give --replace, which
    moves the old copy to DIR/.replaced/<time>/ first. To collect one week's
    assignment without touching earlier ones, use --assignment.
  - Copies keep the learner's save time and are readable by you only (DIR is made
    0700): on a hub machine the learners log in too.

Run it as root to read every learner's home.

options:
  --out DIR            where the submissions go (default submissions/)
  --folder NAME        the learners' course folder (default nncourse)
  --assignment NAME    collect only this assignment (repeatable)
  --masters DIR        the master notebooks (default the project's notebooks/)
  --replace            replace earlier copies that differ (kept in DIR/.replaced/)
  -h, --help           show this help

exit codes: 0 collected (what was refused is listed), 1 earlier copies differ and
--replace was not given (nothing written), 2 wrong options, 3 FROM or the masters
cannot be read

examples:
  sudo npx course collect --assignment 00-sample-assignment && npx course grade submissions/
  npx course collect ~/lms-download --folder week1 --out submissions-week1`;

function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

/** The report of a collection, for an instructor reading it after each week's run. */
function report(from: string, out: string, scan: Scan, picks: Picks<FoundFile>, plan: CollectPlan<FoundFile>) {
  const count = (action: string) => plan.steps.filter((s) => s.action === action).length;
  const total = plan.steps.length + plan.conflicts.length;
  const lines = [
    `Looked through ${scan.students.length} learners' folders in ${from}: ${total} submission(s) for ${shown(out)}.`,
    `  new: ${count("new")}, unchanged: ${count("unchanged")}, replaced: ${count("replace")}` +
      (plan.conflicts.length > 0 ? `, differing from the earlier copy: ${plan.conflicts.length}` : ""),
  ];
  const withWork = new Set([...plan.steps, ...plan.conflicts].map((s) => s.student));
  const without = scan.students.filter((s) => !withWork.has(s));
  if (without.length > 0) lines.push(`  nothing to collect from (${without.length}): ${without.join(", ")}`);
  for (const d of picks.duplicates) lines.push(`  ${d.student}, ${d.assignment}: took ${d.taken} (saved last), not ${d.left.join(", ")}`);
  const others = new Map<string, string[]>();
  for (const o of picks.others) others.set(o.student, [...(others.get(o.student) ?? []), o.relative]);
  for (const [student, files] of others)
    lines.push(`  ${student}: left out ${files.length} notebook(s) named after no assignment: ${files.join(", ")}`);
  for (const r of scan.refused) lines.push(`  refused ${r.path}: ${r.reason}`);
  for (const n of scan.notes) lines.push(`  save time of ${n}`);
  return lines.join("\n");
}

export const collectCommand: Command = {
  name: "collect",
  summary: "gather learners' notebooks (a hub's home folders, any per-learner tree) into submissions/",
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs("collect", argv, {
      out: { type: "string" },
      folder: { type: "string" },
      assignment: { type: "string", multiple: true },
      masters: { type: "string" },
      replace: { type: "boolean" },
    });
    if (positionals.length > 1)
      throw new UsageError(`one folder to collect from at a time, got ${positionals.length}.`, "see `course collect --help`.");
    const from = path.resolve(positionals[0] ?? "/home");
    const out = path.resolve(values.out ?? "submissions");
    const folder = values.folder ?? "nncourse";
    const folderProblem = learnerFolderProblem(folder);
    if (folderProblem) throw new UsageError(folderProblem, "see `course collect --help`.");

    const known = assignmentNames(path.resolve(values.masters ?? projectPath("notebooks")));
    const wanted = values.assignment ?? [];
    for (const name of wanted)
      if (!known.includes(name)) throw new UsageError(`"${name}" is no assignment's name.`, `use one of: ${known.join(", ")}.`);
    const assignments = new Set(wanted.length > 0 ? wanted : known);

    if (!fs.existsSync(from))
      throw new CourseError(`${from} does not exist.`, "give the folder that holds one folder per learner.", EXIT.missing);
    // The course and the submissions may live in a home folder that is collected from (an
    // instructor's): their masters, solutions and earlier copies are no learner's work.
    const scan = scanLearnerFolders(from, folder, [out, projectRoot()]);
    const picks = pickSubmissions(scan.found, assignments);
    const plan = planCollect(
      picks.picked,
      (student, assignment) => existingCopy(out, student, assignment),
      (pick) => hashFile(pick.found.file),
      values.replace === true,
    );
    if (plan.conflicts.length > 0) {
      console.log(report(from, out, scan, picks, plan));
      throw new CourseError(
        `${plan.conflicts.length} learner notebook(s) differ from the copy ${shown(out)} already holds, so nothing was written:\n  ${plan.conflicts
          .map((c) => `${path.join(shown(out), c.student, `${c.assignment}.ipynb`)} differs from ${c.found.file}`)
          .join("\n  ")}`,
        `collect only this week's assignment with --assignment NAME, or take the learners' current versions with --replace (the old copies go to ${path.join(shown(out), ".replaced")}/), or collect into another folder with --out.`,
      );
    }
    const written = applyCollect(plan, out);
    console.log(report(from, out, scan, picks, plan));
    if (written.replacedInto) console.log(`The copies replaced are in ${shown(written.replacedInto)}.`);
    if (!written.created && (fs.statSync(out).mode & 0o077) !== 0)
      console.log(`Note: ${shown(out)} is readable by other accounts; on a hub machine, make it yours alone: chmod 700 ${shown(out)}`);
    if (plan.steps.length > 0) console.log(`\nNext: npx course grade ${shown(out)}`);
    return EXIT.ok;
  },
};
