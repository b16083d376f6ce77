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
