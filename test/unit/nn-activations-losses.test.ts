// Activations, losses, initializers and optimizers, one number at a time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../lib/core/matrix";
import { Random } from "../../lib/data/random";
import {
  Adam,
  DEFAULT_LEARNING_RATE,
  Momentum,
  RMSProp,
  SGD,
  activations,
  binaryCrossEntropy,
  binaryCrossEntropyFromLogits,
  categoricalCrossEntropy,
  categoricalCrossEntropyFromLogits,
  getOptimizer,
  glorotUniform,
  halfSquaredError,
  heNormal,
  heaviside,
  hinge,
  initializers,
  leakyRelu,
  logisticLoss,
  mae,
  makeHeaviside,
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
