/**
 * Which submissions a shard grades (`course grade --shard K/N`). Each of N grading runs,
 * on as many machines as a job runner gives (a Kubernetes Indexed Job, a Slurm array),
 * grades its own share of the submissions folder into its own gradebook, and
 * `course gradebook merge` joins them.
 *
 * A submission's shard is decided by a hash of its own (student, assignment) key, never
 * by its position in the folder listing. A position moves whenever a submission is added
 * or removed: a late hand-in arriving while the shards start would make shard 1 list 100
 * files and shard 3 list 101, and with positions they would grade some submissions twice
 * and others never. With the hash, a submission's shard depends on nothing but its own
 * name, so every shard agrees on it whatever else each one sees, and rerunning a shard
 * later (with new hand-ins) finds its earlier grades still in its gradebook.
 *
 * The key is the gradebook's own key, (student, assignment), not the file's path: two
 * files of one student for one assignment (a folder copy and an LMS copy) must meet in
 * the same shard, where the grader keeps one and reports the other, as one run does.
 *
 * K counts from 1, as in `--shard 1/3` of Jest and Playwright: shards 1 to N.
 */
import { sha256Hex } from "nncourse/dist/data/payload";

export interface Shard {
  /** Which shard, 1 to count. */
  index: number;
  /** How many shards the submissions are split into. */
  count: number;
}

/** The text that decides a submission's shard; "\0" cannot occur in a file name, so ("a_b", "c") and ("a", "b_c") differ. */
export function submissionKey(student: string, assignment: string): string {
  return `${student}\0${assignment}`;
}

/**
 * The shard (1 to count) that `key` belongs to: the first 48 bits of its SHA-256, modulo
 * count. 48 bits fit a double exactly, and their modulo is uniform to well under one part
 * in a billion for any count of shards a class needs.
 */
export function shardOf(key: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a shard count is a whole number of at least 1, not ${count}`);
  return (parseInt(sha256Hex(key).slice(0, 12), 16) % count) + 1;
}

/** The items of `items` that belong to `shard`, in their order, and how many belong to the others. */
export function shareOf<T>(items: readonly T[], keyOf: (item: T) => string, shard: Shard): { mine: T[]; others: number } {
  const mine = items.filter((item) => shardOf(keyOf(item), shard.count) === shard.index);
  return { mine, others: items.length - mine.length };
}

/** "2/4". */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** A shard's gradebook, when --gradebook names none or names a folder: never one file for two shards. */
export function shardGradebookName(shard: Shard): string {
  return `gradebook.shard-${shard.index}-of-${shard.count}.sqlite`;
}
