// Each training rule checked against its formula, computed here independently, at the
// point where a plausible slip shows: the gradient check given a wrong gradient, Adam
// past its first step (where the bias correction starts to matter), L1 and L2 with a
// batch smaller than the training set (n, not the batch size, divides λ), dropout's step
// with the mask and its 1/keep scaling in both passes, and the initializers' limits
// reached, not just respected.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../lib/core/matrix";
import { Random } from "../../lib/data/random";
import {
  Adam,
  Momentum,
  Network,
  RMSProp,
  SGD,
  getInitializer,
  getOptimizer,
  initializers,
  glorotNormal,
  glorotUniform,
  gradientCheck,
  heNormal,
  heUniform,
  normalInverseFanIn,
  numericalGradient,
  relativeError,
  uniformInverseSqrtFanIn,
} from "../../lib/nn";

function close(actual: number, expected: number, tolerance: number, what = ""): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

function closeMatrices(actual: readonly Matrix[], expected: readonly Matrix[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((m, k) => {
    for (let i = 0; i < m.data.length; i++) close(m.data[i], expected[k].data[i], tolerance, `${what}, matrix ${k} entry ${i}`);
  });
}

const X = [
  [0.5, -1],
  [1, 2],
  [-0.3, 0.8],
  [1.5, -0.2],
];
const y = [[0.2], [-0.4], [0.9], [0.1]];

test("gradientCheck catches a backprop that is wrong in one bias, and says which layer and entry", () => {
  const net = new Network([2, 3, 1], ["tanh", "linear"], { seed: 11, biasInit: "standard-normal" });
  assert.ok(gradientCheck(net, X, y).relativeError < 1e-8, "the true backprop passes");
  const honest = net.backprop.bind(net);
  net.backprop = (...args: Parameters<Network["backprop"]>) => {
    const g = honest(...args);
    g.biases[0].data[2] += 0.5; // layer 1's third bias
    return g;
  };
  const check = gradientCheck(net, X, y);
  assert.ok(check.relativeError > 0.01, `relative error ${check.relativeError}`);
  assert.ok(check.maxAbsoluteError > 0.49 && check.maxAbsoluteError < 0.51, String(check.maxAbsoluteError));
  assert.deepEqual({ ...check.worst, backprop: 0, numeric: 0 }, { layer: 1, parameter: "b", row: 0, col: 2, backprop: 0, numeric: 0 });
  close(check.worst!.backprop - check.worst!.numeric, 0.5, 1e-6, "the worst entry's difference");
  assert.ok(check.layers[0]!.biases > 0.01, "layer 1's biases are flagged");
  assert.ok(
    check.layers[0]!.weights < 1e-8 && check.layers[1]!.weights < 1e-8 && check.layers[1]!.biases < 1e-8,
    JSON.stringify(check.layers),
  );
});

test("gradientCheck flags a wrong weight gradient in the last layer, and only there", () => {
  const net = new Network([2, 3, 2], ["sigmoid", "linear"], { seed: 5 });
  const Y = [
    [1, 0],
    [0, 1],
    [1, 1],
    [0, 0],
  ];
  const honest = net.backprop.bind(net);
  net.backprop = (...args: Parameters<Network["backprop"]>) => {
    const g = honest(...args);
    g.weights[1].data[5] *= -1; // W² entry (2, 1), its sign flipped
    return g;
  };
  const check = gradientCheck(net, X, Y);
  assert.equal(check.worst?.layer, 2);
  assert.equal(check.worst?.parameter, "W");
  assert.deepEqual([check.worst?.row, check.worst?.col], [2, 1]);
  close(check.worst!.backprop, -check.worst!.numeric, 1e-6, "the flipped entry");
  assert.ok(check.layers[1]!.weights > 0.01 && check.layers[0]!.weights < 1e-8, JSON.stringify(check.layers));
});

test("numericalGradient and relativeError follow their formulas", () => {
  const W = Matrix.fromArray([
    [1, -2],
    [0.5, 3],
  ]);
  // C = Σ w³ has ∂C/∂w = 3w²; central differences are exact for it up to ε² terms.
  let evaluations = 0;
  const cubes = () => {
    evaluations++;
    return Array.from(W.data).reduce((s, w) => s + w * w * w, 0);
  };
  const grad = numericalGradient(cubes, [W], 1e-4);
  closeMatrices(grad, [W.map((w) => 3 * w * w)], 1e-6, "numerical gradient of Σ w³");
  assert.equal(evaluations, 2 * 4, "two evaluations of the cost per parameter");
  assert.deepEqual(Array.from(W.data), [1, -2, 0.5, 3], "each entry is restored");
  const a = [Matrix.fromArray([[3, 0]])];
  const b = [Matrix.fromArray([[0, 4]])];
  close(relativeError(a, b), 5 / 7, 1e-12, "‖a − b‖ / (‖a‖ + ‖b‖)");
  assert.equal(relativeError([Matrix.zeros(1, 2)], [Matrix.zeros(1, 2)]), 0);
  assert.throws(() => numericalGradient(() => 0, [W], 0), /epsilon must be > 0, got 0/);
});

test("Adam: three steps with changing gradients match the formula with bias correction 1 − β^t", () => {
  const [eta, b1, b2, eps] = [0.05, 0.9, 0.999, 1e-8];
  const adam = new Adam(eta, b1, b2, eps);
  const param = [Matrix.fromArray([[1, -1]])];
  const grads = [0.5, -2, 0.25].map((g) => [Matrix.fromArray([[g, 3 * g]])]);
  const expected = [1, -1];
  const m = [0, 0];
  const v = [0, 0];
  grads.forEach((g, step) => {
    adam.step(param, g);
    const t = step + 1;
    for (let i = 0; i < 2; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[0].data[i];
      v[i] = b2 * v[i] + (1 - b2) * g[0].data[i] ** 2;
      const mHat = m[i] / (1 - b1 ** t);
      const vHat = v[i] / (1 - b2 ** t);
      expected[i] -= (eta * mHat) / (Math.sqrt(vHat) + eps);
      close(param[0].data[i], expected[i], 1e-12, `Adam step ${t}, entry ${i}`);
    }
  });
  // reset() starts the count again: the next step is a first step.
  adam.reset();
  const fresh = [Matrix.fromArray([[0, 0]])];
  adam.step(fresh, [Matrix.fromArray([[2, -3]])]);
  closeMatrices(fresh, [Matrix.fromArray([[-eta, eta]])], 1e-9, "first step after reset");
});

/** Trains a copy by hand, batch by batch, with `update` applied to each weight before SGD's step. */
function byHand(net: Network, batches: number[][], eta: number, update: (w: number) => number): Network {
  const ref = net.clone();
  for (const rows of batches) {
    const g = ref.backprop(
      rows.map((r) => X[r]!),
      rows.map((r) => y[r]!),
    );
    ref.weights.forEach((W, l) => {
      for (let i = 0; i < W.data.length; i++) W.data[i] = update(W.data[i]) - eta * g.weights[l].data[i];
      const b = ref.biases[l];
      for (let i = 0; i < b.data.length; i++) b.data[i] -= eta * g.biases[l].data[i];
    });
  }
  return ref;
}

test("L2 decay divides λ by the training set's size n, not the batch's", () => {
  const net = new Network([2, 3, 1], ["tanh", "linear"], { seed: 3 });
  const [eta, l2, n] = [0.1, 0.8, X.length];
  const expected = byHand(
    net,
    [
      [0, 1],
      [2, 3],
    ],
    eta,
    (w) => w * (1 - (eta * l2) / n),
  );
  net.train(X, y, { epochs: 1, batchSize: 2, shuffle: false, learningRate: eta, l2 });
  closeMatrices(net.parameters(), expected.parameters(), 1e-12, "after one epoch of two batches");
});

test("L1 shrinks each weight by ηλ/n toward zero, n being the training set's size", () => {
  const net = new Network([2, 3, 1], ["tanh", "linear"], { seed: 4 });
  const [eta, l1, n] = [0.1, 0.5, X.length];
  const expected = byHand(
    net,
    [
      [0, 1],
      [2, 3],
    ],
    eta,
    (w) => w - ((eta * l1) / n) * Math.sign(w),
  );
  net.train(X, y, { epochs: 1, batchSize: 2, shuffle: false, learningRate: eta, l1 });
  closeMatrices(net.parameters(), expected.parameters(), 1e-12, "after one epoch of two batches");
});

test("dropout: one step equals gradient descent on the network with that step's mask, kept units scaled by 1/keep", () => {
  const [eta, p, seed] = [0.1, 0.5, 9];
  const net = new Network([2, 4, 1], ["tanh", "linear"], { seed: 2, biasInit: "standard-normal" });
  // The mask the step draws: one uniform draw per hidden unit and sample, in order.
  const rng = new Random(seed);
  const keep = 1 - p;
  const mask = Array.from({ length: X.length * 4 }, () => (rng.next() < keep ? 1 / keep : 0));
  assert.ok(mask.some((m) => m === 0) && mask.some((m) => m > 0), "the seed drops some units and keeps others");
  const [W1, b1, W2, b2] = net.parameters().map((m) => m.clone());
  // The cost of the masked network, written out: C = loss(tanh(X W1 + b1) ⊙ mask · W2 + b2).
  const cost = () => {
    const out = Matrix.generate(X.length, 1, (r) => {
      let sum = b2!.data[0];
      for (let j = 0; j < 4; j++) {
        const z = X[r]![0]! * W1!.data[j] + X[r]![1]! * W1!.data[4 + j] + b1!.data[j];
        sum += Math.tanh(z) * mask[r * 4 + j]! * W2!.data[j];
      }
      return sum;
    });
    return net.loss.value(out, Matrix.fromArray(y));
  };
  const grad = numericalGradient(cost, [W1!, b1!, W2!, b2!], 1e-6);
  const expected = [W1!, b1!, W2!, b2!].map((m, k) => {
    const next = m.clone();
    for (let i = 0; i < next.data.length; i++) next.data[i] -= eta * grad[k]!.data[i];
    return next;
  });
  net.train(X, y, { epochs: 1, batchSize: X.length, shuffle: false, learningRate: eta, dropout: p, seed });
  closeMatrices(net.parameters(), expected, 1e-8, "after one step with dropout");
  // Prediction uses every unit, unscaled.
  const plain = net.predict(X);
  const noDropout = new Network([2, 4, 1], ["tanh", "linear"]);
  net.parameters().forEach((m, k) => noDropout.parameters()[k]!.data.set(m.data));
  closeMatrices([plain], [noDropout.predict(X)], 0, "prediction");
});

test("dropout over two batches: the second batch's mask continues the draws where the first one's ended", () => {
  const [eta, p, seed] = [0.1, 0.5, 4];
  const net = new Network([2, 4, 1], ["tanh", "linear"], { seed: 3, biasInit: "standard-normal" });
  const rng = new Random(seed);
  const keep = 1 - p;
  const params = net.parameters().map((m) => m.clone());
  const [W1, b1, W2, b2] = params;
  for (const rows of [
    [0, 1],
    [2, 3],
  ]) {
    const mask = Array.from({ length: rows.length * 4 }, () => (rng.next() < keep ? 1 / keep : 0));
    const cost = () => {
      const out = Matrix.generate(rows.length, 1, (k) => {
        const x = X[rows[k]!]!;
        let sum = b2!.data[0];
        for (let j = 0; j < 4; j++)
          sum += Math.tanh(x[0]! * W1!.data[j] + x[1]! * W1!.data[4 + j] + b1!.data[j]) * mask[k * 4 + j]! * W2!.data[j];
        return sum;
      });
      return net.loss.value(out, Matrix.fromArray(rows.map((r) => y[r]!)));
    };
    const grad = numericalGradient(cost, params, 1e-6);
    params.forEach((m, k) => {
      for (let i = 0; i < m.data.length; i++) m.data[i] -= eta * grad[k]!.data[i];
    });
  }
  net.train(X, y, { epochs: 1, batchSize: 2, shuffle: false, learningRate: eta, dropout: p, seed });
  closeMatrices(net.parameters(), params, 1e-8, "after two steps with dropout");
});

test("SGD, as Network.train uses it: one full batch is one step of −η times backprop's gradient", () => {
  const net = new Network([2, 3, 1], ["tanh", "linear"], { seed: 6 });
  const expected = byHand(net, [[0, 1, 2, 3]], 0.3, (w) => w);
  net.train(X, y, { epochs: 1, batchSize: 4, shuffle: false, optimizer: new SGD(0.3) });
  closeMatrices(net.parameters(), expected.parameters(), 1e-12, "after one step");
});

test("initializers reach their limits and spreads, not only stay under them", () => {
  const draw = (init: typeof glorotUniform, fanIn: number, fanOut: number, n = 20000) => {
    const rng = new Random(17);
    return Array.from({ length: n }, () => init.sample(fanIn, fanOut, rng));
  };
  const maxAbs = (v: number[]) => Math.max(...v.map(Math.abs));
  const variance = (v: number[]) => v.reduce((s, x) => s + x * x, 0) / v.length;
  const uniformCases: [typeof glorotUniform, number, number, number][] = [
    [glorotUniform, 10, 14, Math.sqrt(6 / 24)],
    [heUniform, 12, 3, Math.sqrt(6 / 12)],
    [uniformInverseSqrtFanIn, 16, 4, 1 / 4],
  ];
  for (const [init, fanIn, fanOut, limit] of uniformCases) {
    const w = draw(init, fanIn, fanOut);
    assert.ok(maxAbs(w) <= limit && maxAbs(w) > 0.99 * limit, `${init.name}: max |w| ${maxAbs(w)}, limit ${limit}`);
    close(variance(w), (limit * limit) / 3, 0.04 * limit * limit, `${init.name} variance`);
    assert.ok(
      w.some((x) => x < -0.9 * limit),
      `${init.name} is symmetric`,
    );
  }
  close(variance(draw(glorotNormal, 10, 14)), 2 / 24, 0.004, "glorot-normal variance");
  close(variance(draw(heNormal, 8, 30)), 2 / 8, 0.012, "he-normal variance");
  close(variance(draw(normalInverseFanIn, 8, 30)), 1 / 8, 0.006, "normal-1/n_in variance");
});

test("optimizers: each is named, refuses hyperparameters outside their ranges by name, and forgets its state on reset", () => {
  assert.deepEqual(
    [new SGD(), new Momentum(), new RMSProp(), new Adam()].map((o) => o.name),
    ["sgd", "momentum", "rmsprop", "adam"],
  );
  assert.deepEqual(
    (["sgd", "momentum", "rmsprop", "adam"] as const).map((n) => getOptimizer(n).name),
    ["sgd", "momentum", "rmsprop", "adam"],
  );
  assert.throws(
    () => getOptimizer("nesterov" as never),
    /^RangeError: Unknown optimizer "nesterov"; use "sgd", "momentum", "rmsprop" or "adam", or an Optimizer object\.$/,
  );
  assert.throws(
    () => getOptimizer(new SGD(0.1), 0.2),
    /^RangeError: getOptimizer: the sgd optimizer passed in has its own learning rate 0\.1/,
  );
  for (const [make, name] of [
    [(lr: number) => new Momentum(lr), "Momentum"],
    [(lr: number) => new RMSProp(lr), "RMSProp"],
    [(lr: number) => new Adam(lr), "Adam"],
  ] as const) {
    assert.throws(() => make(0), new RegExp(`^RangeError: ${name}: the learning rate must be a finite number > 0, got 0\\.$`));
  }
  // The decay rates: 0 is allowed, 1 and beyond are not, nor a negative number or NaN.
  for (const ok of [0, 0.5, 0.999]) {
    assert.doesNotThrow(() => new Momentum(0.1, ok));
    assert.doesNotThrow(() => new RMSProp(0.1, ok));
    assert.doesNotThrow(() => new Adam(0.1, ok, ok));
  }
  for (const bad of [1, 1.5, -0.1, Number.NaN]) {
    assert.throws(() => new Momentum(0.1, bad), new RegExp(`^RangeError: Momentum: μ must be in \\[0, 1\\), got ${bad}\\.$`));
    assert.throws(() => new RMSProp(0.1, bad), new RegExp(`^RangeError: RMSProp: ρ must be in \\[0, 1\\), got ${bad}\\.$`));
    assert.throws(() => new Adam(0.1, bad, 0.9), new RegExp(`^RangeError: Adam: β₁ and β₂ must be in \\[0, 1\\), got ${bad} and 0.9\\.$`));
    assert.throws(() => new Adam(0.1, 0.9, bad), new RegExp(`^RangeError: Adam: β₁ and β₂ must be in \\[0, 1\\), got 0.9 and ${bad}\\.$`));
  }
  for (const optimizer of [new SGD(), new Momentum(), new RMSProp(), new Adam()]) {
    assert.throws(
      () => optimizer.step([Matrix.zeros(1, 1), Matrix.zeros(1, 1)], [Matrix.zeros(1, 1)]),
      new RegExp(`^RangeError: ${optimizer.name}\\.step: 2 parameter matrices but 1 gradients\\.$`),
    );
    assert.throws(() => optimizer.step([Matrix.zeros(1, 2)], [Matrix.zeros(1, 1)]), /parameter 0 is 1×2 but its gradient is 1×1/);
  }
  // After reset() a stateful optimizer's next step is a first step again.
  const first = (make: () => Momentum | RMSProp) => {
    const optimizer = make();
    const p = [Matrix.fromArray([[1]])];
    optimizer.step(p, [Matrix.fromArray([[4]])]);
    optimizer.reset();
    const fresh = make();
    const q = [Matrix.fromArray([[1]])];
    p[0].data[0] = 1;
    optimizer.step(p, [Matrix.fromArray([[0.5]])]);
    fresh.step(q, [Matrix.fromArray([[0.5]])]);
    assert.equal(p[0].data[0], q[0].data[0], optimizer.name);
  };
  first(() => new Momentum(0.1, 0.9));
  first(() => new RMSProp(0.01, 0.9, 1e-8));
});

test("RMSProp adds ε to the root mean square, so a zero gradient history does not divide by zero", () => {
  const p = [Matrix.fromArray([[1]])];
  new RMSProp(0.01, 0.9, 0.5).step(p, [Matrix.fromArray([[0.5]])]);
  close(p[0].data[0], 1 - (0.01 * 0.5) / (Math.sqrt(0.1 * 0.25) + 0.5), 1e-15, "one RMSProp step with ε = 0.5");
});

test("initializers are found by name, each named as it is looked up; an unknown name lists the known ones", () => {
  for (const [name, init] of Object.entries(initializers)) {
    assert.equal(getInitializer(name as never), init);
    assert.equal(init.name, name === "scaled-normal" ? "scaled-normal(0.01)" : name);
  }
  assert.equal(getInitializer(glorotUniform), glorotUniform, "an initializer object is passed through");
  assert.throws(() => getInitializer("xavier" as never), /^RangeError: Unknown initializer "xavier"; use one of zeros, standard-normal, /);
});
