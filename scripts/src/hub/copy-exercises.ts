/**
 * Copies the course's exercises into a learner's own folder, by the rule of
 * exercise-copies.ts. Runs as the learner, before their notebook server starts (the
 * hub's start command runs `course hub copy-exercises`), so every file it makes is
 * theirs.
 */
import fs from "node:fs";
import path from "node:path";
import { sha256Hex } from "nncourse/dist/data/payload";
import { CourseError, EXIT } from "../errors";
import { planExerciseCopies, type CopyPlan, type CopyRecord, type CourseNotebook } from "./exercise-copies";

/** The record of what was copied, a hidden file in the learner's folder. */
export const COPY_RECORD_FILE = ".nncourse-copies.json";

interface StoredRecord {
  /** What this file is, for a learner who finds it. */
  about: string;
  copied: Record<string, string>;
}

/** The course's notebooks (every .ipynb directly in `exercisesDir`), read once: their bytes are what gets copied. */
export function readCourseNotebooks(exercisesDir: string): (CourseNotebook & { bytes: Buffer })[] {
  let names: string[];
  try {
    names = fs.readdirSync(exercisesDir).filter((name) => name.endsWith(".ipynb") && !name.startsWith("."));
  } catch (error) {
    throw new CourseError(
      `cannot read the course's exercises in ${exercisesDir}: ${(error as Error).message}.`,
      "check that the course is installed there and readable by every learner (course hub checks both).",
      EXIT.missing,
    );
  }
  if (names.length === 0)
    throw new CourseError(`${exercisesDir} holds no notebooks.`, "run `npx course build` in the course folder.", EXIT.missing);
  return names.sort().map((name) => {
    const bytes = fs.readFileSync(path.join(exercisesDir, name));
    return { name, sha256: sha256Hex(bytes), bytes };
  });
}

/** name → hash of every plain file in the learner's folder that has a course notebook's name. */
function learnerFiles(folder: string, names: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of names) {
    const file = path.join(folder, name);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(file);
    } catch {
      continue; // not there
    }
    // A folder, a link or anything else by that name is the learner's: it counts as
    // present (never replaced), with a hash no notebook has.
    files.set(name, stat.isFile() ? sha256Hex(fs.readFileSync(file)) : `not a plain file (${file})`);
  }
  return files;
}

/** The stored record; an unreadable or foreign one counts as none (which only makes the rule keep more). */
function readRecord(folder: string): { record: CopyRecord; problem?: string } {
  const file = path.join(folder, COPY_RECORD_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return { record: {} };
  }
  try {
    const stored = JSON.parse(text) as Partial<StoredRecord>;
    const copied = stored.copied;
    if (typeof copied !== "object" || copied === null || Array.isArray(copied)) throw new Error("it has no copied map");
    const record: Record<string, string> = {};
    for (const [name, hash] of Object.entries(copied)) if (typeof hash === "string") record[name] = hash;
    return { record };
  } catch (error) {
    return {
      record: {},
      problem: `${file} is unreadable (${(error as Error).message}); every notebook already there is kept as yours`,
    };
  }
}

function writeAtomically(file: string, bytes: Buffer | string, replace: boolean): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  // 0600: a learner's copy is theirs alone, whatever the home folder's mode.
  fs.writeFileSync(temp, bytes, { mode: 0o600 });
  try {
    if (replace) fs.renameSync(temp, file);
    // A hard link fails if the name exists: a file the learner made meanwhile is never clobbered.
    else fs.linkSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

export interface CopyOutcome {
  folder: string;
  plan: CopyPlan;
  /** Steps that could not be done (the learner's file was left as it was). */
  skipped: { name: string; reason: string }[];
  notes: string[];
}

/**
 * Brings `folder` up to date with the course's notebooks in `exercisesDir`. The folder
 * is created private (0700) if missing. Nothing the learner changed is ever written.
 */
export function copyExercises(exercisesDir: string, folder: string): CopyOutcome {
  const course = readCourseNotebooks(exercisesDir);
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const { record, problem } = readRecord(folder);
  const notes = problem ? [problem] : [];
  const plan = planExerciseCopies(
    course,
    learnerFiles(
      folder,
      course.map((n) => n.name),
    ),
    record,
  );
  const bytesOf = new Map(course.map((n) => [n.name, n.bytes]));
  const skipped: CopyOutcome["skipped"] = [];
  // The plan's record, but a step that could not be done keeps its old entry.
  const done: Record<string, string> = { ...plan.record };
  const undo = (name: string) => {
    const before = record[name];
    if (before === undefined) delete done[name];
    else done[name] = before;
  };
  for (const step of plan.steps) {
    if (step.kind === "keep") continue;
    const file = path.join(folder, step.name);
    const bytes = bytesOf.get(step.name)!;
    try {
      if (step.kind === "update") {
        // Checked again right before replacing: the plan's view may be a moment old.
        if (sha256Hex(fs.readFileSync(file)) !== step.replaces) {
          skipped.push({ name: step.name, reason: "it changed while the folder was being updated; kept as it is" });
          undo(step.name);
          continue;
        }
        writeAtomically(file, bytes, true);
      } else {
        writeAtomically(file, bytes, false);
      }
    } catch (error) {
      skipped.push({ name: step.name, reason: (error as Error).message });
      undo(step.name);
    }
  }
  const stored: StoredRecord = {
    about:
      "What the course copied into this folder (file name: sha256), so that a course update replaces only notebooks you never changed.",
    copied: Object.fromEntries(Object.entries(done).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  writeAtomically(path.join(folder, COPY_RECORD_FILE), JSON.stringify(stored, null, 1) + "\n", true);
  return { folder, plan, skipped, notes };
}

/** What happened, in a few lines for the notebook server's log (and a learner who runs it by hand). */
export function describeCopy(outcome: CopyOutcome): string {
  const names = (filter: (s: CopyPlan["steps"][number]) => boolean) =>
    outcome.plan.steps
      .filter(filter)
      .filter((s) => !outcome.skipped.some((k) => k.name === s.name))
      .map((s) => s.name);
  const lines = [`Course folder ${outcome.folder}:`];
  const add = (label: string, list: string[]) => {
    if (list.length > 0) lines.push(`  ${label} (${list.length}): ${list.join(", ")}`);
  };
  add(
    "new",
    names((s) => s.kind === "copy" && s.why === "new"),
  );
  add(
    "restored (you had deleted them)",
    names((s) => s.kind === "copy" && s.why === "restored"),
  );
  add(
    "updated to the course's new version (you had not changed them)",
    names((s) => s.kind === "update"),
  );
  add(
    "kept as you changed them",
    names((s) => s.kind === "keep" && s.why === "changed-by-learner"),
  );
  add(
    "kept (your own files with a course notebook's name)",
    names((s) => s.kind === "keep" && s.why === "learner's-own"),
  );
  const current = names((s) => s.kind === "keep" && s.why === "up-to-date").length;
  if (current > 0) lines.push(`  up to date: ${current}`);
  for (const skip of outcome.skipped) lines.push(`  left as it was: ${skip.name} (${skip.reason})`);
  for (const note of outcome.notes) lines.push(`  note: ${note}`);
  return lines.join("\n");
}
