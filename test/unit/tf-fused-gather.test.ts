// The library's GatherV2 for TensorFlow.js (lib/tf/fast-gather.ts), the mini-batch
// slicing of model.fit, against tfjs's stock kernel on the wasm and cpu backends: the
// same values bit for bit where it applies, the stock kernel (and its errors) elsewhere,
// and fit with shuffling giving the same history with either.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { stockTensorFlowHooks, type Tf } from "../helpers/tfjs";
import { fastKernelsReport, fitSeeded, restoreStockKernels, seedWeights, useFastKernels } from "../../lib/tf";

type Tensor = import("@tensorflow/tfjs").Tensor;
let tf: Tf;

const BACKENDS = ["wasm", "cpu"];

stockTensorFlowHooks((loaded) => (tf = loaded));

/** Runs `f` on the stock kernels, then on the library's: both outcomes (value or error message) and the gather calls of the second run. */
function stockAndFast(f: () => Tensor): {
  stock: { value?: Tensor; error?: string };
  fast: { value?: Tensor; error?: string };
  calls: { fast: number; fallback: number };
} {
  const attempt = () => {
    try {
      return { value: f() };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  restoreStockKernels(tf);
  const stock = attempt();
  useFastKernels(tf);
  const before = fastKernelsReport().byKernel.GatherV2;
  const fast = attempt();
  const after = fastKernelsReport().byKernel.GatherV2;
  return { stock, fast, calls: { fast: after.fast - before.fast, fallback: after.fallback - before.fallback } };
}

function same(a: Tensor, b: Tensor, label: string): void {
  assert.deepEqual(b.shape, a.shape, `${label}: shape`);
  assert.equal(b.dtype, a.dtype, `${label}: dtype`);
  assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()), `${label}: values`);
}

describe("GatherV2 along the first axis", () => {
  test("gives the stock kernel's values, bit for bit, for rows of every length, dtype and index shape", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const images = tf.randomUniform([50, 7, 9], 0, 1, "float32", 1);
      const labels = tf.randomUniform([50], 0, 10, "int32", 2);
      const pairs = tf.randomUniform([50, 3], -5, 5, "int32", 3);
      // Repeated, reversed and out-of-order indices, as a shuffled epoch's batches are.
      const order = tf.tensor1d([49, 0, 17, 17, 3, 48, 1, 25], "int32");
      const grid = tf.tensor2d(
        [
          [4, 2],
          [2, 4],
          [0, 49],
        ],
        [3, 2],
        "int32",
      );
      const cases: [string, () => Tensor][] = [
        ["float32 rows of 63 (3-D)", () => tf.gather(images, order)],
        ["float32 rows, axis -3", () => tf.gather(images, order, -3)],
        ["int32 scalars (labels)", () => tf.gather(labels, order)],
        ["int32 rows of 3", () => tf.gather(pairs, order)],
        ["2-D indices", () => tf.gather(images, grid)],
        ["float32 labels (fit's targets)", () => tf.gather(labels.cast("float32"), order)],
        ["no indices", () => tf.gather(images, tf.tensor1d([], "int32"))],
      ];
      for (const [label, f] of cases) {
        const { stock, fast, calls } = stockAndFast(f);
        assert.equal(calls.fast, 1, `${backend} ${label}: the library's kernel ran`);
        same(stock.value!, fast.value!, `${backend} ${label}`);
        tf.dispose([stock.value!, fast.value!]);
      }
      tf.dispose([images, labels, pairs, order, grid]);
    }
  });

  test("goes to the stock kernel, with its answer or its error, for every case it does not cover", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const images = tf.randomUniform([20, 6, 4], 0, 1, "float32", 4);
      const flags = tf.tensor1d([true, false, true, true], "bool");
      const index = tf.tensor1d([3, 1, 2], "int32");
      const cases: [string, () => Tensor][] = [
        ["axis 1", () => tf.gather(images, index, 1)],
        ["axis -1", () => tf.gather(images, index, -1)],
        ["batchDims 1", () => tf.gather(images.slice([0, 0, 0], [3, 6, 4]), tf.tensor2d([[1], [0], [2]], [3, 1], "int32"), 1, 1)],
        ["bool values", () => tf.gather(flags, index)],
        ["an index past the end", () => tf.gather(images, tf.tensor1d([0, 20], "int32"))],
        ["a negative index", () => tf.gather(images, tf.tensor1d([-1, 2], "int32"))],
      ];
      for (const [label, f] of cases) {
        const { stock, fast, calls } = stockAndFast(f);
        assert.equal(calls.fast, 0, `${backend} ${label}: not computed by the library's kernel`);
        assert.equal(calls.fallback, 1, `${backend} ${label}: handed to the stock kernel`);
        assert.equal(fast.error, stock.error, `${backend} ${label}: the stock kernel's own error, if any`);
        // The stock wasm kernel's batchDims 1 output differs from call to call (tfjs 4.22): only the routing is checked there.
        const stable = !(backend === "wasm" && label.startsWith("batchDims"));
        if (stock.value && stable) same(stock.value, fast.value!, `${backend} ${label}`);
        tf.dispose([stock.value, fast.value].filter((t): t is Tensor => t !== undefined));
      }
      tf.dispose([images, flags, index]);
    }
  });

  test("fit's shuffled mini-batches give the stock kernel's history", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const x = tf.randomUniform([96, 6], -1, 1, "float32", 5);
      const y = tf.randomUniform([96], 0, 3, "int32", 6).cast("float32");
      const histories: number[][] = [];
      for (const fast of [false, true]) {
        if (fast) useFastKernels(tf, { kernels: ["GatherV2"] });
        else restoreStockKernels(tf);
        const before = fastKernelsReport().byKernel.GatherV2.fast;
        const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 3, activation: "softmax" })] });
        model.compile({ optimizer: tf.train.sgd(0.5), loss: "sparseCategoricalCrossentropy" });
        seedWeights(model, 8);
        // fitSeeded shuffles with a seeded order and takes each batch with tf.gather.
        const h = await fitSeeded(model, x, y, { epochs: 3, batchSize: 16, seed: 9 });
        histories.push(h.history.loss as number[]);
        if (fast)
          assert.equal(
            fastKernelsReport().byKernel.GatherV2.fast - before,
            2 * 3 * 6,
            `${backend}: every batch gathered by the library's kernel`,
          );
        model.dispose();
      }
      // Only the gather differs between the runs, and it copies the same numbers: the same losses exactly.
      assert.deepEqual(histories[1], histories[0], backend);
      tf.dispose([x, y]);
    }
    restoreStockKernels(tf);
  });
});
