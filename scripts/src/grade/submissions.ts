/**
 * Finding the submissions in a folder. These layouts, mixed freely:
 *
 *   <student>/<assignment>.ipynb             one folder per student (nbgrader's layout,
 *                                            `course collect`)
 *   the downloads of Canvas, Moodle, Blackboard and Gradescope, read by lms-names.ts:
 *                                            the student is the LMS's id for them, the
 *                                            assignment the uploaded file's name
 *   <student>_<anything>_<assignment>.ipynb  other flat downloads
 *   <assignment>.ipynb                       directly in the folder: the folder's name is
 *                                            the student (`course grade solutions/`)
 *
 * In the generic flat layout the student is everything before the first "_", and the
 * file name must end with "_<assignment>.ipynb", where <assignment> is a master's name;
 * an LMS's "-1", "-2" suffix for a resubmission ("..._00-sample-assignment-1.ipynb") is
 * accepted. "<student>_<assignment>.ipynb" works too. Flat files that match no master
 * are reported as unrecognized, with the reason, never dropped; so are names that look
 * like an LMS's but do not parse. In the folder and LMS layouts a notebook whose name is
 * no master's is graded as an unknown assignment (reported). Hidden files and folders
 * (".ipynb_checkpoints") are ignored.
 */
import fs from "node:fs";
import path from "node:path";
import type { TimeEvidence } from "./lateness";
import { localOffsetMinutes } from "./lateness";
import {
  blackboardReceiptName,
  GRADESCOPE_FOLDER,
  isProblem,
  LMS_NAMES,
  parseBlackboardName,
  parseCanvasName,
  parseGradescopeMetadata,
  parseMoodleFlatName,
  parseMoodleFolder,
  type GradescopeSubmission,
  type Lms,
  type LmsName,
  type LmsStudent,
} from "./lms-names";

export interface SubmissionFile {
  /** Absolute path. */
  file: string;
  /** The path relative to the submissions folder, for reports. */
  relative: string;
  student: string;
  assignment: string;
  layout: "folder" | "flat" | Lms;
  /** Who the LMS says handed it in (LMS layouts only). */
  lms?: LmsStudent;
  /** What is known of when it came in. */
  time?: TimeEvidence;
  /** Orders two files of one student and assignment, the newest highest; absent where nothing orders them. */
  order?: { value: number; basis: string };
  /** The other members of a group submission (Gradescope), whose one file counts for each of them. */
  groupWith?: string[];
}

export interface UnrecognizedFile {
  file: string;
  relative: string;
  reason: string;
}

export interface Discovery {
  submissions: SubmissionFile[];
  unrecognized: UnrecognizedFile[];
  /** Files of each LMS's download that were recognised. */
  lmsFiles?: Map<Lms, number>;
  /** What the walk noticed and decided that the run should say (same names in Moodle, …). */
  notes?: string[];
}

const byName = (a: fs.Dirent, b: fs.Dirent) => (a.name < b.name ? -1 : 1);
const NO_TIME: TimeEvidence = { lmsTime: null, lmsLate: null, fileTimeMs: null };

export function discoverSubmissions(dir: string, assignmentNames: readonly string[]): Discovery {
  const submissions: SubmissionFile[] = [];
  const unrecognized: UnrecognizedFile[] = [];
  const notes: string[] = [];
  // Longest names first, so "01-xor-extra" wins over "xor-extra" when both exist.
  const names = [...assignmentNames].sort((a, b) => b.length - a.length);
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort(byName);
  const gradescope = gradescopeMetadata(dir, entries);
  const receipts = blackboardReceipts(dir, entries);
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (GRADESCOPE_FOLDER.test(entry.name)) {
        addGradescopeFolder(full, entry.name, gradescope, names, submissions, unrecognized);
        continue;
      }
      const moodle = parseMoodleFolder(entry.name);
      if (isProblem(moodle)) {
        for (const inner of walk(full, entry.name)) unrecognized.push({ ...inner, reason: `in a folder that ${moodle.problem}` });
        continue;
      }
      for (const inner of fs.readdirSync(full, { withFileTypes: true }).sort(byName)) {
        if (inner.name.startsWith(".")) continue;
        const file = path.join(full, inner.name);
        const relative = path.join(entry.name, inner.name);
        if (inner.isFile() && inner.name.endsWith(".ipynb")) {
          if (moodle !== undefined) {
            const lms: LmsName = { student: moodle, original: inner.name, late: null, submittedAt: null };
            submissions.push(lmsSubmission(file, relative, lms, names));
          } else {
            const time = { ...NO_TIME, fileTimeMs: mtimeMs(file) };
            submissions.push({ file, relative, student: entry.name, assignment: inner.name.slice(0, -6), layout: "folder", time });
          }
        } else {
          unrecognized.push({
            file,
            relative,
            reason: inner.isDirectory()
              ? "a folder inside a student's folder (expected <student>/<assignment>.ipynb)"
              : "not a .ipynb file",
          });
        }
      }
    } else if (entry.isFile()) {
      if (entry.name === METADATA && gradescope.size > 0) continue;
      if (entry.name.endsWith(".ipynb") && assignmentNames.includes(entry.name.slice(0, -6))) {
        submissions.push({
          file: full,
          relative: entry.name,
          student: path.basename(path.resolve(dir)),
          assignment: entry.name.slice(0, -6),
          layout: "flat",
          time: { ...NO_TIME, fileTimeMs: mtimeMs(full) },
        });
        continue;
      }
      const lms = parseLmsFlatName(entry.name);
      if (isProblem(lms)) {
        unrecognized.push({ file: full, relative: entry.name, reason: lms.problem });
        continue;
      }
      if (lms !== undefined) {
        if ("receipt" in lms && lms.receipt) continue; // read above, for the learner's name
        const name = receipts.get(lms.student.key);
        if (name !== undefined) lms.student.displayName = name;
        if (!lms.original.endsWith(".ipynb")) unrecognized.push({ file: full, relative: entry.name, reason: "not a .ipynb file" });
        else submissions.push(lmsSubmission(full, entry.name, lms, names));
        continue;
      }
      const match = matchFlat(entry.name, names);
      if (typeof match === "string") unrecognized.push({ file: full, relative: entry.name, reason: match });
      else submissions.push({ file: full, relative: entry.name, ...match, layout: "flat" });
    }
  }
  separateMoodleNamesakes(submissions, notes);
  const lmsFiles = new Map<Lms, number>();
  for (const s of submissions) if (s.lms !== undefined) lmsFiles.set(s.lms.lms, (lmsFiles.get(s.lms.lms) ?? 0) + 1);
  return { submissions, unrecognized, lmsFiles, notes };
}

/** Canvas, Blackboard or Moodle (without folders), in that order: their marks do not overlap. */
function parseLmsFlatName(fileName: string) {
  for (const parse of [parseCanvasName, (n: string) => parseBlackboardName(n, localOffsetMinutes), parseMoodleFlatName]) {
    const result = parse(fileName);
    if (result !== undefined) return result;
  }
  return undefined;
}

/**
 * A submission from an LMS download: the assignment is the uploaded file's name (a
 * master's name, or that name with the "-1", "-2" a resubmission gets).
 */
function lmsSubmission(file: string, relative: string, lms: LmsName, names: readonly string[]): SubmissionFile {
  const stem = path.basename(lms.original).replace(/\.ipynb$/, "");
  const copy = new RegExp(`^(${names.map(escapeRegExp).join("|") || "(?!)"})(?:-(\\d+))?$`).exec(stem);
  const system = lms.student.lms;
  const time: TimeEvidence = {
    lmsTime:
      lms.submittedAt === null
        ? null
        : { utcMs: lms.submittedAt.utcMs, source: `${LMS_NAMES[system]} ${system === "gradescope" ? "metadata" : "file name"}` },
    lmsLate:
      lms.late === null ? null : { late: lms.late, source: `${LMS_NAMES[system]}'s ${system === "canvas" ? "LATE marker" : "late flag"}` },
    fileTimeMs: null,
  };
  const order =
    lms.submittedAt !== null
      ? { value: lms.submittedAt.utcMs, basis: "the time the LMS gives" }
      : system === "canvas"
        ? { value: copy?.[2] === undefined ? 0 : Number(copy[2]), basis: "Canvas's resubmission number (-1, -2)" }
        : undefined;
  return {
    file,
    relative,
    student: lms.student.key,
    assignment: copy === null ? stem : copy[1]!,
    layout: system,
    lms: lms.student,
    time,
    ...(order !== undefined ? { order } : {}),
  };
}

const METADATA = "submission_metadata.yml";

/** The export-wide submission_metadata.yml of a Gradescope export, by folder name. */
function gradescopeMetadata(dir: string, entries: fs.Dirent[]): Map<string, GradescopeSubmission | { problem: string }> {
  if (!entries.some((e) => e.isFile() && e.name === METADATA)) return new Map();
  return parseGradescopeMetadata(fs.readFileSync(path.join(dir, METADATA), "utf8"));
}

function addGradescopeFolder(
  full: string,
  folder: string,
  exportWide: Map<string, GradescopeSubmission | { problem: string }>,
  names: readonly string[],
  submissions: SubmissionFile[],
  unrecognized: UnrecognizedFile[],
): void {
  // Only the export's own metadata, beside the folders, says who handed a folder in. A
  // submission_metadata.yml inside the folder is a file the learner uploaded (Gradescope
  // puts none there): read, it would let them name anyone's SID and a later time.
  const meta = exportWide.get(folder);
  const files = walk(full, folder);
  const problem =
    meta === undefined
      ? `looks like a Gradescope export folder, but no submission_metadata.yml names ${folder} (keep the export's own file beside the folders)`
      : isProblem(meta)
        ? `in the Gradescope export folder ${folder}, whose ${meta.problem}`
        : undefined;
  for (const f of files) {
    if (path.basename(f.file) === METADATA)
      unrecognized.push({
        ...f,
        reason: `a ${METADATA} inside a submission folder is one the learner uploaded, not Gradescope's; not read (the export's own file beside the folders names the students)`,
      });
    else if (problem !== undefined) unrecognized.push({ ...f, reason: problem });
    else if (!f.file.endsWith(".ipynb")) unrecognized.push({ ...f, reason: "not a .ipynb file" });
    else
      for (const student of (meta as GradescopeSubmission).submitters) {
        // A group's submission counts for each of its members.
        const { late, submittedAt, submitters } = meta as GradescopeSubmission;
        const submission = lmsSubmission(f.file, f.relative, { student, original: path.basename(f.file), late, submittedAt }, names);
        const others = submitters.filter((s) => s !== student).map((s) => s.key);
        submissions.push(others.length > 0 ? { ...submission, groupWith: others } : submission);
      }
  }
}

/** Every file under a folder (hidden ones left out), for LMS folders that may nest. */
function walk(full: string, relative: string): Array<{ file: string; relative: string }> {
  const found: Array<{ file: string; relative: string }> = [];
  for (const inner of fs.readdirSync(full, { withFileTypes: true }).sort(byName)) {
    if (inner.name.startsWith(".")) continue;
    const file = path.join(full, inner.name);
    if (inner.isDirectory()) found.push(...walk(file, path.join(relative, inner.name)));
    else found.push({ file, relative: path.join(relative, inner.name) });
  }
  return found;
}

/** Blackboard's receipts (<Assignment>_<username>_attempt_<time>.txt): the learner's full name, by username. */
function blackboardReceipts(dir: string, entries: fs.Dirent[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(".txt")) continue;
    const parsed = parseBlackboardName(entry.name, localOffsetMinutes);
    if (parsed === undefined || isProblem(parsed) || !parsed.receipt) continue;
    const name = blackboardReceiptName(fs.readFileSync(path.join(dir, entry.name), "utf8").slice(0, 4096), parsed.student.key);
    if (name !== undefined) names.set(parsed.student.key, name);
  }
  return names;
}

/**
 * Moodle names a learner only by full name (its number is per assignment), so two
 * learners of one name in one download would be one student: each gets their
 * participant id added to the name instead, and the run says so. Names that read alike
 * count as one name here: a learner can set their own full name in Moodle, and one
 * written with a zero-width space, a bidi mark, full-width letters or other case would
 * otherwise be a second row that looks exactly like someone else's.
 */
function separateMoodleNamesakes(submissions: SubmissionFile[], notes: string[]): void {
  const group = (s: SubmissionFile) => `${s.assignment}\0${readsAs(s.student)}`;
  const members = new Map<string, SubmissionFile[]>();
  for (const s of submissions) if (s.lms?.lms === "moodle") members.set(group(s), [...(members.get(group(s)) ?? []), s]);
  for (const same of members.values()) {
    if (new Set(same.map((s) => s.lms!.lmsId)).size < 2) continue;
    const names = [...new Set(same.map((s) => s.student))];
    for (const s of same) {
      const key = `${s.student} (participant ${s.lms!.lmsId})`;
      notes.push(
        names.length === 1
          ? `Moodle: two learners named "${s.student}" handed in ${s.assignment}; this one is "${key}" in the gradebook.`
          : `Moodle: learners whose names read alike (${names.map(shownName).join(", ")}) handed in ${s.assignment}; this one is ${shownName(key)} in the gradebook.`,
      );
      s.student = key;
      s.lms = { ...s.lms!, key };
    }
  }
}

/** A name as a reader sees it: compatibility forms folded (full-width letters), invisible and bidi characters gone, spaces collapsed, case ignored. */
function readsAs(name: string): string {
  return name
    .normalize("NFKC")
    .replace(/\p{Cf}/gu, "")
    .replace(/\s+/gu, " ")
    .trim()
    .toLowerCase();
}

/** A name in a message, with what does not show written out ("Jane\u200b Smith"). */
function shownName(name: string): string {
  return `"${name.replace(/[\p{Cf}\p{Cc}]|(?! )\p{Zs}/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`)}"`;
}

function mtimeMs(file: string): number | null {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/** Reads "<student>_<anything>_<assignment>.ipynb"; returns why not when it does not fit. */
export function matchFlat(fileName: string, assignmentNames: readonly string[]): { student: string; assignment: string } | string {
  if (!fileName.endsWith(".ipynb")) return "not a .ipynb file";
  const stem = fileName.slice(0, -6);
  const cut = stem.indexOf("_");
  if (cut <= 0) return 'the name has no "<student>_" prefix (expected <student>_<anything>_<assignment>.ipynb, or a <student>/ folder)';
  const student = stem.slice(0, cut);
  for (const name of assignmentNames) {
    const tail = new RegExp(`_${escapeRegExp(name)}(-\\d+)?$`);
    if (tail.test(stem) && stem.length - stem.match(tail)![0].length >= cut) return { student, assignment: name };
  }
  return `the name does not end with "_<assignment>.ipynb" for any master (${assignmentNames.join(", ")})`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The folders running a course notebook writes beside it: saved models, checkpoints and run logs (notebooks 11 and 12). */
const RUN_OUTPUT_FOLDERS = new Set(["models", "runs"]);

/**
 * What a grading run takes from a discovery. The folders a notebook run writes
 * (models/ and runs/, beside the notebooks of `course grade solutions/` or inside a
 * student's folder) are not submissions: their files are left out, not reported as
 * rejected (".ipynb_checkpoints" and other hidden folders never get this far). A
 * notebook found in such a folder is still kept and reported as usual. With `only` (a
 * master's name: `course grade --assignment NAME`), the submissions of every other
 * assignment are left out too; files that fit no layout are still reported, since one
 * of them may be a misnamed copy of that assignment.
 */
export function narrowForRun(found: Discovery, only?: string): Discovery {
  const inRunOutput = (relative: string) => {
    if (relative.endsWith(".ipynb")) return false;
    return relative.split(/[\\/]/).some((part) => RUN_OUTPUT_FOLDERS.has(part));
  };
  return {
    ...found,
    submissions: only === undefined ? found.submissions : found.submissions.filter((s) => s.assignment === only),
    unrecognized: found.unrecognized.filter((file) => !inRunOutput(file.relative)),
  };
}
