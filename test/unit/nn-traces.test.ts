// The worked examples of the course, recomputed by the library and compared with the
// figures as printed (to the printed number of decimals). Where a network class can run
// the same example, it must agree with the hand trace.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  FORWARD_PASS_EXAMPLE,
  MAZUR_EXAMPLE,
  Network,
  SIMPLEST_NETWORK_EXAMPLES,
  categoricalCrossEntropy,
  squaredError,
  traceForwardPass,
  traceMazurBackprop,
  traceScalarChain,
  traceSigmoidNeuron,
  traceWeightedSum,
} from "../../lib/nn";
import { Matrix } from "../../lib/core/matrix";

/** Asserts that `actual` shows as `printed` when rounded to the printed number of decimals. */
function printedAs(actual: number, printed: number | string, label: string): void {
  const text = String(printed);
  const decimals = text.includes(".") ? text.split(".")[1].length : 0;
  assert.equal(actual.toFixed(decimals), Number(text).toFixed(decimals), `${label}: ${actual} should print as ${text}`);
}

test("the simplest network: the sums of a threshold unit (and the slide's slip)", () => {
  const [first, second] = SIMPLEST_NETWORK_EXAMPLES;
  const a = traceWeightedSum(first.x, first.w, first.b);
  assert.deepEqual(a.products, [-6, -5, 10]);
  assert.equal(a.sum, 1); // the slide prints −1; (−3)(2) + 5(−1) + 2(5) + 2 is 1
  assert.equal(a.output, 1);
  const b = traceWeightedSum(second.x, second.w, second.b);
  assert.equal(b.sum, 2);
  assert.equal(b.output, 1);
  assert.equal(traceWeightedSum([0], [1], 0).output, 0, "a sum of exactly 0 gives 0");
  assert.throws(
    () => traceWeightedSum([1, 2], [1], 0),
    /^RangeError: traceWeightedSum: 2 inputs but 1 weights; give one weight per input\.$/,
  );
});

test("one sigmoid neuron with half squared error: the chain rule by hand", () => {
  const p = { x: 1.5, w: 0.8, yTrue: 1, learningRate: 0.1 };
  const t = traceSigmoidNeuron(p);
  const sigma = 1 / (1 + Math.exp(-1.2));
  assert.equal(t.z, 1.5 * 0.8);
  assert.ok(Math.abs(t.yPred - sigma) < 1e-15);
  assert.ok(Math.abs(t.error - 0.5 * (1 - sigma) ** 2) < 1e-15);
  assert.ok(Math.abs(t.dE_dyPred - (sigma - 1)) < 1e-15);
  assert.ok(Math.abs(t.dPhi_dz - sigma * (1 - sigma)) < 1e-15);
  assert.equal(t.dz_dw, 1.5);
  assert.ok(Math.abs(t.dE_dw - -1.5 * (1 - sigma) * sigma * (1 - sigma)) < 1e-15);
  // the derivative agrees with a central difference of E(w)
  const E = (w: number) => 0.5 * (p.yTrue - 1 / (1 + Math.exp(-w * p.x))) ** 2;
  const numeric = (E(p.w + 1e-6) - E(p.w - 1e-6)) / 2e-6;
  assert.ok(Math.abs(numeric - t.dE_dw) < 1e-9);
  assert.ok(Math.abs(t.newW - (p.w - p.learningRate * t.dE_dw)) < 1e-15);
  // a Network [1, 1] with a sigmoid, no bias and the same loss gives the same gradient
  const net = new Network([1, 1], "sigmoid", { loss: "half-squared-error" });
  net.setLayer(1, [[p.w]], [0]);
  const g = net.backprop([[p.x]], [[p.yTrue]]);
  assert.ok(Math.abs(g.weights[0].data[0] - t.dE_dw) < 1e-15);
});

test("the scalar chain x → h1 → o1: h = 4, o = 16, E = 121, gradients 88, 22, 132, 66", () => {
  const t = traceScalarChain();
  assert.equal(t.h1, 4);
  assert.equal(t.o1, 16);
  assert.equal(t.E, 121);
  assert.equal(t.dE_do1, 22);
  assert.deepEqual(t.gradients, { w21: 88, w22: 22, w11: 132, w12: 66 });
  printedAs(t.newWeights.w21, "2.12", "w21");
  printedAs(t.newWeights.w22, "3.78", "w22");
  printedAs(t.newWeights.w11, "-0.32", "w11");
  printedAs(t.newWeights.w12, "1.34", "w12");

  // The same step by the Network class: 1-1-1, linear units, E = (o − y)², SGD with η = 0.01.
  const net = new Network([1, 1, 1], "linear", { loss: "squared-error" });
  net.setLayer(1, [[1]], [2]).setLayer(2, [[3]], [4]);
  const g = net.backprop([[2]], [[5]]);
  assert.equal(g.cost, 121);
  assert.deepEqual([g.weights[0].data[0], g.biases[0].data[0], g.weights[1].data[0], g.biases[1].data[0]], [132, 66, 88, 22]);
  net.train([[2]], [[5]], { epochs: 1, batchSize: 1, learningRate: 0.01, optimizer: "sgd" });
  const after = [net.weights[0].data[0], net.biases[0].data[0], net.weights[1].data[0], net.biases[1].data[0]];
  [-0.32, 1.34, 2.12, 3.78].forEach((w, i) => assert.ok(Math.abs(after[i] - w) < 1e-12, `weight ${i}: ${after[i]} vs ${w}`));
});

test("the 3-2-2 forward pass: 1.3, 1.5 → 0.7858, 0.8176 → 0.8389, 0.7056 → 0.6982, 0.6694", () => {
  const t = traceForwardPass(FORWARD_PASS_EXAMPLE.x, FORWARD_PASS_EXAMPLE.layers);
  const [hidden, output] = t.layers;
  printedAs(hidden.z[0], "1.3", "z1(2)");
  printedAs(hidden.z[1], "1.5", "z2(2)");
  printedAs(hidden.a[0], "0.7858", "a1(2)");
  printedAs(hidden.a[1], "0.8176", "a2(2)");
  printedAs(output.z[0], "0.8389", "z1(3)");
  printedAs(output.z[1], "0.7056", "z2(3)");
  printedAs(output.a[0], "0.6982", "a1(3)");
  printedAs(output.a[1], "0.6694", "a2(3)");

  // The Network class stores W as inputs × units, the transpose of the slide's W(l).
  const transpose = (W: readonly (readonly number[])[]) => W[0].map((_, j) => W.map((row) => row[j]));
  const net = new Network([3, 2, 2], "sigmoid");
  FORWARD_PASS_EXAMPLE.layers.forEach((layer, k) => net.setLayer(k + 1, transpose(layer.W), layer.b));
  const pass = net.forward([FORWARD_PASS_EXAMPLE.x]);
  assert.ok(pass.zs[0].data.every((z, j) => Math.abs(z - hidden.z[j]) < 1e-12));
  assert.ok(pass.activations[2].data.every((a, j) => Math.abs(a - output.a[j]) < 1e-12));
});

test("traceForwardPass: each layer's own activation (the sigmoid by default), and shapes that do not fit named by layer and unit", () => {
  const relu = (z: number) => Math.max(0, z);
  const t = traceForwardPass(
    [1, -2],
    [
      {
        W: [
          [1, 1],
          [0.5, -1],
        ],
        b: [0, 0.5],
        activation: relu,
      },
      { W: [[2, -1]], b: [0] },
    ],
  );
  // z(2) = (1 − 2, 0.5 + 2 + 0.5) = (−1, 3), a(2) = (0, 3); z(3) = 0 − 3 = −3, a(3) = σ(−3)
  assert.deepEqual(t.layers[0], { z: [-1, 3], a: [0, 3] });
  assert.deepEqual(t.layers[1]!.z, [-3]);
  assert.equal(t.output.length, 1);
  assert.ok(Math.abs(t.output[0]! - 1 / (1 + Math.exp(3))) < 1e-15, String(t.output));
  assert.throws(
    () => traceForwardPass([1, 2], [{ W: [[1, 1]], b: [0, 0] }]),
    /^RangeError: traceForwardPass: layer 2 has 1 rows of weights but 2 biases\.$/,
  );
  assert.throws(
    () =>
      traceForwardPass(
        [1, 2],
        [
          { W: [[1, 1]], b: [0] },
          { W: [[1], [1, 2]], b: [0, 0] },
        ],
      ),
    /^RangeError: traceForwardPass: layer 3, unit 2 has 2 weights but the layer below has 1 outputs\.$/,
  );
});

test("Mazur's 2-2-2 example: forward pass, E_total, gradients and the updated weights", () => {
  const t = traceMazurBackprop();
  printedAs(t.forward.netH1, "0.3775", "net_h1");
  printedAs(t.forward.outH1, "0.593269992", "out_h1");
  printedAs(t.forward.outH2, "0.597", "out_h2");
  printedAs(t.forward.netO1, "1.106", "net_o1");
  printedAs(t.forward.outO1, "0.75136507", "out_o1");
  printedAs(t.forward.outO2, "0.773", "out_o2");
  printedAs(t.errors.total, "0.298371109", "E_total");
  printedAs(t.outputLayer.dE_dOutO1, "0.74136507", "dE/dout_o1");
  printedAs(t.outputLayer.dOutO1_dNetO1, "0.186815602", "dout_o1/dnet_o1");
  printedAs(t.outputLayer.deltaO1, "0.138498562", "dE/dnet_o1");
  printedAs(t.hiddenLayer.dEo1_dOutH1, "0.055399425", "dE_o1/dout_h1");
  printedAs(t.hiddenLayer.dEo2_dOutH1, "-0.0190", "dE_o2/dout_h1");
  printedAs(t.hiddenLayer.dE_dOutH1, "0.036350306", "dE/dout_h1");
  printedAs(t.hiddenLayer.dOutH1_dNetH1, "0.241300709", "dout_h1/dnet_h1");
  printedAs(t.gradients.w5, "0.082167041", "dE/dw5");
  printedAs(t.gradients.w7, "-0.0226", "dE/dw7");
  printedAs(t.gradients.w1, "0.000438568", "dE/dw1");
  printedAs(t.newWeights.w5, "0.35891648", "new w5");
  printedAs(t.newWeights.w1, "0.149780716", "new w1");

  // The Network class, given the same weights, computes the same gradients.
  const p = MAZUR_EXAMPLE;
  const net = new Network([2, 2, 2], "sigmoid", { loss: "half-squared-error" });
  net.setLayer(
    1,
    [
      [p.w1, p.w3],
      [p.w2, p.w4],
    ],
    [p.b1, p.b1],
  );
  net.setLayer(
    2,
    [
      [p.w5, p.w7],
      [p.w6, p.w8],
    ],
    [p.b2, p.b2],
  );
  const g = net.backprop([[p.i1, p.i2]], [[p.t1, p.t2]]);
  assert.ok(Math.abs(g.cost - t.errors.total) < 1e-15);
  const [W1, , W2] = [g.weights[0], null, g.weights[1]];
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-15, `${a} vs ${b}`);
  close(W1.get(0, 0), t.gradients.w1);
  close(W1.get(1, 0), t.gradients.w2);
  close(W1.get(0, 1), t.gradients.w3);
  close(W1.get(1, 1), t.gradients.w4);
  close(W2.get(0, 0), t.gradients.w5);
  close(W2.get(1, 0), t.gradients.w6);
  close(W2.get(0, 1), t.gradients.w7);
  close(W2.get(1, 1), t.gradients.w8);
  // A shared bias collects the gradients of every unit it feeds.
  close(g.biases[0].data[0] + g.biases[0].data[1], t.biasGradients.b1);
  close(g.biases[1].data[0] + g.biases[1].data[1], t.biasGradients.b2);
});

test("Mazur's example: the second hidden unit, the second output and all eight updated weights, as published", () => {
  const t = traceMazurBackprop();
  printedAs(t.forward.netH2, "0.3925", "net_h2"); // 0.25 · 0.05 + 0.3 · 0.1 + 0.35
  printedAs(t.forward.outH2, "0.596884378", "out_h2");
  printedAs(t.forward.outO2, "0.772928465", "out_o2");
  printedAs(t.errors.Eo1, "0.274811083", "E_o1");
  printedAs(t.errors.Eo2, "0.023560026", "E_o2");
  const published = {
    w1: "0.149780716",
    w2: "0.19956143",
    w3: "0.24975114",
    w4: "0.29950229",
    w5: "0.35891648",
    w6: "0.408666186",
    w7: "0.511301270",
    w8: "0.561370121",
  };
  for (const [w, printed] of Object.entries(published)) printedAs(t.newWeights[w as keyof typeof published], printed, `new ${w}`);
  const nearly = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-8, `${what}: ${a} vs ${b}`);
  // Published as −0.019049119, worked out from rounded intermediate values.
  nearly(t.hiddenLayer.dEo2_dOutH1, -0.019049119, "dE_o2/dout_h1");
  // The second output and hidden unit by the chain rule, from the published out values.
  const [outH2, outO2] = [0.596884378, 0.772928465];
  nearly(t.forward.netO2, 0.5 * 0.593269992 + 0.55 * outH2 + 0.6, "net_o2");
  nearly(t.outputLayer.dE_dOutO2, -(0.99 - outO2), "dE/dout_o2");
  nearly(t.outputLayer.dOutO2_dNetO2, outO2 * (1 - outO2), "dout_o2/dnet_o2");
  nearly(t.outputLayer.deltaO2, -(0.99 - outO2) * outO2 * (1 - outO2), "δ_o2");
  nearly(t.hiddenLayer.dEo1_dOutH2, 0.138498562 * 0.45, "dE_o1/dout_h2");
  nearly(t.hiddenLayer.dEo2_dOutH2, t.outputLayer.deltaO2 * 0.55, "dE_o2/dout_h2");
  nearly(t.hiddenLayer.dE_dOutH2, t.hiddenLayer.dEo1_dOutH2 + t.hiddenLayer.dEo2_dOutH2, "dE/dout_h2");
  nearly(t.hiddenLayer.dOutH2_dNetH2, outH2 * (1 - outH2), "dout_h2/dnet_h2");
  nearly(t.hiddenLayer.deltaH2, t.hiddenLayer.dE_dOutH2 * outH2 * (1 - outH2), "δ_h2");
  nearly(t.hiddenLayer.deltaH1, 0.000438568 / 0.05, "δ_h1 = ∂E/∂w1 / i1");
});

test("the car / non-car table: its 'MSE' is a sum of squares and its cross-entropy uses log10", () => {
  const predicted = [
    [0.9, 0.1],
    [0.6, 0.4],
    [0.6, 0.4],
    [0.3, 0.7],
  ];
  const actual = [
    [1, 0],
    [1, 0],
    [0, 1],
    [0, 1],
  ];
  const printedSquares = ["0.02", "0.32", "0.72", "0.18"];
  const printedEntropy = ["0.05", "0.22", "0.40", "0.15"];
  predicted.forEach((row, i) => {
    const a = Matrix.fromArray([row]);
    const y = Matrix.fromArray([actual[i]]);
    printedAs(squaredError.value(a, y), printedSquares[i], `squares ${i + 1}`);
    printedAs(categoricalCrossEntropy.value(a, y) / Math.LN10, printedEntropy[i], `cross-entropy ${i + 1}`);
  });
});
