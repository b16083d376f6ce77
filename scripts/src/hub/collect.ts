/**
 * `course collect`'s work on the file system: finding the learners' notebooks in a
 * tree of learners' folders (a hub's /home, or any folder of per-learner folders), and
 * writing the chosen ones into submissions/<student>/<assignment>.ipynb by the plan of
 * collect-plan.ts, with each one's save time (saveTime: never one the learner set back).
 *
 * It usually runs as root over every learner's home, so it reads only what a learner
 * saved: it follows no link a learner made (a link to another learner's notebook, or
 * to a file only root may read, would otherwise be collected as theirs), and the copies
 * it makes are readable by their owner only.
 */
import fs from "node:fs";
import path from "node:path";
import { sha256Hex } from "nncourse/dist/data/payload";
import { CourseError, EXIT } from "../errors";
import { isMaster } from "../notebook/master";
import { parseNotebook } from "../notebook/read";
import { studentNameProblem, type CollectPlan, type FoundNotebook } from "./collect-plan";

/** Larger than any notebook of the course with its outputs, by far: a bigger file is not a submission. */
export const MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024;
/** How deep below a learner's folder notebooks are looked for. */
const MAX_DEPTH = 8;
/** Folders that are no learner's, in a tree of home folders. */
const NOT_LEARNERS = new Set(["lost+found"]);
/** Folders inside a learner's that hold installed software, not their work. */
const NOT_WORK = new Set(["node_modules", "__pycache__"]);

export interface FoundFile extends FoundNotebook {
  file: string;
}

export interface Refusal {
  path: string;
  reason: string;
}

export interface Scan {
  /** Every learner's folder looked at, by student name. */
  students: string[];
  found: FoundFile[];
  refused: Refusal[];
  /** Collected, with something to tell the instructor (a save time that was set back). */
  notes: string[];
}

/** A modification time this much before the file's last change was set, not saved (a save moves both at once). */
const SET_BACK_SLACK_MS = 2_000;

/**
 * When the learner last saved a file, as far as they cannot forge it. The modification
 * time is theirs to set (\`touch -d\`, or fs.utimesSync from their own kernel), so a late
 * notebook could claim any earlier time; the change time (ctime) is the operating
 * system's, moved to now by every write and by setting the times. The later of the two
 * is the save time of a notebook saved as usual, and never earlier than the real one.
 * A copy or move also moves the change time, so such a file counts from then (the note
 * says which files).
 */
export function saveTime(stat: fs.Stats): { ms: number; note?: string } {
  if (stat.ctimeMs - stat.mtimeMs <= SET_BACK_SLACK_MS) return { ms: Math.max(stat.mtimeMs, stat.ctimeMs) };
  const at = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return {
    ms: stat.ctimeMs,
    note: `its modification time, ${at(stat.mtimeMs)}, is earlier than its last change, ${at(stat.ctimeMs)}: the time was set back, or the file was copied or moved; ${at(stat.ctimeMs)} is taken as its save time`,
  };
}

/** The assignments' names: the master notebooks' file names without ".ipynb". */
export function assignmentNames(mastersDir: string): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(mastersDir);
  } catch (error) {
    throw new CourseError(
      `cannot read the masters folder ${mastersDir}: ${(error as Error).message}.`,
      "pass the folder of master notebooks with --masters DIR.",
      EXIT.missing,
    );
  }
  const names = entries
    .filter((name) => name.endsWith(".ipynb"))
    .filter((name) => isMaster(parseNotebook(fs.readFileSync(path.join(mastersDir, name), "utf8"), path.join(mastersDir, name))))
    .map((name) => name.slice(0, -".ipynb".length))
    .sort();
  if (names.length === 0)
    throw new CourseError(
      `${mastersDir} holds no master notebooks (none has nbgrader metadata).`,
      "pass the masters with --masters DIR.",
      EXIT.missing,
    );
  return names;
}

function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "cannot read it: permission denied (collect from learners' homes as root)";
  return `cannot read it: ${(error as Error).message}`;
}

/** The learners' notebooks under `folder` (the student's), without following links. */
function walk(student: string, root: string, relativeTo: string, scan: Scan, skip: readonly string[], depth = 0): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch (error) {
    scan.refused.push({ path: root, reason: why(error) });
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    // Hidden entries are Jupyter's checkpoints, caches and settings, never a submission.
    if (entry.name.startsWith(".")) continue;
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) {
      if (!NOT_WORK.has(entry.name) && !skip.includes(full) && depth < MAX_DEPTH) walk(student, full, relativeTo, scan, skip, depth + 1);
      continue;
    }
    if (!entry.name.endsWith(".ipynb")) continue;
    if (entry.isSymbolicLink()) {
      scan.refused.push({ path: full, reason: "a link: collect takes only files the learner saved, not what a link points to" });
      continue;
    }
    if (!entry.isFile()) continue;
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(full);
    } catch (error) {
      scan.refused.push({ path: full, reason: why(error) });
      continue;
    }
    if (stat.size > MAX_NOTEBOOK_BYTES) {
      scan.refused.push({
        path: full,
        reason: `${Math.round(stat.size / 1048576)} MB, more than a notebook's ${MAX_NOTEBOOK_BYTES / 1048576} MB`,
      });
      continue;
    }
    const saved = saveTime(stat);
    if (saved.note !== undefined) scan.notes.push(`${full}: ${saved.note}`);
    scan.found.push({
      student,
      file: full,
      relative: path.relative(relativeTo, full),
      stem: entry.name.slice(0, -".ipynb".length),
      mtimeMs: saved.ms,
    });
  }
}

/**
 * Looks through every learner's folder in `from` (one folder per learner, named after
 * them: a hub's /home). In each, the course folder `courseFolder` when the learner has
 * one (what course hub copies the exercises into), else the whole folder. Folders in
 * `skip` (absolute paths) are not entered.
 */
export function scanLearnerFolders(from: string, courseFolder: string, skip: readonly string[] = []): Scan {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(from, { withFileTypes: true });
  } catch (error) {
    throw new CourseError(
      `cannot read ${from}: ${(error as Error).message}.`,
      "give the folder that holds one folder per learner.",
      EXIT.missing,
    );
  }
  const scan: Scan = { students: [], found: [], refused: [], notes: [] };
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(from, entry.name);
    if (entry.name.startsWith(".") || NOT_LEARNERS.has(entry.name) || skip.includes(full)) continue;
    // A link at this level was made by whoever set up the homes, not by a learner: followed.
    const isFolder = entry.isDirectory() || (entry.isSymbolicLink() && fs.statSync(full, { throwIfNoEntry: false })?.isDirectory());
    if (!isFolder) {
      if (entry.name.endsWith(".ipynb"))
        scan.refused.push({ path: full, reason: "a notebook outside any learner's folder: whose is it? (expected FROM/<student>/…)" });
      continue;
    }
    const problem = studentNameProblem(entry.name);
    if (problem) {
      scan.refused.push({ path: full, reason: `${JSON.stringify(entry.name)} cannot be a student's name: ${problem}; rename the folder` });
      continue;
    }
    scan.students.push(entry.name);
    const course = path.join(full, courseFolder);
    const inCourse = fs.lstatSync(course, { throwIfNoEntry: false })?.isDirectory() === true;
    walk(entry.name, inCourse ? course : full, full, scan, skip);
  }
  return scan;
}

/** The hash of what submissions/ holds for one submission, or undefined when nothing is there. */
export function existingCopy(out: string, student: string, assignment: string): string | undefined {
  const file = path.join(out, student, `${assignment}.ipynb`);
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!stat) return undefined;
  // Anything but a plain file there differs from every notebook, so it is never replaced unasked.
  return stat.isFile() ? sha256Hex(fs.readFileSync(file)) : `not a plain file: ${file}`;
}

export function hashFile(file: string): string {
  return sha256Hex(fs.readFileSync(file));
}

export interface Written {
  written: number;
  /** Where replaced copies went, when any were replaced. */
  replacedInto?: string;
  /** True when this run created the submissions folder. */
  created: boolean;
}

/**
 * Writes the plan's new and replacing steps. Each copy is written beside and renamed
 * (an interrupted run leaves no half notebook), keeps the learner's save time (what an
 * instructor checks against a deadline), and is readable by its owner only: the
 * submissions folder gathers every learner's work, on a machine where learners log in.
 */
export function applyCollect(plan: CollectPlan<FoundFile>, out: string, now = new Date()): Written {
  const created = !fs.existsSync(out);
  fs.mkdirSync(out, { recursive: true, mode: 0o700 });
  const stamp = now.toISOString().replace(/\..*$/, "").replace(/:/g, "-");
  const aside = path.join(out, ".replaced", stamp);
  let written = 0;
  let replaced = false;
  for (const step of plan.steps) {
    if (step.action === "unchanged") continue;
    const dir = path.join(out, step.student);
    const target = path.join(dir, `${step.assignment}.ipynb`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (step.action === "replace") {
      // Kept aside under a hidden folder (course grade skips it), never deleted.
      fs.mkdirSync(path.join(aside, step.student), { recursive: true, mode: 0o700 });
      fs.renameSync(target, path.join(aside, step.student, `${step.assignment}.ipynb`));
      replaced = true;
    }
    const temp = path.join(dir, `.${step.assignment}.ipynb.${process.pid}.tmp`);
    try {
      fs.writeFileSync(temp, fs.readFileSync(step.found.file), { mode: 0o600 });
      fs.utimesSync(temp, new Date(step.found.mtimeMs), new Date(step.found.mtimeMs));
      fs.renameSync(temp, target);
    } finally {
      fs.rmSync(temp, { force: true });
    }
    written++;
  }
  return { written, created, ...(replaced ? { replacedInto: aside } : {}) };
}
