/**
 * A learning-rate finder, as in Géron's *Hands-On Machine Learning* (chapter 11): train
 * for one epoch while the learning rate grows exponentially from a tiny value to a huge
 * one, record the loss after every batch, and read off where the loss shoots up. A good
 * learning rate is about ten times below that turning point.
 *
 *   const sweep = await findLearningRate(model, x, y, { minRate: 1e-5, maxRate: 10, seed: 42 });
 *   sweep.suggested   // the turning point / 10
 *
 * The sweep changes the model's weights and its optimizer's state (Adam's moments, step
 * count); the weights and the learning rate are put back afterwards, the optimizer's state
 * is not, so train a freshly built model with the rate it suggests.
 */
import { fitSeeded } from "./seeded";
import { tfjs } from "./tfjs";

type Tensor = import("@tensorflow/tfjs").Tensor;
type LayersModel = import("@tensorflow/tfjs").LayersModel;
type Logs = Record<string, number | import("@tensorflow/tfjs").Scalar>;

export interface LrFinderOptions {
  /** The learning rate of the first batch (default 1e-5). */
  minRate?: number;
  /** The learning rate of the last batch of the epoch (default 10). */
  maxRate?: number;
  /** Batch size (default 32). */
  batchSize?: number;
  /** Seed of the batch order (default 42). */
  seed?: number;
  /**
   * Stop once the smoothed loss exceeds this many times its lowest value so far, or is not
   * finite (default 4; Infinity runs the whole epoch unless the loss becomes NaN).
   */
  stopFactor?: number;
  /** Weight of the past in the moving average of the loss, 0 (none) to below 1 (default 0.8). */
  smoothing?: number;
  /** The suggestion is the turning point divided by this (default 10). */
  divisor?: number;
}

export interface LrSuggestion {
  /** The losses as an exponential moving average (bias-corrected), one per batch. */
  smoothed: number[];
  /** Index of the batch with the lowest smoothed loss: where the loss stops falling and turns up. */
  turningIndex: number;
  /** The learning rate of that batch. */
  turningRate: number;
  /** turningRate / divisor. */
  suggested: number;
}

export interface LrFinderResult extends LrSuggestion {
  /** The learning rate of every batch trained, in order (geometric: each a fixed factor above the one before). */
  rates: number[];
  /** The training loss of each of those batches. */
  losses: number[];
  /** Whether the sweep stopped before the end of the epoch because the loss shot up. */
  stoppedEarly: boolean;
}

/** The learning rate of each of `batches` batches, growing geometrically from minRate to maxRate. */
export function exponentialRates(minRate: number, maxRate: number, batches: number): number[] {
  if (!(minRate > 0) || !(maxRate > minRate))
    throw new RangeError(`exponentialRates: need 0 < minRate < maxRate, got ${minRate} and ${maxRate}.`);
  if (!Number.isInteger(batches) || batches < 2) throw new RangeError(`exponentialRates: need at least 2 batches, got ${batches}.`);
  return Array.from({ length: batches }, (_, i) => minRate * (maxRate / minRate) ** (i / (batches - 1)));
}

/** Bias-corrected exponential moving average: s_t = β s_{t−1} + (1 − β) x_t, divided by 1 − β^t. */
export function smoothLosses(losses: readonly number[], smoothing = 0.8): number[] {
  if (!(smoothing >= 0 && smoothing < 1)) throw new RangeError(`smoothLosses: smoothing must be in [0, 1), got ${smoothing}.`);
  let average = 0;
  return losses.map((loss, t) => {
    average = smoothing * average + (1 - smoothing) * loss;
    return average / (1 - smoothing ** (t + 1));
  });
}

/**
 * The learning rate to use, read from a sweep: smooth the losses, take the rate where the
 * smoothed loss is lowest (the turning point, after which it climbs), divide by `divisor`.
 */
export function suggestLearningRate(
  rates: readonly number[],
  losses: readonly number[],
  options: { smoothing?: number; divisor?: number } = {},
): LrSuggestion {
  const { smoothing = 0.8, divisor = 10 } = options;
  if (rates.length !== losses.length || rates.length === 0)
    throw new RangeError(`suggestLearningRate: need one loss per rate, got ${rates.length} rates and ${losses.length} losses.`);
  const smoothed = smoothLosses(losses, smoothing);
  let turningIndex = -1;
  smoothed.forEach((s, i) => {
    if (Number.isFinite(s) && (turningIndex < 0 || s < smoothed[turningIndex])) turningIndex = i;
  });
  if (turningIndex < 0) throw new RangeError("suggestLearningRate: no finite loss in the sweep; start it at a smaller rate.");
  const turningRate = rates[turningIndex];
  return { smoothed, turningIndex, turningRate, suggested: turningRate / divisor };
}

/** Sets an optimizer's learning rate: SGD and momentum cache it (setLearningRate), Adam and the others read the field. */
function setRate(optimizer: unknown, rate: number): void {
  const opt = optimizer as { learningRate: number; setLearningRate?: (r: number) => void };
  if (typeof opt.setLearningRate === "function") opt.setLearningRate(rate);
  else opt.learningRate = rate;
}

/**
 * One epoch of training on (x, y) with the learning rate growing exponentially from
 * minRate to maxRate, batch by batch; returns the rate and loss of every batch and the
 * suggested learning rate. The model must be compiled; its weights and learning rate are
 * restored afterwards.
 */
export async function findLearningRate(model: LayersModel, x: Tensor, y: Tensor, options: LrFinderOptions = {}): Promise<LrFinderResult> {
  const tf = tfjs();
  const { minRate = 1e-5, maxRate = 10, batchSize = 32, seed = 42, stopFactor = 4, smoothing = 0.8, divisor = 10 } = options;
  const optimizer = model.optimizer as unknown as { learningRate?: number } | undefined;
  if (!optimizer || typeof optimizer.learningRate !== "number")
    throw new Error("findLearningRate: compile the model first, with an optimizer that has a learningRate (tf.train.sgd, adam, …).");
  const schedule = exponentialRates(minRate, maxRate, Math.ceil(x.shape[0] / batchSize));
  const startRate = optimizer.learningRate;
  const saved = model.getWeights().map((w) => w.clone());
  const rates: number[] = [];
  const losses: number[] = [];
  let stoppedEarly = false;
  let average = 0;
  let lowest = Infinity;
  class Sweep extends (tf.Callback as unknown as new () => import("@tensorflow/tfjs").Callback) {
    override async onBatchBegin(batch: number): Promise<void> {
      setRate(model.optimizer, schedule[batch]);
    }
    override async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
      const raw = logs?.loss;
      const loss = typeof raw === "number" ? raw : raw === undefined ? NaN : (await raw.data())[0];
      rates.push(schedule[batch]);
      losses.push(loss);
      average = smoothing * average + (1 - smoothing) * loss;
      const smooth = average / (1 - smoothing ** losses.length);
      if (Number.isFinite(smooth)) lowest = Math.min(lowest, smooth);
      if (!Number.isFinite(smooth) || smooth > stopFactor * lowest) {
        stoppedEarly = batch < schedule.length - 1;
        model.stopTraining = true;
      }
    }
  }
  try {
    await fitSeeded(model, x, y, { epochs: 1, batchSize, seed, callbacks: [new Sweep()] });
  } finally {
    model.setWeights(saved);
    tf.dispose(saved);
    setRate(model.optimizer, startRate);
  }
  return { rates, losses, stoppedEarly, ...suggestLearningRate(rates, losses, { smoothing, divisor }) };
}
