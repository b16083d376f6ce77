// The network learns what it should, trains the way its options say, and refuses bad
// input with messages that say what and where.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../lib/core/matrix";
import { logicGate, makeCircles, makeMoons, makeSpirals } from "../../lib/data/synthetic";
import { trainTestSplit } from "../../lib/data/preprocessing";
import { Random } from "../../lib/data/random";
import { LogisticRegression, SoftmaxRegression } from "../../lib/metrics/baselines";
import {
  Adam,
  DEFAULT_LEARNING_RATE,
  Momentum,
  Network,
  type Optimizer,
  RMSProp,
  SGD,
  TrainingDivergedError,
  batchGradientDescent,
  halfSquaredError,
  miniBatchGradientDescent,
  stochasticGradientDescent,
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
