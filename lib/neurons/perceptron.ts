/**
 * Rosenblatt's perceptron (1957): a layer of linear threshold units (LTUs) that learns
 * its weights from examples.
 *
 * Each output unit j computes a weighted sum of the inputs and applies a step:
 *
 *   z_j = w_j · x + b_j,        ŷ_j = step(z_j)
 *
 * with the Heaviside step (0 for z < 0, 1 for z ≥ 0; targets 0/1) or the sign function
 * (−1, 0, +1; targets ±1). The bias can be a separate term b_j, or a weight w_0 on an
 * extra input x_0 = 1 (the "bias neuron"), or absent when the data already has an x_0
 * column.
 *
 * The learning rule, applied one sample at a time:
 *
 *   w_ij ← w_ij + η (y_j − ŷ_j) x_i          (and b_j ← b_j + η (y_j − ŷ_j))
 *
 * target minus output: a unit that said 0 when it should have said 1 moves its weights
 * towards x, one that said 1 for a 0 moves away from x, and a correct unit does not
 * change. (Some texts print (ŷ_j − y_j) with ŷ_j the target; the sign follows the
 * naming.) The perceptron convergence theorem: if the classes are linearly separable,
 * this stops making mistakes after finitely many updates. XOR is not separable, so
 * there the rule cycles forever.
 */
import { checkLearningRate } from "../core/checks";
import { type SeedOrRandom, toRandom } from "../data/random";

export type StepFunction = "heaviside" | "sign";
export type BiasMode = "separate" | "x0" | "none";

export interface PerceptronOptions {
  /** Number of inputs (features), not counting x_0. */
  inputs: number;
  /** Number of output units, each a separate binary classifier (default 1). */
  outputs?: number;
  /** "heaviside" (0/1 targets, the default) or "sign" (±1 targets). */
  step?: StepFunction;
  /**
   * "separate" (default): z = w · x + b.   "x0": an input x_0 = 1 is put in front of x
   * and its weight w_0 = weights[j][0] is the bias.   "none": no bias at all (when the
   * data already carries a column of ones).
   */
  bias?: BiasMode;
  /** η (default 1; for a perceptron starting at zero, η only rescales the weights). */
  learningRate?: number;
  /** "zeros" (default) or "random" (uniform in [−1, 1], as Rosenblatt did). */
  init?: "zeros" | "random";
  seed?: SeedOrRandom;
}

export interface PerceptronFitOptions {
  /** The most passes over the data (default 100). */
  epochs?: number;
  /** Present the samples in a new random order each epoch (default false: in the given order). */
  shuffle?: boolean;
  seed?: SeedOrRandom;
  /** Stop after the first epoch without mistakes (default true). */
  stopWhenConverged?: boolean;
  /** Also record every single update (sample, output, Δw) in the history (default false). */
  recordSteps?: boolean;
}

/** One weight update: which sample, which output unit, and how its weights moved. */
export interface PerceptronStep {
  sample: number;
  output: number;
  /** Δw for that unit (with x_0's weight first in "x0" mode). */
  deltaW: number[];
  deltaB: number;
}

/** What happened in one epoch. */
export interface PerceptronEpoch {
  epoch: number;
  /** Mistakes made during the epoch (one per wrong output unit per sample). */
  errors: number;
  /** Updates made (equal to errors: the rule only moves on a mistake). */
  updates: number;
  /** The sum of all Δw of the epoch, per output unit. */
  weightChange: number[][];
  /** The weights and biases at the end of the epoch. */
  weights: number[][];
  biases: number[];
  steps?: PerceptronStep[];
}

export interface PerceptronFitResult {
  /** Whether an epoch went by without a single mistake. */
  converged: boolean;
  /** The epoch in which that happened (or the number of epochs run). */
  epochs: number;
  history: PerceptronEpoch[];
}

export class Perceptron {
  readonly inputs: number;
  readonly outputs: number;
  readonly step: StepFunction;
  readonly bias: BiasMode;
  learningRate: number;
  /** weights[j] is unit j's weight vector (w_0 first in "x0" mode). */
  weights: number[][];
  /** b_j per unit ("separate" mode; zeros otherwise and unused). */
  biases: number[];

  constructor(options: PerceptronOptions) {
    const { inputs, outputs = 1, step = "heaviside", bias = "separate", learningRate = 1, init = "zeros" } = options;
    if (!Number.isInteger(inputs) || inputs < 1) throw new RangeError(`Perceptron: inputs must be a whole number ≥ 1, got ${inputs}.`);
    if (!Number.isInteger(outputs) || outputs < 1) throw new RangeError(`Perceptron: outputs must be a whole number ≥ 1, got ${outputs}.`);
    if (step !== "heaviside" && step !== "sign")
      throw new RangeError(`Perceptron: step must be "heaviside" or "sign", got ${JSON.stringify(step)}.`);
    if (bias !== "separate" && bias !== "x0" && bias !== "none") {
      throw new RangeError(`Perceptron: bias must be "separate", "x0" or "none", got ${JSON.stringify(bias)}.`);
    }
    checkLearningRate("Perceptron", learningRate);
    this.inputs = inputs;
    this.outputs = outputs;
    this.step = step;
    this.bias = bias;
    this.learningRate = learningRate;
    const width = bias === "x0" ? inputs + 1 : inputs;
    const rng = toRandom(options.seed);
    const draw = () => (init === "random" ? rng.uniform(-1, 1) : 0);
    this.weights = Array.from({ length: outputs }, () => Array.from({ length: width }, draw));
    this.biases = Array.from({ length: outputs }, () => (bias === "separate" ? draw() : 0));
  }

  /** The input as the units see it: with x_0 = 1 in front in "x0" mode. */
  private extended(x: readonly number[]): number[] {
    return this.bias === "x0" ? [1, ...x] : [...x];
  }

  /** z_j = w_j · x + b_j for every output unit. */
  netInput(x: readonly number[]): number[] {
    this.checkSample("netInput", x);
    const xe = this.extended(x);
    return this.weights.map((w, j) => w.reduce((s, wi, i) => s + wi * xe[i], this.biases[j]));
  }

  /** The step of each unit's net input: the prediction for one sample. */
  predict(x: readonly number[]): number[] {
    return this.netInput(x).map((z) => stepOf(this.step, z));
  }

  /** Predictions for many samples: one row of outputs per sample. */
  predictMany(X: readonly (readonly number[])[]): number[][] {
    return X.map((x) => this.predict(x));
  }

  /** Predicted labels of a single-output perceptron, one per sample. */
  classify(X: readonly (readonly number[])[]): number[] {
    if (this.outputs !== 1) throw new RangeError(`Perceptron.classify: this perceptron has ${this.outputs} outputs; use predictMany.`);
    return X.map((x) => this.predict(x)[0]);
  }

  /**
   * Trains with the perceptron rule, one sample at a time, until an epoch without
   * mistakes (converged) or `epochs` passes. `y` holds one label per sample (one output
   * unit) or one row of labels per sample (several units).
   */
  fit(
    X: readonly (readonly number[])[],
    y: readonly number[] | readonly (readonly number[])[],
    options: PerceptronFitOptions = {},
  ): PerceptronFitResult {
    const { epochs = 100, shuffle = false, stopWhenConverged = true, recordSteps = false } = options;
    if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`Perceptron.fit: epochs must be a whole number ≥ 1, got ${epochs}.`);
    checkLearningRate("Perceptron.fit", this.learningRate);
    const targets = this.checkData(X, y);
    const rng = toRandom(options.seed);
    const history: PerceptronEpoch[] = [];
    const eta = this.learningRate;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = shuffle ? rng.permutation(X.length) : X.map((_, i) => i);
      const weightChange = this.weights.map((w) => w.map(() => 0));
      const steps: PerceptronStep[] = [];
      let errors = 0;
      for (const s of order) {
        const xe = this.extended(X[s]);
        const yHat = this.predict(X[s]);
        for (let j = 0; j < this.outputs; j++) {
          const error = targets[s][j] - yHat[j]; // y_j − ŷ_j
          if (error === 0) continue;
          errors++;
          const deltaW = xe.map((xi) => eta * error * xi); // Δw_ij = η (y_j − ŷ_j) x_i
          const deltaB = this.bias === "separate" ? eta * error : 0;
          deltaW.forEach((d, i) => {
            this.weights[j][i] += d;
            weightChange[j][i] += d;
          });
          this.biases[j] += deltaB;
          if (recordSteps) steps.push({ sample: s, output: j, deltaW, deltaB });
        }
      }
      const record: PerceptronEpoch = {
        epoch,
        errors,
        updates: errors,
        weightChange,
        weights: this.weights.map((w) => [...w]),
        biases: [...this.biases],
      };
      if (recordSteps) record.steps = steps;
      history.push(record);
      if (errors === 0 && stopWhenConverged) return { converged: true, epochs: epoch, history };
    }
    const converged = history.length > 0 && history[history.length - 1].errors === 0;
    return { converged, epochs: history.length, history };
  }

  private checkSample(where: string, x: readonly number[]): void {
    if (x.length !== this.inputs) {
      throw new RangeError(`Perceptron.${where}: the sample has ${x.length} values but the perceptron takes ${this.inputs} inputs.`);
    }
  }

  private checkData(X: readonly (readonly number[])[], y: readonly number[] | readonly (readonly number[])[]): number[][] {
    if (X.length === 0) throw new RangeError("Perceptron.fit: the data is empty (0 samples).");
    if (y.length !== X.length) throw new RangeError(`Perceptron.fit: X has ${X.length} samples but y has ${y.length} labels.`);
    const allowed = this.step === "sign" ? [-1, 1] : [0, 1];
    return X.map((x, i) => {
      if (x.length !== this.inputs) {
        throw new RangeError(`Perceptron.fit: sample ${i} has ${x.length} values but the perceptron takes ${this.inputs} inputs.`);
      }
      x.forEach((v, k) => {
        if (!Number.isFinite(v)) throw new RangeError(`Perceptron.fit: sample ${i}, input ${k} is ${v}.`);
      });
      const row = typeof y[i] === "number" ? [y[i] as number] : [...(y[i] as readonly number[])];
      if (row.length !== this.outputs) {
        throw new RangeError(`Perceptron.fit: sample ${i} has ${row.length} labels but the perceptron has ${this.outputs} outputs.`);
      }
      row.forEach((v) => {
        if (!allowed.includes(v)) {
          throw new RangeError(
            `Perceptron.fit: label ${v} of sample ${i} is not allowed with the ${this.step} step; use ${allowed.join(" or ")}` +
              (this.step === "sign" ? ' (or step: "heaviside" for 0/1 labels).' : ' (or step: "sign" for ±1 labels).'),
          );
        }
      });
      return row;
    });
  }
}

/** Heaviside (0 below zero, 1 from zero up) or sign (−1, 0, +1). */
export function stepOf(step: StepFunction, z: number): number {
  if (step === "heaviside") return z >= 0 ? 1 : 0;
  return z > 0 ? 1 : z < 0 ? -1 : 0;
}
