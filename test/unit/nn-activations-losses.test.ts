// Activations, losses, initializers and optimizers, one number at a time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../lib/core/matrix";
import { Random } from "../../lib/data/random";
import {
  type ActivationName,
  Adam,
  DEFAULT_LEARNING_RATE,
  EPSILON,
  type Loss,
  type LossName,
  Momentum,
  RMSProp,
  SGD,
  activations,
  binaryCrossEntropy,
  binaryCrossEntropyFromLogits,
  categoricalCrossEntropy,
  categoricalCrossEntropyFromLogits,
  elementwiseActivation,
  getActivation,
  getLoss,
  getOptimizer,
  glorotUniform,
  halfSquaredError,
  heNormal,
  heaviside,
  hinge,
  initializers,
  leakyRelu,
  logisticLoss,
  losses,
  mae,
  makeHeaviside,
  makeLeakyRelu,
  mse,
  normalInverseFanIn,
  piecewiseLinear,
  ramp,
  relu,
  scaledNormal,
  sigmoid,
  sign,
  softmax,
  softmaxJacobian,
  softmaxOf,
  tanh,
  uniformInverseSqrtFanIn,
  zeros,
} from "../../lib/nn";

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test("activation values at a few points", () => {
  close(sigmoid.f(0), 0.5);
  close(sigmoid.df(0), 0.25);
  close(sigmoid.f(-800), 0); // no overflow warning, no NaN
  close(sigmoid.f(800), 1);
  close(tanh.f(0.5), 2 * sigmoid.f(1) - 1); // tanh(z) = 2σ(2z) − 1
  close(tanh.df(0.5), 1 / Math.cosh(0.5) ** 2);
  assert.deepEqual([relu.f(-2), relu.f(3), relu.df(-2), relu.df(3), relu.df(0)], [0, 3, 0, 1, 0]);
  assert.deepEqual([leakyRelu.f(-2), leakyRelu.df(-2)], [-0.02, 0.01]);
  assert.deepEqual([heaviside.f(-1), heaviside.f(0), heaviside.f(2), heaviside.df(2)], [0, 1, 1, 0]);
  assert.equal(makeHeaviside(0.5).f(0), 0.5);
  assert.deepEqual([sign.f(-3), sign.f(0), sign.f(3)], [-1, 0, 1]);
  assert.deepEqual([piecewiseLinear.f(-1), piecewiseLinear.f(0.25), piecewiseLinear.f(1)], [0, 0.75, 1]);
  assert.deepEqual([ramp.f(-3), ramp.f(0.5), ramp.f(3), ramp.df(0.5), ramp.df(2)], [-1, 0.5, 1, 1, 0]);
  assert.equal(activations.linear.name, "linear");
});

test("every elementwise derivative matches a central difference away from its kinks", () => {
  for (const act of [sigmoid, tanh, relu, leakyRelu, piecewiseLinear, ramp, heaviside, sign]) {
    for (const z of [-2.3, -0.7, -0.2, 0.3, 0.8, 1.7]) {
      const numeric = (act.f(z + 1e-6) - act.f(z - 1e-6)) / 2e-6;
      close(act.df(z), numeric, 1e-8);
    }
  }
});

test("softmax: rows sum to 1, survive huge scores, and backward equals the Jacobian", () => {
  const Z = Matrix.fromArray([
    [1, 2, 3],
    [1000, 1001, 1002],
  ]);
  const A = softmax.forward(Z);
  A.toArray().forEach((row) =>
    close(
      row.reduce((s, v) => s + v, 0),
      1,
    ),
  );
  close(A.get(1, 2), A.get(0, 2)); // shifting all scores changes nothing
  const z = [0.3, -1.2, 2];
  const J = softmaxJacobian(z);
  const g = [0.5, -1, 2];
  const dZ = softmax.backward(Matrix.fromArray([z]), Matrix.fromArray([softmaxOf(z)]), Matrix.fromArray([g]));
  z.forEach((_, j) =>
    close(
      dZ.get(0, j),
      g.reduce((s, gi, i) => s + gi * J[i][j], 0),
    ),
  );
});

test("loss values and gradients at a hand-computed point", () => {
  const A = Matrix.fromArray([
    [0.8, 0.2],
    [0.4, 0.6],
  ]);
  const Y = Matrix.fromArray([
    [1, 0],
    [0, 1],
  ]);
  close(halfSquaredError.value(A, Y), (0.5 * (0.04 + 0.04) + 0.5 * (0.16 + 0.16)) / 2);
  close(mse.value(A, Y), (0.04 + 0.04 + 0.16 + 0.16) / 4);
  close(mae.value(A, Y), (0.2 + 0.2 + 0.4 + 0.4) / 4);
  close(categoricalCrossEntropy.value(A, Y), -(Math.log(0.8) + Math.log(0.6)) / 2);
  close(binaryCrossEntropy.value(A, Y), -(2 * Math.log(0.8) + 2 * Math.log(0.6)) / 2);
  close(halfSquaredError.gradient(A, Y).get(0, 0), -0.2 / 2);
  const S = Matrix.fromArray([[2, -0.5]]);
  const T = Matrix.fromArray([[1, -1]]);
  close(hinge.value(S, T), 0 + 0.5);
  close(logisticLoss.value(S, T), Math.log(1 + Math.exp(-2)) + Math.log(1 + Math.exp(-0.5)));
});

test("the logits losses equal their probability versions and stay finite for huge scores", () => {
  const Z = Matrix.fromArray([[1.5, -0.3, 0.2]]);
  const Y = Matrix.fromArray([[0, 1, 0]]);
  close(categoricalCrossEntropyFromLogits.value(Z, Y), categoricalCrossEntropy.value(softmax.forward(Z), Y));
  const z = Matrix.fromArray([[2.5], [-1]]);
  const y = Matrix.fromArray([[1], [0]]);
  close(binaryCrossEntropyFromLogits.value(z, y), binaryCrossEntropy.value(sigmoid.forward(z), y));
  const huge = Matrix.fromArray([[800, -800, 0]]);
  assert.ok(Number.isFinite(categoricalCrossEntropyFromLogits.value(huge, Matrix.fromArray([[0, 1, 0]]))));
  close(binaryCrossEntropyFromLogits.value(Matrix.fromArray([[-800]]), Matrix.fromArray([[1]])), 800);
  assert.ok(Number.isFinite(binaryCrossEntropy.value(Matrix.fromArray([[0]]), Matrix.fromArray([[1]]))), "probabilities are clipped");
});

test("initializers: zeros, scales and limits as their formulas say, same seed same weights", () => {
  const draw = (init: typeof zeros, fanIn: number, fanOut: number, n = 4000) => {
    const rng = new Random(3);
    return Array.from({ length: n }, () => init.sample(fanIn, fanOut, rng));
  };
  const variance = (v: number[]) => v.reduce((s, x) => s + x * x, 0) / v.length;
  assert.ok(draw(zeros, 3, 3, 10).every((w) => w === 0));
  close(variance(draw(normalInverseFanIn, 50, 10)), 1 / 50, 0.002);
  close(variance(draw(heNormal, 50, 10)), 2 / 50, 0.004);
  close(variance(draw(scaledNormal(0.01), 5, 5)), 1e-4, 1e-5);
  assert.ok(draw(uniformInverseSqrtFanIn, 16, 4).every((w) => Math.abs(w) <= 0.25));
  assert.ok(draw(glorotUniform, 10, 14).every((w) => Math.abs(w) <= Math.sqrt(6 / 24)));
  assert.deepEqual(draw(initializers["glorot-normal"], 4, 4, 5), draw(initializers["glorot-normal"], 4, 4, 5));
});

test("optimizers follow their update rules on a single number", () => {
  const param = () => [Matrix.fromArray([[1]])];
  const grad = [Matrix.fromArray([[0.5]])];
  const p1 = param();
  new SGD(0.1).step(p1, grad);
  close(p1[0].data[0], 1 - 0.05);
  const p2 = param();
  const m = new Momentum(0.1, 0.9);
  m.step(p2, grad); // v = −0.05
  m.step(p2, grad); // v = 0.9(−0.05) − 0.05 = −0.095
  close(p2[0].data[0], 1 - 0.05 - 0.095);
  const p3 = param();
  new RMSProp(0.01, 0.9, 0).step(p3, grad); // s = 0.1 · 0.25, step = 0.01 · 0.5 / √0.025
  close(p3[0].data[0], 1 - (0.01 * 0.5) / Math.sqrt(0.025));
  const p4 = param();
  new Adam(0.01, 0.9, 0.999, 0).step(p4, grad); // first step: m̂ = g, v̂ = g², so the step is η
  close(p4[0].data[0], 1 - 0.01);
  assert.throws(() => new SGD(0.1).step(param(), [Matrix.zeros(2, 1)]), /parameter 0 is 1×1 but its gradient is 2×1/);
  assert.throws(() => new Adam(-1), /learning rate must be a finite number > 0, got -1/);
});

test("each optimizer has one default learning rate, the same by constructor and by name", () => {
  const byConstructor = { sgd: new SGD(), momentum: new Momentum(), rmsprop: new RMSProp(), adam: new Adam() };
  for (const name of ["sgd", "momentum", "rmsprop", "adam"] as const) {
    assert.equal(byConstructor[name].learningRate, DEFAULT_LEARNING_RATE[name], `new ${name}()`);
    assert.equal(getOptimizer(name).learningRate, DEFAULT_LEARNING_RATE[name], `getOptimizer("${name}")`);
    assert.equal(getOptimizer(name, 0.25).learningRate, 0.25, `getOptimizer("${name}", 0.25)`);
  }
  assert.throws(() => getOptimizer("sgd", Infinity), /SGD: the learning rate must be a finite number > 0, got Infinity/);
});

test("getOptimizer passes an optimizer object through and never changes its learning rate", () => {
  const sgd = new SGD(0.2);
  assert.equal(getOptimizer(sgd), sgd);
  assert.equal(getOptimizer(sgd, 0.2), sgd, "the rate it already has is no conflict");
  assert.throws(() => getOptimizer(sgd, 0.5), /the sgd optimizer passed in has its own learning rate 0.2; leave learningRate \(0.5\) out/);
  assert.equal(sgd.learningRate, 0.2);
  assert.throws(() => getOptimizer(sgd, -1), /learning rate must be a finite number > 0, got -1/);
  assert.equal(sgd.learningRate, 0.2);
});

test("every activation and loss is found by its name and carries it; an unknown name lists the known ones", () => {
  for (const [name, act] of Object.entries(activations)) {
    assert.equal(act.name, name);
    assert.equal(getActivation(name as ActivationName), act);
  }
  assert.equal(getActivation(tanh), tanh, "an activation object is passed through");
  assert.throws(
    () => getActivation({ name: "mine", forward: (z: unknown) => z } as never),
    /^TypeError: An activation is a name like "relu" or an object with name, forward and backward; got an object with name, forward\.$/,
  );
  assert.throws(() => getActivation(null as never), /an object with name, forward and backward; got null\.$/);
  assert.throws(
    () => getActivation("swish" as never),
    /^RangeError: Unknown activation "swish"; use one of sigmoid, tanh, relu, leaky-relu, linear, heaviside, sign, piecewise-linear, ramp, softmax, or an Activation object\.$/,
  );
  assert.deepEqual([makeLeakyRelu(0.01).name, makeLeakyRelu(0.2).name], ["leaky-relu", "leaky-relu(0.2)"]);
  assert.deepEqual([makeHeaviside(1).name, makeHeaviside(0.5).name], ["heaviside", "heaviside(0.5)"]);
  // What each loss expects as targets decides how labels are read (0/1 become ±1 for the
  // sign losses) and where a single output splits the classes.
  const targets: Record<LossName, Loss["targets"]> = {
    "half-squared-error": "real",
    "squared-error": "real",
    mse: "real",
    mae: "real",
    "binary-cross-entropy": "probability",
    "binary-cross-entropy-from-logits": "probability",
    "categorical-cross-entropy": "probability",
    "categorical-cross-entropy-from-logits": "probability",
    hinge: "sign",
    logistic: "sign",
  };
  assert.deepEqual(Object.keys(losses).sort(), Object.keys(targets).sort());
  for (const [name, loss] of Object.entries(losses)) {
    assert.equal(loss.name, name);
    assert.equal(loss.targets, targets[name as LossName], name);
    assert.equal(getLoss(name as LossName), loss);
  }
  assert.equal(getLoss(mae), mae, "a loss object is passed through");
  assert.throws(
    () => getLoss("huber" as never),
    /^RangeError: Unknown loss "huber"; use one of half-squared-error, squared-error, mse, mae, /,
  );
});

test("derivatives at the kinks take the side their comments state", () => {
  // Leaky ReLU: α for z ≤ 0 (the "otherwise" of its definition), also at the kink.
  assert.deepEqual([leakyRelu.df(0), leakyRelu.df(1e-9), leakyRelu.df(-1e-9)], [0.01, 1, 0.01]);
  const steep = makeLeakyRelu(0.2);
  assert.deepEqual([steep.f(-2), steep.f(2), steep.df(-2), steep.df(0)], [-0.4, 2, 0.2, 0.2]);
  // The hard sigmoid and the ramp: slope 1 strictly inside, 0 at and beyond the corners.
  assert.deepEqual([-0.5, -0.49, 0.49, 0.5].map(piecewiseLinear.df), [0, 1, 1, 0]);
  assert.deepEqual([-1, -0.99, 0.99, 1].map(ramp.df), [0, 1, 1, 0]);
  // A step with H(0) = ½ is still 0 below zero and 1 above it.
  const half = makeHeaviside(0.5);
  assert.deepEqual([half.f(-2), half.f(0), half.f(2)], [0, 0.5, 1]);
});

test("leaky ReLU's slope must be in [0, 1)", () => {
  assert.deepEqual([makeLeakyRelu(0).f(-3), makeLeakyRelu(0).df(-3)], [-0, 0]);
  for (const bad of [-0.1, 1, 1.5, Number.NaN]) {
    assert.throws(() => makeLeakyRelu(bad), new RegExp(`^RangeError: leakyRelu: alpha must be in \\[0, 1\\), got ${bad}\\.$`));
  }
});

test("the sigmoid of a very negative z is e^z, never 0 from an overflowing e^(−z)", () => {
  // e^720 overflows to Infinity, and 1 / (1 + Infinity) would give 0; σ(z) = e^z / (1 + e^z)
  // keeps the tiny but nonzero value.
  assert.ok(Math.exp(-720) > 0);
  assert.equal(sigmoid.f(-720), Math.exp(-720));
  assert.equal(sigmoid.f(720), 1);
});

test("activations refuse matrices of different shapes, naming the activation and the shapes", () => {
  const Z = Matrix.zeros(2, 3);
  for (const act of [sigmoid, relu, softmax]) {
    for (const [rows, cols] of [
      [2, 2],
      [3, 3],
    ]) {
      assert.throws(
        () => act.forward(Z, Matrix.zeros(rows, cols)),
        new RegExp(`^RangeError: activation: Z and out have shapes 2×3 and ${rows}×${cols}; they must match\\.$`),
      );
      assert.throws(
        () => act.backward(Z, act.forward(Z), Matrix.zeros(rows, cols)),
        new RegExp(`^RangeError: ${act.name}: Z and dC/dA have shapes 2×3 and ${rows}×${cols}; they must match\\.$`),
      );
    }
  }
});

test("ReLU on matrices of mixed dtypes: max(0, z) forward, dC/dA ⊙ [z > 0] backward", () => {
  const Z = Matrix.fromArray([
    [-1, 2],
    [0.5, -3],
  ]);
  const into32 = relu.forward(Z, Matrix.zeros(2, 2, "float32"));
  assert.equal(into32.dtype, "float32");
  assert.deepEqual(Array.from(into32.data), [0, 2, 0.5, 0]);
  const A = relu.forward(Z);
  const dA32 = Matrix.fromArray(
    [
      [1, 2],
      [3, 4],
    ],
    "float32",
  );
  assert.deepEqual(Array.from(relu.backward(Z, A, dA32).data), [0, 2, 3, 0], "dC/dA float32, Z float64");
  const out32 = relu.backward(Z, A, dA32.astype("float64"), Matrix.zeros(2, 2, "float32"));
  assert.equal(out32.dtype, "float32");
  assert.deepEqual(Array.from(out32.data), [0, 2, 3, 0], "out float32");
});

test("softmax stays exact for huge scores wherever the largest one is in the row", () => {
  const near = (actual: readonly number[], expected: readonly number[]) => actual.forEach((v, j) => close(v, expected[j]!, 1e-15));
  const e = Math.E;
  near(
    softmaxOf([1, 2, 3]),
    [e, e ** 2, e ** 3].map((v) => v / (e + e ** 2 + e ** 3)),
  );
  near(softmaxOf([-1000, 0, 1000]), [0, 0, 1]);
  assert.deepEqual(
    softmax
      .forward(
        Matrix.fromArray([
          [1000, 0, -1000],
          [0, 1000, 0],
        ]),
      )
      .toArray(),
    [
      [1, 0, 0],
      [0, 1, 0],
    ],
  );
});

test("losses refuse outputs and targets of different shapes, and an empty batch", () => {
  for (const loss of [halfSquaredError, categoricalCrossEntropyFromLogits]) {
    for (const [rows, cols] of [
      [3, 2],
      [2, 1],
    ]) {
      const message = new RegExp(
        `^RangeError: ${loss.name} loss: the output is 2×2 but the targets are ${rows}×${cols}; give one target row per sample with one column per output unit \\(use oneHot\\(labels\\) for class labels\\)\\.$`,
      );
      assert.throws(() => loss.value(Matrix.zeros(2, 2), Matrix.zeros(rows, cols)), message);
      assert.throws(() => loss.gradient(Matrix.zeros(2, 2), Matrix.zeros(rows, cols)), message);
    }
    assert.throws(
      () => loss.value(Matrix.zeros(0, 2), Matrix.zeros(0, 2)),
      new RegExp(`^RangeError: ${loss.name} loss: the batch is empty \\(0 samples\\)\\.$`),
    );
  }
});

test("every loss's gradient is the central difference of its value, 1/m included", () => {
  // Two samples, three outputs, targets of the kind each loss takes. The cross-entropy
  // targets are not one-hot (rows summing to 0.75 and 2), where ∂C/∂z_j = s_j Σ_k y_k − y_j
  // differs from s − y. No output sits on a kink of mae or hinge.
  const rng = new Random(8);
  const outputs = (loss: Loss) =>
    Matrix.generate(2, 3, () =>
      loss.targets === "probability" && !loss.name.endsWith("logits") ? rng.uniform(0.1, 0.9) : rng.normal(0, 1.5),
    );
  const targetsOf: Record<Loss["targets"], Matrix> = {
    real: Matrix.fromArray([
      [0.3, -1.2, 2],
      [1, 0, -0.5],
    ]),
    probability: Matrix.fromArray([
      [0.5, 0, 0.25],
      [1, 1, 0],
    ]),
    sign: Matrix.fromArray([
      [1, -1, 1],
      [-1, -1, 1],
    ]),
  };
  for (const loss of Object.values(losses)) {
    const A = outputs(loss);
    const Y = targetsOf[loss.targets];
    const gradient = loss.gradient(A, Y);
    for (let i = 0; i < A.data.length; i++) {
      const saved = A.data[i]!;
      A.data[i] = saved + 1e-6;
      const plus = loss.value(A, Y);
      A.data[i] = saved - 1e-6;
      const minus = loss.value(A, Y);
      A.data[i] = saved;
      close(gradient.data[i]!, (plus - minus) / 2e-6, 1e-7);
    }
  }
});

test("at a tie mae's slope is 0, and at the margin y·z = 1 hinge's is 0", () => {
  const tie = Matrix.fromArray([[0.5, -2]]);
  assert.deepEqual(Array.from(mae.gradient(tie, tie.clone()).data), [0, 0]);
  const S = Matrix.fromArray([[1, -1, 0.5]]);
  const T = Matrix.fromArray([[1, -1, 1]]);
  assert.deepEqual(Array.from(hinge.gradient(S, T).data), [0, 0, -1]);
  close(hinge.value(S, T), 0.5);
});

test("probabilities are clipped at both ends: certain and wrong costs −ln ε, not Infinity", () => {
  const certainWrong = [
    [0, 1],
    [1, 0],
  ] as const;
  for (const [a, y] of certainWrong) {
    const value = binaryCrossEntropy.value(Matrix.fromArray([[a]]), Matrix.fromArray([[y]]));
    close(value, -Math.log(EPSILON), 1e-3);
  }
  close(categoricalCrossEntropy.value(Matrix.fromArray([[0, 1]]), Matrix.fromArray([[1, 0]])), -Math.log(EPSILON), 1e-9);
});

test("cross-entropy from logits stays finite, row by row, wherever a row's largest score is", () => {
  // Each row's log-sum-exp must shift by that row's own maximum: here the maximum is in
  // the middle, first and last, and a neighbouring row's score of 900 must not leak in.
  const Z = Matrix.fromArray([
    [0, 1, -1],
    [900, 0, 0],
    [0, 0, 900],
  ]);
  const Y = Matrix.fromArray([
    [1, 0, 0],
    [0, 1, 0],
    [1, 0, 0],
  ]);
  const lse0 = Math.log(1 + Math.E + 1 / Math.E);
  close(categoricalCrossEntropyFromLogits.value(Z, Y), (lse0 + 900 + 900) / 3, 1e-12);
  const g = categoricalCrossEntropyFromLogits.gradient(Z, Y);
  assert.ok(Array.from(g.data).every(Number.isFinite), Array.from(g.data).join(", "));
  close(g.get(1, 0), 1 / 3, 1e-15);
  close(g.get(1, 1), -1 / 3, 1e-15);
});

test("an activation of your own sees each entry once, as a number, in both passes", () => {
  const seen: unknown[] = [];
  const swish = elementwiseActivation(
    "swish",
    (z) => {
      seen.push(z);
      return z * sigmoid.f(z);
    },
    (z, a) => {
      seen.push(z);
      return a + sigmoid.f(z) * (1 - a);
    },
  );
  const Z = Matrix.fromArray([[-1, 0.5, 2]]);
  const A = swish.forward(Z);
  assert.deepEqual(seen, [-1, 0.5, 2]);
  close(A.get(0, 2), 2 * sigmoid.f(2));
  seen.length = 0;
  const dZ = swish.backward(Z, A, Matrix.fromArray([[1, 1, 1]]));
  assert.deepEqual(seen, [-1, 0.5, 2]);
  close(dZ.get(0, 0), (swish.f(-1 + 1e-6) - swish.f(-1 - 1e-6)) / 2e-6, 1e-9);
});
