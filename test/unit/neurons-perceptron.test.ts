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

// AND traced by hand, η = 0.5, zero start, samples in the given order (0,0), (0,1), (1,0),
// (1,1). The mistakes per epoch are 2, 3, 3, 2, 1, 0; after the first epoch the weights
// are (0.5, 0.5) with b = 0 ((0,0) fired at z = 0 and moved b to −0.5, (1,1) stayed
// silent at −0.5 and moved everything up by η), after the second (1, 0.5) with b = −0.5,
// and from the fifth on (1, 0.5) with b = −1.5: z = x1 + 0.5 x2 − 1.5 is ≥ 0 only at (1, 1).
const andErrorsByHand = [2, 3, 3, 2, 1, 0];

test("the perceptron rule on AND, epoch by epoch as traced by hand", () => {
  const { X, y } = logicGate("and");
  const p = new Perceptron({ inputs: 2, learningRate: 0.5 });
  const result = p.fit(X, y);
  assert.deepEqual(
    result.history.map((e) => e.errors),
    andErrorsByHand,
  );
  assert.deepEqual(
    result.history.map((e) => e.updates),
    andErrorsByHand,
  );
  // converged in epoch 6: fit stops there instead of running all 100 epochs
  assert.equal(result.converged, true);
  assert.equal(result.epochs, 6);
  // each epoch's record holds the weights as they were then, not the live arrays
  assert.deepEqual(result.history[0].weights, [[0.5, 0.5]]);
  assert.deepEqual(result.history[0].biases, [0]);
  assert.deepEqual(result.history[1].weights, [[1, 0.5]]);
  assert.deepEqual(result.history[1].biases, [-0.5]);
  assert.deepEqual(p.weights, [[1, 0.5]]);
  assert.deepEqual(p.biases, [-1.5]);
  assert.deepEqual(p.netInput([1, 1]), [0]);
  assert.deepEqual(p.netInput([1, 0]), [-0.5]);
  // steps are only recorded when asked for
  assert.equal(result.history[0].steps, undefined);
  // from a zero start η only rescales the weights: the same mistakes, weights twice as large
  const unit = new Perceptron({ inputs: 2, learningRate: 1 });
  assert.deepEqual(
    unit.fit(X, y).history.map((e) => e.errors),
    andErrorsByHand,
  );
  assert.deepEqual(unit.weights, [[2, 1]]);
  assert.deepEqual(unit.biases, [-3]);
});

test("without stopping at convergence, fit runs every epoch and a correct unit does not move", () => {
  const { X, y } = logicGate("and");
  const p = new Perceptron({ inputs: 2, learningRate: 0.5 });
  const result = p.fit(X, y, { epochs: 8, stopWhenConverged: false });
  assert.equal(result.epochs, 8);
  assert.equal(result.converged, true, "the last epoch made no mistake");
  assert.deepEqual(
    result.history.map((e) => e.errors),
    [...andErrorsByHand, 0, 0],
  );
  assert.deepEqual(result.history[7].weightChange, [[0, 0]]);
  assert.deepEqual(result.history[7].weights, [[1, 0.5]]);
  // one epoch only: it still made mistakes, so it has not converged
  const once = new Perceptron({ inputs: 2, learningRate: 0.5 }).fit(X, y, { epochs: 1 });
  assert.equal(once.epochs, 1);
  assert.equal(once.converged, false);
});

test("the sign step: an error of 2 moves the weights by 2η x, and the bias by 2η", () => {
  // η = 0.5, one input. Sample 1: x = 1, y = +1, z = 0 gives ŷ = sign(0) = 0, an error of
  // 1: w = 0.5, b = 0.5. Sample 2: x = −2, y = +1, z = −1 + 0.5 = −0.5 gives ŷ = −1, an
  // error of 2: Δw = 0.5 · 2 · (−2) = −2, Δb = 0.5 · 2 = 1.
  const p = new Perceptron({ inputs: 1, step: "sign", learningRate: 0.5 });
  const result = p.fit([[1], [-2]], [1, 1], { epochs: 1, recordSteps: true });
  assert.deepEqual(result.history[0].steps, [
    { sample: 0, output: 0, deltaW: [0.5], deltaB: 0.5 },
    { sample: 1, output: 0, deltaW: [-2], deltaB: 1 },
  ]);
  assert.deepEqual(p.weights, [[-1.5]]);
  assert.deepEqual(p.biases, [1.5]);
});

test("with the bias as w0 on x0 = 1, the separate bias stays 0 and never learns", () => {
  // the same two samples as above: w0 takes the bias's steps (0.5, then 1)
  const p = new Perceptron({ inputs: 1, step: "sign", bias: "x0", learningRate: 0.5 });
  const result = p.fit([[1], [-2]], [1, 1], { epochs: 1, recordSteps: true });
  assert.deepEqual(
    result.history[0].steps!.map((s) => [s.deltaW, s.deltaB]),
    [
      [[0.5, 0.5], 0],
      [[1, -2], 0],
    ],
  );
  assert.deepEqual(p.weights, [[1.5, -1.5]]);
  assert.deepEqual(p.biases, [0]);
  // a random start draws no separate bias either (it would be added to every z)
  const random = new Perceptron({ inputs: 2, bias: "x0", init: "random", seed: 3 });
  assert.deepEqual(random.biases, [0]);
  assert.deepEqual(random.netInput([0, 0]), [random.weights[0][0]]);
});

test("a random start draws every weight and bias uniformly from [−1, 1], reproducibly", () => {
  const p = new Perceptron({ inputs: 4, outputs: 3, init: "random", seed: 5 });
  const drawn = [...p.weights.flat(), ...p.biases];
  assert.equal(drawn.length, 15);
  assert.ok(
    drawn.every((w) => w >= -1 && w < 1),
    `${drawn}`,
  );
  assert.ok(drawn.some((w) => w < 0) && drawn.some((w) => w > 0), `both signs among 15 draws: ${drawn}`);
  assert.equal(new Set(drawn).size, 15);
  const again = new Perceptron({ inputs: 4, outputs: 3, init: "random", seed: 5 });
  assert.deepEqual([...again.weights.flat(), ...again.biases], drawn);
  assert.deepEqual(
    new Perceptron({ inputs: 2, outputs: 2 }).weights,
    [
      [0, 0],
      [0, 0],
    ],
    "zeros by default",
  );
});

test("perceptron settings and shapes are checked where they are given", () => {
  assert.throws(() => new Perceptron({ inputs: 0 }), /Perceptron: inputs must be a whole number ≥ 1, got 0/);
  assert.throws(() => new Perceptron({ inputs: 1.5 }), /inputs must be a whole number ≥ 1, got 1.5/);
  assert.throws(() => new Perceptron({ inputs: 2, outputs: 0 }), /outputs must be a whole number ≥ 1, got 0/);
  assert.throws(() => new Perceptron({ inputs: 2, outputs: 2.5 }), /outputs must be a whole number ≥ 1, got 2.5/);
  assert.throws(() => new Perceptron({ inputs: 2, step: "relu" as never }), /step must be "heaviside" or "sign", got "relu"/);
  assert.throws(() => new Perceptron({ inputs: 2, bias: "x1" as never }), /bias must be "separate", "x0" or "none", got "x1"/);
  assert.throws(() => new Perceptron({ inputs: 2, learningRate: Infinity }), /^RangeError: Perceptron: the learning rate/);
  // the smallest perceptron, one input and one output, is allowed
  assert.deepEqual(new Perceptron({ inputs: 1 }).predict([5]), [1]);
  const p = new Perceptron({ inputs: 2 });
  assert.throws(() => p.netInput([1, 2, 3]), /Perceptron.netInput: the sample has 3 values but the perceptron takes 2 inputs/);
  assert.throws(() => p.fit([[0, 1]], [1], { epochs: 0 }), /Perceptron.fit: epochs must be a whole number ≥ 1, got 0/);
  assert.throws(() => p.fit([[0, 1]], [1], { epochs: 2.5 }), /epochs must be a whole number ≥ 1, got 2.5/);
  // η can be changed after construction; fit checks it again
  p.learningRate = 0;
  assert.throws(() => p.fit([[0, 1]], [1]), /Perceptron.fit: the learning rate must be a finite number > 0, got 0/);
  const two = new Perceptron({ inputs: 2, outputs: 2 });
  assert.throws(() => two.classify([[0, 1]]), /this perceptron has 2 outputs; use predictMany/);
  assert.throws(() => two.fit([[0, 1]], [1]), /sample 0 has 1 labels but the perceptron has 2 outputs/);
  assert.throws(() => two.fit([[0, 1]], [[1, 0, 1]]), /sample 0 has 3 labels but the perceptron has 2 outputs/);
  // a wrong label names the labels the step takes and the other step
  assert.throws(() => new Perceptron({ inputs: 2 }).fit([[0, 1]], [-1]), /use 0 or 1 \(or step: "sign" for ±1 labels\)\.$/);
  const sign = new Perceptron({ inputs: 2, step: "sign" });
  assert.throws(
    () => sign.fit([[0, 1]], [0]),
    /label 0 of sample 0 is not allowed with the sign step; use -1 or 1 \(or step: "heaviside" for 0\/1 labels\)\.$/,
  );
});

test("ADALINE's batch step by hand: one step on the summed gradient, not one per sample", () => {
  // η = 0.1 from zero: both samples have z = 0 and error y − z = 1, so the summed
  // gradient is Σ (y − z) x = (2, 1) + (1, −1) = (3, 0) and Σ (y − z) = 2: w = (0.3, 0),
  // b = 0.2. Then z = 0.8 and 0.5, and E = ½ (0.2² + 0.5²) = 0.145.
  const X = [
    [2, 1],
    [1, -1],
  ];
  const batch = new Adaline({ inputs: 2, learningRate: 0.1 });
  const [epoch] = batch.fit(X, [1, 1], { epochs: 1, mode: "batch" });
  assert.ok(Math.abs(batch.weights[0] - 0.3) < 1e-12 && batch.weights[1] === 0, `${batch.weights}`);
  assert.ok(Math.abs(batch.bias - 0.2) < 1e-12, `${batch.bias}`);
  assert.ok(Math.abs(epoch.cost - 0.145) < 1e-12, `${epoch.cost}`);
  assert.equal(epoch.errors, 0);
  assert.deepEqual(epoch.weights, batch.weights);
  assert.equal(epoch.bias, batch.bias);
  // the Widrow-Hoff rule on the same samples, in order: after the first (error 1)
  // w = (0.2, 0.1), b = 0.1; the second then has z = 0.2 and error 0.8:
  // w = (0.2 + 0.08, 0.1 − 0.08) = (0.28, 0.02), b = 0.18
  const stochastic = new Adaline({ inputs: 2, learningRate: 0.1 });
  stochastic.fit(X, [1, 1], { epochs: 1, shuffle: false });
  const expected = [0.28, 0.02, 0.18];
  [...stochastic.weights, stochastic.bias].forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) < 1e-12, `${stochastic.weights} ${stochastic.bias}`),
  );
});

test("ADALINE cannot separate bipolar XOR: at w = 0 the batch gradient vanishes and two samples stay wrong", () => {
  // Σ y x = (−1 + 1 − 1 + 1, −1 − 1 + 1 + 1) = 0 and Σ y = 0: batch descent never leaves
  // w = 0, b = 0, where every z = 0 is read as +1 and the two −1 samples are mistakes.
  const X = [
    [1, 1],
    [1, -1],
    [-1, 1],
    [-1, -1],
  ];
  const y = [-1, 1, 1, -1];
  const ada = new Adaline({ inputs: 2, learningRate: 0.05 });
  const history = ada.fit(X, y, { epochs: 3, mode: "batch" });
  assert.deepEqual(
    history.map((e) => [e.errors, e.cost]),
    [
      [2, 2],
      [2, 2],
      [2, 2],
    ],
  );
  assert.deepEqual(ada.classify(X), [1, 1, 1, 1], "z = 0 is class +1");
});

test("ADALINE's defaults: the Widrow-Hoff rule, reshuffled each epoch; a random start is small", () => {
  const data = makeBlobs(20, 2, {
    centers: [
      [-2, -2],
      [2, 2],
    ],
    std: 1,
    seed: 6,
  });
  const labels = data.y.map((c) => (c === 1 ? 1 : -1));
  const run = (options: Parameters<Adaline["fit"]>[2]) => {
    const ada = new Adaline({ inputs: 2 });
    ada.fit(data.X, labels, { epochs: 3, seed: 9, ...options });
    return [...ada.weights, ada.bias];
  };
  const byDefault = run({});
  assert.deepEqual(byDefault, run({ mode: "stochastic", shuffle: true }));
  assert.notDeepEqual(byDefault, run({ shuffle: false }), "the order changes the per-sample steps");
  assert.notDeepEqual(byDefault, run({ mode: "batch" }));
  // σ = 0.01: five draws all within 5σ of zero, not all zero, the same for the same seed
  const random = new Adaline({ inputs: 5, init: "random", seed: 2 });
  assert.ok(
    random.weights.every((w) => w !== 0 && Math.abs(w) < 0.05),
    `${random.weights}`,
  );
  assert.deepEqual(new Adaline({ inputs: 5, init: "random", seed: 2 }).weights, random.weights);
  assert.deepEqual(new Adaline({ inputs: 2 }).weights, [0, 0]);
});

test("ADALINE's settings and data are checked before training", () => {
  assert.throws(() => new Adaline({ inputs: 0 }), /Adaline: inputs must be a whole number ≥ 1, got 0/);
  assert.throws(() => new Adaline({ inputs: 2.5 }), /inputs must be a whole number ≥ 1, got 2.5/);
  assert.throws(() => new Adaline({ inputs: 2, learningRate: 0 }), /^RangeError: Adaline: the learning rate/);
  // one input is enough; an untrained unit (z = 0) says +1
  assert.equal(new Adaline({ inputs: 1 }).predict([3]), 1);
  const ada = new Adaline({ inputs: 2 });
  assert.throws(() => ada.netInput([1]), /the sample has 1 values but ADALINE takes 2 inputs/);
  assert.throws(() => ada.fit([], []), /Adaline.fit: the data is empty/);
  assert.throws(() => ada.fit([[1, 2]], [1, -1]), /X has 1 samples but y has 2 labels/);
  assert.throws(() => ada.fit([[1, 2, 3]], [1]), /sample 0 has 3 values but ADALINE takes 2 inputs/);
  assert.throws(
    () =>
      ada.fit(
        [
          [1, 2],
          [1, NaN],
        ],
        [1, 1],
      ),
    /sample 1 contains a value that is not a finite number/,
  );
  assert.throws(() => ada.fit([[1, 2]], [Infinity]), /sample 0 contains a value that is not a finite number/);
  // 0/1 labels are refused with the mapping to ±1; so is any other target.
  assert.throws(
    () =>
      ada.fit(
        [
          [1, 2],
          [0, 1],
        ],
        [1, 0],
      ),
    /^RangeError: Adaline.fit: label 1 is 0, but ADALINE's targets are −1 and \+1 .*y\.map\(\(v\) => 2 \* v - 1\)/,
  );
  assert.throws(() => ada.fit([[1, 2]], [0.5]), /label 0 is 0.5, but ADALINE's targets are −1 and \+1/);
  assert.deepEqual(ada.weights, [0, 0], "nothing was trained");
  ada.learningRate = -0.1;
  assert.throws(() => ada.fit([[1, 2]], [1]), /Adaline.fit: the learning rate must be a finite number > 0, got -0.1/);
});

test("Hebb's rule with graded values: each step records Δw = η x y, Δb = η y and the weights after it", () => {
  // η = 0.5. Sample 1: x = (2, −1), y = 1: Δw = (1, −0.5), Δb = 0.5.
  // Sample 2: x = (1, 3), y = −2: Δw = (−1, −3), Δb = −1; w = (0, −3.5), b = −0.5.
  assert.deepEqual(hebbUpdate([1, 0], [2, -1], 2, 0.5), [3, -1]);
  const { weights, bias, steps } = trainHebb(
    [
      [2, -1],
      [1, 3],
    ],
    [1, -2],
    0.5,
  );
  assert.deepEqual(steps, [
    { x: [2, -1], y: 1, deltaW: [1, -0.5], deltaB: 0.5, weights: [1, -0.5], bias: 0.5 },
    { x: [1, 3], y: -2, deltaW: [-1, -3], deltaB: -1, weights: [0, -3.5], bias: -0.5 },
  ]);
  assert.deepEqual(weights, [0, -3.5]);
  assert.equal(bias, -0.5);
  assert.throws(() => hebbUpdate([0, 0], [1], 1), /hebbUpdate: 2 weights but 1 inputs/);
  assert.throws(() => trainHebb([], []), /trainHebb: the data is empty/);
  assert.throws(() => trainHebb([[1, 1], [1]], [1, 1]), /sample 1 has 1 values but sample 0 has 2/);
});
