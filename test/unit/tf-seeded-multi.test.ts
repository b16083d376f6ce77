// fitSeededMulti and outputLosses: seeded training of models with two inputs and two
// outputs (the functional API's Wide & Deep with an auxiliary output), with validation
// losses that add up, unlike tfjs 4.22's own for several outputs.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { checkTensors, fitSeededMulti, initTensorFlow, outputLosses, seedWeights } from "../../lib/tf";

type Tf = typeof import("@tensorflow/tfjs");
type Tensor = import("@tensorflow/tfjs").Tensor;
let tf: Tf;

before(async () => {
  process.env.NNCOURSE_TF_BACKEND = "wasm";
  tf = (await initTensorFlow({ fastKernels: false })).tf;
});

function data(n: number, offset = 0): { a: Tensor; b: Tensor; y: Tensor } {
  // Fixed by the index: no randomness.
  const A: number[][] = [];
  const B: number[][] = [];
  const Y: number[][] = [];
  for (let k = 0; k < n; k++) {
    const i = k + offset;
    const a = [Math.sin(i), Math.cos(i * 0.7), Math.sin(i * 1.3)];
    const b = [Math.cos(i * 0.4), Math.sin(i * 2.1)];
    A.push(a);
    B.push(b);
    Y.push([a[0] - 0.5 * a[2] + b[0] * b[1]]);
  }
  return { a: tf.tensor2d(A), b: tf.tensor2d(B), y: tf.tensor2d(Y) };
}

function wideAndDeep(): import("@tensorflow/tfjs").LayersModel {
  const wide = tf.input({ shape: [3], name: "wide" });
  const deep = tf.input({ shape: [2], name: "deep" });
  const hidden = tf.layers.dense({ units: 6, activation: "relu" }).apply(deep) as import("@tensorflow/tfjs").SymbolicTensor;
  const concat = tf.layers.concatenate().apply([wide, hidden]) as import("@tensorflow/tfjs").SymbolicTensor;
  const main = tf.layers.dense({ units: 1, name: "main" }).apply(concat) as import("@tensorflow/tfjs").SymbolicTensor;
  const aux = tf.layers.dense({ units: 1, name: "aux" }).apply(hidden) as import("@tensorflow/tfjs").SymbolicTensor;
  const model = tf.model({ inputs: [wide, deep], outputs: [main, aux] });
  const weighted = (w: number) => (yTrue: Tensor, yPred: Tensor) => tf.losses.meanSquaredError(yTrue, yPred).mul(w);
  model.compile({ loss: [weighted(0.9), weighted(0.1)], optimizer: tf.train.sgd(0.05) });
  return seedWeights(model, 3) as import("@tensorflow/tfjs").LayersModel;
}

describe("fitSeededMulti", () => {
  test("the same seeds give the same run; another seed another run", async () => {
    const { a, b, y } = data(80);
    const run = async (seed: number) => {
      const model = wideAndDeep();
      const h = await fitSeededMulti(model, [a, b], [y, y], { epochs: 3, batchSize: 16, seed });
      model.dispose();
      return h.history.loss as number[];
    };
    const first = await run(1);
    assert.deepEqual(await run(1), first);
    assert.notDeepEqual(await run(2), first);
    tf.dispose([a, b, y]);
  });

  test("validation losses are each output's loss and their sum", async () => {
    const train = data(64);
    const valid = data(24, 500);
    const model = wideAndDeep();
    const seen: number[] = [];
    const h = await fitSeededMulti(model, [train.a, train.b], [train.y, train.y], {
      epochs: 2,
      batchSize: 16,
      validationData: [
        [valid.a, valid.b],
        [valid.y, valid.y],
      ],
      callbacks: { onEpochEnd: async (_e, logs) => void seen.push(Number(logs?.val_loss)) },
    });
    const last = (key: string) => (h.history[key] as number[]).at(-1) as number;
    const now = outputLosses(model, [valid.a, valid.b], [valid.y, valid.y]);
    // By hand: 0.9·MSE(main) + 0.1·MSE(aux) with the final weights.
    const [pMain, pAux] = model.predict([valid.a, valid.b]) as Tensor[];
    const mse = (p: Tensor) => tf.losses.meanSquaredError(valid.y, p).dataSync()[0];
    const byHand = 0.9 * mse(pMain) + 0.1 * mse(pAux);
    assert.ok(Math.abs(now.total - byHand) < 1e-5, `${now.total} vs ${byHand}`);
    assert.ok(Math.abs(last("val_loss") - byHand) < 1e-5);
    assert.ok(Math.abs(last("val_main_loss") - 0.9 * mse(pMain)) < 1e-5);
    assert.ok(Math.abs(last("val_aux_loss") - 0.1 * mse(pAux)) < 1e-5);
    assert.equal(seen.length, 2, "a plain callback object after ours still runs");
    assert.equal(seen[1], last("val_loss"), "later callbacks see the corrected val_loss");
    // Training losses: the total is the sum of the two outputs' losses.
    assert.ok(Math.abs(last("loss") - last("main_loss") - last("aux_loss")) < 1e-5);
    tf.dispose([pMain, pAux, train.a, train.b, train.y, valid.a, valid.b, valid.y]);
    model.dispose();
  });

  test("one input and one output work too", async () => {
    const { a, y } = data(40);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
    model.compile({ loss: "meanSquaredError", optimizer: tf.train.sgd(0.05) });
    seedWeights(model, 1);
    const h = await fitSeededMulti(model, a, y, { epochs: 2, validationData: [a, y] });
    const { total } = outputLosses(model, a, y);
    assert.ok(Math.abs((h.history.val_loss as number[])[1] - total) < 1e-6);
    model.dispose();
    tf.dispose([a, y]);
  });

  test("clear errors for the wrong number of tensors or rows", async () => {
    const { a, b, y } = data(10);
    const model = wideAndDeep();
    await assert.rejects(fitSeededMulti(model, a, [y, y]), /2 input\(s\) \(wide, deep\) but was given 1/);
    await assert.rejects(fitSeededMulti(model, [a, b], y), /2 output\(s\) \(main, aux\) but was given 1/);
    await assert.rejects(fitSeededMulti(model, [a, b.slice(0, 5)], [y, y]), /input 1 has 10 rows but input 2 has 5/);
    await assert.rejects(fitSeededMulti(model, [a, b], [y, y], { validationSplit: 0.2 } as never), /validationSplit is not supported/);
    model.dispose();
    tf.dispose([a, b, y]);
  });

  test("no tensors left behind but the optimizer's", async () => {
    const { a, b, y } = data(32);
    const model = wideAndDeep();
    await fitSeededMulti(model, [a, b], [y, y], { epochs: 1 }); // the optimizer's variables exist from here on
    await checkTensors("fitSeededMulti", () =>
      fitSeededMulti(model, [a, b], [y, y], {
        epochs: 2,
        validationData: [
          [a, b],
          [y, y],
        ],
      }),
    );
    model.dispose();
    tf.dispose([a, b, y]);
  });
});
