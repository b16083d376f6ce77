// The library's gradients of ReLU, clipByValue and softmax for TensorFlow.js
// (lib/tf/fast-gradients.ts) against tfjs's stock gradients, bit for bit, on the wasm
// and cpu backends: each gradient alone on values that reach every branch (negative,
// zero, positive, at the clip bounds, NaN), a Dense model's weights after training, and
// the cases that must keep the stock gradient (another backend's dtype, a gradient of a
// gradient).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { stockTensorFlowHooks, type Tf } from "../helpers/tfjs";
import { fastKernelsReport, restoreStockKernels, useFastKernels } from "../../lib/tf";
import { fastGradientsReport, restoreStockGradients, useFastGradients, type FastGradientName } from "../../lib/tf/fast-gradients";

type Tensor = import("@tensorflow/tfjs").Tensor;
let tf: Tf;

const BACKENDS = ["wasm", "cpu"];

stockTensorFlowHooks((loaded) => (tf = loaded));

/** The float32 bits of a tensor's values, so that −0 and +0, and NaNs, compare as they are. */
function bits(t: Tensor): number[] {
  return Array.from(new Int32Array(new Float32Array(t.dataSync()).buffer));
}

/** Runs `f` with the stock gradients, then with the library's one: both results, and the library's calls of it. */
function stockAndFast(name: FastGradientName, f: () => Tensor): { stock: Tensor; fast: Tensor; fastCalls: number; stockCalls: number } {
  restoreStockGradients(tf);
  const stock = f();
  useFastGradients(tf, [name]);
  const before = fastGradientsReport()[name];
  const fast = f();
  const after = fastGradientsReport()[name];
  restoreStockGradients(tf);
  return { stock, fast, fastCalls: after.fast - before.fast, stockCalls: after.stock - before.stock };
}

describe("each gradient on its own", () => {
  // Every branch: negative, −0, +0, positive, the clip bounds and just outside them, NaN and infinities.
  const xs = [-2.5, -1e-8, -0, 0, 1e-8, 0.3, 1e-7, 1 - 1e-7, 0.9999999, 1, 2, NaN, Infinity, -Infinity, 0.5, -0.3];
  // Upstream gradients of both signs, so that a product with 0 gives −0 where it should.
  const dys = xs.map((_, i) => (i % 3 === 0 ? -1.5 : 0.25 * (i + 1)));

  test("ReLU: dy·step(x), the stock gradient's bits, NaN where x is NaN", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const x = tf.tensor2d(xs, [4, 4]);
      const dy = tf.tensor2d(dys, [4, 4]);
      const { stock, fast, fastCalls } = stockAndFast("Relu", () => tf.grad((v: Tensor) => tf.relu(v))(x, dy));
      assert.equal(fastCalls, 1, `${backend}: the library's gradient ran`);
      assert.deepEqual(bits(fast), bits(stock), backend);
      // Independently of tfjs: dy where x > 0, a zero where x ≤ 0, NaN where x is NaN.
      const expected = xs.map((v, i) => (Number.isNaN(v) ? NaN : v > 0 ? Math.fround(dys[i]!) : dys[i]! * 0));
      assert.deepEqual(Array.from(fast.dataSync()), expected, backend);
      tf.dispose([x, dy, stock, fast]);
    }
  });

  test("clipByValue: dy inside the bounds (bounds included, as float32), 0 outside and for NaN", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const x = tf.tensor2d(xs, [4, 4]);
      const dy = tf.tensor2d(dys, [4, 4]);
      // The bounds of tfjs-layers' cross-entropy, ε = 1e-7 and 1 − ε, and bounds that round
      // to float32 outward (so that ±0.3 as float32 is inside only when they are rounded too).
      for (const [low, high] of [
        [1e-7, 1 - 1e-7],
        [-0.3, 0.3],
      ] as const) {
        const label = `${backend} [${low}, ${high}]`;
        const { stock, fast, fastCalls } = stockAndFast("ClipByValue", () => tf.grad((v: Tensor) => tf.clipByValue(v, low, high))(x, dy));
        assert.equal(fastCalls, 1, `${label}: the library's gradient ran`);
        assert.deepEqual(bits(fast), bits(stock), label);
        // x is a float32 tensor, and tfjs compares it with the bounds as float32 scalars.
        const inside = (v: number) => Math.fround(v) >= Math.fround(low) && Math.fround(v) <= Math.fround(high);
        assert.deepEqual(
          Array.from(fast.dataSync()),
          xs.map((v, i) => (inside(v) ? Math.fround(dys[i]!) : 0)),
          label,
        );
        tf.dispose([stock, fast]);
      }
      assert.ok(Math.fround(0.3) > 0.3 && Math.fround(-0.3) < -0.3, "the bounds round outward");
      tf.dispose([x, dy]);
    }
  });

  test("softmax: dy·y − sum(dy·y)·y along the last axis, the stock gradient's bits", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      // Rows long enough that the order of a sum would show in the last bits.
      const logits = tf.randomNormal([5, 37], 0, 3, "float32", 11);
      const dy = tf.randomNormal([5, 37], 0, 1, "float32", 12);
      const { stock, fast, fastCalls } = stockAndFast("Softmax", () => tf.grad((v: Tensor) => tf.softmax(v))(logits, dy));
      assert.equal(fastCalls, 1, `${backend}: the library's gradient ran`);
      assert.deepEqual(bits(fast), bits(stock), backend);
      // The formula, in float64 from the same softmax: agrees to float32 rounding.
      const y = tf.softmax(logits);
      const [yv, dv, fv] = [y.arraySync() as number[][], dy.arraySync() as number[][], fast.arraySync() as number[][]];
      yv.forEach((row, r) => {
        const s = row.reduce((acc, yj, j) => acc + dv[r]![j]! * yj, 0);
        row.forEach((yj, j) => assert.ok(Math.abs(fv[r]![j]! - (dv[r]![j]! * yj - s * yj)) < 1e-6, `${backend} [${r}, ${j}]`));
      });
      tf.dispose([logits, dy, y, stock, fast]);
    }
  });

  test("the input's gradient only: a softmax along another axis and a 3-D ReLU agree too", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const x = tf.randomNormal([3, 4, 5], 0, 1, "float32", 13);
      const dy = tf.randomNormal([3, 4, 5], 0, 1, "float32", 14);
      for (const [name, f] of [
        ["Relu", (v: Tensor) => tf.relu(v)],
        ["Softmax", (v: Tensor) => tf.softmax(v)],
      ] as const) {
        const { stock, fast, fastCalls } = stockAndFast(name, () => tf.grad(f)(x, dy));
        assert.equal(fastCalls, 1, `${backend} ${name}`);
        assert.deepEqual(bits(fast), bits(stock), `${backend} ${name}`);
        tf.dispose([stock, fast]);
      }
      tf.dispose([x, dy]);
    }
  });
});

describe("where the stock gradient stays", () => {
  test("a gradient of a gradient: the engine records the stock ops, and the second derivative is right", async () => {
    await tf.setBackend("wasm");
    const x = tf.tensor1d([-1, 0.5, 2]);
    // The gradient of sum(relu(x)²)/2 is relu(x)·step(x); its derivative is step(x), 0 or 1.
    const f = (v: Tensor) => tf.relu(v).square().sum().div(2) as never;
    const second = (v: Tensor) => tf.grad((w: Tensor) => tf.grad(f)(w).sum() as never)(v);
    const { stock, fast, stockCalls } = stockAndFast("Relu", () => second(x));
    assert.ok(stockCalls >= 1, "the inner gradient ran the stock gradient");
    assert.deepEqual(Array.from(fast.dataSync()), Array.from(stock.dataSync()));
    assert.deepEqual(Array.from(fast.dataSync()), [0, 1, 1]);
    tf.dispose([x, stock, fast]);
  });

  test("the library's gradient kernels exist only for wasm and cpu; useFastGradients again with fewer names puts the others back", async () => {
    await tf.setBackend("wasm");
    useFastGradients(tf, ["Relu", "Softmax"]);
    const x = tf.tensor1d([-1, 2]);
    const before = fastGradientsReport();
    const g = tf.grad((v: Tensor) => tf.clipByValue(tf.relu(v), 0, 1).sum() as never)(x);
    const after = fastGradientsReport();
    assert.equal(after.Relu.fast - before.Relu.fast, 1, "ReLU's is the library's");
    assert.equal(after.ClipByValue.fast - before.ClipByValue.fast, 0, "clipByValue's is tfjs's again");
    assert.equal(after.ClipByValue.stock - before.ClipByValue.stock, 0, "tfjs's own, not the override calling it");
    assert.deepEqual(Array.from(g.dataSync()), [0, 0]);
    restoreStockGradients(tf);
    tf.dispose([x, g]);
  });
});

describe("training a Dense model", () => {
  test("with useFastKernels, a model's weights after fit are the stock gradients' weights, bit for bit", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const x = tf.randomUniform([96, 20], 0, 1, "float32", 21);
      const y = tf.randomUniform([96], 0, 5, "int32", 22).cast("float32");
      const trainedWeights = async (): Promise<number[][]> => {
        const model = tf.sequential({
          layers: [
            tf.layers.dense({
              inputShape: [20],
              units: 16,
              activation: "relu",
              kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
            }),
            tf.layers.dense({ units: 5, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
          ],
        });
        model.compile({ optimizer: tf.train.momentum(0.1, 0.9), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
        await model.fit(x, y, { batchSize: 32, epochs: 3, shuffle: false, verbose: 0 });
        const weights = model.getWeights().map((w) => bits(w));
        model.dispose();
        return weights;
      };
      // The kernels stay stock in both runs: only the gradients differ.
      restoreStockKernels(tf);
      const stock = await trainedWeights();
      useFastKernels(tf, { kernels: [], gradients: ["Relu", "ClipByValue", "Softmax"] });
      const before = fastKernelsReport().gradients;
      const fast = await trainedWeights();
      const after = fastKernelsReport().gradients;
      restoreStockKernels(tf);
      // 3 epochs of 3 batches: one ReLU and one softmax gradient per step, and the loss clips twice.
      assert.equal(after.Relu.fast - before.Relu.fast, 9, backend);
      assert.equal(after.Softmax.fast - before.Softmax.fast, 9, backend);
      assert.equal(after.ClipByValue.fast - before.ClipByValue.fast, 18, backend);
      assert.deepEqual(fast, stock, backend);
      tf.dispose([x, y]);
    }
  });

  test("useFastKernels registers the gradients by default, and not with a subset of kernels", () => {
    restoreStockKernels(tf);
    const stockRelu = tf.getGradient("Relu")!.gradFunc;
    const stockSoftmax = tf.getGradient("Softmax")!.gradFunc;
    useFastKernels(tf);
    assert.notEqual(tf.getGradient("Relu")!.gradFunc, stockRelu);
    assert.notEqual(tf.getGradient("Softmax")!.gradFunc, stockSoftmax);
    useFastKernels(tf, { kernels: ["Sum"] });
    assert.equal(tf.getGradient("Relu")!.gradFunc, stockRelu);
    useFastKernels(tf);
    restoreStockKernels(tf);
    assert.equal(tf.getGradient("Softmax")!.gradFunc, stockSoftmax);
  });
});
