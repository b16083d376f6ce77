/**
 * Loss (cost) functions and their gradients.
 *
 * A loss compares the network's output A (one row per sample) with the targets Y.
 * Each loss below is defined per sample, as a sum over that sample's outputs j, and the
 * cost of a batch of m samples is the mean over the samples:
 *
 *   C = (1/m) Σ_x C_x
 *
 * so `gradient` returns ∂C/∂A = (1/m) ∂C_x/∂a for every row. Because the 1/m is already
 * inside, the weight gradients of backprop are plain sums over the batch.
 *
 * Numerical care: logarithms never see 0 (probabilities are clipped to [ε, 1 − ε]), and
 * the "from logits" losses work on raw scores z with the log-sum-exp and softplus
 * tricks, so they stay finite even when z is in the hundreds.
 */
import { Matrix } from "../core/matrix";
import { sigmoidOf } from "./activations";

export interface Loss {
  /** The name used in options and messages, e.g. "binary-cross-entropy". */
  readonly name: string;
  /** The mean loss over the batch: C = (1/m) Σ_x C_x. */
  value(output: Matrix, target: Matrix): number;
  /** ∂C/∂A for every entry of the output, including the 1/m of the mean. */
  gradient(output: Matrix, target: Matrix, out?: Matrix): Matrix;
  /** What the targets look like, for error messages and for the network's checks. */
  readonly targets: "real" | "probability" | "sign";
}

/** Keeps log() away from 0: probabilities are clipped to [EPSILON, 1 − EPSILON]. */
export const EPSILON = 1e-12;

function checkPair(name: string, output: Matrix, target: Matrix): void {
  if (output.rows !== target.rows || output.cols !== target.cols) {
    throw new RangeError(
      `${name} loss: the output is ${output.rows}×${output.cols} but the targets are ${target.rows}×${target.cols}; ` +
        `give one target row per sample with one column per output unit (use oneHot(labels) for class labels).`,
    );
  }
  if (output.rows === 0) throw new RangeError(`${name} loss: the batch is empty (0 samples).`);
}

/**
 * Builds a loss from its per-entry parts: `entry(a, y)` is the contribution of one
 * output to C_x, `slope(a, y)` its derivative ∂/∂a. `perSampleScale` divides each
 * sample's sum (1/k for the "mean" losses over k outputs).
 */
function entrywiseLoss(
  name: string,
  targets: Loss["targets"],
  entry: (a: number, y: number) => number,
  slope: (a: number, y: number) => number,
  meanOverOutputs = false,
): Loss {
  return {
    name,
    targets,
    value(output: Matrix, target: Matrix): number {
      checkPair(name, output, target);
      const a = output.data;
      const y = target.data;
      let total = 0;
      for (let i = 0; i < a.length; i++) total += entry(a[i], y[i]);
      return total / output.rows / (meanOverOutputs ? output.cols : 1);
    },
    gradient(output: Matrix, target: Matrix, out?: Matrix): Matrix {
      checkPair(name, output, target);
      const g = out ?? Matrix.zeros(output.rows, output.cols, output.dtype);
      const scale = 1 / output.rows / (meanOverOutputs ? output.cols : 1);
      const a = output.data;
      const y = target.data;
      const d = g.data;
      for (let i = 0; i < a.length; i++) d[i] = scale * slope(a[i], y[i]);
      return g;
    },
  };
}

const clip = (p: number) => (p < EPSILON ? EPSILON : p > 1 - EPSILON ? 1 - EPSILON : p);

/** softplus(x) = ln(1 + e^x), computed without overflow: max(x, 0) + ln(1 + e^(−|x|)). */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * Half the sum of squared errors: C_x = ½ Σ_j (a_j − y_j)², ∂C_x/∂a_j = a_j − y_j.
 * The ½ is there so that the 2 of the derivative cancels (Nielsen's quadratic cost,
 * Mazur's E_total).
 */
export const halfSquaredError = entrywiseLoss(
  "half-squared-error",
  "real",
  (a, y) => 0.5 * (a - y) * (a - y),
  (a, y) => a - y,
);

/** The plain sum of squared errors: C_x = Σ_j (a_j − y_j)², ∂C_x/∂a_j = 2(a_j − y_j). */
export const squaredError = entrywiseLoss(
  "squared-error",
  "real",
  (a, y) => (a - y) * (a - y),
  (a, y) => 2 * (a - y),
);

/** Mean squared error: C_x = (1/k) Σ_j (a_j − y_j)² over the k outputs (Keras's "mse"). */
export const mse = entrywiseLoss(
  "mse",
  "real",
  (a, y) => (a - y) * (a - y),
  (a, y) => 2 * (a - y),
  true,
);

/** Mean absolute error: C_x = (1/k) Σ_j |a_j − y_j|; derivative sign(a_j − y_j) (0 at a tie). */
export const mae = entrywiseLoss(
  "mae",
  "real",
  (a, y) => Math.abs(a - y),
  (a, y) => (a > y ? 1 : a < y ? -1 : 0),
  true,
);

/**
 * Binary cross-entropy on probabilities a ∈ (0, 1) (a sigmoid output), targets y ∈ {0, 1}:
 *   C_x = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)],
 *   ∂C_x/∂a_j = (a_j − y_j) / (a_j (1 − a_j)).
 * After a sigmoid, the a(1 − a) cancels σ' and δ = a − y (Nielsen's cross-entropy).
 */
export const binaryCrossEntropy = entrywiseLoss(
  "binary-cross-entropy",
  "probability",
  (a, y) => {
    const p = clip(a);
    return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
  },
  (a, y) => {
    const p = clip(a);
    return -y / p + (1 - y) / (1 - p);
  },
);

/**
 * Binary cross-entropy on raw scores z (logits), i.e. on σ(z) without computing it:
 *   C_x = Σ_j [softplus(z_j) − y_j z_j],   ∂C_x/∂z_j = σ(z_j) − y_j.
 * Use a "linear" output layer with it.
 */
export const binaryCrossEntropyFromLogits = entrywiseLoss(
  "binary-cross-entropy-from-logits",
  "probability",
  (z, y) => softplus(z) - y * z,
  (z, y) => sigmoidOf(z) - y,
);

/**
 * Hinge loss for targets y ∈ {−1, +1} on raw scores z (the linear SVM's loss):
 *   C_x = Σ_j max(0, 1 − y_j z_j),   ∂C_x/∂z_j = −y_j when y_j z_j < 1, else 0.
 */
export const hinge = entrywiseLoss(
  "hinge",
  "sign",
  (z, y) => Math.max(0, 1 - y * z),
  (z, y) => (y * z < 1 ? -y : 0),
);

/**
 * Logistic (log) loss for targets y ∈ {−1, +1} on raw scores z:
 *   C_x = Σ_j ln(1 + e^(−y_j z_j)),   ∂C_x/∂z_j = −y_j σ(−y_j z_j).
 * It is binary cross-entropy from logits with the labels written as ±1 instead of 0/1.
 */
export const logisticLoss = entrywiseLoss(
  "logistic",
  "sign",
  (z, y) => softplus(-y * z),
  (z, y) => -y * sigmoidOf(-y * z),
);

/**
 * Categorical cross-entropy on probabilities (a softmax output), one-hot targets:
 *   C_x = −Σ_j y_j ln a_j,   ∂C_x/∂a_j = −y_j / a_j.
 * After a softmax, the Jacobian turns this into δ = a − y.
 */
export const categoricalCrossEntropy = entrywiseLoss(
  "categorical-cross-entropy",
  "probability",
  (a, y) => (y === 0 ? 0 : -y * Math.log(clip(a))),
  (a, y) => (y === 0 ? 0 : -y / clip(a)),
);

/**
 * Categorical cross-entropy on raw scores z (logits), softmax included:
 *   C_x = Σ_j y_j (logsumexp(z) − z_j),   ∂C_x/∂z_j = s_j Σ_k y_k − y_j   (s = softmax(z)),
 * which is s − y for one-hot targets. logsumexp(z) = max(z) + ln Σ_k e^(z_k − max(z)).
 * Use a "linear" output layer with it.
 */
export const categoricalCrossEntropyFromLogits: Loss = {
  name: "categorical-cross-entropy-from-logits",
  targets: "probability",
  value(output: Matrix, target: Matrix): number {
    checkPair(this.name, output, target);
    const { rows, cols } = output;
    const z = output.data;
    const y = target.data;
    let total = 0;
    for (let i = 0; i < rows; i++) {
      const start = i * cols;
      const lse = logSumExp(z, start, cols);
      for (let j = 0; j < cols; j++) total += y[start + j] * (lse - z[start + j]);
    }
    return total / rows;
  },
  gradient(output: Matrix, target: Matrix, out?: Matrix): Matrix {
    checkPair(this.name, output, target);
    const { rows, cols } = output;
    const g = out ?? Matrix.zeros(rows, cols, output.dtype);
    const z = output.data;
    const y = target.data;
    const d = g.data;
    for (let i = 0; i < rows; i++) {
      const start = i * cols;
      const lse = logSumExp(z, start, cols);
      let ySum = 0;
      for (let j = 0; j < cols; j++) ySum += y[start + j];
      for (let j = 0; j < cols; j++) d[start + j] = (Math.exp(z[start + j] - lse) * ySum - y[start + j]) / rows;
    }
    return g;
  },
};

function logSumExp(z: ArrayLike<number>, start: number, n: number): number {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (z[start + j] > max) max = z[start + j];
  let total = 0;
  for (let j = 0; j < n; j++) total += Math.exp(z[start + j] - max);
  return max + Math.log(total);
}

/** The names accepted wherever a loss is expected. */
export type LossName =
  | "half-squared-error"
  | "squared-error"
  | "mse"
  | "mae"
  | "binary-cross-entropy"
  | "binary-cross-entropy-from-logits"
  | "categorical-cross-entropy"
  | "categorical-cross-entropy-from-logits"
  | "hinge"
  | "logistic";

const byName: Record<LossName, Loss> = {
  "half-squared-error": halfSquaredError,
  "squared-error": squaredError,
  mse,
  mae,
  "binary-cross-entropy": binaryCrossEntropy,
  "binary-cross-entropy-from-logits": binaryCrossEntropyFromLogits,
  "categorical-cross-entropy": categoricalCrossEntropy,
  "categorical-cross-entropy-from-logits": categoricalCrossEntropyFromLogits,
  hinge,
  logistic: logisticLoss,
};

/** All built-in losses, by name. */
export const losses: Readonly<Record<LossName, Loss>> = byName;

/** A loss from its name (or the loss itself, passed through). */
export function getLoss(spec: LossName | Loss): Loss {
  if (typeof spec !== "string") return spec;
  const loss = byName[spec];
  if (!loss) throw new RangeError(`Unknown loss "${spec}"; use one of ${Object.keys(byName).join(", ")}, or a Loss object.`);
  return loss;
}
