// The network learns what it should, trains the way its options say, and refuses bad
// input with messages that say what and where.
import { test } from "node:test";
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { Matrix } from "../../lib/core/matrix";
import { logicGate, makeCircles, makeMoons, makeSpirals } from "../../lib/data/synthetic";
import { trainTestSplit } from "../../lib/data/preprocessing";
import { Random } from "../../lib/data/random";
import { LogisticRegression, SoftmaxRegression } from "../../lib/metrics/baselines";
import {
  type ActivationName,
  Adam,
  DEFAULT_LEARNING_RATE,
  type LossName,
  Momentum,
  Network,
  type Optimizer,
  RMSProp,
  SGD,
  TrainingDivergedError,
  batchGradientDescent,
  binaryCrossEntropy,
  categoricalCrossEntropy,
  glorotUniform,
  halfSquaredError,
  heNormal,
  heUniform,
  hinge,
  makeLeakyRelu,
  miniBatchGradientDescent,
  mse,
  stochasticGradientDescent,
  tanh,
} from "../../lib/nn";

/** Counts optimizer steps, to see how many updates an epoch makes. */
function counting(inner: Optimizer): Optimizer & { steps: number } {
  const wrapper = {
    name: inner.name,
    steps: 0,
    get learningRate() {
      return inner.learningRate;
    },
    set learningRate(v: number) {
      inner.learningRate = v;
    },
    step(params: readonly Matrix[], grads: readonly Matrix[]) {
      wrapper.steps++;
      inner.step(params, grads);
    },
    reset() {
      inner.reset();
    },
  };
  return wrapper;
}

test("an MLP solves XOR (the table with a bias column x0 = 1 last)", () => {
  const { X, y } = logicGate("xor", { biasColumn: "last" });
  assert.deepEqual(X, [
    [0, 0, 1],
    [0, 1, 1],
    [1, 0, 1],
    [1, 1, 1],
  ]);
  const net = new Network([3, 4, 1], ["tanh", "sigmoid"], { seed: 3 });
  const history = net.train(X, y, { epochs: 500, batchSize: 4, learningRate: 1 });
  assert.deepEqual(net.predictClasses(X), [0, 1, 1, 0]);
  assert.ok(history.epochs.at(-1)!.loss < history.epochs[0].loss / 5);
  assert.equal(history.epochs.at(-1)!.accuracy, 1);
});

test("moons: a 2-4-2-1 tanh network reaches ≥ 99% on held-out points; logistic regression about 86%", () => {
  const data = makeMoons(400, { noise: 0.05, seed: 1 });
  const s = trainTestSplit(data.X, data.y, { testSize: 0.25, stratify: true, seed: 1 });
  const net = new Network([2, 4, 2, 1], ["tanh", "tanh", "sigmoid"], { seed: 1 });
  net.train(s.XTrain, s.yTrain, { epochs: 200, batchSize: 16, optimizer: "adam", learningRate: 0.05, seed: 1 });
  const netAccuracy = net.evaluate(s.XTest, s.yTest).accuracy!;
  const logistic = new LogisticRegression(2);
  logistic.fit(s.XTrain, s.yTrain, { epochs: 300 });
  const baseline = logistic.score(data.X, data.y);
  assert.ok(netAccuracy >= 0.99, `network ${netAccuracy}`);
  assert.ok(baseline > 0.8 && baseline < 0.92, `logistic regression ${baseline}`);
});

test("circles: a small tanh network reaches ≥ 99%; logistic regression stays near 50%", () => {
  const data = makeCircles(400, { noise: 0.05, factor: 0.5, seed: 1 });
  const s = trainTestSplit(data.X, data.y, { testSize: 0.25, stratify: true, seed: 1 });
  const net = new Network([2, 8, 4, 1], ["tanh", "tanh", "sigmoid"], { seed: 1 });
  net.train(s.XTrain, s.yTrain, { epochs: 200, batchSize: 16, optimizer: "adam", learningRate: 0.05, seed: 1 });
  const netAccuracy = net.evaluate(s.XTest, s.yTest).accuracy!;
  const logistic = new LogisticRegression(2);
  logistic.fit(s.XTrain, s.yTrain, { epochs: 300 });
  const baseline = logistic.score(data.X, data.y);
  assert.ok(netAccuracy >= 0.99, `network ${netAccuracy}`);
  assert.ok(baseline > 0.35 && baseline < 0.65, `logistic regression ${baseline}`);
});

test("three spirals: a 64-32-16 tanh network fits ≥ 97%; softmax regression stays far below", () => {
  const data = makeSpirals(100, 3, { noise: 0.2, seed: 1 });
  const s = trainTestSplit(data.X, data.y, { testSize: 0.25, stratify: true, seed: 1 });
  const net = new Network([2, 64, 32, 16, 3], ["tanh", "tanh", "tanh", "softmax"], { seed: 1 });
  net.train(s.XTrain, s.yTrain, { epochs: 150, batchSize: 32, optimizer: "adam", learningRate: 0.01, seed: 1 });
  const train = net.evaluate(s.XTrain, s.yTrain).accuracy!;
  const heldOut = net.evaluate(s.XTest, s.yTest).accuracy!;
  const softmaxRegression = new SoftmaxRegression(2, 3);
  softmaxRegression.fit(s.XTrain, s.yTrain, { epochs: 300 });
  const baseline = softmaxRegression.score(data.X, data.y);
  assert.ok(train >= 0.97, `network on training points ${train}`);
  assert.ok(heldOut >= 0.93, `network on held-out points ${heldOut}`);
  assert.ok(baseline < 0.65, `softmax regression ${baseline}`);
});

test("batch, mini-batch and stochastic gradient descent make 1, ⌈n/b⌉ and n steps per epoch", () => {
  const { X, y } = makeMoons(50, { noise: 0.1, seed: 2 });
  for (const [batchSize, expected] of [
    [50, 1],
    [16, 4],
    [1, 50],
  ] as const) {
    const opt = counting(new SGD(0.1));
    new Network([2, 3, 1], ["tanh", "sigmoid"], { seed: 1 }).train(X, y, { epochs: 2, batchSize, optimizer: opt });
    assert.equal(opt.steps, 2 * expected, `batchSize ${batchSize}`);
  }
});

test("every optimizer lowers the loss", () => {
  const { X, y } = makeMoons(100, { noise: 0.1, seed: 3 });
  for (const optimizer of [new SGD(0.5), new Momentum(0.1, 0.9), new RMSProp(0.01), new Adam(0.01)]) {
    const net = new Network([2, 8, 1], ["tanh", "sigmoid"], { seed: 4 });
    const before = net.cost(X, y);
    net.train(X, y, { epochs: 30, batchSize: 20, optimizer });
    const after = net.cost(X, y);
    assert.ok(after < 0.7 * before, `${optimizer.name}: ${before} → ${after}`);
  }
});

test("L2 weight decay is the (1 − ηλ/n) shrink followed by the gradient step", () => {
  const X = [
    [0.5, -1],
    [1, 0.25],
    [-0.5, 0.5],
  ];
  const y = [1, 0, 1];
  const net = new Network([2, 3, 1], ["tanh", "sigmoid"], { seed: 5 });
  const W = net.weights.map((w) => w.clone());
  const b = net.biases.map((v) => v.clone());
  const g = net.backprop(X, y);
  const [eta, lambda, n] = [0.3, 2, 3];
  net.train(X, y, { epochs: 1, batchSize: 3, learningRate: eta, l2: lambda, shuffle: false });
  W.forEach((w, l) => {
    w.data.forEach((v, i) => {
      const expected = (1 - (eta * lambda) / n) * v - eta * g.weights[l].data[i];
      assert.ok(Math.abs(net.weights[l].data[i] - expected) < 1e-12);
    });
    b[l].data.forEach((v, i) => assert.ok(Math.abs(net.biases[l].data[i] - (v - eta * g.biases[l].data[i])) < 1e-12));
  });
});

test("L1 and L2 keep the weights smaller than training without them", () => {
  const { X, y } = makeMoons(100, { noise: 0.2, seed: 6 });
  const norm = (net: Network) => net.weights.reduce((s, w) => s + Array.from(w.data).reduce((t, v) => t + Math.abs(v), 0), 0);
  const train = (extra: object) => {
    const net = new Network([2, 16, 1], ["tanh", "sigmoid"], { seed: 1 });
    net.train(X, y, { epochs: 50, batchSize: 10, learningRate: 0.5, ...extra });
    return norm(net);
  };
  const plain = train({});
  assert.ok(train({ l2: 5 }) < 0.8 * plain);
  assert.ok(train({ l1: 2 }) < 0.8 * plain);
});

test("dropout trains, and prediction stays deterministic", () => {
  const { X, y } = makeMoons(200, { noise: 0.05, seed: 7 });
  const net = new Network([2, 32, 32, 1], ["relu", "relu", "sigmoid"], { seed: 2 });
  net.train(X, y, { epochs: 60, batchSize: 16, optimizer: "adam", learningRate: 0.01, dropout: 0.2, seed: 3 });
  assert.deepEqual(net.predict(X).data, net.predict(X).data);
  assert.ok(net.evaluate(X, y).accuracy! > 0.95);
  assert.throws(() => net.train(X, y, { dropout: [0.1] }), /dropout lists 1 rates but the network has 2 hidden layers/);
  assert.throws(() => net.train(X, y, { dropout: 1 }), /dropout for hidden layer 1 must be in \[0, 1\)/);
});

test("early stopping watches the validation loss and restores the best weights", () => {
  // Few noisy points and a big network: it overfits, the validation loss turns up.
  const train = makeMoons(30, { noise: 0.35, seed: 8 });
  const validation = makeMoons(200, { noise: 0.35, seed: 9 });
  const net = new Network([2, 64, 64, 1], ["tanh", "tanh", "sigmoid"], { seed: 1 });
  const history = net.train(train.X, train.y, {
    epochs: 400,
    batchSize: 30,
    optimizer: "adam",
    learningRate: 0.02,
    validationData: validation,
    earlyStopping: { patience: 15 },
  });
  assert.equal(history.stoppedEarly, true);
  assert.ok(history.epochs.length < 400);
  const best = Math.min(...history.epochs.map((e) => e.valLoss!));
  assert.equal(history.epochs[history.bestEpoch - 1].valLoss, best);
  assert.ok(Math.abs(net.evaluate(validation.X, validation.y).loss - best) < 1e-12);
  assert.ok(history.epochs.every((e) => e.accuracy !== undefined && e.valAccuracy !== undefined));
  assert.throws(() => net.train(train.X, train.y, { earlyStopping: true }), /pass validationData/);
});

test("float32 networks train as well and keep float32 parameters", () => {
  const data = makeMoons(200, { noise: 0.05, seed: 10 });
  const net = new Network([2, 8, 1], ["tanh", "sigmoid"], { seed: 1, dtype: "float32" });
  net.train(data.X, data.y, { epochs: 100, batchSize: 16, optimizer: "adam", learningRate: 0.05 });
  assert.ok(net.weights.every((w) => w.data instanceof Float32Array));
  assert.ok(net.evaluate(data.X, data.y).accuracy! >= 0.99);
});

test("forward returns every z and activation; the history has one record per epoch", () => {
  const net = new Network([2, 3, 2], ["relu", "softmax"], { seed: 1 });
  const pass = net.forward([
    [1, 2],
    [3, 4],
  ]);
  assert.equal(pass.zs.length, 2);
  assert.equal(pass.activations.length, 3);
  assert.deepEqual(pass.activations[0].toArray(), [
    [1, 2],
    [3, 4],
  ]);
  pass.activations[2].toArray().forEach((row) => assert.ok(Math.abs(row[0] + row[1] - 1) < 1e-12));
  const history = net.train(
    [
      [1, 2],
      [3, 4],
    ],
    [0, 1],
    { epochs: 3 },
  );
  assert.deepEqual(
    history.epochs.map((e) => e.epoch),
    [1, 2, 3],
  );
  assert.ok(net.summary().includes("total parameters: 17"));
  assert.equal(net.parameterCount, 17);
});

test("bad input: shapes, empty data, labels and learning rates are named in the error", () => {
  const net = new Network([2, 3, 1], ["tanh", "sigmoid"]);
  assert.throws(() => net.predict([[1, 2, 3]]), /X has 3 columns \(features\) but the input layer has 2 units/);
  assert.throws(
    () =>
      net.train(
        [
          [1, 2],
          [3, 4],
        ],
        [1],
      ),
    /X has 2 samples but y has 1 labels/,
  );
  assert.throws(() => net.train([[1, 2]], [[1, 0]]), /y has 2 columns but the output layer has 1 units/);
  assert.throws(() => net.train([], []), /X is empty \(0 samples\)/);
  assert.throws(() => net.train([[1, NaN]], [1]), /X contains NaN at row 0, column 1/);
  assert.throws(() => net.train([[1, 2]], [Infinity]), /y contains Infinity at row 0, column 0/);
  assert.throws(() => net.train([[1, 2], [3]], [1, 0]), /X row 1 has 1 entries but row 0 has 2/);
  assert.throws(() => net.train([[1, 2]], [1], { learningRate: 0 }), /learning rate must be a finite number > 0, got 0/);
  assert.throws(() => net.train([[1, 2]], [1], { learningRate: -0.1 }), /learning rate must be a finite number > 0, got -0.1/);
  assert.throws(() => new SGD(0), /SGD: the learning rate must be a finite number > 0/);
  assert.throws(() => net.train([[1, 2]], [1], { learningRate: Infinity }), /learning rate must be a finite number > 0, got Infinity/);
  assert.throws(() => new Network([2, 3, 3], ["tanh", "softmax"]).train([[1, 2]], [3]), /label 0 is 3, but the output layer has 3 units/);
  assert.throws(() => new Network([2, 0, 1]), /layer 1 has 0 units/);
  assert.throws(() => new Network([2, 3, 1], ["tanh"]), /2 layers after the input need 2 activations, got 1/);
  assert.throws(() => new Network([2, 1], ["swish" as never]), /Unknown activation "swish"/);
  assert.throws(() => halfSquaredError.value(Matrix.zeros(2, 1), Matrix.zeros(3, 1)), /output is 2×1 but the targets are 3×1/);
});

test("a diverging run stops with an error naming the epoch, the batch and the layer", () => {
  const rng = new Random(1);
  const X = Array.from({ length: 40 }, () => [rng.normal(0, 10), rng.normal(0, 10)]);
  const y = X.map(([a, b]) => [3 * a - 2 * b]);
  const net = new Network([2, 8, 1], ["linear", "linear"], { seed: 1, loss: "mse" });
  assert.throws(
    () => net.train(X, y, { epochs: 50, batchSize: 8, learningRate: 5 }),
    (error: unknown) => {
      assert.ok(error instanceof TrainingDivergedError);
      assert.match(error.message, /the loss became (NaN|Infinity) in epoch \d+, batch \d+/);
      assert.match(error.message, /(weights|biases|z) of layer \d/);
      assert.match(error.message, /lower the learning rate \(now 5\)/);
      return true;
    },
  );
});

test("the pseudocode loops (batch, mini-batch, stochastic) match Network.train step for step", () => {
  const { X, y } = makeMoons(24, { noise: 0.1, seed: 11 });
  const Y = y.map((v) => [v]);
  const start = new Network([2, 3, 1], ["tanh", "sigmoid"], { seed: 2 });
  for (const batchSize of [24, 5, 1]) {
    const byLoop = start.clone();
    const costs =
      batchSize === 24
        ? batchGradientDescent(byLoop, X, Y, { epochs: 3, learningRate: 0.5 })
        : batchSize === 1
          ? stochasticGradientDescent(byLoop, X, Y, { epochs: 3, learningRate: 0.5, shuffle: false })
          : miniBatchGradientDescent(byLoop, X, Y, { epochs: 3, learningRate: 0.5, batchSize, shuffle: false });
    const byTrain = start.clone();
    byTrain.train(X, Y, { epochs: 3, batchSize, learningRate: 0.5, shuffle: false });
    assert.equal(costs.length, 3);
    byLoop
      .parameters()
      .forEach((p, k) => p.data.forEach((v, i) => assert.ok(Math.abs(v - byTrain.parameters()[k].data[i]) < 1e-12, `batch ${batchSize}`)));
  }
  assert.throws(() => batchGradientDescent(start, X, Y, { epochs: 1, learningRate: 0 }), /learning rate must be a finite number > 0/);
});

test("zero initial weights never break the symmetry: every hidden unit stays the same", () => {
  const { X, y } = makeMoons(40, { noise: 0.1, seed: 12 });
  const net = new Network([2, 4, 1], ["tanh", "sigmoid"], { init: "zeros" });
  net.train(X, y, { epochs: 20, batchSize: 8, learningRate: 0.5 });
  const W2 = net.weights[1].data;
  assert.ok(
    Array.from(W2).every((w) => w === W2[0]),
    `output weights ${Array.from(W2)}`,
  );
  const random = new Network([2, 4, 1], ["tanh", "sigmoid"], { init: "normal-1/n_in", seed: 1 });
  random.train(X, y, { epochs: 20, batchSize: 8, learningRate: 0.5 });
  assert.ok(new Set(Array.from(random.weights[1].data)).size === 4);
  assert.throws(() => new Network([2, 4, 1], "tanh", { init: ["zeros"] }), /init lists 1 initializers but the network has 2 layers/);
});

test("a NaN that appears in the weights is reported with its layer and position", () => {
  const { X, y } = makeMoons(32, { noise: 0.1, seed: 13 });
  const net = new Network([2, 3, 2, 1], ["tanh", "tanh", "sigmoid"], { seed: 1 });
  const sgd = new SGD(0.1);
  let steps = 0;
  const faulty: Optimizer = {
    name: "faulty",
    learningRate: 0.1,
    step(params, grads) {
      sgd.step(params, grads);
      if (++steps === 6) params[2].data[3] = NaN; // W² (layer 2), row 1, column 1
    },
    reset() {},
  };
  assert.throws(
    () => net.train(X, y, { epochs: 5, batchSize: 8, optimizer: faulty, shuffle: false }),
    /loss became NaN in epoch 2, batch 3 .*weights of layer 2: NaN at row 1, column 1/,
  );
  // and when the very last step of an epoch breaks the weights, the epoch's end catches it
  steps = 0;
  const net2 = new Network([2, 3, 2, 1], ["tanh", "tanh", "sigmoid"], { seed: 1 });
  const lastStep: Optimizer = {
    ...faulty,
    step(params, grads) {
      sgd.step(params, grads);
      if (++steps === 4) params[0].data[0] = Infinity;
    },
  };
  assert.throws(
    () => net2.train(X, y, { epochs: 5, batchSize: 8, optimizer: lastStep }),
    /the weights stopped being finite numbers in epoch 1, batch 4 .*weights of layer 1: Infinity at row 0, column 0/,
  );
});

test("Network.train's default learning rate is the optimizer's, and an optimizer object keeps its own", () => {
  const { X, y } = makeMoons(40, { noise: 0.1, seed: 2 });
  const options = { epochs: 2, batchSize: 10, seed: 3 };
  for (const name of ["sgd", "momentum", "adam"] as const) {
    const byDefault = new Network([2, 4, 1], ["tanh", "sigmoid"], { seed: 1 });
    const explicit = byDefault.clone();
    byDefault.train(X, y, { ...options, optimizer: name });
    explicit.train(X, y, { ...options, optimizer: name, learningRate: DEFAULT_LEARNING_RATE[name] });
    assert.deepEqual(byDefault.parameters(), explicit.parameters(), `${name}: no rate means DEFAULT_LEARNING_RATE.${name}`);
  }
  const sgd = new SGD(0.2);
  const net = new Network([2, 4, 1], ["tanh", "sigmoid"], { seed: 1 });
  assert.throws(
    () => net.train(X, y, { ...options, optimizer: sgd, learningRate: 0.5 }),
    /Network\.train: the sgd optimizer passed in has its own learning rate 0\.2/,
  );
  assert.equal(sgd.learningRate, 0.2, "the caller's optimizer is left as it was");
  net.train(X, y, { ...options, optimizer: sgd });
  assert.equal(sgd.learningRate, 0.2);
});

test("a new network: its loss follows the output activation, its weights each layer's initializer, drawn from the seed in order", () => {
  assert.equal(new Network([2, 3], "softmax").loss, categoricalCrossEntropy);
  assert.equal(new Network([2, 1], "sigmoid").loss, binaryCrossEntropy);
  assert.equal(new Network([2, 1], "tanh").loss, halfSquaredError);
  assert.equal(new Network([2, 3], "softmax", { loss: "mse" }).loss, mse);
  // He normal for ReLU and leaky ReLU layers, Glorot uniform for the others; weights row by
  // row, layer by layer, each layer's biases after its weights.
  const net = new Network([3, 4, 2, 1], ["relu", "leaky-relu", "tanh"], { seed: 5, biasInit: "standard-normal" });
  const rng = new Random(5);
  const layers = [
    [3, 4, heNormal],
    [4, 2, heNormal],
    [2, 1, glorotUniform],
  ] as const;
  layers.forEach(([fanIn, fanOut, init], l) => {
    const W = Array.from({ length: fanIn * fanOut }, () => init.sample(fanIn, fanOut, rng));
    const b = Array.from({ length: fanOut }, () => rng.normal(0, 1));
    assert.deepEqual(Array.from(net.weights[l].data), W, `W${l + 1}`);
    assert.deepEqual(Array.from(net.biases[l].data), b, `b${l + 1}`);
  });
  assert.ok(net.weights[0].data instanceof Float64Array, "float64 unless asked otherwise");
  // A leaky ReLU of another slope is ReLU-like too.
  const leaky = new Network([3, 2], makeLeakyRelu(0.2), { seed: 6 });
  const leakyRng = new Random(6);
  assert.deepEqual(
    Array.from(leaky.weights[0].data),
    Array.from({ length: 6 }, () => heNormal.sample(3, 2, leakyRng)),
  );
  // Biases start at zero unless biasInit says otherwise.
  assert.ok(new Network([3, 4, 1], "relu", { seed: 5 }).biases.every((b) => b.data.every((v) => v === 0)));
  // One initializer per layer, by name or as an object.
  const mixed = new Network([2, 2, 1], "tanh", { init: ["zeros", heUniform], seed: 1 });
  assert.ok(mixed.weights[0].data.every((w) => w === 0));
  assert.ok(mixed.weights[1].data.every((w) => w !== 0 && Math.abs(w) <= Math.sqrt(6 / 2)));
});

test("the layer sizes and setLayer's arguments are checked, with messages that say what to give", () => {
  assert.throws(
    () => new Network([3]),
    /^RangeError: Network: sizes must list at least two layers \(inputs and outputs\), like \[2, 3, 1\]; got \[3\]\.$/,
  );
  assert.throws(() => new Network(3 as never), /sizes must list at least two layers .*; got 3\.$/);
  assert.throws(() => new Network([2, 1.5, 1]), /^RangeError: Network: layer 1 has 1.5 units; every layer needs a whole number ≥ 1\.$/);
  // The options given where the activations go (a JavaScript caller, or a cast).
  assert.throws(
    () => new Network([784, 30, 10], { seed: 1, dtype: "float32" } as never),
    /^TypeError: Network: the second argument is the activations \(a name like "relu", or one per layer\), not an object with seed, dtype; the options come third: new Network\(\[784, 30, 10\], "sigmoid", \{ seed: 1 \}\)\.$/,
  );
  assert.throws(() => new Network([2, 3, 1], {} as never), /not an object with no keys; the options come third/);
  assert.throws(
    () => new Network([2, 3, 1], null as never),
    /^TypeError: An activation is a name like "relu" or an object with name, forward and backward; got null\.$/,
  );
  // An object that is an Activation is one.
  assert.equal(new Network([2, 3, 1], tanh).activations[0], tanh);
  const net = new Network([2, 3, 1], ["tanh", "sigmoid"]);
  for (const l of [0, 3, 1.5]) {
    assert.throws(() => net.setLayer(l, [], []), new RegExp(`^RangeError: setLayer: layers are numbered 1 to 2, got ${l}\\.$`));
  }
  const W = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  assert.throws(
    () => net.setLayer(1, W.slice(0, 1), [0, 0, 0]),
    /^RangeError: setLayer\(1\): W must be 2×3 \(inputs × units\) nested arrays\.$/,
  );
  assert.throws(() => net.setLayer(1, [W[0]!, [4, 5]], [0, 0, 0]), /setLayer\(1\): W must be 2×3/);
  assert.throws(() => net.setLayer(1, W, [0, 0]), /^RangeError: setLayer\(1\): b must have 3 entries, got 2\.$/);
  net.setLayer(1, W, [7, 8, 9]);
  assert.deepEqual(Array.from(net.weights[0].data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(net.biases[0].data), [7, 8, 9]);
});

test("summary: one line per layer with its units, activation, weight shape and parameter count", () => {
  const net = new Network([2, 3, 1], ["tanh", "sigmoid"]);
  assert.equal(
    net.summary(),
    [
      "layer  units  activation         weights      params",
      "0      2      (input)",
      "1      3      tanh               2×3          9",
      "2      1      sigmoid            3×1          4",
      "total parameters: 13; loss: binary-cross-entropy; dtype: float64",
    ].join("\n"),
  );
  assert.equal(net.depth, 2);
});

test("a single output is split at 0.5 for probabilities and at 0 for outputs in [−1, 1] and raw scores", () => {
  const X = [[-1], [0], [1]];
  // With w = 0.25 the inputs −1, 0, 1 give outputs below, at and just above the right
  // threshold (σ: 0.44, 0.5, 0.56; tanh: −0.24, 0, 0.24), so a wrong threshold shows.
  const unit = (activation: ActivationName, loss?: LossName) => new Network([1, 1], activation, { loss }).setLayer(1, [[0.25]], [0]);
  assert.deepEqual(unit("sigmoid").predictClasses(X), [0, 1, 1], "σ(0) = 0.5 counts as class 1");
  for (const activation of ["tanh", "sign", "ramp"] as const) {
    assert.equal(unit(activation).decisionThreshold(), 0, activation);
    assert.deepEqual(unit(activation).predictClasses(X), [0, 1, 1], activation);
  }
  assert.equal(unit("linear").decisionThreshold(), 0.5, "a linear output with squared error is read as a probability");
  for (const loss of ["hinge", "logistic", "binary-cross-entropy-from-logits"] as const) {
    assert.equal(unit("linear", loss).decisionThreshold(), 0, loss);
    assert.deepEqual(unit("linear", loss).predictClasses(X), [0, 1, 1], loss);
  }
  assert.equal(unit("sigmoid").decisionThreshold(hinge), 0, "the loss given, not the network's");
  // Several outputs: the largest one wins.
  const three = new Network([1, 3], "linear").setLayer(1, [[1, -1, 0]], [0, 0, 0.5]);
  assert.deepEqual(three.predictClasses([[2], [-2], [0]]), [0, 1, 2]);
});

test("evaluate's accuracy: argmax against one-hot rows, a threshold against 0/1 or ±1 targets", () => {
  const three = new Network([1, 3], "softmax").setLayer(1, [[1, -1, 0]], [0, 0, 0.5]);
  // predicted classes 0, 1, 2, 2; true classes 0, 1, 1, 2
  assert.equal(three.evaluate([[2], [-2], [0], [0]], [0, 1, 1, 2]).accuracy, 3 / 4);
  const tanhUnit = new Network([1, 1], "tanh").setLayer(1, [[1]], [0]);
  const X = [[-1], [0], [0.3], [2]];
  // tanh outputs split at 0, tanh(0) = 0 counting as class 1: classes 0, 1, 1, 1
  assert.equal(tanhUnit.evaluate(X, [[0], [1], [1], [1]]).accuracy, undefined, "squared error is not a classification loss");
  assert.equal(tanhUnit.evaluate(X, [[0], [0], [1], [0]], binaryCrossEntropy).accuracy, 2 / 4);
  assert.equal(tanhUnit.evaluate(X, [[-1], [1], [1], [-1]], binaryCrossEntropy).accuracy, 3 / 4);
  assert.equal(tanhUnit.evaluate(X, [0, 1, 0, 1], hinge).accuracy, 3 / 4, "0/1 labels read as ±1 by a sign loss");
});

test("train refuses epochs, batch sizes and λ it cannot use, naming the option", () => {
  const net = new Network([2, 1], "sigmoid");
  const X = [[1, 2]];
  for (const epochs of [-1, 1.5]) {
    assert.throws(
      () => net.train(X, [1], { epochs }),
      new RegExp(`^RangeError: Network\\.train: epochs must be a whole number ≥ 0, got ${epochs}\\.$`),
    );
  }
  for (const batchSize of [0, 2.5]) {
    assert.throws(
      () => net.train(X, [1], { batchSize }),
      new RegExp(`^RangeError: Network\\.train: batchSize must be a whole number ≥ 1, got ${batchSize}\\.$`),
    );
  }
  for (const name of ["l1", "l2"] as const) {
    for (const bad of [-0.1, Infinity, NaN]) {
      assert.throws(
        () => net.train(X, [1], { [name]: bad }),
        new RegExp(`^RangeError: Network\\.train: ${name} \\(λ\\) must be a number ≥ 0, got ${bad}\\.$`),
      );
    }
  }
  const before = Array.from(net.weights[0].data);
  assert.deepEqual(net.train(X, [1], { epochs: 0 }).epochs, [], "0 epochs: nothing happens");
  assert.deepEqual(Array.from(net.weights[0].data), before);
});

test("an epoch's record: the mean of the batch losses and accuracies over the samples, measured as the batches go, then the validation set", () => {
  const X = [
    [0.5, -1],
    [1, 0.25],
    [-0.5, 0.5],
    [2, 1],
  ];
  const y = [1, 0, 1, 0];
  const validation = {
    X: [
      [0.1, 0.2],
      [-1, 1],
      [1, -1],
    ],
    y: [0, 1, 1],
  };
  const net = new Network([2, 3, 1], ["tanh", "sigmoid"], { seed: 8 });
  // By hand: batches of 3 and 1 samples, one SGD step after each.
  const ref = net.clone();
  const batches = [[0, 1, 2], [3]];
  let lossSum = 0;
  let correct = 0;
  for (const rows of batches) {
    const bx = rows.map((r) => X[r]!);
    const by = rows.map((r) => y[r]!);
    const g = ref.backprop(bx, by);
    lossSum += g.cost * rows.length;
    const predicted = Array.from(g.forward.activations[2]!.data, (a) => (a >= 0.5 ? 1 : 0));
    correct += predicted.filter((c, i) => c === by[i]).length;
    ref.parameters().forEach((p, k) => {
      const grad = k % 2 === 0 ? g.weights[k / 2]! : g.biases[(k - 1) / 2]!;
      for (let i = 0; i < p.data.length; i++) p.data[i] -= 0.5 * grad.data[i]!;
    });
  }
  const valOutputs = Array.from(ref.predict(validation.X).data);
  const valCorrect = valOutputs.filter((a, i) => (a >= 0.5 ? 1 : 0) === validation.y[i]).length;
  const history = net.train(X, y, { epochs: 1, batchSize: 3, learningRate: 0.5, shuffle: false, validationData: validation });
  const [record] = history.epochs;
  assert.ok(Math.abs(record!.loss - lossSum / 4) < 1e-12, `${record!.loss} vs ${lossSum / 4}`);
  assert.equal(record!.accuracy, correct / 4);
  assert.ok(Math.abs(record!.valLoss! - ref.cost(validation.X, validation.y)) < 1e-12);
  assert.equal(record!.valAccuracy, valCorrect / 3);
  assert.ok(record!.seconds >= 0 && history.samplesPerSecond > 0);
  assert.equal(history.bestEpoch, 1);
  assert.equal(history.stoppedEarly, false);
  // A regression loss has no accuracy.
  const regression = new Network([2, 1], "linear").train(X, [[1], [0], [1], [0]], {
    epochs: 1,
    validationData: { X, y: [[1], [0], [1], [0]] },
  });
  assert.deepEqual(Object.keys(regression.epochs[0]!).sort(), ["epoch", "loss", "seconds", "valLoss"]);
});

test("onEpochEnd sees each record and the network, and returning false stops after that epoch", () => {
  const net = new Network([2, 1], "sigmoid", { seed: 1 });
  const seen: number[] = [];
  const history = net.train([[1, 2]], [1], {
    epochs: 10,
    onEpochEnd: (record, which) => {
      assert.equal(which, net);
      seen.push(record.epoch);
      return record.epoch < 3;
    },
  });
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(history.epochs.length, 3);
  assert.equal(history.stoppedEarly, false, "stopped by the callback, not by early stopping");
});

/** Half squared error, except that the validation set (3 rows here) gets the scripted losses, one per epoch. */
function scriptedValidation(script: number[]) {
  return {
    name: "scripted",
    targets: "real" as const,
    value: (output: Matrix, target: Matrix) => (target.rows === 3 ? script.shift()! : halfSquaredError.value(output, target)),
    gradient: halfSquaredError.gradient,
  };
}

test("early stopping: an improvement must beat the best by more than minDelta, and patience counts the epochs without one", () => {
  const X = [
    [1, 2],
    [0, 1],
  ];
  const validationData = {
    X: [
      [1, 0],
      [0, 1],
      [1, 1],
    ],
    y: [[0], [1], [0]],
  };
  const run = (script: number[], earlyStopping: object | boolean) => {
    const net = new Network([2, 1], "linear", { seed: 2 });
    const snapshots: number[][] = [];
    const history = net.train(X, [[1], [0]], {
      epochs: 30,
      loss: scriptedValidation(script),
      validationData,
      earlyStopping,
      onEpochEnd: (_, n) => {
        snapshots.push(n.parameters().flatMap((p) => Array.from(p.data)));
      },
    });
    return { history, snapshots, final: net.parameters().flatMap((p) => Array.from(p.data)) };
  };
  // best 5 (epoch 1), 4 (epoch 2); 3.95 is not 0.1 better; patience 2 runs out at epoch 4.
  const restored = run([5, 4, 4, 3.95, 1, 1], { patience: 2, minDelta: 0.1 });
  assert.equal(restored.history.epochs.length, 4);
  assert.equal(restored.history.stoppedEarly, true);
  assert.equal(restored.history.bestEpoch, 2);
  assert.deepEqual(restored.final, restored.snapshots[1], "the weights of epoch 2 are put back");
  const kept = run([5, 4, 4, 3.95, 1, 1], { patience: 2, minDelta: 0.1, restoreBestWeights: false });
  assert.equal(kept.history.bestEpoch, 4, "the network keeps its last weights, so its epoch is the last");
  assert.deepEqual(kept.final, kept.snapshots[3]);
  // Without minDelta, 3.95 is an improvement: it goes on until two epochs without one.
  const strict = run([5, 4, 4, 3.95, 3.95, 3.95, 1], { patience: 2 });
  assert.equal(strict.history.epochs.length, 6);
  assert.equal(strict.history.bestEpoch, 4);
  // The defaults: patience 10 and minDelta 0, the best weights restored.
  const defaults = run([2, ...Array.from({ length: 20 }, (_, i) => 3 + i)], true);
  assert.equal(defaults.history.epochs.length, 11);
  assert.equal(defaults.history.bestEpoch, 1);
  assert.deepEqual(defaults.final, defaults.snapshots[0]);
});

test("the pseudocode loops shuffle as Network.train does, seed for seed, and report the cost after each epoch", () => {
  const { X, y } = makeMoons(20, { noise: 0.1, seed: 14 });
  const Y = y.map((v) => [v]);
  const start = new Network([2, 3, 1], ["tanh", "sigmoid"], { seed: 3 });
  for (const batchSize of [6, 1]) {
    const byLoop = start.clone();
    const costs =
      batchSize === 1
        ? stochasticGradientDescent(byLoop, X, Y, { epochs: 3, learningRate: 0.5, seed: 7 })
        : miniBatchGradientDescent(byLoop, X, Y, { epochs: 3, learningRate: 0.5, batchSize, seed: 7 });
    // Network.train draws one permutation per epoch from the same seed; trained one epoch
    // at a time, it gives the cost after each.
    const byTrain = start.clone();
    const rng = new Random(7);
    const expectedCosts = [1, 2, 3].map(() => {
      byTrain.train(X, Y, { epochs: 1, batchSize, learningRate: 0.5, seed: rng });
      return byTrain.cost(X, Y);
    });
    costs.forEach((c, e) =>
      assert.ok(Math.abs(c - expectedCosts[e]!) < 1e-12, `batch ${batchSize}, epoch ${e + 1}: ${c} vs ${expectedCosts[e]}`),
    );
    byLoop
      .parameters()
      .forEach((p, k) =>
        p.data.forEach((v, i) => assert.ok(Math.abs(v - byTrain.parameters()[k]!.data[i]!) < 1e-12, `batch ${batchSize}`)),
      );
  }
  const unshuffled = start.clone();
  miniBatchGradientDescent(unshuffled, X, Y, { epochs: 1, learningRate: 0.5, batchSize: 6, shuffle: false });
  const shuffled = start.clone();
  miniBatchGradientDescent(shuffled, X, Y, { epochs: 1, learningRate: 0.5, batchSize: 6, seed: 7 });
  assert.notDeepEqual(Array.from(unshuffled.weights[0].data), Array.from(shuffled.weights[0].data), "shuffling is the default");
});

test("the pseudocode loops refuse empty data, X and Y of different lengths, and a bad batch size", () => {
  const net = new Network([2, 1], "sigmoid");
  const options = { epochs: 1, learningRate: 0.1 };
  assert.throws(() => batchGradientDescent(net, [], [], options), /^RangeError: batchGradientDescent: the data is empty \(0 samples\)\.$/);
  assert.throws(
    () => miniBatchGradientDescent(net, [[1, 2]], [[1], [0]], { ...options, batchSize: 1 }),
    /^RangeError: miniBatchGradientDescent: X has 1 samples but Y has 2 target rows\.$/,
  );
  assert.throws(
    () => batchGradientDescent(net, [[1, 2, 3]], [[1]], options),
    /^RangeError: Network\.batchGradientDescent: X has 3 columns/,
  );
  assert.throws(
    () => batchGradientDescent(net, [[1, 2]], [[1, 0]], options),
    /^RangeError: Network\.batchGradientDescent: y has 2 columns/,
  );
  for (const batchSize of [0, 1.5]) {
    assert.throws(
      () => miniBatchGradientDescent(net, [[1, 2]], [[1]], { ...options, batchSize }),
      new RegExp(`^RangeError: miniBatchGradientDescent: batchSize must be a whole number ≥ 1, got ${batchSize}\\.$`),
    );
  }
});

test("a saturated wrong output still learns: δ = a − y for sigmoid with binary and softmax with categorical cross-entropy", () => {
  // σ(40) is 1 in float64, so σ'(40) = a(1 − a) is 0: through the chain rule δ would be 0,
  // the slow learning cross-entropy is there to fix. The cancelled form gives a − y.
  const unit = new Network([1, 1], "sigmoid").setLayer(1, [[1]], [39]);
  assert.equal(unit.predict([[1]]).data[0], 1);
  const g = unit.backprop([[1]], [0]);
  assert.deepEqual([g.weights[0].data[0], g.biases[0].data[0]], [1, 1]);
  const classes = new Network([1, 2], "softmax").setLayer(1, [[0, 0]], [50, -50]);
  const h = classes.backprop([[1]], [1]);
  assert.ok(Math.abs(h.biases[0].data[0] - 1) < 1e-12 && Math.abs(h.biases[0].data[1] + 1) < 1e-12, String(Array.from(h.biases[0].data)));
});

test("every method names itself when its input does not fit", () => {
  const net = new Network([2, 1], "sigmoid");
  const wide = [[1, 2, 3]];
  const X = [[1, 2]];
  for (const [method, call] of [
    ["predict", () => net.predict(wide)],
    ["forward", () => net.forward(wide)],
    ["cost", () => net.cost(wide, [1])],
    ["evaluate", () => net.evaluate(wide, [1])],
    ["backprop", () => net.backprop(wide, [1])],
    ["train", () => net.train(wide, [1])],
    ["train \\(validationData\\.X\\)", () => net.train(X, [1], { validationData: { X: wide, y: [1] } })],
  ] as const) {
    assert.throws(
      call,
      new RegExp(`^RangeError: Network\\.${method}: X has 3 columns \\(features\\) but the input layer has 2 units`),
      method,
    );
  }
  for (const [method, call] of [
    ["cost", () => net.cost(X, [1, 0])],
    ["evaluate", () => net.evaluate(X, [1, 0])],
    ["backprop", () => net.backprop(X, [1, 0])],
    ["train", () => net.train(X, [1, 0])],
    ["train \\(validationData\\.y\\)", () => net.train(X, [1], { validationData: { X, y: [1, 0] } })],
  ] as const) {
    assert.throws(call, new RegExp(`^RangeError: Network\\.${method}: X has 1 samples but y has 2 labels`), method);
  }
  assert.throws(
    () => net.train(X, [1], { learningRate: 0 }),
    /^RangeError: Network\.train: the learning rate must be a finite number > 0, got 0/,
  );
  assert.throws(
    () => new Network([2, 3, 1]).train(X, [1], { dropout: -0.1 }),
    /^RangeError: Network\.train: dropout for hidden layer 1 must be in \[0, 1\), got -0.1\.$/,
  );
});

test("train's defaults: batches of 32 (or all samples when fewer), shuffled every epoch, sigmoid layers", () => {
  const { X, y } = makeMoons(40, { noise: 0.1, seed: 15 });
  const start = new Network([2, 3, 1], undefined, { seed: 4 });
  assert.deepEqual(
    start.activations.map((a) => a.name),
    ["sigmoid", "sigmoid"],
  );
  for (const [n, steps] of [
    [40, 2],
    [10, 1],
  ] as const) {
    const opt = counting(new SGD(0.1));
    start.clone().train(X.slice(0, n), y.slice(0, n), { epochs: 3, optimizer: opt });
    assert.equal(opt.steps, 3 * steps, `${n} samples`);
  }
  const weightsAfter = (options: object) => {
    const net = start.clone();
    net.train(X, y, { epochs: 2, batchSize: 8, seed: 5, ...options });
    return net.parameters().flatMap((p) => Array.from(p.data));
  };
  assert.deepEqual(weightsAfter({}), weightsAfter({ shuffle: true }));
  assert.notDeepEqual(weightsAfter({}), weightsAfter({ shuffle: false }));
});

test("dropout per hidden layer: a rate of 0 leaves that layer alone, and all zeros is no dropout", () => {
  const { X, y } = makeMoons(24, { noise: 0.1, seed: 16 });
  const start = new Network([2, 5, 5, 1], ["tanh", "tanh", "sigmoid"], { seed: 6 });
  const weightsAfter = (dropout?: number[]) => {
    const net = start.clone();
    net.train(X, y, { epochs: 2, batchSize: 8, seed: 7, dropout });
    return net.parameters().flatMap((p) => Array.from(p.data));
  };
  const none = weightsAfter();
  assert.deepEqual(weightsAfter([0, 0]), none);
  const secondOnly = weightsAfter([0, 0.5]);
  assert.notDeepEqual(secondOnly, none, "the second hidden layer is dropped");
  // The first hidden layer still learns through the kept units of the second.
  const W1 = Array.from(start.weights[0].data);
  assert.ok(
    W1.every((w, i) => w !== secondOnly[i]),
    "every weight of layer 1 moved",
  );
  assert.notDeepEqual(secondOnly, weightsAfter([0.5, 0]));
});

test("the epoch's end names the last batch when the weights broke in its step, and a weight at exactly 0 stays there under L1", () => {
  const { X, y } = makeMoons(30, { noise: 0.1, seed: 13 });
  const sgd = new SGD(0.1);
  let steps = 0;
  const breaksAtStep4: Optimizer = {
    name: "faulty",
    learningRate: 0.1,
    step(params, grads) {
      sgd.step(params, grads);
      if (++steps === 4) params[0].data[0] = Infinity;
    },
    reset() {},
  };
  // 30 samples in batches of 8: the fourth and last batch holds samples 24 to 29.
  assert.throws(
    () =>
      new Network([2, 3, 1], ["tanh", "sigmoid"], { seed: 1 }).train(X, y, {
        epochs: 2,
        batchSize: 8,
        optimizer: breaksAtStep4,
        shuffle: false,
      }),
    /the weights stopped being finite numbers in epoch 1, batch 4 \(6 samples, first sample index 24\)/,
  );
  // sgn(0) = 0: L1 does not move a weight that is exactly 0, so the first step from zero
  // weights is the plain gradient step.
  const zero = new Network([2, 3, 1], ["tanh", "sigmoid"], { init: "zeros", biasInit: "standard-normal", seed: 2 });
  const withL1 = zero.clone();
  withL1.train(X, y, { epochs: 1, batchSize: 30, learningRate: 0.5, l1: 3 });
  zero.train(X, y, { epochs: 1, batchSize: 30, learningRate: 0.5 });
  assert.deepEqual(withL1.parameters(), zero.parameters());
});

test("the history's timings: each epoch's seconds and the samples per second fit the time the run took", () => {
  const { X, y } = makeMoons(20, { noise: 0.1, seed: 17 });
  const net = new Network([2, 3, 1], ["tanh", "sigmoid"], { seed: 1 });
  const started = performance.now();
  const history = net.train(X, y, {
    epochs: 10,
    batchSize: 5,
    onEpochEnd: () => {
      const until = Date.now() + 3; // a slow epoch, so the run lasts well over the clock's millisecond
      while (Date.now() < until);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  assert.ok(seconds > 0.02);
  for (const e of history.epochs) assert.ok(e.seconds >= 0 && e.seconds <= seconds, `epoch ${e.epoch}: ${e.seconds} s of ${seconds} s`);
  const samples = 10 * 20;
  assert.ok(
    history.samplesPerSecond >= samples / (seconds + 0.005) && history.samplesPerSecond <= samples / (0.5 * seconds),
    `${history.samplesPerSecond} samples per second; ${samples} samples in ${seconds} s`,
  );
});

test("early stopping that never runs out of patience keeps the last weights", () => {
  const X = [
    [1, 2],
    [0, 1],
  ];
  const net = new Network([2, 1], "linear", { seed: 2 });
  let last: number[] = [];
  const history = net.train(X, [[1], [0]], {
    epochs: 5,
    loss: scriptedValidation([3, 1, 2, 2, 2]),
    validationData: {
      X: [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      y: [[0], [1], [0]],
    },
    earlyStopping: { patience: 4 },
    onEpochEnd: (_, n) => {
      last = n.parameters().flatMap((p) => Array.from(p.data));
    },
  });
  assert.equal(history.stoppedEarly, false);
  assert.equal(history.bestEpoch, 5);
  assert.deepEqual(
    net.parameters().flatMap((p) => Array.from(p.data)),
    last,
  );
});
