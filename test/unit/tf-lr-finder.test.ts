// The learning-rate finder: the exponential schedule, the smoothing, the pick (turning
// point / 10), and a sweep on a tiny seeded regression model.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { exponentialRates, findLearningRate, initTensorFlow, seedWeights, smoothLosses, suggestLearningRate } from "../../lib/tf";

type Tf = typeof import("@tensorflow/tfjs");
let tf: Tf;

before(async () => {
  process.env.NNCOURSE_TF_BACKEND = "wasm";
  tf = (await initTensorFlow({ fastKernels: false })).tf;
});

describe("exponentialRates", () => {
  test("runs from minRate to maxRate with a constant ratio", () => {
    const rates = exponentialRates(1e-5, 10, 13);
    assert.equal(rates.length, 13);
    assert.ok(Math.abs(rates[0] - 1e-5) < 1e-15);
    assert.ok(Math.abs(rates[12] - 10) < 1e-9);
    const ratio = rates[1] / rates[0];
    assert.ok(Math.abs(ratio - 10 ** 0.5) < 1e-9, `ratio ${ratio}: six decades in 12 steps is √10 per step`);
    rates.slice(1).forEach((r, i) => assert.ok(Math.abs(r / rates[i] - ratio) < 1e-9));
  });
  test("refuses an empty or upside-down range", () => {
    assert.throws(() => exponentialRates(0, 1, 10), RangeError);
    assert.throws(() => exponentialRates(1, 0.1, 10), RangeError);
    assert.throws(() => exponentialRates(1e-3, 1, 1), RangeError);
  });
});

describe("smoothLosses and suggestLearningRate", () => {
  test("the bias-corrected average starts at the first loss and follows a constant", () => {
    assert.deepEqual(
      smoothLosses([2, 2, 2], 0.8).map((v) => Number(v.toFixed(12))),
      [2, 2, 2],
    );
    const s = smoothLosses([1, 3], 0.5);
    assert.equal(s[0], 1);
    // (0.5·0.5·1 + 0.5·3) / (1 − 0.25) = 1.75 / 0.75
    assert.ok(Math.abs(s[1] - 1.75 / 0.75) < 1e-12);
    assert.deepEqual(smoothLosses([5, 1, 7], 0), [5, 1, 7]);
  });
  test("picks the rate of the lowest smoothed loss, divided by 10", () => {
    const rates = exponentialRates(1e-4, 1, 9); // 1e-4, 3.16e-4, 1e-3, …
    const losses = [1, 0.9, 0.7, 0.4, 0.2, 0.1, 0.3, 2, 50]; // lowest at index 5
    const pick = suggestLearningRate(rates, losses, { smoothing: 0 });
    assert.equal(pick.turningIndex, 5);
    assert.equal(pick.turningRate, rates[5]);
    assert.ok(Math.abs(pick.suggested - rates[5] / 10) < 1e-15);
    assert.ok(Math.abs(suggestLearningRate(rates, losses, { smoothing: 0, divisor: 3 }).suggested - rates[5] / 3) < 1e-15);
  });
  test("skips losses that are not finite, and says so when none is", () => {
    const pick = suggestLearningRate([1, 2, 3], [0.5, 0.4, NaN], { smoothing: 0 });
    assert.equal(pick.turningIndex, 1);
    assert.throws(() => suggestLearningRate([1, 2], [NaN, NaN]), RangeError);
    assert.throws(() => suggestLearningRate([1, 2], [1]), RangeError);
  });
});

describe("findLearningRate on a tiny seeded model", () => {
  function data(n = 256) {
    // y = 2 x0 − x1 + 0.5, fixed by the index: no randomness.
    const rows = Array.from({ length: n }, (_, i) => [Math.sin(i), Math.cos(1.7 * i)]);
    return { x: tf.tensor2d(rows), y: tf.tensor2d(rows.map(([a, b]) => [2 * a - b + 0.5])) };
  }
  function model(optimizer: import("@tensorflow/tfjs").Optimizer) {
    const m = tf.sequential({
      layers: [tf.layers.dense({ units: 8, activation: "relu", inputShape: [2] }), tf.layers.dense({ units: 1 })],
    });
    m.compile({ loss: "meanSquaredError", optimizer });
    return seedWeights(m, 3);
  }

  test("one loss per batch at exponentially growing rates; stops when the loss shoots up; puts the weights and rate back", async () => {
    const { x, y } = data();
    const sgd = tf.train.sgd(0.05);
    const m = model(sgd);
    const before = m.getWeights().map((w) => Array.from(w.dataSync()));
    const tensorsBefore = tf.memory().numTensors;
    const sweep = await findLearningRate(m, x, y, { minRate: 1e-5, maxRate: 10, batchSize: 8, seed: 1 });
    const leaked = tf.memory().numTensors - tensorsBefore;
    const schedule = exponentialRates(1e-5, 10, 32);
    assert.ok(sweep.rates.length >= 5, `only ${sweep.rates.length} batches ran`);
    assert.equal(sweep.losses.length, sweep.rates.length);
    sweep.rates.forEach((r, i) =>
      assert.ok(Math.abs(r - schedule[i]) <= 1e-12 * schedule[i], `batch ${i}: rate ${r}, expected ${schedule[i]}`),
    );
    // At 10 SGD diverges on this problem: the sweep stops before the last batch.
    assert.ok(sweep.stoppedEarly, "the loss should shoot up before a learning rate of 10");
    assert.ok(sweep.rates.length < 32);
    const last = sweep.losses[sweep.losses.length - 1];
    assert.ok(!Number.isFinite(last) || last > sweep.losses[sweep.turningIndex], "the sweep ends with a loss above the turning point's");
    // The pick follows from the recorded losses, and lies inside the swept range.
    const again = suggestLearningRate(sweep.rates, sweep.losses);
    assert.equal(sweep.turningIndex, again.turningIndex);
    assert.ok(Math.abs(sweep.suggested - sweep.turningRate / 10) < 1e-15);
    assert.ok(sweep.turningRate > 1e-5 && sweep.turningRate < 10);
    // Somewhere between the tiny and the huge rates training helped: the smoothed loss fell below its start.
    assert.ok(sweep.smoothed[sweep.turningIndex] < sweep.smoothed[0]);
    // Weights and learning rate are restored, and nothing leaked but the optimizer's own state.
    const after = m.getWeights().map((w) => Array.from(w.dataSync()));
    assert.deepEqual(after, before);
    assert.equal((sgd as unknown as { learningRate: number }).learningRate, 0.05);
    assert.equal(leaked, 0, "tensors left behind by the sweep");
    m.dispose();
    tf.dispose([x, y]);
  });

  test("is reproducible with a seed, and works with Adam (which reads learningRate directly)", async () => {
    const { x, y } = data();
    const runs = [];
    for (let k = 0; k < 2; k++) {
      const m = model(tf.train.adam(0.01));
      runs.push(await findLearningRate(m, x, y, { minRate: 1e-4, maxRate: 1, batchSize: 16, seed: 7, stopFactor: Infinity }));
      assert.equal((m.optimizer as unknown as { learningRate: number }).learningRate, 0.01);
      m.optimizer.dispose();
      m.dispose();
    }
    assert.deepEqual(runs[0].losses, runs[1].losses);
    assert.equal(runs[0].rates.length, 16, "with stopFactor Infinity the whole epoch runs");
    assert.equal(runs[0].stoppedEarly, false);
    // Over four decades with Adam the loss must fall somewhere: the turning point is not the first batch.
    assert.ok(runs[0].turningIndex > 0);
    tf.dispose([x, y]);
  });

  test("refuses an uncompiled model", async () => {
    const { x, y } = data(16);
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    await assert.rejects(() => findLearningRate(m, x, y), /compile the model first/);
    m.dispose();
    tf.dispose([x, y]);
  });
});
