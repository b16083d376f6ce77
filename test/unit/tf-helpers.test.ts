// The TensorFlow.js helpers on the real tfjs (wasm and cpu backends): the faster
// matrix-product kernel against the stock one, models saved and loaded as files, the
// callbacks, seeded training, the summary, the leak guard, randomized search and the
// dataset tensors.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  TensorScaler,
  bestCheckpoint,
  bestWeights,
  checkTensors,
  epochRecord,
  fastKernelsReport,
  fileSystem,
  fitSeeded,
  initTensorFlow,
  kFold,
  liveProgress,
  loadModel,
  modelSummary,
  randomizedSearch,
  readRuns,
  registerFileScheme,
  restoreStockKernels,
  runLogger,
  saveModel,
  seedWeights,
  splitCaliforniaHousing,
  tensorBoard,
  useFastKernels,
  watchTensors,
} from "../../lib/tf";
import { loadCaliforniaHousing } from "../../lib/data";

type Tf = typeof import("@tensorflow/tfjs");
let tf: Tf;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-tf-"));

before(async () => {
  process.env.NNCOURSE_TF_BACKEND = "wasm";
  tf = (await initTensorFlow({ fastKernels: false })).tf;
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

function maxDiff(a: import("@tensorflow/tfjs").Tensor, b: import("@tensorflow/tfjs").Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
}

function irisLikeData(n = 90): { x: import("@tensorflow/tfjs").Tensor2D; y: import("@tensorflow/tfjs").Tensor1D } {
  // Three blobs in 4-D, fixed by their index: no randomness.
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    rows.push([c + Math.sin(i), c - Math.cos(i * 1.3), 2 * c + Math.sin(i * 0.7) / 2, -c + Math.cos(i * 2.1) / 2]);
    labels.push(c);
  }
  return { x: tf.tensor2d(rows), y: tf.tensor1d(labels) };
}

function classifier(): import("@tensorflow/tfjs").Sequential {
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [4], units: 8, activation: "relu" }), tf.layers.dense({ units: 3, activation: "softmax" })],
  });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

describe("faster BatchMatMul", () => {
  test("agrees with the stock kernel on every product a Dense layer makes, on wasm and cpu", async () => {
    for (const backend of ["wasm", "cpu"]) {
      await tf.setBackend(backend);
      const a = tf.randomUniform([70, 50], -1, 1, "float32", 1);
      const b = tf.randomUniform([70, 30], -1, 1, "float32", 2);
      const c = tf.randomUniform([20, 50], -1, 1, "float32", 3);
      const products = () => [
        tf.matMul(a, b, true, false),
        tf.matMul(a, c, false, true),
        tf.matMul(c, a.transpose()),
        tf.matMul(a.expandDims(0), b.expandDims(0), true, false),
      ];
      restoreStockKernels(tf);
      const stock = products();
      useFastKernels(tf);
      const before = fastKernelsReport().calls.fast;
      const fast = products();
      assert.equal(fastKernelsReport().calls.fast - before, 4, `${backend}: all four products ran on the new kernel`);
      stock.forEach((s, i) => {
        assert.deepEqual(fast[i].shape, s.shape);
        assert.ok(maxDiff(s, fast[i]) < 1e-4, `${backend} product ${i}: differs by ${maxDiff(s, fast[i])}`);
      });
      // Batched products and both-transposed ones go to the stock kernel, with its answer.
      const fallbacks = fastKernelsReport().calls.fallback;
      const batched = tf.matMul(tf.ones([2, 3, 4]), tf.ones([2, 4, 5]));
      assert.deepEqual(batched.shape, [2, 3, 5]);
      assert.equal(batched.dataSync()[0], 4);
      assert.equal(tf.matMul(a, tf.ones([30, 70]), true, true).shape.join("x"), "50x30");
      assert.equal(fastKernelsReport().calls.fallback - fallbacks, 2);
      assert.throws(() => tf.matMul(a, c), /inner shapes \(50\) and \(20\)/, "shape errors are tfjs's own");
      tf.dispose([a, b, c, ...stock, ...fast, batched]);
    }
    await tf.setBackend("wasm");
  });

  test("training with it gives the stock kernel's losses", async () => {
    const { x, y } = irisLikeData();
    const losses: number[][] = [];
    for (const fast of [false, true]) {
      if (fast) useFastKernels(tf);
      else restoreStockKernels(tf);
      const model = seedWeights(classifier(), 5);
      const h = await model.fit(x, y, { epochs: 5, batchSize: 30, shuffle: false, verbose: 0 });
      losses.push(h.history.loss as number[]);
      model.dispose();
    }
    losses[0].forEach((l, i) => assert.ok(Math.abs(l - losses[1][i]) < 1e-5, `epoch ${i + 1}: ${l} vs ${losses[1][i]}`));
    tf.dispose([x, y]);
  });
});

describe("models as files", () => {
  test("save and load in tfjs-node's layout: model.json and weights.bin, same predictions", async () => {
    const { x } = irisLikeData(9);
    const model = seedWeights(classifier(), 11);
    const dir = path.join(work, "model-a");
    await saveModel(model, dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["model.json", "weights.bin"]);
    const json = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
    assert.deepEqual(json.weightsManifest[0].paths, ["./weights.bin"]);
    assert.equal(json.weightsManifest[0].weights.length, 4);
    assert.equal(fs.statSync(path.join(dir, "weights.bin")).size, (4 * 8 + 8 + 8 * 3 + 3) * 4);
    assert.ok(json.modelTopology && json.format === "layers-model");
    const loaded = await loadModel(dir);
    assert.equal(maxDiff(model.predict(x) as never, loaded.predict(x) as never), 0);
    // …and through the file:// URLs tfjs-node users write.
    registerFileScheme();
    await model.save(`file://${path.join(work, "model-b")}`);
    const viaUrl = await tf.loadLayersModel(`file://${path.join(work, "model-b", "model.json")}`);
    assert.equal(maxDiff(model.predict(x) as never, viaUrl.predict(x) as never), 0);
    tf.dispose([x]);
    [model, loaded, viaUrl].forEach((m) => m.dispose());
  });

  test("missing, damaged or mismatched files are named", async () => {
    await assert.rejects(
      loadModel(path.join(work, "nothing-here")),
      /there is no saved model at .*nothing-here \(model\.json is missing\)/,
    );
    const dir = path.join(work, "damaged");
    await saveModel(classifier(), dir);
    const weights = fs.readFileSync(path.join(dir, "weights.bin"));
    fs.writeFileSync(path.join(dir, "weights.bin"), weights.subarray(0, 10));
    await assert.rejects(loadModel(dir), /the weights in .* are 10 bytes, but model\.json describes 268/);
    fs.rmSync(path.join(dir, "weights.bin"));
    await assert.rejects(loadModel(dir), /lists the weights file \.\/weights\.bin, which is missing/);
    fs.writeFileSync(path.join(dir, "model.json"), "{ not json");
    await assert.rejects(loadModel(dir), /model\.json is not valid JSON/);
    assert.ok(fileSystem(path.join(dir, "model.json")), "a path to model.json names its folder");
  });
});

describe("callbacks", () => {
  test("bestWeights stops after `patience` epochs without improvement and puts the best weights back", async () => {
    // A fake model whose "weights" are one number: the callback only needs these methods.
    let weights: import("@tensorflow/tfjs").Tensor[] = [tf.scalar(0)];
    const model = {
      stopTraining: false,
      getWeights: () => weights,
      setWeights: (w: import("@tensorflow/tfjs").Tensor[]) => (weights = w.map((t) => t.clone())),
    };
    const cb = bestWeights({ monitor: "val_loss", patience: 2 });
    (cb as unknown as { model: unknown }).model = model; // setModel insists on a real LayersModel
    await cb.onTrainBegin();
    const valLoss = [5, 3, 4, 4.5, 1];
    for (let epoch = 0; epoch < valLoss.length && !model.stopTraining; epoch++) {
      weights = [tf.scalar(epoch + 1)];
      await cb.onEpochEnd(epoch, { val_loss: valLoss[epoch] });
    }
    await cb.onTrainEnd();
    assert.deepEqual(cb.best, { epoch: 2, value: 3 });
    assert.equal(cb.stoppedAfter, 4, "epochs 3 and 4 did not improve on epoch 2");
    assert.equal(weights[0].dataSync()[0], 2, "the weights of epoch 2 are back");
    await cb.onTrainBegin();
    await assert.rejects(cb.onEpochEnd(0, { loss: 1 }), /watches "val_loss", but fit logged only: loss\. Pass validationData/);
    assert.throws(() => bestWeights({ patience: 0 }), /patience must be a whole number/);
    const acc = bestWeights({ monitor: "val_acc", patience: 1 });
    (acc as unknown as { model: unknown }).model = model;
    await acc.onTrainBegin();
    await acc.onEpochEnd(0, { val_acc: 0.5 });
    await acc.onEpochEnd(1, { val_acc: 0.9 });
    assert.equal(acc.best?.epoch, 2, "accuracies are maximized");
  });

  test("bestCheckpoint saves only when the monitored metric improves: a worse or equal epoch is not saved", async () => {
    const savedAfter: number[] = [];
    let epochNow = 0;
    const model = { save: async () => void savedAfter.push(epochNow) };
    const cb = bestCheckpoint(path.join(work, "never-written"), { monitor: "val_loss" });
    (cb as unknown as { model: unknown }).model = model; // setModel insists on a real LayersModel
    const valLoss = [3, 2, 5, 2, 1.5];
    for (let epoch = 0; epoch < valLoss.length; epoch++) {
      epochNow = epoch + 1;
      await cb.onEpochEnd(epoch, { val_loss: valLoss[epoch] });
    }
    assert.deepEqual(savedAfter, [1, 2, 5], "epoch 3 got worse and epoch 4 only equalled epoch 2");
    assert.equal(cb.saves, 3);
    assert.deepEqual(cb.best, { epoch: 5, value: 1.5 });
    const acc = bestCheckpoint(path.join(work, "never-written"), { monitor: "val_acc" });
    (acc as unknown as { model: unknown }).model = model;
    savedAfter.length = 0;
    for (const [epoch, value] of [0.5, 0.4, 0.9, 0.6].entries()) {
      epochNow = epoch + 1;
      await acc.onEpochEnd(epoch, { val_acc: value });
    }
    assert.deepEqual(savedAfter, [1, 3], "accuracies are maximized");
    assert.deepEqual(acc.best, { epoch: 3, value: 0.9 });
  });

  test("in a real fit: checkpoints of the best epoch, run logs that read back for charts, a live display", async () => {
    const { x, y } = irisLikeData();
    const model = seedWeights(classifier(), 3);
    const ckpt = bestCheckpoint(path.join(work, "best"), { monitor: "loss" });
    const runs = path.join(work, "runs");
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => lines.push(a.join(" "));
    let history!: import("@tensorflow/tfjs").History;
    try {
      history = await model.fit(x, y, {
        epochs: 6,
        batchSize: 30,
        verbose: 0,
        validationSplit: 0.2,
        callbacks: [ckpt, runLogger("small", { dir: runs, params: { units: 8 } }), liveProgress({ title: "iris-like" })],
      });
    } finally {
      console.log = log;
    }
    // The checkpoint holds the epoch with the lowest loss, and was saved once per new lowest.
    const losses = history.history.loss as number[];
    const lowest = Math.min(...losses);
    assert.deepEqual(ckpt.best, { epoch: losses.indexOf(lowest) + 1, value: lowest });
    assert.equal(ckpt.saves, losses.filter((l, i) => losses.slice(0, i).every((before) => l < before)).length);
    assert.ok(fs.existsSync(path.join(work, "best", "model.json")));
    const logged = readRuns(runs);
    assert.deepEqual(Object.keys(logged), ["small"]);
    assert.deepEqual(logged.small.params, { units: 8 });
    assert.equal(logged.small.epochs.length, 6);
    // The log holds fit's own numbers, epoch by epoch.
    assert.deepEqual(
      logged.small.epochs.map((e) => [e.epoch, e.loss, e.valLoss, e.accuracy]),
      losses.map((loss, i) => [i + 1, loss, history.history.val_loss![i], history.history.acc![i]]),
    );
    assert.ok(
      lines.some((l) => /iris-like: epoch 6\/6, loss [\d.]+, val loss [\d.]+, accuracy/.test(l)),
      lines.join("\n"),
    );
    assert.throws(() => readRuns(runs, ["small", "big"]), /no logged run named "big" in .* \(there are: small\)/);
    assert.throws(() => runLogger("a/b"), /may only have letters/);
    assert.throws(() => readRuns(path.join(work, "none")), /there are no logged runs/);
    fs.appendFileSync(path.join(runs, "small.jsonl"), "{broken\n");
    assert.throws(() => readRuns(runs), /small\.jsonl line 8 is not JSON/);
    assert.throws(() => tensorBoard(path.join(work, "tb")), /TensorBoard logs need the native backend .* runLogger/);
    model.dispose();
    tf.dispose([x, y]);
  });

  test("Keras log names map to the chart's names", () => {
    assert.deepEqual(epochRecord(3, { loss: 1, acc: 0.5, val_loss: 2, val_acc: 0.25 }), {
      loss: 1,
      acc: 0.5,
      val_loss: 2,
      val_acc: 0.25,
      epoch: 3,
      accuracy: 0.5,
      valLoss: 2,
      valAccuracy: 0.25,
    });
  });
});

describe("seeded training", () => {
  test("the same seeds give the same losses; another seed gives others", async () => {
    const { x, y } = irisLikeData();
    const run = async (weightSeed: number, shuffleSeed: number) => {
      const model = seedWeights(classifier(), weightSeed);
      const h = await fitSeeded(model, x, y, { epochs: 4, batchSize: 16, seed: shuffleSeed, validationSplit: 0.2 });
      model.dispose();
      return { loss: h.history.loss as number[], val: h.history.val_loss as number[] };
    };
    const a = await run(1, 2);
    const b = await run(1, 2);
    assert.deepEqual(a, b);
    assert.notDeepEqual((await run(9, 2)).loss, a.loss, "other initial weights");
    assert.notDeepEqual((await run(1, 3)).loss, a.loss, "another order of the samples");
    assert.equal(a.val.length, 4, "the validation split is measured every epoch");
    await assert.rejects(fitSeeded(classifier(), x, tf.ones([5])), /x has 90 samples but y has 5/);
    tf.dispose([x, y]);
  });

  test("fitSeeded leaves no tensors behind but the model's", async () => {
    const { x, y } = irisLikeData();
    const model = classifier();
    await model.fit(x, y, { epochs: 1, verbose: 0 }); // the optimizer's own variables exist from here on
    await checkTensors("fitSeeded", () => fitSeeded(model, x, y, { epochs: 2, validationSplit: 0.25 }));
    model.dispose();
    tf.dispose([x, y]);
  });
});

describe("summary, leaks, search, datasets", () => {
  test("the summary counts every layer's parameters", () => {
    const model = classifier();
    const s = modelSummary(model);
    assert.deepEqual(
      s.rows.map((r) => [r.type, r.outputShape, r.params]),
      [
        ["Dense", "[batch, 8]", 40],
        ["Dense", "[batch, 3]", 27],
      ],
    );
    assert.equal(s.totalParams, 67);
    assert.equal(s.trainableParams, 67);
    model.dispose();
  });

  test("the leak guard counts the tensors a piece of code leaves alive", async () => {
    const watch = watchTensors("cell");
    const kept = tf.ones([4, 4]);
    const r = watch.check();
    assert.equal(r.ok, false);
    assert.deepEqual(r.leaked, { tensors: 1, bytes: 64 });
    assert.match(r.message, /cell: 1 tensor \(0\.1 KB\) created here is still alive\. Dispose/);
    kept.dispose();
    assert.equal(watch.check().ok, true);
    await assert.rejects(
      checkTensors("leaky", () => tf.zeros([2])),
      /leaky: 1 tensor/,
    );
    assert.equal(await checkTensors("tidy", () => tf.tidy(() => tf.zeros([2]).sum().dataSync()[0])), 0);
  });

  test("k folds validate every row once; the search is reproducible and picks the best mean", async () => {
    const folds = kFold(10, 3, 1);
    assert.deepEqual(
      folds.map((f) => f.validation.length),
      [3, 3, 4],
    );
    assert.deepEqual(
      folds.flatMap((f) => f.validation).sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    folds.forEach((f) => assert.equal(f.train.length + f.validation.length, 10));
    assert.throws(() => kFold(2, 3), /2 rows cannot be cut into 3 folds/);
    const search = (seed: number) =>
      randomizedSearch({
        space: { units: [4, 8, 16], lr: { logUniform: [1e-3, 1e-1] }, layers: { intRange: [1, 3] } },
        trials: 6,
        folds: 3,
        samples: 30,
        seed,
        // A made-up score: best for 8 units and a rate near 0.01.
        evaluate: (p: { units: number; lr: number; layers: number }) => Math.abs(p.units - 8) + Math.abs(Math.log10(p.lr) + 2),
      });
    const a = await search(5);
    const b = await search(5);
    assert.deepEqual(
      a.trials.map((t) => t.params),
      b.trials.map((t) => t.params),
    );
    assert.ok(a.trials.every((t) => t.params.lr >= 1e-3 && t.params.lr <= 1e-1 && [1, 2, 3].includes(t.params.layers)));
    assert.equal(a.best.mean, Math.min(...a.trials.map((t) => t.mean)));
    await assert.rejects(
      randomizedSearch({ space: { u: [1] }, trials: 1, samples: 9, evaluate: () => NaN }),
      /evaluate returned NaN for trial 1, fold 1/,
    );
    await assert.rejects(
      randomizedSearch({ space: { u: { logUniform: [0, 1] } }, trials: 1, samples: 9, evaluate: () => 1 }),
      /log-uniform, so its range must be above 0/,
    );
  });

  test("the tensor scaler standardizes with the training statistics and undoes it", () => {
    const train = tf.tensor2d([
      [1, 10, 5],
      [3, 30, 5],
    ]);
    const scaler = new TensorScaler().fit(train);
    const z = scaler.transform(train);
    assert.deepEqual(Array.from(z.dataSync()), [-1, -1, 0, 1, 1, 0], "a constant column stays finite");
    const back = scaler.inverseTransform(z);
    assert.ok(maxDiff(back, train) < 1e-6);
    assert.throws(() => scaler.transform(tf.ones([1, 2])), /fitted on 3 columns but given 2/);
    assert.throws(() => new TensorScaler().transform(train), /call fit\(trainingData\) before transform/);
    tf.dispose([train, z, back]);
    scaler.dispose();
  });

  test(
    "California housing is cut like the seeds: a quarter for testing, a quarter of the rest for validation",
    { skip: housingMissing() },
    () => {
      const s = splitCaliforniaHousing(42);
      assert.deepEqual([s.XTrain.length, s.XValid.length, s.XTest.length], [11610, 3870, 5160]);
      assert.equal(s.XTrain[0].length, 8);
      assert.deepEqual(splitCaliforniaHousing(42).yTest.slice(0, 5), s.yTest.slice(0, 5));
      // Disjoint, and together every row exactly once: the parts' rows, as text, are the dataset's.
      const key = (X: number[][], y: number[]) => X.map((row, i) => `${row.join(",")}|${y[i]}`);
      const parts = [...key(s.XTrain, s.yTrain), ...key(s.XValid, s.yValid), ...key(s.XTest, s.yTest)];
      const h = loadCaliforniaHousing();
      const all = Array.from(
        { length: h.rows },
        (_, r) => `${Array.from(h.data.subarray(r * h.cols, (r + 1) * h.cols)).join(",")}|${h.target[r]}`,
      );
      assert.deepEqual(parts.sort(), all.sort());
      const testRows = new Set(key(s.XTest, s.yTest));
      assert.ok(key(s.XTrain, s.yTrain).every((k) => !testRows.has(k)) && key(s.XValid, s.yValid).every((k) => !testRows.has(k)));
      assert.notDeepEqual(splitCaliforniaHousing(7).yTest.slice(0, 20), s.yTest.slice(0, 20), "another seed, another cut");
    },
  );
});

function housingMissing(): string | false {
  try {
    require("../../lib/data/california-housing").loadCaliforniaHousingRaw();
    return false;
  } catch (e) {
    return `California housing is not in the cache (${(e as Error).message.split("\n")[0]})`;
  }
}
