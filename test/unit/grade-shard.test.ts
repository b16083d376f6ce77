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
  /** The error's message and fix, for the cases where their words are what the instructor acts on. */
  const refusal = (fn: () => unknown): [string, string | undefined] => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof UsageError, String(e));
      return [e.message, e.fix];
    }
    return assert.fail("not refused");
  };
  const slurm = (min: string, max: string, id: string, extra: Record<string, string> = {}) => ({
    SLURM_ARRAY_TASK_ID: id,
    SLURM_ARRAY_TASK_MIN: min,
    SLURM_ARRAY_TASK_MAX: max,
    ...extra,
  });

  test("numbers of several digits and spaces around the option are read", () => {
    assert.deepEqual(parseShardOption(" 10/12 ", {}), { index: 10, count: 12, from: "the command line" });
    assert.equal(parseShardOption("/16", { JOB_COMPLETION_INDEX: " 12 " }).index, 13);
    assert.equal(parseShardOption("/12", slurm("1", "12", "11")).index, 11);
  });

  test("each refusal says what to write instead", () => {
    assert.deepEqual(
      refusal(() => parseShardOption(" 12 ", {})),
      [
        '--shard takes K/N (this is shard K of N), got " 12 ".',
        "write --shard K/12 for shard K of 12, or --shard /12 to read K from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) or a Slurm array (SLURM_ARRAY_TASK_ID); see `course grade --help`.",
      ],
    );
    for (const notLone of ["x4", "4x"])
      assert.equal(
        refusal(() => parseShardOption(notLone, {}))[1],
        "e.g. --shard 2/4, or --shard /4 to read K from a Kubernetes Indexed Job or a Slurm array; see `course grade --help`.",
      );
    assert.deepEqual(
      refusal(() => parseShardOption("1/0", {})),
      ["--shard 1/0: the number of shards must be at least 1.", "see `course grade --help`."],
    );
    assert.deepEqual(
      refusal(() => parseShardOption("5/4", {})),
      [
        "--shard 5/4: shards count from 1 to 4, so 5 is out of range.",
        "use a shard from 1/4 to 4/4, or raise N (see `course grade --help`).",
      ],
    );
    assert.equal(
      refusal(() => parseShardOption("/4", {}))[1],
      "run it as one task of an Indexed Job or a job array, or name the shard: --shard 1/4 … --shard 4/4.",
    );
  });

  test("an empty job runner variable is unset; a variable that is no whole number is named with how to fix it", () => {
    assert.equal(parseShardOption("2/4", { JOB_COMPLETION_INDEX: "", SLURM_ARRAY_TASK_ID: "" }).from, "the command line");
    for (const [name, env] of [
      ["JOB_COMPLETION_INDEX", { JOB_COMPLETION_INDEX: "1a" }],
      ["SLURM_ARRAY_TASK_ID", slurm("1", "4", "a1")],
      ["SLURM_ARRAY_TASK_MIN", slurm("one", "4", "1")],
      ["SLURM_ARRAY_TASK_MAX", slurm("1", "4.0", "1")],
      ["SLURM_ARRAY_TASK_STEP", slurm("1", "4", "1", { SLURM_ARRAY_TASK_STEP: "-1" })],
      ["SLURM_ARRAY_TASK_COUNT", slurm("1", "4", "1", { SLURM_ARRAY_TASK_COUNT: "four" })],
    ] as const) {
      const [message, fix] = refusal(() => parseShardOption("/4", env));
      assert.match(message, new RegExp(`^${name} is ".*", not a whole number\\.$`), name);
      assert.equal(fix, `unset ${name}, or fix the job that sets it.`);
    }
    assert.deepEqual(
      refusal(() => parseShardOption("/4", { JOB_COMPLETION_INDEX: "4" })),
      [
        "JOB_COMPLETION_INDEX=4, so this Indexed Job has at least 5 completions, but --shard asks for 4 shard(s).",
        "make them agree: completions: 4 in the Job, or --shard /5 or more.",
      ],
    );
  });

  test("Slurm: the array's bounds both needed; steps, single-task arrays and task ids checked against the range", () => {
    for (const env of [
      { SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_MIN: "1" },
      { SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_MAX: "4" },
    ])
      assert.equal(
        refusal(() => parseShardOption("/4", env))[1],
        "name the shard yourself: --shard $SLURM_ARRAY_TASK_ID/4 for --array=1-4, --shard $((SLURM_ARRAY_TASK_ID + 1))/4 for --array=0-3.",
      );
    assert.deepEqual(parseShardOption("/4", slurm("1", "7", "5", { SLURM_ARRAY_TASK_STEP: "2" })), {
      index: 3,
      count: 4,
      from: "SLURM_ARRAY_TASK_ID=5 (Slurm array --array=1-7:2, task 3 of 4)",
    });
    assert.equal(parseShardOption("/4", slurm("1", "4", "2")).from, "SLURM_ARRAY_TASK_ID=2 (Slurm array --array=1-4, task 2 of 4)");
    assert.equal(parseShardOption("/3", slurm("1", "7", "4", { SLURM_ARRAY_TASK_STEP: "3" })).index, 2);
    assert.equal(parseShardOption("/1", slurm("5", "5", "5")).index, 1, "an array of one task");
    assert.deepEqual(
      refusal(() => parseShardOption("/4", slurm("0", "4", "0", { SLURM_ARRAY_TASK_STEP: "3" }))),
      [
        "this Slurm array (SLURM_ARRAY_TASK_MIN=0, _MAX=4, _STEP=3) is not an evenly spaced range of task ids, so a task's id does not say which shard it is.",
        "submit the array as --array=1-4.",
      ],
    );
    assert.match(
      refusal(() => parseShardOption("/4", slurm("1", "4", "1", { SLURM_ARRAY_TASK_STEP: "0" })))[0],
      /, _STEP=0\) is not an evenly spaced range/,
    );
    assert.match(refusal(() => parseShardOption("/4", slurm("4", "1", "1")))[0], /_MAX=1, _STEP=1\) is not an evenly spaced range/);
    assert.match(
      refusal(() => parseShardOption("/4", slurm("1", "7", "1", { SLURM_ARRAY_TASK_STEP: "2", SLURM_ARRAY_TASK_COUNT: "5" })))[0],
      /_STEP=2, _COUNT=5\) is not/,
    );
    assert.deepEqual(
      refusal(() => parseShardOption("/4", slurm("1", "5", "2"))),
      ["the Slurm array has 5 task(s) (--array=1-5), but --shard asks for 4 shard(s).", "make them agree: --array=1-4, or --shard /5."],
    );
    for (const id of ["0", "6"])
      assert.deepEqual(
        refusal(() => parseShardOption("/3", slurm("1", "5", id, { SLURM_ARRAY_TASK_STEP: "2" }))),
        [`SLURM_ARRAY_TASK_ID=${id} is not one of the array's task ids (--array=1-5:2).`, "run the grader as a task of that array."],
      );
    assert.match(
      refusal(() => parseShardOption("/3", slurm("1", "5", "2", { SLURM_ARRAY_TASK_STEP: "2" })))[0],
      /^SLURM_ARRAY_TASK_ID=2 is not one/,
    );
    assert.match(
      refusal(() => parseShardOption("/4", slurm("1", "4", "0")))[0],
      /^SLURM_ARRAY_TASK_ID=0 is not one of the array's task ids \(--array=1-4\)/,
    );
    assert.equal(
      refusal(() => parseShardOption("/4", { ...slurm("1", "4", "2"), JOB_COMPLETION_INDEX: "0" }))[1],
      "run the grader under one job runner, or name the shard yourself with --shard K/N after unsetting both.",
    );
  });
});
