// The fast passes of training give exactly the numbers of the plain loops they replace:
// SGD's step, ReLU's forward and backward passes, and the finiteness test of the inputs.
// "Exactly" means bit for bit (Object.is: −0 is not 0, NaN is NaN), because seeded
// training must give the same weights whichever way the step is computed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, type DType } from "../../lib/core/matrix";
import { Random } from "../../lib/data/random";
import { Network, SGD, elementwiseActivation, relu } from "../../lib/nn";
import { inputMatrix } from "../../lib/nn/network-inputs";
import { allFinite } from "../../lib/nn/network-inputs";
import { subtractScaledInPlace } from "../../lib/core";

function randomMatrix(rows: number, cols: number, dtype: DType, rng: Random, scale = 1): Matrix {
  return Matrix.generate(rows, cols, () => rng.normal(0, scale), dtype);
}

function assertSameBits(actual: Matrix, expected: Matrix, what: string): void {
  assert.equal(actual.data.length, expected.data.length, what);
  for (let i = 0; i < actual.data.length; i++) {
    if (!Object.is(actual.data[i], expected.data[i])) {
      assert.fail(`${what}: entry ${i} is ${actual.data[i]} but the plain loop gives ${expected.data[i]}`);
    }
  }
}

test("SGD's step gives bit for bit the plain loop θ[i] −= η·g[i], for both dtypes and every size", () => {
  const rng = new Random(3);
  // Sizes below and above the kernel's threshold, odd ones (a leftover entry), and a
  // large one after small ones and a small one after it (the kernel's memory grows).
  for (const dtype of ["float32", "float64"] as const) {
    for (const [rows, cols] of [
      [1, 7],
      [16, 16],
      [17, 15],
      [17, 17],
      [301, 101],
      [784, 300],
      [5, 51],
    ]) {
      for (const eta of [0.05, 0.1, 1e-3, 3.7]) {
        const theta = randomMatrix(rows, cols, dtype, rng);
        const g = randomMatrix(rows, cols, dtype, rng, 1e-2);
        const expected = theta.clone();
        for (let i = 0; i < expected.data.length; i++) expected.data[i] -= eta * g.data[i];
        new SGD(eta).step([theta], [g]);
        assertSameBits(theta, expected, `${dtype} ${rows}×${cols}, η = ${eta}`);
      }
    }
  }
  // mixed dtypes and non-finite numbers go the same way as in the loop
  const theta = Matrix.fromData(
    1,
    300,
    Float32Array.from({ length: 300 }, (_, i) => (i % 7) - 3),
    "float32",
  );
  const g = Matrix.fromData(
    1,
    300,
    Float64Array.from({ length: 300 }, (_, i) => (i === 5 ? NaN : i === 9 ? Infinity : i / 7)),
    "float64",
  );
  const expected = theta.clone();
  for (let i = 0; i < 300; i++) expected.data[i] -= 0.3 * g.data[i];
  subtractScaledInPlace(theta, g, 0.3);
  assertSameBits(theta, expected, "float32 θ, float64 g");
  const t32 = theta.clone();
  const g32 = g.astype("float32");
  const e32 = t32.clone();
  for (let i = 0; i < 300; i++) e32.data[i] -= 0.3 * g32.data[i];
  subtractScaledInPlace(t32, g32, 0.3);
  assertSameBits(t32, e32, "float32 with NaN and Infinity in g");
});

test("ReLU's forward and backward passes give bit for bit the generic elementwise loops (−0, NaN, ±Infinity included)", () => {
  const generic = elementwiseActivation(
    "relu",
    (z) => (z > 0 ? z : 0),
    (z) => (z > 0 ? 1 : 0),
  );
  const rng = new Random(4);
  const special = [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45];
  for (const dtype of ["float32", "float64"] as const) {
    for (const [rows, cols] of [
      [3, 5],
      [128, 300],
      [33, 31],
    ]) {
      const Z = randomMatrix(rows, cols, dtype, rng);
      const dA = randomMatrix(rows, cols, dtype, rng);
      // special values in z and in dC/dA, where z ≤ 0 too (g · 0 is −0 or NaN there)
      for (let k = 0; k < special.length; k++) {
        Z.data[(k * 37) % Z.data.length] = special[k];
        dA.data[(k * 53 + 1) % dA.data.length] = special[k];
        Z.data[(k * 53 + 1) % Z.data.length] = -1;
      }
      Z.data[Z.data.length - 1] = -2; // the last entry, past the whole vectors
      dA.data[dA.data.length - 1] = -3;
      const what = `${dtype} ${rows}×${cols}`;
      const A = relu.forward(Z);
      assertSameBits(A, generic.forward(Z), `forward, ${what}`);
      assertSameBits(relu.backward(Z, A, dA), generic.backward(Z, A, dA), `backward, ${what}`);
      // into a given out, and with an out of the other dtype
      const out = Matrix.fill(rows, cols, 7, dtype);
      relu.backward(Z, A, dA, out);
      assertSameBits(out, generic.backward(Z, A, dA), `backward into out, ${what}`);
      const other = dtype === "float32" ? "float64" : "float32";
      const outOther = Matrix.zeros(rows, cols, other);
      assertSameBits(relu.forward(Z, outOther), generic.forward(Z, Matrix.zeros(rows, cols, other)), `forward into ${other}, ${what}`);
    }
  }
});

test("allFinite finds a NaN or ±Infinity anywhere, also in the entries after the last whole block", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const length of [1, 3, 4, 5, 4095, 4096, 4097, 10_003]) {
      const m = Matrix.zeros(1, length, dtype);
      for (let i = 0; i < length; i++) m.data[i] = i - length / 2;
      assert.equal(allFinite(m), true, `${dtype}, ${length} finite entries`);
      for (const position of new Set([0, length >> 1, length - 1])) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const copy = m.clone();
          copy.data[position] = bad;
          assert.equal(allFinite(copy), false, `${dtype}, ${bad} at ${position} of ${length}`);
        }
      }
    }
  }
  const X = Matrix.zeros(1000, 9);
  X.data[8999] = NaN;
  assert.throws(() => inputMatrix("Network.train", X, 9, "float64"), /X contains NaN at row 999, column 8; clean the data first/);
});

test("training with the fast passes equals training with the plain loops, seed for seed", () => {
  // The same network with ReLU and SGD written as plain loops (a custom activation and
  // a custom optimizer take the generic paths): the weights must come out identical.
  const plainRelu = elementwiseActivation(
    "relu",
    (z) => (z > 0 ? z : 0),
    (z) => (z > 0 ? 1 : 0),
  );
  const plainSgd = {
    name: "sgd",
    learningRate: 0.05,
    step(params: readonly Matrix[], grads: readonly Matrix[]) {
      params.forEach((p, k) => {
        for (let i = 0; i < p.data.length; i++) p.data[i] -= this.learningRate * grads[k].data[i];
      });
    },
    reset() {},
  };
  const rng = new Random(5);
  const X = randomMatrix(150, 20, "float32", rng);
  const labels = Array.from({ length: 150 }, () => Math.floor(rng.next() * 4));
  for (const dtype of ["float32", "float64"] as const) {
    const fast = new Network([20, 64, 32, 4], ["relu", "relu", "softmax"], { seed: 1, dtype });
    const plain = new Network([20, 64, 32, 4], [plainRelu, plainRelu, "softmax"], { seed: 1, dtype });
    // batch 32 does not divide 150: the last batch has 22 samples
    const hFast = fast.train(X, labels, { epochs: 3, batchSize: 32, optimizer: new SGD(0.05), seed: 2 });
    const hPlain = plain.train(X, labels, { epochs: 3, batchSize: 32, optimizer: plainSgd, seed: 2 });
    fast.parameters().forEach((p, k) => assertSameBits(p, plain.parameters()[k], `${dtype} parameter ${k}`));
    assert.deepEqual(
      hFast.epochs.map(({ loss, accuracy }) => [loss, accuracy]),
      hPlain.epochs.map(({ loss, accuracy }) => [loss, accuracy]),
    );
  }
});

test("a network's training buffers, kept between train() calls, carry nothing over from one call to the next", () => {
  const rng = new Random(6);
  const X = randomMatrix(90, 12, "float64", rng);
  const labels = Array.from({ length: 90 }, () => Math.floor(rng.next() * 3));
  for (const dtype of ["float32", "float64"] as const) {
    const net = new Network([12, 16, 8, 3], ["relu", "tanh", "softmax"], { seed: 3, dtype });
    // First call: batches of 32 (the last has 26), with dropout.
    net.train(X, labels, { epochs: 2, batchSize: 32, dropout: [0.2, 0], seed: 1 });
    const fresh = net.clone(); // the same weights, no kept buffers
    // Second call, on both: other options, then the first ones again.
    for (const options of [
      { epochs: 1, batchSize: 32, seed: 2 },
      { epochs: 1, batchSize: 32, dropout: [0.2, 0], seed: 3 },
      { epochs: 1, batchSize: 20, seed: 4 },
    ]) {
      const kept = net.train(X, labels, options);
      const made = fresh.train(X, labels, options);
      assert.deepEqual(
        kept.epochs.map((e) => e.loss),
        made.epochs.map((e) => e.loss),
        `${dtype} ${JSON.stringify(options)}: losses`,
      );
      net.parameters().forEach((p, k) => assertSameBits(p, fresh.parameters()[k], `${dtype} ${JSON.stringify(options)}: parameter ${k}`));
    }
  }
});
