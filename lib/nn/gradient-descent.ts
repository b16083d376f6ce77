/**
 * The three flavours of gradient descent, written out one sample at a time so that the
 * loops read like their pseudocode:
 *
 *   batch:       for each epoch: add up the gradients of all samples, then one update
 *   mini-batch:  for each epoch: for each batch of b samples: add up, then one update
 *   stochastic:  for each epoch: for each sample: one update from that sample alone
 *
 * They differ only in how many samples go into one update. `Network.train` does the
 * same thing faster, pushing each whole batch through the matrix products at once
 * (batchSize = n, b or 1); these versions are for reading, and for small data.
 */
import { checkLearningRate } from "../core/checks";
import { Matrix } from "../core/matrix";
import { type SeedOrRandom, toRandom } from "../data/random";
import type { Network } from "./network";

export interface DescentOptions {
  epochs: number;
  learningRate: number;
  /** Shuffle the sample order each epoch (mini-batch and stochastic; default true). */
  shuffle?: boolean;
  seed?: SeedOrRandom;
}

/** The gradient of one sample's loss, as one matrix per parameter (W¹, b¹, W², …). */
function sampleGradient(net: Network, x: readonly number[], y: readonly number[]): Matrix[] {
  const g = net.backprop([x], [y]);
  return g.weights.flatMap((gW, l) => [gW, g.biases[l]]);
}

/** θ ← θ − η · (the average of the accumulated gradients). */
function update(net: Network, summed: Matrix[], count: number, learningRate: number): void {
  net.parameters().forEach((theta, k) => {
    for (let i = 0; i < theta.data.length; i++) theta.data[i] -= (learningRate * summed[k].data[i]) / count;
  });
}

function zerosLike(net: Network): Matrix[] {
  return net.parameters().map((p) => Matrix.zeros(p.rows, p.cols, "float64"));
}

function accumulate(into: Matrix[], gradient: Matrix[]): void {
  into.forEach((sum, k) => {
    for (let i = 0; i < sum.data.length; i++) sum.data[i] += gradient[k].data[i];
  });
}

function rowsOf(
  where: string,
  net: Network,
  X: readonly (readonly number[])[],
  Y: readonly (readonly number[])[],
  options: DescentOptions,
): void {
  checkLearningRate(where, options.learningRate);
  if (X.length === 0) throw new RangeError(`${where}: the data is empty (0 samples).`);
  if (X.length !== Y.length) throw new RangeError(`${where}: X has ${X.length} samples but Y has ${Y.length} target rows.`);
  net.toInputs(where, X);
  net.toTargets(where, Y, X.length);
}

/**
 * Batch gradient descent: every update uses all n samples.
 * Returns the cost after each epoch.
 */
export function batchGradientDescent(
  net: Network,
  X: readonly (readonly number[])[],
  Y: readonly (readonly number[])[],
  options: DescentOptions,
): number[] {
  rowsOf("batchGradientDescent", net, X, Y, options);
  const costs: number[] = [];
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const summed = zerosLike(net);
    for (let i = 0; i < X.length; i++) accumulate(summed, sampleGradient(net, X[i], Y[i]));
    update(net, summed, X.length, options.learningRate);
    costs.push(net.cost(X, Y));
  }
  return costs;
}

/**
 * Mini-batch gradient descent: the (shuffled) samples are cut into batches of
 * `batchSize`, and every batch makes one update.
 */
export function miniBatchGradientDescent(
  net: Network,
  X: readonly (readonly number[])[],
  Y: readonly (readonly number[])[],
  options: DescentOptions & { batchSize: number },
): number[] {
  rowsOf("miniBatchGradientDescent", net, X, Y, options);
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new RangeError(`miniBatchGradientDescent: batchSize must be a whole number ≥ 1, got ${options.batchSize}.`);
  }
  const rng = toRandom(options.seed);
  const costs: number[] = [];
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = options.shuffle === false ? X.map((_, i) => i) : rng.permutation(X.length);
    for (let start = 0; start < order.length; start += options.batchSize) {
      const batch = order.slice(start, start + options.batchSize);
      const summed = zerosLike(net);
      for (const i of batch) accumulate(summed, sampleGradient(net, X[i], Y[i]));
      update(net, summed, batch.length, options.learningRate);
    }
    costs.push(net.cost(X, Y));
  }
  return costs;
}

/** Stochastic gradient descent: every single sample makes its own update. */
export function stochasticGradientDescent(
  net: Network,
  X: readonly (readonly number[])[],
  Y: readonly (readonly number[])[],
  options: DescentOptions,
): number[] {
  return miniBatchGradientDescent(net, X, Y, { ...options, batchSize: 1 });
}
