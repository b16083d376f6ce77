/**
 * Lateness: when a submission was handed in, whether and how late, and the penalty an
 * optional rule takes off its total. Pure, apart from reading the machine's time zone.
 *
 * Where the time comes from, in this order:
 *   - the LMS: Blackboard's file name, Gradescope's :created_at: (lms-names.ts);
 *   - with --due, for the folder layout only: the file's modification time, which
 *     `course collect` sets to the learner's save time, never one they set back
 *     (hub/collect.ts, saveTime) (an LMS download unzipped has
 *     the zip's times, which no LMS documents, so those are never used).
 * Whether it is late: measured against --due when both are known; else the LMS's own
 * marker (Canvas's LATE, Gradescope's late flag), which knows the learner's extensions
 * but not by how much; else unknown.
 *
 * Times without a zone (--due 2026-12-01T23:59, Blackboard's names) are wall-clock
 * times in this machine's time zone (TZ; the summary prints the zone and the instant).
 */
import { UsageError } from "../errors";
import type { Lms } from "./lms-names";
import { totalPoints } from "./points";

export interface DueDate {
  utcMs: number;
  /** As given on the command line. */
  text: string;
}

export interface LatePenalty {
  /** Percent of the assignment's points taken off per unit (or once, when `per` is null). */
  percent: number;
  per: "day" | "hour" | null;
  /** The most taken off, in percent of the assignment's points. */
  maxPercent: number | null;
  text: string;
}

export interface LatePolicy {
  due?: DueDate;
  penalty?: LatePenalty;
}

/** What is known of when a submission came in. */
export interface Lateness {
  submittedAt: string | null;
  /** Where submittedAt comes from: "Blackboard file name", "Gradescope metadata", "file time". */
  submittedAtSource: string | null;
  /** true late, false on time, null not known. */
  late: boolean | null;
  /** How late, when known. */
  lateSeconds: number | null;
  /** What says it is late or on time: "due date", "Canvas LATE marker", … */
  lateSource: string | null;
}

/** Who handed a submission in and when, and the penalty taken off, as the gradebook keeps it. */
export interface HandIn extends Lateness {
  lms: Lms | null;
  lmsId: string | null;
  displayName: string | null;
  email: string | null;
  /** The score before the penalty; null when no penalty was applied. */
  rawScore: number | null;
  /** What was taken off and why, or why a rule could not be applied; null when no rule applied. */
  penalty: string | null;
}

export const DUE_FORMS = "2026-12-01T23:59, 2026-12-01T23:59:30, 2026-12-01 23:59, with Z or +01:00 for a zone other than this machine's";

/** Reads --due strictly: a date with a time, in this machine's time zone unless it names one. */
export function parseDue(text: string): DueDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/.exec(text.trim());
  const wrong = (why: string) =>
    new UsageError(`--due ${why}, got "${text}".`, `accepted forms: ${DUE_FORMS}; see \`course grade --help\`.`);
  if (m === null) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(text.trim())) throw wrong("needs a time as well as a date (the end of the day is 23:59)");
    throw wrong("takes a date and time");
  }
  const [, y, mo, d, h, mi, s = "00", zone] = m;
  const wall = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s);
  const back = new Date(wall);
  if (
    back.getUTCMonth() !== +mo! - 1 ||
    back.getUTCDate() !== +d! ||
    back.getUTCHours() !== +h! ||
    back.getUTCMinutes() !== +mi! ||
    +s > 59
  )
    throw wrong("is no real date and time");
  if (zone !== undefined) {
    const sign = zone === "Z" ? 0 : zone.startsWith("-") ? -1 : 1;
    const offset = sign === 0 ? 0 : sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    return { utcMs: wall - offset * 60_000, text };
  }
  const utcMs = localWallClockToUtc(wall);
  if (utcMs === undefined)
    throw wrong(`is a time that does not exist in this machine's time zone (${timeZoneName()}): a daylight-saving gap`);
  return { utcMs, text };
}

/** The instant a wall-clock time (given as if UTC) is in this machine's time zone; undefined in a DST gap. */
export function localWallClockToUtc(wallUtcMs: number): number | undefined {
  const w = new Date(wallUtcMs);
  const local = new Date(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate(), w.getUTCHours(), w.getUTCMinutes(), w.getUTCSeconds());
  return local.getHours() === w.getUTCHours() && local.getMinutes() === w.getUTCMinutes() ? local.getTime() : undefined;
}

/** This machine's offset from UTC, in minutes, at a wall-clock time (for Blackboard's names). */
export function localOffsetMinutes(wallUtcMs: number): number {
  const instant = localWallClockToUtc(wallUtcMs) ?? localWallClockToUtc(wallUtcMs + 3_600_000)! - 3_600_000;
  return (wallUtcMs - instant) / 60_000;
}

export function timeZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? "local time";
}

export const PENALTY_FORMS =
  '"10%" (once, however late), "10%/day" or "2%/hour" (per day or hour begun), each with an optional ", max 50%"';

/**
 * Reads --late-penalty strictly. Percentages are of the assignment's points (as Canvas's
 * late policy counts them), a day or hour begun counts whole, and a total never goes
 * below 0: "10%/day,max 50%" takes 1 of 10 points off a submission 3 hours late, 3 off
 * one 49 hours late, 5 off one a week late.
 */
export function parseLatePenalty(text: string): LatePenalty {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*(?:\/\s*(day|hour)\s*)?(?:,\s*max\s+(\d+(?:\.\d+)?)\s*%\s*)?$/i.exec(text);
  const wrong = (why: string) => new UsageError(`--late-penalty ${why}, got "${text}".`, `accepted forms: ${PENALTY_FORMS}.`);
  if (m === null) throw wrong("is not a penalty rule");
  const percent = Number(m[1]);
  const per = m[2] === undefined ? null : (m[2].toLowerCase() as "day" | "hour");
  const maxPercent = m[3] === undefined ? null : Number(m[3]);
  if (percent <= 0 || percent > 100) throw wrong("takes a percentage above 0 and at most 100");
  if (maxPercent !== null && (maxPercent < percent || maxPercent > 100)) throw wrong("takes a max between the rate and 100%");
  if (maxPercent !== null && per === null) throw wrong("takes a max only with a rate per day or hour");
  return { percent, per, maxPercent, text: text.trim() };
}

/** What an LMS name or the file says about when a file came in; see the top of this file. */
export interface TimeEvidence {
  /** From the LMS (Blackboard's name, Gradescope's metadata). */
  lmsTime: { utcMs: number; source: string } | null;
  /** The LMS's late marker, with its name; null when its names carry none. */
  lmsLate: { late: boolean; source: string } | null;
  /** The file's modification time, where it may be used (the folder layout). */
  fileTimeMs: number | null;
}

export function assessLateness(evidence: TimeEvidence, due: DueDate | undefined): Lateness {
  const time =
    evidence.lmsTime ?? (due !== undefined && evidence.fileTimeMs !== null ? { utcMs: evidence.fileTimeMs, source: "file time" } : null);
  const submitted =
    time === null
      ? { submittedAt: null, submittedAtSource: null }
      : { submittedAt: new Date(time.utcMs).toISOString(), submittedAtSource: time.source };
  if (time !== null && due !== undefined) {
    const late = time.utcMs > due.utcMs;
    return { ...submitted, late, lateSeconds: late ? Math.round((time.utcMs - due.utcMs) / 1000) : 0, lateSource: `due ${due.text}` };
  }
  if (evidence.lmsLate !== null)
    return {
      ...submitted,
      late: evidence.lmsLate.late,
      lateSeconds: evidence.lmsLate.late ? null : 0,
      lateSource: evidence.lmsLate.source,
    };
  return { ...submitted, late: null, lateSeconds: null, lateSource: null };
}

/**
 * The total after the penalty. A submission late by an unknown amount gets a flat rule
 * but no per-day or per-hour one (that needs how late: use --due with an LMS that gives
 * times, or the LMS's own late policy); `penalty` says so.
 */
export function applyPenalty(
  rawScore: number,
  maxScore: number,
  lateness: Lateness,
  rule: LatePenalty | undefined,
): { score: number; rawScore: number | null; penalty: string | null } {
  if (rule === undefined || lateness.late !== true) return { score: rawScore, rawScore: null, penalty: null };
  let units = 1;
  if (rule.per !== null) {
    if (lateness.lateSeconds === null)
      return { score: rawScore, rawScore: null, penalty: `not applied: late by an unknown amount, and ${rule.text} needs how late` };
    units = Math.max(1, Math.ceil(lateness.lateSeconds / (rule.per === "day" ? 86_400 : 3_600)));
  }
  const percent = Math.min(rule.percent * units, rule.maxPercent ?? 100, 100);
  const score = scoreAfterPenalty(rawScore, maxScore, percent);
  const unitText = rule.per === null ? "" : `, ${units} ${rule.per}${units === 1 ? "" : "s"} begun`;
  return { score, rawScore, penalty: `-${percent}% of the points (${rule.text}${unitText})` };
}

/** The total after taking `percent` of the assignment's points off, never below 0. */
export function scoreAfterPenalty(rawScore: number, maxScore: number, percent: number): number {
  const deducted = totalPoints([(maxScore * percent) / 100]);
  return Math.max(0, totalPoints([rawScore, -deducted]));
}

/**
 * The percentage a stored penalty took off, read back from applyPenalty's own words
 * ("-10% of the points (…)"); null for none, or a rule that could not be applied. Points
 * given by hand after grading change the raw total, and the same penalty then applies.
 */
export function penaltyPercent(penalty: string | null): number | null {
  const m = /^-(\d+(?:\.\d+)?)% of the points\b/.exec(penalty ?? "");
  return m === null ? null : Number(m[1]);
}

/** "3 h 20 min", "2 days 1 h": how late, for people. */
export function describeLate(seconds: number | null): string {
  if (seconds === null) return "late (by how much is not known)";
  const minutes = Math.ceil(seconds / 60);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts = [
    days > 0 ? `${days} day${days === 1 ? "" : "s"}` : "",
    hours > 0 ? `${hours} h` : "",
    mins > 0 && days === 0 ? `${mins} min` : "",
  ];
  return `${parts.filter((p) => p !== "").join(" ") || "0 min"} late`;
}
