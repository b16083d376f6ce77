// Rosenblatt's perceptron, ADALINE and Hebb's rule.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Adaline, Perceptron, hebbUpdate, stepOf, trainHebb } from "../../lib/neurons";
import { copyFirstInputTable, logicGate, makeBlobs } from "../../lib/data/synthetic";
import { loadIris } from "../../lib/data/iris";

test("the perceptron learns the table y = x1 (bias column x0 = 1 in the data)", () => {
  const { X, y } = copyFirstInputTable();
  assert.deepEqual(
    X.map((row) => row[0]),
    [1, 1, 1, 1],
  );
  assert.deepEqual(
    y,
    X.map((row) => row[1]),
  );
  const p = new Perceptron({ inputs: 3, bias: "none" });
  const result = p.fit(X, y);
  assert.equal(result.converged, true);
  assert.deepEqual(p.classify(X), y);
  assert.equal(result.history.at(-1)!.errors, 0);
  assert.ok(result.history[0].errors > 0);
  // x2 is a distractor: its weight ends at 0, x1's is positive, the bias weight negative
  const [w0, w1, w2] = p.weights[0];
  assert.ok(w0 < 0 && w1 > 0 && w2 === 0, `weights ${p.weights[0]}`);
});

test("the record of an epoch: errors, updates, weight changes, the weights after it", () => {
  const { X, y } = logicGate("and");
  const p = new Perceptron({ inputs: 2, learningRate: 0.5 });
  const result = p.fit(X, y, { recordSteps: true });
  const first = result.history[0];
  assert.equal(first.updates, first.errors);
  assert.equal(first.steps!.length, first.updates);
  // the weight change of the epoch is the sum of its steps
  const summed = first.steps!.reduce((s, st) => s.map((v, i) => v + st.deltaW[i]), [0, 0]);
  assert.deepEqual(first.weightChange[0], summed);
  // the first sample (0, 0) is predicted 1 by the zero weights (H(0) = 1): b moves by −η
  assert.deepEqual(first.steps![0], { sample: 0, output: 0, deltaW: [-0, -0], deltaB: -0.5 });
  assert.equal(result.converged, true);
  assert.deepEqual(p.classify(X), [0, 0, 0, 1]);
});

test("bias as a separate term, as x0 = 1, with the sign step and ±1 labels", () => {
  const { X, y } = logicGate("or");
  const x0 = new Perceptron({ inputs: 2, bias: "x0", step: "sign" });
  const labels = y.map((v) => 2 * v - 1);
  assert.equal(x0.fit(X, labels).converged, true);
  assert.deepEqual(x0.classify(X), labels);
  assert.equal(x0.weights[0].length, 3, "w0 comes first");
  assert.equal(stepOf("sign", 0), 0);
  assert.equal(stepOf("heaviside", 0), 1);
});

test("converges on separable blobs with seeded shuffling; several outputs at once", () => {
  const data = makeBlobs(60, 2, {
    centers: [
      [-3, -3],
      [3, 3],
    ],
    std: 1,
    seed: 4,
  });
  const p = new Perceptron({ inputs: 2, init: "random", seed: 1 });
  const a = p.fit(data.X, data.y, { shuffle: true, seed: 7 });
  assert.equal(a.converged, true);
  const again = new Perceptron({ inputs: 2, init: "random", seed: 1 }).fit(data.X, data.y, { shuffle: true, seed: 7 });
  assert.deepEqual(
    again.history.map((e) => e.errors),
    a.history.map((e) => e.errors),
    "same seeds, same run",
  );
  // three outputs: AND, OR and NAND of the same inputs, learnt together
  const { X } = logicGate("and");
  const targets = [logicGate("and").y, logicGate("or").y, logicGate("nand").y];
  const rows = X.map((_, i) => targets.map((t) => t[i]));
  const multi = new Perceptron({ inputs: 2, outputs: 3 });
  assert.equal(multi.fit(X, rows).converged, true);
  assert.deepEqual(multi.predictMany(X), rows);
});

test("does not converge on XOR: mistakes every epoch", () => {
  const { X, y } = logicGate("xor");
  const result = new Perceptron({ inputs: 2 }).fit(X, y, { epochs: 50 });
  assert.equal(result.converged, false);
  assert.equal(result.epochs, 50);
  assert.ok(result.history.every((e) => e.errors > 0));
});

test("perceptron input checks", () => {
  const p = new Perceptron({ inputs: 2 });
  assert.throws(() => new Perceptron({ inputs: 2, learningRate: 0 }), /learning rate must be a finite number > 0, got 0/);
  assert.throws(() => p.fit([], []), /the data is empty/);
  assert.throws(() => p.fit([[0, 1]], [1, 0]), /X has 1 samples but y has 2 labels/);
  assert.throws(() => p.fit([[0, 1, 1]], [1]), /sample 0 has 3 values but the perceptron takes 2 inputs/);
  assert.throws(() => p.fit([[0, 1]], [-1]), /label -1 of sample 0 is not allowed with the heaviside step/);
  assert.throws(() => p.fit([[0, NaN]], [1]), /sample 0, input 1 is NaN/);
  assert.throws(() => p.predict([1]), /the sample has 1 values/);
});

test("ADALINE: the Widrow-Hoff rule lowers the squared error, batch and stochastic", () => {
  const data = makeBlobs(40, 2, {
    centers: [
      [-2, -2],
      [2, 2],
    ],
    std: 0.8,
    seed: 2,
  });
  const labels = data.y.map((c) => (c === 1 ? 1 : -1));
  for (const mode of ["stochastic", "batch"] as const) {
    const ada = new Adaline({ inputs: 2, learningRate: mode === "batch" ? 0.002 : 0.01 });
    const history = ada.fit(data.X, labels, { epochs: 30, mode, seed: 1 });
    assert.ok(history.at(-1)!.cost < history[0].cost, `${mode}: ${history[0].cost} → ${history.at(-1)!.cost}`);
    assert.equal(history.at(-1)!.errors, 0);
    assert.deepEqual(ada.classify(data.X), labels);
  }
  // one Widrow-Hoff step by hand: w ← w + η (y − z) x
  const one = new Adaline({ inputs: 2, learningRate: 0.1 });
  one.fit([[1, 2]], [1], { epochs: 1 });
  assert.deepEqual(one.weights, [0.1, 0.2]);
  assert.ok(Math.abs(one.bias - 0.1) < 1e-15);
  assert.throws(() => new Adaline({ inputs: 2, learningRate: -1 }), /learning rate must be a finite number > 0/);
  const wild = new Adaline({ inputs: 2, learningRate: 10 });
  assert.throws(
    () =>
      wild.fit(
        data.X.map(([a, b]) => [a * 100, b * 100]),
        labels,
        { epochs: 200, mode: "batch" },
      ),
    /the cost became .* in epoch \d+; the learning rate 10 is too large/,
  );
});

test("Hebb's rule: Δw = η x y; one pass over bipolar AND wires the unit", () => {
  assert.deepEqual(hebbUpdate([0, 0], [1, -1], 1, 0.5), [0.5, -0.5]);
  const X = [
    [1, 1],
    [1, -1],
    [-1, 1],
    [-1, -1],
  ];
  const y = [1, -1, -1, -1];
  const { weights, bias, steps } = trainHebb(X, y);
  assert.deepEqual(weights, [2, 2]);
  assert.equal(bias, -2);
  assert.equal(steps.length, 4);
  X.forEach((x, i) => assert.equal(Math.sign(weights[0] * x[0] + weights[1] * x[1] + bias), y[i]));
  assert.throws(() => trainHebb([[1]], [1, 1]), /X has 1 samples but y has 2 targets/);
  // The one learning-rate check: Infinity is not a rate (it would make every weight ±Infinity).
  assert.throws(() => trainHebb(X, y, Infinity), /trainHebb: the learning rate must be a finite number > 0, got Infinity/);
  assert.throws(() => trainHebb(X, y, NaN), /the learning rate must be a finite number > 0, got NaN/);
});

test("iris: setosa or not from petal length and width; the flower [2, 0.5] is a setosa", () => {
  const iris = loadIris();
  const X = Array.from({ length: iris.rows }, (_, r) => [iris.data[r * 4 + 2], iris.data[r * 4 + 3]]);
  const y = Array.from(iris.labels, (c) => (c === 0 ? 1 : 0));
  const p = new Perceptron({ inputs: 2 });
  const result = p.fit(X, y, { epochs: 100, shuffle: true, seed: 42 });
  assert.equal(result.converged, true, "setosa is linearly separable from the others");
  assert.deepEqual(p.predict([2, 0.5]), [1]);
  assert.deepEqual(p.predict([5, 1.8]), [0]);
});
