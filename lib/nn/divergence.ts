/**
 * What Network.train reports when training diverges: the loss or the weights stopped
 * being finite numbers. The error says when (epoch, batch, first sample) and where (the
 * first NaN or ±Infinity in the weights, the biases or the batch's z, or, when all of
 * them are still finite, how large the weights and outputs have grown), and suggests
 * the usual fixes.
 */
import { firstNonFinite } from "../core/checks";
import type { Matrix } from "../core/matrix";

/** Thrown when the loss or the weights stop being finite numbers during training. */
export class TrainingDivergedError extends Error {
  constructor(
    message: string,
    readonly epoch: number,
    readonly batch: number,
  ) {
    super(message);
    this.name = "TrainingDivergedError";
  }
}

/** Where training stopped: the epoch, the batch (0-based) and the batch's sample indices. */
export interface DivergencePlace {
  epoch: number;
  batch: number;
  rows: readonly number[];
}

/** The network's state when training diverged: its parameters and the batch's z^l. */
export interface DivergenceState {
  weights: readonly Matrix[];
  biases: readonly Matrix[];
  /** z^l of the batch that was being trained on, l = 1 … L. */
  zs: readonly Matrix[];
  learningRate: number;
}

/** Where the trouble shows: the first non-finite number, or the sizes when all are finite. */
export function divergenceClues(state: DivergenceState): string[] {
  const where: string[] = [];
  state.weights.forEach((W, l) => {
    const bad = firstNonFinite(W);
    if (bad) where.push(`weights of layer ${l + 1}: ${bad}`);
  });
  state.biases.forEach((b, l) => {
    const bad = firstNonFinite(b);
    if (bad) where.push(`biases of layer ${l + 1}: ${bad}`);
  });
  if (where.length === 0) {
    state.zs.forEach((z, l) => {
      const bad = firstNonFinite(z);
      if (bad && where.length === 0) where.push(`z of layer ${l + 1}: ${bad} of the batch`);
    });
  }
  if (where.length === 0) {
    // Everything is still finite but so large that the loss overflowed: show the sizes.
    const largest = (m: Matrix) => Array.from(m.data).reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    state.weights.forEach((W, l) => where.push(`weights of layer ${l + 1} up to ${largest(W).toExponential(1)} in size`));
    where.push(`outputs up to ${largest(state.zs[state.zs.length - 1]).toExponential(1)}`);
  }
  return where;
}

/** The error Network.train throws: `problem` (what went wrong) at `place`, with the clues of `state`. */
export function trainingDivergedError(problem: string, place: DivergencePlace, state: DivergenceState): TrainingDivergedError {
  const { epoch, batch, rows } = place;
  return new TrainingDivergedError(
    `Network.train: ${problem} in epoch ${epoch}, batch ${batch + 1} (${rows.length} samples, ` +
      `first sample index ${rows[0]}). Where: ${divergenceClues(state).join("; ")}. ` +
      `Training diverged: lower the learning rate (now ${state.learningRate}) or scale the inputs.`,
    epoch,
    batch + 1,
  );
}
