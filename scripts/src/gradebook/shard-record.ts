/**
 * What a shard's gradebook records about the run that writes it, in the meta table:
 *
 *   shard          "K/N": this gradebook holds shard K of N (`course grade --shard K/N`)
 *   shard_masters  the masters the shard was graded against, {assignment: sha256}, as of
 *                  its latest run
 *
 * The claim keeps one gradebook to one shard: a second shard, or an unsharded run,
 * pointed at the same file (a shared volume, one --gradebook for every task of an
 * array) is refused before it stores anything, instead of mixing two shares in one file.
 * The claim is made in an immediate transaction, so of two runs starting on one file at
 * once the second sees the first's claim. `course gradebook merge` reads both entries:
 * the shard to find missing or doubled shards, the masters to refuse shards graded
 * against different masters even where their submissions do not show it.
 */
import { CourseError, EXIT } from "../errors";
import { formatShard, type Shard } from "../grade/shard";
import type { Gradebook } from "./gradebook";

export interface ShardRecord {
  shard: Shard | undefined;
  /** The masters of the shard's latest run by assignment name; undefined for a gradebook of no shard. */
  masters: Map<string, string> | undefined;
}

export function readShardRecord(gradebook: Gradebook): ShardRecord {
  const shardText = metaValue(gradebook, "shard");
  const mastersText = metaValue(gradebook, "shard_masters");
  return {
    shard: shardText === undefined ? undefined : parseStoredShard(shardText, gradebook.file),
    masters: mastersText === undefined ? undefined : parseStoredMasters(mastersText, gradebook.file),
  };
}

/**
 * Claims `gradebook` for `shard` (undefined: a run of every submission) and records the
 * masters, or throws when the gradebook already holds another shard's grades or an
 * unsharded run's.
 */
export function claimShard(gradebook: Gradebook, shard: Shard | undefined, masters: ReadonlyMap<string, string>): void {
  const db = gradebook.database;
  db.transaction(() => {
    const stored = readShardRecord(gradebook).shard;
    const held = db.prepare("SELECT (SELECT COUNT(*) FROM submissions) + (SELECT COUNT(*) FROM rejected_files) AS n").get() as {
      n: number;
    };
    const problem = shardClaimProblem(stored, shard, held.n > 0, gradebook.file);
    if (problem !== undefined) throw problem;
    if (shard === undefined) return;
    const set = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    set.run("shard", formatShard(shard));
    set.run("shard_masters", JSON.stringify(Object.fromEntries([...masters].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))));
  }).immediate();
}

/**
 * Why a run of `requested` (undefined: every submission) may not write into a gradebook
 * that holds `stored` (undefined: no shard) and, when `holdsGrades`, some rows already.
 */
export function shardClaimProblem(
  stored: Shard | undefined,
  requested: Shard | undefined,
  holdsGrades: boolean,
  file: string,
): CourseError | undefined {
  const ownFile =
    "let each shard write its own gradebook: leave --gradebook out (shard K of N then writes grading/gradebook.shard-K-of-N.sqlite), or give --gradebook a folder or a file of its own.";
  if (stored === undefined) {
    if (requested === undefined || !holdsGrades) return undefined;
    return new CourseError(
      `the gradebook ${file} holds grades of a run without --shard; shard ${formatShard(requested)} would mix its share into them.`,
      ownFile,
      EXIT.usage,
    );
  }
  if (requested === undefined) {
    return new CourseError(
      `the gradebook ${file} holds shard ${formatShard(stored)} of a sharded run; grading every submission into it would mix the two.`,
      "grade into another gradebook (--gradebook FILE), or merge the shards into one first: course gradebook merge SHARD… --into FILE.",
      EXIT.usage,
    );
  }
  if (stored.index !== requested.index || stored.count !== requested.count) {
    return new CourseError(
      `the gradebook ${file} holds shard ${formatShard(stored)}; shard ${formatShard(requested)} needs one of its own.`,
      ownFile,
      EXIT.usage,
    );
  }
  return undefined;
}

function metaValue(gradebook: Gradebook, key: string): string | undefined {
  const row = gradebook.database.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
  return row?.value;
}

function parseStoredShard(text: string, file: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const shard = match === null ? undefined : { index: Number(match[1]), count: Number(match[2]) };
  if (shard === undefined || shard.index < 1 || shard.index > shard.count) throw damaged(file, `its shard is recorded as "${text}"`);
  return shard;
}

function parseStoredMasters(text: string, file: string): Map<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value) || Object.values(value).some((v) => typeof v !== "string")) {
    throw damaged(file, "its record of the masters it was graded against is not readable");
  }
  return new Map(Object.entries(value as Record<string, string>));
}

function damaged(file: string, what: string): CourseError {
  return new CourseError(
    `the gradebook ${file} is damaged: ${what}.`,
    "grade that shard again into a new gradebook (course grade --shard K/N --gradebook NEW-FILE).",
  );
}
