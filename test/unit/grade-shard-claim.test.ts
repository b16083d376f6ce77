// A gradebook holds one shard, or one run without shards: the claim a sharded
// course grade makes before it stores anything (gradebook/shard-record.ts).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CourseError } from "../../scripts/src/errors";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import { claimShard, readShardRecord, shardClaimProblem } from "../../scripts/src/gradebook/shard-record";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grade-shard-claim-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;

function withGradebook(fn: (g: Gradebook) => void): void {
  const gradebook = Gradebook.open(path.join(dir, `g${files++}.sqlite`));
  try {
    fn(gradebook);
  } finally {
    gradebook.close();
  }
}

const masters = new Map([
  ["01-b", "sha-b"],
  ["00-a", "sha-a"],
]);

describe("which runs may write into which gradebook", () => {
  const s = (index: number, count: number) => ({ index, count });
  test("allowed: a new gradebook for anything, a shard's own gradebook again, an unsharded one again", () => {
    assert.equal(shardClaimProblem(undefined, s(1, 4), false, "f"), undefined);
    assert.equal(shardClaimProblem(undefined, undefined, true, "f"), undefined);
    assert.equal(shardClaimProblem(s(1, 4), s(1, 4), true, "f"), undefined);
  });
  test("refused: another shard, a shard into an unsharded run's grades, an unsharded run into a shard", () => {
    assert.match(shardClaimProblem(s(1, 4), s(2, 4), true, "f")!.message, /holds shard 1\/4; shard 2\/4 needs one of its own/);
    assert.match(shardClaimProblem(s(1, 4), s(1, 2), false, "f")!.message, /holds shard 1\/4/);
    assert.match(shardClaimProblem(undefined, s(1, 4), true, "f")!.message, /run without --shard/);
    assert.match(shardClaimProblem(s(3, 4), undefined, true, "f")!.message, /holds shard 3\/4 of a sharded run/);
    assert.match(shardClaimProblem(s(3, 4), undefined, true, "f")!.fix!, /course gradebook merge/);
  });
});

describe("claiming a gradebook", () => {
  test("a shard's claim records the shard and the masters, and a rerun of the shard updates the masters", () => {
    withGradebook((g) => {
      claimShard(g, { index: 2, count: 4 }, masters);
      const record = readShardRecord(g);
      assert.deepEqual(record.shard, { index: 2, count: 4 });
      assert.deepEqual(record.masters, masters);
      claimShard(g, { index: 2, count: 4 }, new Map([["00-a", "sha-a2"]]));
      assert.deepEqual([...readShardRecord(g).masters!], [["00-a", "sha-a2"]]);
    });
  });

  test("a second shard, or a run of every submission, is refused before anything is stored", () => {
    withGradebook((g) => {
      claimShard(g, { index: 1, count: 4 }, masters);
      assert.throws(() => claimShard(g, { index: 2, count: 4 }, masters), CourseError);
      assert.throws(() => claimShard(g, undefined, masters), CourseError);
      assert.deepEqual(readShardRecord(g).shard, { index: 1, count: 4 });
    });
  });

  test("a run without shards records nothing, and its grades keep shards out", () => {
    withGradebook((g) => {
      claimShard(g, undefined, masters);
      assert.deepEqual(readShardRecord(g), { shard: undefined, masters: undefined });
      g.reject("notes.txt", "not a .ipynb file", null);
      assert.throws(() => claimShard(g, { index: 1, count: 2 }, masters), /run without --shard/);
      claimShard(g, undefined, masters);
    });
  });

  test("a damaged record is reported, not guessed at", () => {
    withGradebook((g) => {
      g.database.prepare("INSERT INTO meta (key, value) VALUES ('shard', '5/4')").run();
      assert.throws(() => readShardRecord(g), /damaged/);
    });
  });
});
