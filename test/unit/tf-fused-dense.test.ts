// The library's Dense kernels for TensorFlow.js (lib/tf/fused-dense.ts, fast-matmul.ts)
// against tfjs's stock kernels on the wasm and cpu backends: the fused product with
// each covered activation, with and without bias, with each transpose; the fallback to
// the stock kernel for every case not covered; gradients through tf.grads and
// tf.variableGrads; and Dense models trained and run with both.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { stockTensorFlowHooks, type Tf } from "../helpers/tfjs";
import { configureKernels, kernelsReady } from "../../lib/core/kernels";
import { fastKernelsReport, restoreStockKernels, seedWeights, useFastKernels, type FastKernelName } from "../../lib/tf";

type Tensor = import("@tensorflow/tfjs").Tensor;
let tf: Tf;

const BACKENDS = ["wasm", "cpu"];

stockTensorFlowHooks(
  (loaded) => (tf = loaded),
  () => {
    configureKernels();
  },
);

/** Seeded values in [-1, 1): relu cuts about half of a product's entries. */
function rand(shape: number[], seed: number): Tensor {
  return tf.randomUniform(shape, -1, 1, "float32", seed);
}

function maxDiff(a: Tensor, b: Tensor): number {
  assert.deepEqual(a.shape, b.shape, "shapes");
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!);
}

/** Agreement to float32 rounding of sums of some hundred terms of size about 1. */
const CLOSE = 1e-4;

/** Runs `f` on the stock kernels, then on the library's; returns both results and the calls each kernel counted in the fast run. */
function stockAndFast<T>(f: () => T): { stock: T; fast: T; fastCalls: Record<FastKernelName, { fast: number; fallback: number }> } {
  restoreStockKernels(tf);
  const stock = f();
  useFastKernels(tf);
  const before = fastKernelsReport().byKernel;
  const fast = f();
  const after = fastKernelsReport().byKernel;
  const fastCalls = Object.fromEntries(
    Object.entries(after).map(([k, v]) => [
      k,
      { fast: v.fast - before[k as FastKernelName].fast, fallback: v.fallback - before[k as FastKernelName].fallback },
    ]),
  ) as Record<FastKernelName, { fast: number; fallback: number }>;
  return { stock, fast, fastCalls };
}

// Sizes with m, n and k all different, so that an operand read the wrong way round
// gives other numbers (or the wrong shape), not the same ones.
const M = 37;
const K = 23;
const N = 11;

/** The operands of a·b (m×k by k×n) as stored for each transpose, and the product's call. */
function operands(transposeA: boolean, transposeB: boolean, seed: number): { a: Tensor; b: Tensor } {
  return { a: rand(transposeA ? [K, M] : [M, K], seed), b: rand(transposeB ? [N, K] : [K, N], seed + 1) };
}

const TRANSPOSES: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
];

describe("_FusedMatMul on the library's kernels", () => {
  test("agrees with the stock kernel for each covered activation, bias form and transpose, on wasm and cpu", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      let seed = 10;
      for (const activation of ["linear", "relu"] as const) {
        for (const biasShape of [null, [N], [1, N]]) {
          for (const [transposeA, transposeB] of TRANSPOSES) {
            const { a, b } = operands(transposeA, transposeB, seed++);
            // A bias of size about the product's entries moves many across zero, so that relu before bias differs.
            const bias = biasShape ? rand(biasShape, seed++).mul(2) : undefined;
            const label = `${backend} ${activation} bias ${biasShape ? `[${biasShape}]` : "none"} transposeA ${transposeA} transposeB ${transposeB}`;
            // The reference: tfjs's unfused ops (product, bias, activation) on the stock kernels.
            restoreStockKernels(tf);
            const reference = tf.tidy(() => {
              const y = bias ? tf.matMul(a, b, transposeA, transposeB).add(bias) : tf.matMul(a, b, transposeA, transposeB);
              return activation === "relu" ? tf.relu(y) : y;
            });
            // The stock wasm kernel takes only a 1-D bias, and adds it to the wrong entries of a transposed product (tfjs 4.22).
            const stockFusedWorks = backend === "cpu" || (biasShape?.length !== 2 && !(bias && (transposeA || transposeB)));
            const { stock, fast, fastCalls } = stockAndFast(() =>
              stockFusedWorks || fastKernelsReport().backends.length > 0
                ? tf.fused.matMul({ a, b, bias, activation, transposeA, transposeB })
                : reference.clone(),
            );
            assert.equal(fastCalls._FusedMatMul.fast, 1, `${label}: the library's kernel ran`);
            assert.deepEqual(fast.shape, [M, N], label);
            assert.ok(maxDiff(reference, fast) < CLOSE, `${label}: differs from the stock unfused ops by ${maxDiff(reference, fast)}`);
            assert.ok(maxDiff(stock, fast) < CLOSE, `${label}: differs from the stock fused kernel by ${maxDiff(stock, fast)}`);
            if (activation === "relu") assert.ok(fast.min().dataSync()[0]! >= 0, `${label}: relu leaves no negative entry`);
            tf.dispose([a, b, stock, fast, reference, ...(bias ? [bias] : [])]);
          }
        }
      }
    }
  });

  test("a Dense layer's own call (predict) runs on it, with tfjs's answer", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const layer = tf.layers.dense({ units: N, activation: "relu", inputShape: [K] });
      const model = seedWeights(tf.sequential({ layers: [layer] }), 3);
      // A bias far from zero: a bias added to the wrong entries, or relu taken before it, shows.
      layer.setWeights([layer.getWeights()[0]!, rand([N], 4).mul(3)]);
      const x = rand([M, K], 5);
      const { stock, fast, fastCalls } = stockAndFast(() => model.predict(x, { batchSize: M }) as Tensor);
      assert.equal(fastCalls._FusedMatMul.fast, 1, `${backend}: predict ran the fused kernel`);
      assert.ok(maxDiff(stock, fast) < CLOSE, `${backend}: differs by ${maxDiff(stock, fast)}`);
      tf.dispose([x, stock, fast]);
      model.dispose();
    }
  });

  test("goes to the stock kernel, with its answer, for every case it does not cover", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const { a, b } = operands(false, false, 40);
      const at = a.transpose();
      const bt = b.transpose();
      const cases: [string, () => Tensor][] = [
        ["elu", () => tf.fused.matMul({ a, b, activation: "elu" })],
        ["relu6", () => tf.fused.matMul({ a, b, activation: "relu6" })],
        ["sigmoid", () => tf.fused.matMul({ a, b, activation: "sigmoid" })],
        ["leakyrelu, alpha 0.3", () => tf.fused.matMul({ a, b, activation: "leakyrelu", leakyreluAlpha: 0.3 })],
        ["prelu with weights", () => tf.fused.matMul({ a, b, activation: "prelu", preluActivationWeights: rand([N], 41) })],
        ["relu, with prelu weights given too", () => tf.fused.matMul({ a, b, activation: "relu", preluActivationWeights: rand([N], 41) })],
        ["bias per row [m, 1]", () => tf.fused.matMul({ a, b, bias: rand([M, 1], 42), activation: "relu" })],
        ["bias per entry [m, n]", () => tf.fused.matMul({ a, b, bias: rand([M, N], 43) })],
        ["scalar bias", () => tf.fused.matMul({ a, b, bias: tf.scalar(0.5) })],
        ["both transposed", () => tf.fused.matMul({ a: at, b: bt, transposeA: true, transposeB: true, activation: "relu" })],
        ["batched", () => tf.fused.matMul({ a: tf.stack([a, a.mul(2)]), b: tf.stack([b, b]), activation: "relu" })],
        ["int32", () => tf.fused.matMul({ a: a.mul(10).cast("int32"), b: b.mul(10).cast("int32") })],
      ];
      for (const [label, f] of cases) {
        // Where the stock kernel refuses a case (the wasm one takes only a 1-D bias), the fallback refuses it with the same words.
        const attempt = () => {
          try {
            return { value: f() };
          } catch (e) {
            return { error: (e as Error).message };
          }
        };
        const { stock, fast, fastCalls } = stockAndFast(attempt);
        assert.equal(fastCalls._FusedMatMul.fast, 0, `${backend} ${label}: not computed by the library's kernel`);
        assert.equal(fastCalls._FusedMatMul.fallback, 1, `${backend} ${label}: handed to the stock kernel`);
        assert.equal(fast.error, stock.error, `${backend} ${label}: the stock kernel's own error, if any`);
        if (stock.value && fast.value)
          assert.equal(maxDiff(stock.value, fast.value), 0, `${backend} ${label}: the stock kernel's own answer`);
        tf.dispose([stock.value, fast.value].filter((t): t is Tensor => t !== undefined));
      }
      assert.throws(() => tf.fused.matMul({ a, b: a }), /inner shapes \(23\) and \(37\)/, "shape errors are tfjs's own");
      tf.dispose([a, b, at, bt]);
    }
  });
});

describe("gradients of Dense products", () => {
  test("tf.grads of a fused product agree with stock for each activation, bias and transpose", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      let seed = 60;
      for (const activation of ["linear", "relu"] as const) {
        for (const withBias of [false, true]) {
          for (const [transposeA, transposeB] of TRANSPOSES) {
            const { a, b } = operands(transposeA, transposeB, seed++);
            const bias = rand([N], seed++).mul(2);
            const dy = rand([M, N], seed++);
            const label = `${backend} ${activation} ${withBias ? "with" : "without"} bias transposeA ${transposeA} transposeB ${transposeB}`;
            // The loss weighs each output differently (dy), so that a gradient of the wrong entry shows.
            const loss = (...xs: Tensor[]) =>
              tf.fused
                .matMul({ a: xs[0]!, b: xs[1]!, bias: withBias ? xs[2] : undefined, activation, transposeA, transposeB })
                .mul(dy)
                .sum();
            const { stock, fast, fastCalls } = stockAndFast(() => tf.grads(loss)(withBias ? [a, b, bias] : [a, b]));
            assert.ok(fastCalls.BatchMatMul.fast + fastCalls._FusedMatMul.fast >= 3, `${label}: products ran on the library's kernels`);
            assert.equal(fastCalls.BatchMatMul.fallback + fastCalls._FusedMatMul.fallback, 0, `${label}: none went to the stock kernels`);
            stock.forEach((g, i) => assert.ok(maxDiff(g, fast[i]!) < CLOSE, `${label}, gradient ${i}: differs by ${maxDiff(g, fast[i]!)}`));
            tf.dispose([a, b, bias, dy, ...stock, ...fast]);
          }
        }
      }
    }
  });

  test("tf.variableGrads of a two-layer Dense network agree with stock", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const w1 = tf.variable(rand([K, 19], 80));
      const b1 = tf.variable(rand([19], 81));
      const w2 = tf.variable(rand([19, N], 82));
      const b2 = tf.variable(rand([N], 83));
      const x = rand([M, K], 84);
      const target = rand([M, N], 85);
      const loss = () => {
        const h = tf.fused.matMul({ a: x, b: w1, bias: b1, activation: "relu" });
        return tf.fused.matMul({ a: h, b: w2, bias: b2 }).sub(target).square().mean() as import("@tensorflow/tfjs").Scalar;
      };
      const { stock, fast } = stockAndFast(() => tf.variableGrads(loss));
      assert.ok(Math.abs(stock.value.dataSync()[0]! - fast.value.dataSync()[0]!) < 1e-6, `${backend}: loss`);
      for (const name of Object.keys(stock.grads)) {
        assert.ok(
          maxDiff(stock.grads[name]!, fast.grads[name]!) < CLOSE,
          `${backend} gradient of ${name}: differs by ${maxDiff(stock.grads[name]!, fast.grads[name]!)}`,
        );
      }
      tf.dispose([w1, b1, w2, b2, x, target, stock.value, fast.value, ...Object.values(stock.grads), ...Object.values(fast.grads)]);
    }
  });
});

describe("Dense models trained on the library's kernels", () => {
  // Large enough that the core shares the products with its helper thread (when the machine has two cores or more).
  function makeModel(seed: number): import("@tensorflow/tfjs").LayersModel {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [120], units: 96, activation: "relu" }),
        tf.layers.dense({ units: 48, activation: "relu" }),
        tf.layers.dense({ units: 5, activation: "softmax" }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: "sparseCategoricalCrossentropy" });
    return seedWeights(model, seed);
  }

  async function train(threads: number): Promise<{ losses: number[]; weights: Float32Array[]; predictions: Float32Array }> {
    configureKernels({ threads });
    await kernelsReady();
    const x = tf.randomUniform([256, 120], 0, 1, "float32", 90);
    const y = tf.randomUniform([256], 0, 5, "int32", 91).cast("float32");
    const model = makeModel(7);
    const h = await model.fit(x, y, { epochs: 3, batchSize: 64, shuffle: false, verbose: 0, validationData: [x, y] });
    const predicted = model.predict(x) as Tensor;
    const result = {
      losses: [...(h.history.loss as number[]), ...(h.history.val_loss as number[])],
      weights: model.getWeights().map((w) => w.dataSync() as Float32Array),
      predictions: predicted.dataSync() as Float32Array,
    };
    tf.dispose([x, y, predicted]);
    model.dispose();
    return result;
  }

  test("the same numbers run after run, on one thread or two, and stock's losses to float32 rounding", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      restoreStockKernels(tf);
      const stock = await train(1);
      useFastKernels(tf);
      const runs = [await train(2), await train(1), await train(2)];
      for (const run of runs.slice(1)) assert.deepEqual(run, runs[0], `${backend}: identical, bit for bit`);
      stock.losses.forEach((l, i) =>
        assert.ok(Math.abs(l - runs[0]!.losses[i]!) < 1e-5, `${backend} loss ${i}: ${l} vs ${runs[0]!.losses[i]}`),
      );
      configureKernels();
    }
  });
});
