// The library's Identity for the wasm backend (lib/tf/shared-identity.ts): a clone
// shares its input's data instead of copying it. Checked against the stock kernel: the
// same values, each tensor readable after the other is disposed, no memory kept after
// both are, a variable's clone unchanged by assign, the stock kernel for strings and on
// cpu, and training (whose saved tensors are clones) with the same losses bit for bit.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { stockTensorFlowHooks, type Tf } from "../helpers/tfjs";
import { fastKernelsReport, restoreStockKernels, seedWeights, useFastKernels } from "../../lib/tf";

let tf: Tf;

stockTensorFlowHooks((loaded) => (tf = loaded));

function identityCalls(): { fast: number; fallback: number } {
  return { ...fastKernelsReport().byKernel.Identity };
}

describe("Identity on wasm, shared", () => {
  test("a clone has the input's values, and each stays readable after the other is disposed, with nothing left after both", async () => {
    await tf.setBackend("wasm");
    useFastKernels(tf, { kernels: ["Identity"] });
    for (const dtype of ["float32", "int32", "bool"] as const) {
      const start = tf.memory().numBytes;
      const values = [3, -1, 0, 7, 2, 5];
      const before = identityCalls().fast;
      const x = tf.tensor2d(values, [2, 3], dtype);
      const y = tf.clone(x);
      assert.equal(identityCalls().fast - before, 1, `${dtype}: the library's kernel ran`);
      assert.deepEqual(y.shape, [2, 3]);
      assert.equal(y.dtype, dtype);
      const expected = Array.from(x.dataSync());
      x.dispose();
      // The stock kernel's copy would survive this too; a clone sharing data without counting it would be freed here.
      assert.deepEqual(Array.from(y.dataSync()), expected, `${dtype}: the clone outlives its input`);
      const z = tf.clone(y);
      y.dispose();
      assert.deepEqual(Array.from(z.dataSync()), expected, `${dtype}: the clone's clone outlives it`);
      z.dispose();
      assert.equal(tf.memory().numBytes, start, `${dtype}: no memory kept`);
    }
    restoreStockKernels(tf);
  });

  test("a variable's clone keeps the old values when the variable is assigned", async () => {
    await tf.setBackend("wasm");
    useFastKernels(tf, { kernels: ["Identity"] });
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const saved = tf.clone(v);
    v.assign(tf.tensor1d([7, 8, 9]));
    assert.deepEqual(Array.from(saved.dataSync()), [1, 2, 3]);
    assert.deepEqual(Array.from(v.dataSync()), [7, 8, 9]);
    tf.dispose([v, saved]);
    restoreStockKernels(tf);
  });

  test("strings, and the cpu backend (whose own kernel already shares), go to the stock kernel", async () => {
    useFastKernels(tf, { kernels: ["Identity"] });
    for (const backend of ["wasm", "cpu"]) {
      await tf.setBackend(backend);
      const before = identityCalls();
      const words = tf.clone(tf.tensor1d(["a", "bc"], "string"));
      assert.deepEqual(words.arraySync(), ["a", "bc"], backend);
      const numbers = tf.clone(tf.tensor1d([1, 2]));
      assert.deepEqual(Array.from(numbers.dataSync()), [1, 2], backend);
      const after = identityCalls();
      assert.equal(after.fast - before.fast, backend === "wasm" ? 1 : 0, `${backend}: calls of the library's kernel`);
      assert.equal(after.fallback - before.fallback, backend === "wasm" ? 1 : 2, `${backend}: calls handed to the stock kernel`);
      tf.dispose([words, numbers]);
    }
    await tf.setBackend("wasm");
    restoreStockKernels(tf);
  });

  test("training, whose saved tensors are clones, gives the stock kernel's losses bit for bit", async () => {
    await tf.setBackend("wasm");
    const x = tf.randomUniform([64, 12], -1, 1, "float32", 1);
    const y = tf.randomUniform([64], 0, 4, "int32", 2).cast("float32");
    const losses: number[][] = [];
    for (const shared of [false, true]) {
      if (shared) useFastKernels(tf, { kernels: ["Identity"] });
      else restoreStockKernels(tf);
      const before = identityCalls().fast;
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [12], units: 16, activation: "relu" }),
          tf.layers.dense({ units: 4, activation: "softmax" }),
        ],
      });
      model.compile({ optimizer: tf.train.adam(0.01), loss: "sparseCategoricalCrossentropy" });
      seedWeights(model, 3);
      const h = await model.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
      losses.push(h.history.loss as number[]);
      if (shared) assert.ok(identityCalls().fast - before > 12, "the saved tensors were shared");
      model.dispose();
    }
    assert.deepEqual(losses[1], losses[0]);
    tf.dispose([x, y]);
    restoreStockKernels(tf);
  });
});
