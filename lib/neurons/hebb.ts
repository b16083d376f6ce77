/**
 * Hebb's rule (1949): a connection grows stronger when the units on both ends are
 * active together ("cells that fire together wire together").
 *
 *   Δw_i = η x_i y
 *
 * There is no error in it: the weight change only correlates input and output. With
 * bipolar values (−1/+1) the rule also weakens connections whose ends disagree, and a
 * single pass over a truth table can already wire a threshold unit for AND or OR.
 */
import { checkLearningRate } from "../core/checks";

/** One Hebbian step: w_i + η x_i y for every weight (a new array). */
export function hebbUpdate(weights: readonly number[], x: readonly number[], y: number, learningRate = 1): number[] {
  if (weights.length !== x.length) throw new RangeError(`hebbUpdate: ${weights.length} weights but ${x.length} inputs.`);
  return weights.map((w, i) => w + learningRate * x[i] * y);
}

export interface HebbStep {
  x: number[];
  y: number;
  deltaW: number[];
  deltaB: number;
  weights: number[];
  bias: number;
}

/**
 * One pass of Hebb's rule over the samples, starting from zero weights, with a bias
 * that learns like a weight on a constant input 1 (Δb = η y). Returns the final weights
 * and every step, to show how each pattern moves them.
 */
export function trainHebb(
  X: readonly (readonly number[])[],
  y: readonly number[],
  learningRate = 1,
): { weights: number[]; bias: number; steps: HebbStep[] } {
  if (X.length === 0) throw new RangeError("trainHebb: the data is empty (0 samples).");
  if (X.length !== y.length) throw new RangeError(`trainHebb: X has ${X.length} samples but y has ${y.length} targets.`);
  checkLearningRate("trainHebb", learningRate);
  let weights = X[0].map(() => 0);
  let bias = 0;
  const steps: HebbStep[] = [];
  X.forEach((x, s) => {
    if (x.length !== weights.length)
      throw new RangeError(`trainHebb: sample ${s} has ${x.length} values but sample 0 has ${weights.length}.`);
    const deltaW = x.map((xi) => learningRate * xi * y[s]);
    const deltaB = learningRate * y[s];
    weights = hebbUpdate(weights, x, y[s], learningRate);
    bias += deltaB;
    steps.push({ x: [...x], y: y[s], deltaW, deltaB, weights: [...weights], bias });
  });
  return { weights, bias, steps };
}
