// Time limits a notebook declares in its metadata, for `course grade` and `course check`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { declaredTimeLimits, effectiveTimeLimits } from "../../scripts/src/assign/time-limits";
import { newNotebook } from "../../scripts/src/notebook";

const withLimits = (limits: unknown) => {
  const nb = newNotebook([]);
  (nb.metadata as Record<string, unknown>).nncourse = { time_limits: limits };
  return nb;
};

test("a notebook's declared limits are used unless the command line gives its own", () => {
  const defaults = { cellTimeoutMs: 30_000, notebookTimeoutMs: 300_000 };
  const declared = declaredTimeLimits(withLimits({ cell_seconds: 240, notebook_seconds: 900 }));
  assert.deepEqual(declared, { cellTimeoutMs: 240_000, notebookTimeoutMs: 900_000 });
  assert.deepEqual(effectiveTimeLimits(defaults, declared, {}), { cellTimeoutMs: 240_000, notebookTimeoutMs: 900_000 });
  assert.deepEqual(effectiveTimeLimits(defaults, declared, { cellTimeoutMs: 10_000 }), {
    cellTimeoutMs: 10_000,
    notebookTimeoutMs: 900_000,
  });
  assert.deepEqual(effectiveTimeLimits(defaults, {}, {}), defaults);
  assert.deepEqual(declaredTimeLimits(newNotebook([])), {});
  assert.deepEqual(declaredTimeLimits(withLimits({ cell_seconds: 120 })), { cellTimeoutMs: 120_000 });
});

test("a bad limit names the field and what it must be", () => {
  assert.throws(
    () => declaredTimeLimits(withLimits({ cell_seconds: "long" }), "notebooks/09.ipynb"),
    /notebooks\/09\.ipynb: metadata\.nncourse\.time_limits\.cell_seconds is "long"; it must be a number of seconds above 0/,
  );
  assert.throws(() => declaredTimeLimits(withLimits({ notebook_seconds: -5 })), /notebook_seconds is -5/);
});

test("a notebook limit alone leaves the cell limit to the defaults; 0 and infinite seconds are refused, named for the notebook", () => {
  assert.deepEqual(declaredTimeLimits(withLimits({ notebook_seconds: 600 })), { notebookTimeoutMs: 600_000 });
  assert.throws(
    () => declaredTimeLimits(withLimits({ cell_seconds: 0 })),
    /^Error: the notebook: metadata\.nncourse\.time_limits\.cell_seconds is 0; it must be a number of seconds above 0\.$/,
  );
  // JSON's 1e999 reads as Infinity.
  assert.throws(() => declaredTimeLimits(withLimits(JSON.parse('{ "cell_seconds": 1e999 }'))), /cell_seconds is null; it must be a number/);
});
