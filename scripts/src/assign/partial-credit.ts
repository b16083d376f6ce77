/**
 * Partial credit: the one rule by which `course grade` scores a test cell that emits
 * partial records and `course check` tells a learner the same score. (Two rules, each
 * with its own rounding and clamping, once told a learner one score and graded another.)
 *
 * A cell earns its points times the smallest fraction among its records: a learner's
 * own extra record can only lower the score. The fraction is clamped to [0, 1] (a
 * record that is not a number counts 0), and the points are rounded to a millionth, so
 * that 3 × ⅓ is 1; reports show two decimals.
 */
import type { PartialRecord } from "nncourse/dist/grading";

export interface PartialCredit {
  fraction: number;
  earned: number;
  status: "passed" | "partial" | "failed";
  /** The messages of the record that set the score. */
  messages: string[];
}

/** The credit `points` earn from the cell's partial records; undefined when there are none. */
export function partialCredit(points: number, records: readonly PartialRecord[]): PartialCredit | undefined {
  if (records.length === 0) return undefined;
  let lowest = records[0]!;
  for (const record of records) if (clamp(record.fraction) < clamp(lowest.fraction)) lowest = record;
  const fraction = clamp(lowest.fraction);
  return {
    fraction,
    earned: Math.round(points * fraction * 1e6) / 1e6,
    status: fraction >= 1 ? "passed" : fraction > 0 ? "partial" : "failed",
    messages: lowest.messages,
  };
}

function clamp(fraction: unknown): number {
  const n = Number(fraction);
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}
