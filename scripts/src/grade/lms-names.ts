/**
 * The names learning management systems give the files of a "download all submissions",
 * read into who handed in what, when, and whether the LMS called it late. Pure: the
 * folder walk is in submissions.ts.
 *
 * What each pattern is based on (the LMS's documented or observed download layout):
 *
 *   Canvas "Download Submissions" zip: one flat file per uploaded file,
 *     <name>_<userid>_<submissionid>_<original name>, and <name>_LATE_<userid>_… (some
 *     instances write "late") for one handed in after its due date. <name> is the
 *     learner's sortable name with everything but letters and digits taken out
 *     ("smithjane"); <userid> is the Canvas user id, the "ID" column of Canvas's
 *     gradebook CSV; a file uploaded again gets "-1", "-2" before its extension.
 *     Identity: the user id (key), the name part kept for display.
 *   Moodle assignment "Download all submissions": a folder per learner,
 *     "<Full Name>_<participant id>_assignsubmission_file_" holding the uploaded files
 *     (or, without "download in folders", flat files "<Full Name>_<id>_assignsubmission_file_<original>").
 *     The number is the participant id of that one assignment (Moodle's
 *     assign_user_mapping), not the user: it differs from one assignment to the next and
 *     no gradebook import maps it. Identity: the full name (key), the participant id kept.
 *   Blackboard "Download Assignment": "<Assignment>_<username>_attempt_<YYYY-MM-DD-HH-mm-ss>_<original>"
 *     per file, and "<Assignment>_<username>_attempt_<time>.txt", a receipt whose first
 *     line is "Name: <Full Name> (<username>)". The time is the LMS server's wall clock,
 *     without a zone. Identity: the username (key; the last "_" part before
 *     "_attempt_", usernames having no "_"), the receipt's name for display.
 *   Gradescope "Export Submissions": a folder per submission "submission_<id>" and a
 *     submission_metadata.yml at the export's top, keyed by those folder names (one inside
 *     a folder is a file the learner uploaded, never read: submissions.ts), written by
 *     Ruby, so its keys are symbols: ":submitters:" (":name:",
 *     ":sid:", ":email:"), ":created_at:" ("2024-03-01 14:05:33.123456000 -08:00") and a
 *     late flag (":late?:" or ":late:"). Identity: the SID (key), else the email; one
 *     submission of a group counts for each of its submitters.
 *
 * A name that has the mark of one of these layouts (Canvas's "_<digits>_<digits>_",
 * "_attempt_", "_assignsubmission_", "submission_<digits>") but does not parse is
 * reported as such by the caller, never guessed at or taken for a student's name.
 */
import { parse as parseYaml } from "yaml";

export type Lms = "canvas" | "moodle" | "blackboard" | "gradescope";

export const LMS_NAMES: Record<Lms, string> = { canvas: "Canvas", moodle: "Moodle", blackboard: "Blackboard", gradescope: "Gradescope" };

/** How each LMS's students are identified, in the words the grading summary uses. */
export const IDENTIFIED_BY: Record<Lms, string> = {
  canvas: "students are their Canvas user id (the number after the name in the file name), with the name part kept for display",
  moodle:
    "students are their full name from the folder name (Moodle's number there is a participant id of this one assignment, kept on record, not a user id)",
  blackboard: "students are their Blackboard username (the part before _attempt_), with the name from the receipt .txt kept for display",
  gradescope: "students are their SID from submission_metadata.yml (their email where there is no SID), with name and email kept",
};

export interface LmsStudent {
  lms: Lms;
  /** The student's key in the gradebook. */
  key: string;
  /** The LMS's own number or name for them (user id, participant id, username, SID). */
  lmsId: string;
  displayName: string;
  email: string | null;
}

/** A moment the LMS gives: the instant, and the text it was read from. */
export interface LmsTime {
  utcMs: number;
  text: string;
}

/** What a file's LMS name says about it. */
export interface LmsName {
  student: LmsStudent;
  /** The file name the learner uploaded, as the LMS kept it. */
  original: string;
  /** The LMS's own late marker: true, false, or null where its names carry none. */
  late: boolean | null;
  submittedAt: LmsTime | null;
}

/** Parses, a reason it looks like this LMS's name but does not parse, or undefined when it is not one. */
export type ParseResult<T> = T | { problem: string } | undefined;

export function isProblem<T>(result: ParseResult<T>): result is { problem: string } {
  return typeof result === "object" && result !== null && "problem" in result;
}

const CANVAS = /^(?<name>[\p{L}\p{N}-]+?)(?<late>_late|_LATE)?_(?<user>\d+)_(?<submission>\d+)_(?<original>.+)$/u;
const CANVAS_MARK = /^[^_]+_(?:late_|LATE_)?\d+_\d+_|_LATE_\d+_/;

export function parseCanvasName(fileName: string): ParseResult<LmsName> {
  const m = CANVAS.exec(fileName);
  if (m === null) {
    return CANVAS_MARK.test(fileName)
      ? { problem: "looks like a Canvas download name but is not <name>[_LATE]_<userid>_<submissionid>_<file>" }
      : undefined;
  }
  const g = m.groups!;
  return {
    student: { lms: "canvas", key: g.user!, lmsId: g.user!, displayName: g.name!, email: null },
    original: g.original!,
    late: g.late !== undefined,
    submittedAt: null,
  };
}

const MOODLE_FOLDER = /^(?<name>.+)_(?<id>\d+)_assignsubmission_(?<plugin>[a-z]+)_?$/;
const MOODLE_FLAT = /^(?<name>.+)_(?<id>\d+)_assignsubmission_(?<plugin>[a-z]+)_(?<original>.+)$/;

/** A Moodle learner folder, "<Full Name>_<participant id>_assignsubmission_file_". */
export function parseMoodleFolder(folderName: string): ParseResult<LmsStudent> {
  const m = MOODLE_FOLDER.exec(folderName);
  if (m === null) {
    return folderName.includes("_assignsubmission_")
      ? { problem: "looks like a Moodle download folder but is not <Full Name>_<participant id>_assignsubmission_file_" }
      : undefined;
  }
  return moodleStudent(m.groups!.name!, m.groups!.id!);
}

/** Moodle's mark between the learner's name and the uploaded file's name. */
const MOODLE_MARK = /_\d+_assignsubmission_[a-z]+_/g;

/**
 * A Moodle file downloaded without per-learner folders. The full name before Moodle's
 * mark and the file name after it are both the learner's to choose, so a name holding
 * the mark twice is refused: whichever were taken as Moodle's, a learner could write
 * another's name (in their profile or their file's name) and be graded as them.
 */
export function parseMoodleFlatName(fileName: string): ParseResult<LmsName> {
  if ((fileName.match(MOODLE_MARK) ?? []).length > 1)
    return {
      problem:
        'holds Moodle\'s "_<participant id>_assignsubmission_" more than once, so which part is the learner\'s name cannot be told; download with "download submissions in folders"',
    };
  const m = MOODLE_FLAT.exec(fileName);
  if (m === null) {
    return fileName.includes("_assignsubmission_")
      ? { problem: "looks like a Moodle download name but is not <Full Name>_<participant id>_assignsubmission_file_<file>" }
      : undefined;
  }
  const student = moodleStudent(m.groups!.name!, m.groups!.id!);
  return { student, original: m.groups!.original!, late: null, submittedAt: null };
}

function moodleStudent(name: string, participantId: string): LmsStudent {
  return { lms: "moodle", key: name.trim(), lmsId: participantId, displayName: name.trim(), email: null };
}

const BLACKBOARD =
  /^(?<assignment>.+?)_(?<user>[^_]+)_attempt_(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})-(?<h>\d{2})-(?<mi>\d{2})-(?<s>\d{2})(?:_(?<original>.+)|(?<receipt>\.txt))$/;

/**
 * A Blackboard download name. `zoneOffsetMinutes` turns its wall-clock time into an
 * instant: the LMS writes its server's local time with no zone.
 */
export function parseBlackboardName(
  fileName: string,
  zoneOffsetMinutes: (wallClockUtcMs: number) => number,
): ParseResult<LmsName & { receipt: boolean }> {
  const m = BLACKBOARD.exec(fileName);
  if (m === null) {
    return fileName.includes("_attempt_")
      ? { problem: "looks like a Blackboard download name but is not <Assignment>_<username>_attempt_<YYYY-MM-DD-HH-mm-ss>_<file>" }
      : undefined;
  }
  const g = m.groups!;
  const text = `${g.y}-${g.mo}-${g.d} ${g.h}:${g.mi}:${g.s}`;
  const wall = Date.UTC(+g.y!, +g.mo! - 1, +g.d!, +g.h!, +g.mi!, +g.s!);
  if (!validWallClock(wall, +g.y!, +g.mo!, +g.d!, +g.h!, +g.mi!, +g.s!))
    return { problem: `a Blackboard name whose time ${text} is no real time` };
  return {
    student: { lms: "blackboard", key: g.user!, lmsId: g.user!, displayName: g.user!, email: null },
    original: g.original ?? "",
    late: null,
    submittedAt: { utcMs: wall - zoneOffsetMinutes(wall) * 60_000, text },
    receipt: g.receipt !== undefined,
  };
}

/** The "Name: Full Name (username)" line of a Blackboard receipt; undefined when it has none for this username. */
export function blackboardReceiptName(receipt: string, username: string): string | undefined {
  const m = /^Name:\s*(.+?)\s*\(([^()]+)\)\s*$/m.exec(receipt);
  return m !== null && m[2] === username ? m[1] : undefined;
}

function validWallClock(ms: number, y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const t = new Date(ms);
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === s
  );
}

export const GRADESCOPE_FOLDER = /^submission_\d+$/;

export interface GradescopeSubmission {
  submitters: LmsStudent[];
  submittedAt: LmsTime | null;
  late: boolean | null;
}

/**
 * Reads a submission_metadata.yml: the export's own (keyed by "submission_<id>"), or one
 * submission's (no such keys; `folder` names it). Entries it cannot read are returned
 * as problems, by folder name.
 */
export function parseGradescopeMetadata(text: string, folder?: string): Map<string, GradescopeSubmission | { problem: string }> {
  const found = new Map<string, GradescopeSubmission | { problem: string }>();
  let doc: unknown;
  try {
    // The core schema keeps Ruby's timestamps as text, read below with their zone.
    doc = parseYaml(text, { schema: "core" });
  } catch (error) {
    found.set(folder ?? "(export)", { problem: `submission_metadata.yml is not YAML (${(error as Error).message.split("\n")[0]})` });
    return found;
  }
  if (!isRecord(doc)) {
    found.set(folder ?? "(export)", { problem: "submission_metadata.yml holds no mapping" });
    return found;
  }
  const keyed = Object.keys(doc).filter((k) => GRADESCOPE_FOLDER.test(k));
  if (keyed.length > 0) for (const k of keyed) found.set(k, gradescopeEntry(doc[k]));
  else if (folder !== undefined) found.set(folder, gradescopeEntry(doc));
  return found;
}

function gradescopeEntry(entry: unknown): GradescopeSubmission | { problem: string } {
  if (!isRecord(entry)) return { problem: "its entry in submission_metadata.yml is not a mapping" };
  const submitters = symbol(entry, "submitters");
  if (!Array.isArray(submitters) || submitters.length === 0)
    return { problem: "its entry in submission_metadata.yml lists no :submitters:" };
  const students: LmsStudent[] = [];
  for (const s of submitters) {
    if (!isRecord(s)) return { problem: "a :submitters: entry is not a mapping" };
    const sid = text(symbol(s, "sid"));
    const email = text(symbol(s, "email"));
    const name = text(symbol(s, "name"));
    const key = sid ?? email;
    if (key === null) return { problem: `the submitter ${name ?? "(no name)"} has neither :sid: nor :email:` };
    students.push({ lms: "gradescope", key, lmsId: key, displayName: name ?? key, email });
  }
  const created = text(symbol(entry, "created_at"));
  let submittedAt: LmsTime | null = null;
  if (created !== null) {
    const utcMs = parseZonedTime(created);
    if (utcMs === undefined) return { problem: `its :created_at: "${created}" is not a time with a zone` };
    submittedAt = { utcMs, text: created };
  }
  const late = symbol(entry, "late?") ?? symbol(entry, "late");
  return {
    submitters: students,
    submittedAt,
    late: typeof late === "boolean" ? late : late === "true" ? true : late === "false" ? false : null,
  };
}

/** "2024-03-01 14:05:33.123456000 -08:00" (Ruby) or ISO 8601 with a zone, as an instant. */
export function parseZonedTime(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? ?(Z|UTC|[+-]\d{2}:?\d{2})$/.exec(value.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const wall = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!);
  if (!validWallClock(wall, +y!, +mo!, +d!, +h!, +mi!, +s!)) return undefined;
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  if (zone === "Z" || zone === "UTC") return wall + ms;
  const sign = zone!.startsWith("-") ? -1 : 1;
  const digits = zone!.slice(1).replace(":", "");
  return wall + ms - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A Ruby symbol key (":name") or a plain one ("name"). */
function symbol(record: Record<string, unknown>, name: string): unknown {
  return record[`:${name}`] ?? record[name];
}

function text(value: unknown): string | null {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (typeof value === "number") return String(value);
  return null;
}
