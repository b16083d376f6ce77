// The pool every many-notebook command runs through (scripts/src/runner/pool.ts): how
// many run at once, the order of the results, and a kernel's start tried again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mapWithConcurrency, withStartAttempts } from "../../scripts/src/runner/pool";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("at most `limit` items run at once, and the results keep the items' order whatever finishes first", async () => {
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const results = await mapWithConcurrency([30, 5, 20, 1, 10], 2, async (ms, index) => {
    started.push(index);
    most = Math.max(most, ++running);
    await tick(ms);
    running--;
    return `${index}:${ms}`;
  });
  assert.deepEqual(results, ["0:30", "1:5", "2:20", "3:1", "4:10"]);
  assert.equal(most, 2);
  assert.deepEqual(started, [0, 1, 2, 3, 4], "items start in their order");
});

test("a limit of 0 or more than the items still runs every item", async () => {
  assert.deepEqual(await mapWithConcurrency([1, 2, 3], 0, async (n) => n * 2), [2, 4, 6]);
  assert.deepEqual(await mapWithConcurrency([1, 2], 8, async (n) => n * 2), [2, 4]);
  assert.deepEqual(await mapWithConcurrency([], 2, async (n: number) => n), []);
});

test("a start that fails is tried again with a fresh preparation, each one released, until one runs", async () => {
  const log: string[] = [];
  let n = 0;
  const ran = await withStartAttempts(
    3,
    () => `kernel ${++n}`,
    async (kernel) => {
      log.push(`run ${kernel}`);
      if (kernel !== "kernel 2") throw new Error(`${kernel} did not start`);
      return "ran";
    },
    {
      release: (kernel) => log.push(`release ${kernel}`),
      onRetry: (error, attempt) => log.push(`retry after ${attempt}: ${(error as Error).message}`),
    },
  );
  assert.deepEqual(ran, { ok: true, value: "ran" });
  assert.deepEqual(log, ["run kernel 1", "retry after 1: kernel 1 did not start", "release kernel 1", "run kernel 2", "release kernel 2"]);
});

test("after the last attempt the last error comes back, without another retry notice", async () => {
  let retries = 0;
  let runs = 0;
  const ran = await withStartAttempts(
    3,
    () => undefined,
    async () => {
      throw new Error(`start ${++runs} failed`);
    },
    { onRetry: () => retries++ },
  );
  assert.equal(ran.ok, false);
  assert.equal(!ran.ok && (ran.error as Error).message, "start 3 failed");
  assert.deepEqual([runs, retries], [3, 2]);
});

test("a preparation that throws is no missed start: it is thrown, not tried again", async () => {
  let prepared = 0;
  await assert.rejects(
    withStartAttempts(
      3,
      () => {
        prepared++;
        throw new Error("disk full");
      },
      async () => "ran",
    ),
    /disk full/,
  );
  assert.equal(prepared, 1);
});
