/**
 * ADALINE, the ADAptive LINear Element of Widrow and Hoff (1960).
 *
 * Same unit as the perceptron, z = w · x + b, but it learns from the linear output z
 * itself, not from the thresholded prediction. It minimizes the squared error
 *
 *   E = ½ Σ_samples (y − z)²
 *
 * by gradient descent. The Widrow-Hoff rule (also called the delta rule or LMS) is that
 * descent, one sample at a time:
 *
 *   w ← w + η (y − z) x,        b ← b + η (y − z)
 *
 * Because z is continuous, ADALINE keeps improving even when every prediction is
 * already right, and it settles on the least-squares line even when the classes are
 * not separable (where the perceptron rule never settles). Predictions threshold z:
 * +1 when z ≥ 0, else −1 (targets are ±1).
 */
import { checkLearningRate } from "../core/checks";
import { type SeedOrRandom, toRandom } from "../data/random";

export interface AdalineOptions {
  inputs: number;
  /** η (default 0.01). Too large and the error grows instead of shrinking. */
  learningRate?: number;
  /** "zeros" (default) or "random" (small normal values, σ = 0.01). */
  init?: "zeros" | "random";
  seed?: SeedOrRandom;
}

export interface AdalineFitOptions {
  epochs?: number;
  /** "stochastic" (default): the Widrow-Hoff rule per sample. "batch": one step per epoch on the summed gradient. */
  mode?: "stochastic" | "batch";
  /** Reshuffle each epoch in stochastic mode (default true). */
  shuffle?: boolean;
  seed?: SeedOrRandom;
}

export interface AdalineEpoch {
  epoch: number;
  /** E = ½ Σ (y − z)² at the end of the epoch. */
  cost: number;
  /** Misclassified samples at the end of the epoch. */
  errors: number;
  weights: number[];
  bias: number;
}

export class Adaline {
  readonly inputs: number;
  learningRate: number;
  weights: number[];
  bias = 0;

  constructor(options: AdalineOptions) {
    const { inputs, learningRate = 0.01, init = "zeros" } = options;
    if (!Number.isInteger(inputs) || inputs < 1) throw new RangeError(`Adaline: inputs must be a whole number ≥ 1, got ${inputs}.`);
    checkLearningRate("Adaline", learningRate);
    this.inputs = inputs;
    this.learningRate = learningRate;
    const rng = toRandom(options.seed);
    this.weights = Array.from({ length: inputs }, () => (init === "random" ? rng.normal(0, 0.01) : 0));
  }

  /** z = w · x + b: ADALINE's (linear) output. */
  netInput(x: readonly number[]): number {
    if (x.length !== this.inputs)
      throw new RangeError(`Adaline: the sample has ${x.length} values but ADALINE takes ${this.inputs} inputs.`);
    return this.weights.reduce((s, w, i) => s + w * x[i], this.bias);
  }

  /** The class: +1 when z ≥ 0, else −1. */
  predict(x: readonly number[]): number {
    return this.netInput(x) >= 0 ? 1 : -1;
  }

  classify(X: readonly (readonly number[])[]): number[] {
    return X.map((x) => this.predict(x));
  }

  /** E = ½ Σ (y − z)² over the samples. */
  cost(X: readonly (readonly number[])[], y: readonly number[]): number {
    return X.reduce((s, x, i) => s + 0.5 * (y[i] - this.netInput(x)) ** 2, 0);
  }

  /** Trains by the Widrow-Hoff rule (or batch gradient descent) and returns the cost per epoch. */
  fit(X: readonly (readonly number[])[], y: readonly number[], options: AdalineFitOptions = {}): AdalineEpoch[] {
    const { epochs = 50, mode = "stochastic", shuffle = true } = options;
    checkLearningRate("Adaline.fit", this.learningRate);
    if (X.length === 0) throw new RangeError("Adaline.fit: the data is empty (0 samples).");
    if (X.length !== y.length) throw new RangeError(`Adaline.fit: X has ${X.length} samples but y has ${y.length} labels.`);
    X.forEach((x, i) => {
      if (x.length !== this.inputs)
        throw new RangeError(`Adaline.fit: sample ${i} has ${x.length} values but ADALINE takes ${this.inputs} inputs.`);
      if (!x.every(Number.isFinite) || !Number.isFinite(y[i]))
        throw new RangeError(`Adaline.fit: sample ${i} contains a value that is not a finite number.`);
      // The errors per epoch compare the prediction (±1) with the label: a 0/1 label would
      // count every 0 as a mistake of class +1, and the squared error would pull z to 0.
      if (y[i] !== 1 && y[i] !== -1)
        throw new RangeError(
          `Adaline.fit: label ${i} is ${y[i]}, but ADALINE's targets are −1 and +1 (it predicts +1 where z ≥ 0, else −1). For 0/1 labels, pass y.map((v) => 2 * v - 1).`,
        );
    });
    const rng = toRandom(options.seed);
    const eta = this.learningRate;
    const history: AdalineEpoch[] = [];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (mode === "stochastic") {
        const order = shuffle ? rng.permutation(X.length) : X.map((_, i) => i);
        for (const s of order) {
          const error = y[s] - this.netInput(X[s]); // y − z
          X[s].forEach((xi, i) => (this.weights[i] += eta * error * xi));
          this.bias += eta * error;
        }
      } else {
        // ∂E/∂w = −Σ (y − z) x: accumulate over all samples, then one step.
        const gradW = this.weights.map(() => 0);
        let gradB = 0;
        X.forEach((x, s) => {
          const error = y[s] - this.netInput(x);
          x.forEach((xi, i) => (gradW[i] += error * xi));
          gradB += error;
        });
        gradW.forEach((g, i) => (this.weights[i] += eta * g));
        this.bias += eta * gradB;
      }
      const cost = this.cost(X, y);
      if (!Number.isFinite(cost)) {
        throw new RangeError(
          `Adaline.fit: the cost became ${cost} in epoch ${epoch}; the learning rate ${eta} is too large for this data (try a tenth of it, or standardize the inputs).`,
        );
      }
      const errors = X.reduce((n, x, i) => n + (this.predict(x) === y[i] ? 0 : 1), 0);
      history.push({ epoch, cost, errors, weights: [...this.weights], bias: this.bias });
    }
    return history;
  }
}
