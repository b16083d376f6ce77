/**
 * Scores for finished models: how often a classifier is right and in which way it is
 * wrong, and how far a regressor's numbers are off.
 *
 * Classification metrics take lists of class labels (0 … k − 1); regression metrics
 * take lists of numbers. Always the truth first, the prediction second.
 */

function checkPair(where: string, yTrue: readonly number[], yPred: readonly number[]): void {
  if (yTrue.length === 0) throw new RangeError(`${where}: no samples given.`);
  if (yTrue.length !== yPred.length) {
    throw new RangeError(`${where}: ${yTrue.length} true values but ${yPred.length} predictions; give one prediction per sample.`);
  }
  yTrue.forEach((v, i) => {
    if (!Number.isFinite(v) || !Number.isFinite(yPred[i])) {
      throw new RangeError(`${where}: sample ${i} has true value ${v} and prediction ${yPred[i]}; both must be finite numbers.`);
    }
  });
}

/** The fraction of samples whose predicted class equals the true class. */
export function accuracy(yTrue: readonly number[], yPred: readonly number[]): number {
  checkPair("accuracy", yTrue, yPred);
  return yTrue.reduce((n, y, i) => n + (y === yPred[i] ? 1 : 0), 0) / yTrue.length;
}

/**
 * The confusion matrix C: C[i][j] counts the samples of true class i predicted as
 * class j. The diagonal holds the correct predictions.
 */
export function confusionMatrix(yTrue: readonly number[], yPred: readonly number[], classes?: number): number[][] {
  checkPair("confusionMatrix", yTrue, yPred);
  const largest = yTrue.reduce((m, v, i) => Math.max(m, v, yPred[i]), 0);
  const k = classes ?? (Number.isInteger(largest) ? largest + 1 : Math.ceil(largest));
  const C = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  yTrue.forEach((t, i) => {
    const p = yPred[i];
    for (const [name, v] of [
      ["true class", t],
      ["predicted class", p],
    ] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= k) {
        throw new RangeError(`confusionMatrix: sample ${i} has ${name} ${v}; classes must be whole numbers from 0 to ${k - 1}.`);
      }
    }
    C[t][p]++;
  });
  return C;
}

export interface ClassScores {
  /** Of the samples predicted as this class, the fraction that are: TP / (TP + FP). */
  precision: number;
  /** Of the samples of this class, the fraction found: TP / (TP + FN). */
  recall: number;
  /** The harmonic mean 2PR / (P + R). */
  f1: number;
  /** How many samples truly belong to the class. */
  support: number;
}

/**
 * Precision, recall and F1 for every class, plus their macro average (plain mean over
 * classes) and weighted average (weighted by support). A score with a zero denominator
 * (no predictions of that class, say) counts as 0.
 */
export function precisionRecallF1(
  yTrue: readonly number[],
  yPred: readonly number[],
  classes?: number,
): { perClass: ClassScores[]; macro: Omit<ClassScores, "support">; weighted: Omit<ClassScores, "support"> } {
  const C = confusionMatrix(yTrue, yPred, classes);
  const k = C.length;
  const perClass = C.map((row, c) => {
    const tp = row[c];
    const support = row.reduce((s, v) => s + v, 0);
    const predicted = C.reduce((s, r) => s + r[c], 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support };
  });
  const total = yTrue.length;
  const average = (key: "precision" | "recall" | "f1", weighted: boolean) =>
    perClass.reduce((s, c) => s + c[key] * (weighted ? c.support / total : 1 / k), 0);
  return {
    perClass,
    macro: { precision: average("precision", false), recall: average("recall", false), f1: average("f1", false) },
    weighted: { precision: average("precision", true), recall: average("recall", true), f1: average("f1", true) },
  };
}

/** Mean squared error: (1/n) Σ (y − ŷ)². */
export function meanSquaredError(yTrue: readonly number[], yPred: readonly number[]): number {
  checkPair("meanSquaredError", yTrue, yPred);
  return yTrue.reduce((s, y, i) => s + (y - yPred[i]) ** 2, 0) / yTrue.length;
}

/** Root mean squared error: √MSE, in the units of y. */
export function rootMeanSquaredError(yTrue: readonly number[], yPred: readonly number[]): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred));
}

/** Mean absolute error: (1/n) Σ |y − ŷ|. */
export function meanAbsoluteError(yTrue: readonly number[], yPred: readonly number[]): number {
  checkPair("meanAbsoluteError", yTrue, yPred);
  return yTrue.reduce((s, y, i) => s + Math.abs(y - yPred[i]), 0) / yTrue.length;
}

/**
 * The coefficient of determination R² = 1 − Σ (y − ŷ)² / Σ (y − ȳ)²: 1 is perfect, 0 is
 * no better than always predicting the mean ȳ, and it goes negative for worse.
 */
export function r2Score(yTrue: readonly number[], yPred: readonly number[]): number {
  checkPair("r2Score", yTrue, yPred);
  const mean = yTrue.reduce((s, y) => s + y, 0) / yTrue.length;
  const residual = yTrue.reduce((s, y, i) => s + (y - yPred[i]) ** 2, 0);
  const total = yTrue.reduce((s, y) => s + (y - mean) ** 2, 0);
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}
