// Backprop must agree with central differences for every activation and every loss,
// on random networks of several depths (float64, relative error below 1e-6).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../lib/core/matrix";
import { Random } from "../../lib/data/random";
import {
  type ActivationName,
  type LossName,
  Network,
  activations,
  gradientCheck,
  losses,
  numericalGradient,
  relativeError,
} from "../../lib/nn";

const activationNames = Object.keys(activations) as ActivationName[];
const lossNames = Object.keys(losses) as LossName[];

/** Random targets of the kind each loss expects. */
function targetsFor(loss: LossName, rows: number, cols: number, rng: Random): Matrix {
  const kind = losses[loss].targets;
  return Matrix.generate(rows, cols, (i, j) => {
    if (loss.startsWith("categorical")) return j === i % cols ? 1 : 0; // one-hot
    if (kind === "probability") return rng.int(2); // 0 or 1
    if (kind === "sign") return rng.int(2) * 2 - 1; // −1 or +1
    return rng.normal(0, 1);
  });
}

/** The output activation to test a loss with: probability losses need outputs in (0, 1). */
function outputFor(loss: LossName, hidden: ActivationName): ActivationName {
  if (loss === "binary-cross-entropy") return "sigmoid";
  if (loss === "categorical-cross-entropy") return "softmax";
  return hidden;
}

test("backprop matches numerical gradients for every activation × loss, depths 1 to 3", () => {
  const rng = new Random(2024);
  let checks = 0;
  for (const loss of lossNames) {
    for (const [k, act] of activationNames.entries()) {
      const hiddenLayers = 1 + ((k + checks) % 3);
      const sizes = [3, ...Array.from({ length: hiddenLayers }, (_, i) => 4 + i), 3];
      const out = outputFor(loss, act);
      const net = new Network(sizes, [...sizes.slice(2).map(() => act), out], {
        loss,
        seed: rng.int(1e9),
        // Glorot/He weights keep sigmoid outputs away from the clipping at ε = 1e-12.
        biasInit: "standard-normal",
      });
      const X = Matrix.generate(5, 3, () => rng.normal(0, 1));
      const Y = targetsFor(loss, 5, 3, rng);
      const check = gradientCheck(net, X, Y);
      assert.ok(
        check.relativeError < 1e-6,
        `${act} hidden, ${out} output, ${loss} loss, sizes ${sizes}: relative error ${check.relativeError} (worst ${JSON.stringify(check.worst)})`,
      );
      checks++;
    }
    // and with the softmax and sigmoid outputs under every loss that takes real outputs
    if (losses[loss].targets !== "probability" || loss.endsWith("logits")) {
      for (const out of ["softmax", "sigmoid"] as const) {
        const net = new Network([2, 5, 3], ["tanh", out], { loss, seed: rng.int(1e9) });
        const X = Matrix.generate(4, 2, () => rng.normal(0, 1));
        const check = gradientCheck(net, X, targetsFor(loss, 4, 3, rng));
        assert.ok(check.relativeError < 1e-6, `tanh hidden, ${out} output, ${loss}: ${check.relativeError}`);
        checks++;
      }
    }
  }
  assert.ok(checks >= activationNames.length * lossNames.length);
});

test("a wrong gradient is caught, and the check reports per layer", () => {
  const net = new Network([2, 3, 1], ["tanh", "sigmoid"], { seed: 1 });
  const X = [
    [0.5, -1],
    [1, 2],
  ];
  const y = [[1], [0]];
  const good = gradientCheck(net, X, y);
  assert.ok(good.relativeError < 1e-8);
  assert.equal(good.layers.length, 2);
  // Break backprop on purpose by comparing against a cost that is not the network's.
  const params = net.parameters();
  const numeric = numericalGradient(() => 2 * net.cost(X, y), params);
  const backprop = net.backprop(X, y);
  const analytic = backprop.weights.flatMap((gW, l) => [gW, backprop.biases[l]]);
  assert.ok(relativeError(analytic, numeric) > 0.1);
});

test("gradient checks hold on a batch of one sample", () => {
  const net = new Network([4, 6, 6, 2], ["relu", "leaky-relu", "softmax"], { seed: 7 });
  const check = gradientCheck(net, [[0.3, -0.2, 0.9, 1.1]], [1]);
  assert.ok(check.relativeError < 1e-6, String(check.relativeError));
});

test("gradientCheck uses the loss and the ε it is given, numbers the layers from 1, and names itself in errors", () => {
  const net = new Network([2, 3, 2], ["tanh", "sigmoid"], { seed: 4, biasInit: "standard-normal" });
  const X = [
    [0.5, -1],
    [1, 2],
    [-0.3, 0.8],
  ];
  const Y = [
    [1, 0],
    [0, 1],
    [1, 1],
  ];
  const mse = losses.mse;
  assert.notEqual(net.loss, mse, "the network's own loss is binary cross-entropy");
  const check = gradientCheck(net, X, Y, { loss: mse, epsilon: 0.25 });
  const g = net.backprop(X, Y, mse);
  const flat = (ms: readonly Matrix[]) => ms.flatMap((m) => Array.from(m.data));
  assert.deepEqual(flat(check.backprop), flat(g.weights.flatMap((gW, l) => [gW, g.biases[l]])));
  const wide = numericalGradient(() => net.cost(X, Y, mse), net.parameters(), 0.25);
  const narrow = numericalGradient(() => net.cost(X, Y, mse), net.parameters(), 1e-5);
  assert.deepEqual(flat(check.numeric), flat(wide));
  assert.ok(relativeError(wide, narrow) > 1e-6, "ε = 0.25 and ε = 1e-5 give visibly different differences");
  assert.deepEqual(
    check.layers.map((l) => l.layer),
    [1, 2],
  );
  assert.throws(() => gradientCheck(net, [[1, 2, 3]], [[1, 0]]), /^RangeError: Network\.gradientCheck: X has 3 columns/);
  assert.throws(() => gradientCheck(net, X, [[1, 0]]), /^RangeError: Network\.gradientCheck: X has 3 samples but y has 1 rows/);
});

test("when backprop and the differences agree exactly, the worst entry is the first parameter, not null", () => {
  // A 1-1 linear unit at its minimum (w = b = 0, target 0): both gradients are exactly 0,
  // and with ε = 0.5 (exact in binary) so are the central differences, ½(0.5)² − ½(−0.5)².
  const net = new Network([1, 1], "linear", { loss: "half-squared-error" });
  net.setLayer(1, [[0]], [0]);
  const check = gradientCheck(net, [[1]], [[0]], { epsilon: 0.5 });
  assert.equal(check.relativeError, 0);
  assert.equal(check.maxAbsoluteError, 0);
  assert.deepEqual(check.worst, { layer: 1, parameter: "W", row: 0, col: 0, backprop: 0, numeric: 0 });
});

test("softmax with cross-entropy gets the exact gradient also for targets that do not sum to 1", () => {
  // δ = (a Σ_k y_k − y)/m, which is (a − y)/m only for one-hot rows.
  const net = new Network([3, 4, 3], ["tanh", "softmax"], { seed: 12, biasInit: "standard-normal" });
  const X = [
    [0.2, -1, 0.5],
    [1.5, 0.3, -0.7],
  ];
  const Y = [
    [0.5, 0, 0],
    [1, 0, 1],
  ];
  assert.equal(net.loss, losses["categorical-cross-entropy"]);
  const check = gradientCheck(net, X, Y);
  assert.ok(check.relativeError < 1e-7, String(check.relativeError));
});

test("the cancelled output error belongs to its own pairs only: softmax with binary and sigmoid with categorical cross-entropy", () => {
  const X = [
    [0.2, -1, 0.5],
    [1.5, 0.3, -0.7],
  ];
  const Y = [
    [1, 0, 0],
    [0, 1, 1],
  ];
  for (const [out, loss] of [
    ["softmax", "binary-cross-entropy"],
    ["sigmoid", "categorical-cross-entropy"],
  ] as const) {
    const net = new Network([3, 4, 3], ["tanh", out], { loss, seed: 13, biasInit: "standard-normal" });
    const check = gradientCheck(net, X, Y);
    assert.ok(check.relativeError < 1e-7, `${out} with ${loss}: ${check.relativeError}`);
  }
});
