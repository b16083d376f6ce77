// Sharding course grade: which submissions a shard takes, and how --shard K/N and the
// job runners' indexes (Kubernetes JOB_COMPLETION_INDEX, Slurm SLURM_ARRAY_TASK_ID) read.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Random } from "../../lib/data/random";
import { formatShard, shardGradebookName, shardOf, shareOf, submissionKey } from "../../scripts/src/grade/shard";
import { parseShardOption } from "../../scripts/src/grade/shard-option";
import { UsageError } from "../../scripts/src/errors";

/** A class of `n` students with made-up names, the same for every run (seeded). */
function classOf(n: number, seed = 7): Array<{ student: string; assignment: string }> {
  const random = new Random(seed);
  const letters = "abcdefghijklmnopqrstuvwxyz";
  return Array.from({ length: n }, (_, i) => ({
    student: `${Array.from({ length: 6 }, () => letters[random.int(letters.length)]).join("")}${i}`,
    assignment: ["00-sample-assignment", "01-perceptron", "02-xor"][random.int(3)]!,
  }));
}
const keyOf = (s: { student: string; assignment: string }) => submissionKey(s.student, s.assignment);

describe("shard selection", () => {
  test("the shards of a split are disjoint and together hold every submission", () => {
    const all = classOf(300);
    for (const count of [1, 2, 3, 4, 7]) {
      const shares = Array.from({ length: count }, (_, k) => shareOf(all, keyOf, { index: k + 1, count }).mine);
      assert.equal(
        shares.reduce((n, s) => n + s.length, 0),
        all.length,
        `${count} shards`,
      );
      assert.deepEqual(new Set(shares.flat().map(keyOf)).size, all.length, `${count} shards: no submission in two shards`);
      shares.forEach((share, k) => assert.equal(shareOf(all, keyOf, { index: k + 1, count }).others, all.length - share.length));
    }
  });

  test("shards count from 1 to N: shard N takes a share and one shard takes everything", () => {
    const all = classOf(200);
    const counts = new Map<number, number>();
    for (const s of all) counts.set(shardOf(keyOf(s), 4), (counts.get(shardOf(keyOf(s), 4)) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), [1, 2, 3, 4]);
    assert.equal(shareOf(all, keyOf, { index: 1, count: 1 }).mine.length, all.length);
    assert.throws(() => shardOf("x", 0), RangeError);
  });

  test("a submission's shard depends on its own key only: adding, removing or reordering others moves none", () => {
    const all = classOf(120);
    const before = new Map(all.map((s) => [keyOf(s), shardOf(keyOf(s), 3)]));
    const late = [{ student: "aaaa-late", assignment: "00-sample-assignment" }, ...all.slice(10).reverse()];
    for (let k = 1; k <= 3; k++) {
      for (const s of shareOf(late, keyOf, { index: k, count: 3 }).mine) {
        if (before.has(keyOf(s))) assert.equal(before.get(keyOf(s)), k, `${s.student} stays in shard ${before.get(keyOf(s))}`);
      }
    }
  });

  test("shares are near even (a hash, not a name's first letter)", () => {
    // Names that share their start and differ at the end, as student ids do.
    const ids = Array.from({ length: 2000 }, (_, i) => ({ student: `s2026${String(i).padStart(4, "0")}`, assignment: "02-xor" }));
    for (let k = 1; k <= 4; k++) {
      const n = shareOf(ids, keyOf, { index: k, count: 4 }).mine.length;
      assert.ok(n > 400 && n < 600, `shard ${k}/4 takes ${n} of 2000`);
    }
  });

  test("the key separates student from assignment, so two pairs never share a key", () => {
    assert.notEqual(submissionKey("ab", "c"), submissionKey("a", "bc"));
    assert.notEqual(submissionKey("a_b", "c"), submissionKey("a", "b_c"));
  });

  test("names: 2/4, and a gradebook file per shard", () => {
    assert.equal(formatShard({ index: 2, count: 4 }), "2/4");
    assert.equal(shardGradebookName({ index: 2, count: 4 }), "gradebook.shard-2-of-4.sqlite");
    assert.notEqual(shardGradebookName({ index: 1, count: 4 }), shardGradebookName({ index: 1, count: 2 }));
  });
});

describe("--shard K/N", () => {
  const usage = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof UsageError && pattern.test(`${e.message} ${e.fix ?? ""}`));

  test("K/N from the command line, K from 1", () => {
    assert.deepEqual(parseShardOption("2/4", {}), { index: 2, count: 4, from: "the command line" });
    assert.deepEqual(parseShardOption("4/4", {}), { index: 4, count: 4, from: "the command line" });
    assert.deepEqual(parseShardOption("1/1", {}), { index: 1, count: 1, from: "the command line" });
  });

  test("out of range or malformed values are refused with the way to write them", () => {
    usage(() => parseShardOption("0/4", {}), /count from 1.*--shard 1\/4/);
    usage(() => parseShardOption("5/4", {}), /out of range/);
    usage(() => parseShardOption("1/0", {}), /at least 1/);
    usage(() => parseShardOption("4", {}), /--shard K\/4.*--shard \/4/);
    for (const bad of ["", "a/4", "2/b", "-1/4", "1.5/4", "2/4/8", "2/ 4"]) usage(() => parseShardOption(bad, {}), /K\/N/);
  });

  test("Kubernetes: JOB_COMPLETION_INDEX counts from 0", () => {
    assert.equal(parseShardOption("/4", { JOB_COMPLETION_INDEX: "0" }).index, 1);
    assert.equal(parseShardOption("/4", { JOB_COMPLETION_INDEX: "3" }).index, 4);
    assert.match(parseShardOption("/4", { JOB_COMPLETION_INDEX: "3" }).from, /JOB_COMPLETION_INDEX=3/);
    usage(() => parseShardOption("/4", { JOB_COMPLETION_INDEX: "4" }), /at least 5 completions.*completions: 4/);
    usage(() => parseShardOption("/4", { JOB_COMPLETION_INDEX: "two" }), /not a whole number/);
  });

  test("Slurm: the task's place in --array, whether it counts from 0, from 1 or in steps", () => {
    const array = (min: number, max: number, id: number, extra: Record<string, string> = {}) => ({
      SLURM_ARRAY_TASK_ID: String(id),
      SLURM_ARRAY_TASK_MIN: String(min),
      SLURM_ARRAY_TASK_MAX: String(max),
      ...extra,
    });
    assert.equal(parseShardOption("/4", array(1, 4, 1)).index, 1);
    assert.equal(parseShardOption("/4", array(1, 4, 4)).index, 4);
    assert.equal(parseShardOption("/4", array(0, 3, 0)).index, 1);
    assert.equal(parseShardOption("/4", array(0, 3, 3)).index, 4);
    assert.equal(parseShardOption("/4", array(1, 7, 5, { SLURM_ARRAY_TASK_STEP: "2", SLURM_ARRAY_TASK_COUNT: "4" })).index, 3);
    usage(() => parseShardOption("/4", array(1, 5, 2)), /5 task\(s\).*4 shard/);
    usage(() => parseShardOption("/4", array(0, 4, 2, { SLURM_ARRAY_TASK_COUNT: "4" })), /not an evenly spaced range.*--array=1-4/);
    usage(() => parseShardOption("/4", array(1, 4, 9)), /not one of the array's task ids/);
    usage(() => parseShardOption("/4", { SLURM_ARRAY_TASK_ID: "2" }), /counts from 0 or from 1.*SLURM_ARRAY_TASK_ID \+ 1/);
  });

  test("/N with no job runner, and two runners that disagree, are refused", () => {
    usage(() => parseShardOption("/4", {}), /JOB_COMPLETION_INDEX.*SLURM_ARRAY_TASK_ID/);
    usage(
      () =>
        parseShardOption("/4", {
          JOB_COMPLETION_INDEX: "0",
          SLURM_ARRAY_TASK_ID: "2",
          SLURM_ARRAY_TASK_MIN: "1",
          SLURM_ARRAY_TASK_MAX: "4",
        }),
      /name different shards/,
    );
    const agreeing = parseShardOption("/4", {
      JOB_COMPLETION_INDEX: "1",
      SLURM_ARRAY_TASK_ID: "2",
      SLURM_ARRAY_TASK_MIN: "1",
      SLURM_ARRAY_TASK_MAX: "4",
    });
    assert.equal(agreeing.index, 2);
  });

  test("a K on the command line that the job runner contradicts is refused (every task would grade shard 1)", () => {
    usage(() => parseShardOption("1/4", { JOB_COMPLETION_INDEX: "2" }), /names shard 1.*shard 3\/4.*--shard \/4/);
    assert.equal(parseShardOption("3/4", { JOB_COMPLETION_INDEX: "2" }).index, 3);
  });
});
