/**
 * Randomized hyperparameter search with k-fold cross-validation (as scikit-learn's
 * RandomizedSearchCV does for Keras models in the seeds), for any model: you give the
 * search space and a function that trains on some rows and scores on others.
 *
 *   const result = await randomizedSearch({
 *     space: { layers: [1, 2, 3], units: { intRange: [10, 100] }, learningRate: { logUniform: [1e-3, 3e-2] } },
 *     trials: 10, folds: 3, samples: X.length, seed: 42,
 *     evaluate: async (p, fold) => { ...build, fit on fold.train rows, return MSE on fold.validation rows },
 *   });
 *   showSearchResults(result);
 *
 * Written here rather than taken from a package: there is no maintained JavaScript
 * equivalent of RandomizedSearchCV, and the whole algorithm is the thirty lines below.
 */
import { Random } from "../data/random";
import { showTable } from "../viz/table";

/** One hyperparameter's range: a list of choices, or a continuous or whole-number range. */
export type ParamSpec =
  readonly unknown[] | { uniform: [number, number] } | { logUniform: [number, number] } | { intRange: [number, number] };

export interface Fold {
  /** 0-based fold number. */
  index: number;
  train: number[];
  validation: number[];
}

/** k folds of the row indices 0…n−1, shuffled with `seed`: each row is validated exactly once. */
export function kFold(n: number, k: number, seed = 42): Fold[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`kFold: k must be a whole number ≥ 2, got ${k}.`);
  if (!Number.isInteger(n) || n < k) throw new RangeError(`kFold: ${n} rows cannot be cut into ${k} folds; use fewer folds or more data.`);
  const order = new Random(seed).permutation(n);
  const folds: Fold[] = [];
  for (let i = 0; i < k; i++) {
    const start = Math.floor((i * n) / k);
    const end = Math.floor(((i + 1) * n) / k);
    folds.push({ index: i, validation: order.slice(start, end), train: [...order.slice(0, start), ...order.slice(end)] });
  }
  return folds;
}

function draw(name: string, spec: ParamSpec, rng: Random): unknown {
  if (Array.isArray(spec)) {
    if (spec.length === 0) throw new RangeError(`randomizedSearch: "${name}" has no choices.`);
    return spec[Math.floor(rng.next() * spec.length)];
  }
  const range = spec as Record<string, [number, number]>;
  const [kind] = Object.keys(range);
  const [lo, hi] = range[kind] ?? [NaN, NaN];
  if (!(hi >= lo)) throw new RangeError(`randomizedSearch: "${name}" has the range [${lo}, ${hi}]; give [low, high] with low ≤ high.`);
  if (kind === "uniform") return lo + (hi - lo) * rng.next();
  if (kind === "logUniform") {
    if (lo <= 0) throw new RangeError(`randomizedSearch: "${name}" is log-uniform, so its range must be above 0, got [${lo}, ${hi}].`);
    return Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng.next());
  }
  if (kind === "intRange") return Math.floor(lo + (hi - lo + 1) * rng.next());
  throw new RangeError(`randomizedSearch: "${name}" should be a list of choices or { uniform | logUniform | intRange: [low, high] }.`);
}

export interface TrialResult<P> {
  trial: number;
  params: P;
  /** The score on each fold's validation rows. */
  scores: number[];
  mean: number;
  std: number;
  seconds: number;
}

export interface SearchResult<P> {
  trials: TrialResult<P>[];
  best: TrialResult<P>;
  direction: "minimize" | "maximize";
  scoreName: string;
}

export interface SearchOptions<P> {
  space: { [K in keyof P]: ParamSpec };
  /** How many random settings to try. */
  trials: number;
  /** The number of rows (the data is split by index). */
  samples: number;
  /** Folds of cross-validation (default 3). */
  folds?: number;
  seed?: number;
  /** Lower scores are better ("minimize", default: losses) or higher ("maximize": accuracies). */
  direction?: "minimize" | "maximize";
  /** The score's name for the results table (default "score"). */
  scoreName?: string;
  /** Trains on fold.train rows with these settings and returns the score on fold.validation rows. */
  evaluate(params: P, fold: Fold): number | Promise<number>;
  /** Called after each trial (for progress output). */
  onTrial?(result: TrialResult<P>): void;
}

/** Tries `trials` random settings, each scored by k-fold cross-validation; returns them all and the best. */
export async function randomizedSearch<P extends Record<string, unknown>>(options: SearchOptions<P>): Promise<SearchResult<P>> {
  const { trials, samples, seed = 42, direction = "minimize" } = options;
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`randomizedSearch: trials must be a whole number ≥ 1, got ${trials}.`);
  const folds = kFold(samples, options.folds ?? 3, seed);
  const rng = new Random(seed + 1);
  const results: TrialResult<P>[] = [];
  for (let trial = 1; trial <= trials; trial++) {
    const params = {} as P;
    for (const name of Object.keys(options.space) as (keyof P & string)[])
      params[name] = draw(name, options.space[name], rng) as P[typeof name];
    const started = Date.now();
    const scores: number[] = [];
    for (const fold of folds) {
      const score = await options.evaluate(params, fold);
      if (typeof score !== "number" || Number.isNaN(score)) {
        throw new TypeError(
          `randomizedSearch: evaluate returned ${String(score)} for trial ${trial}, fold ${fold.index + 1}; it must return the fold's score as a number.`,
        );
      }
      scores.push(score);
    }
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const std = Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / scores.length);
    const result = { trial, params, scores, mean, std, seconds: (Date.now() - started) / 1000 };
    results.push(result);
    options.onTrial?.(result);
  }
  const better = (a: TrialResult<P>, b: TrialResult<P>) => (direction === "minimize" ? a.mean < b.mean : a.mean > b.mean);
  const best = results.reduce((b, r) => (better(r, b) ? r : b));
  return { trials: results, best, direction, scoreName: options.scoreName ?? "score" };
}

function formatParam(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(3);
  if (Array.isArray(v)) return `[${v.map(formatParam).join(", ")}]`;
  return String(v);
}

/** The trials as a table, best first. */
export function showSearchResults<P extends Record<string, unknown>>(
  result: SearchResult<P>,
  options: { top?: number; caption?: string } = {},
): void {
  const sorted = [...result.trials].sort((a, b) => (result.direction === "minimize" ? a.mean - b.mean : b.mean - a.mean));
  const shown = sorted.slice(0, options.top ?? sorted.length);
  const names = Object.keys(result.best.params);
  const rows = shown.map((r, i) => [i + 1, r.trial, ...names.map((n) => formatParam(r.params[n])), r.mean, r.std, r.seconds.toFixed(1)]);
  showTable(["rank", "trial", ...names, `mean ${result.scoreName}`, "std", "seconds"], rows, {
    caption:
      options.caption ??
      `Randomized search: ${result.trials.length} trials × ${result.best.scores.length} folds (${result.direction === "minimize" ? "lower" : "higher"} is better)`,
    highlightColumns: [names.length + 2],
  });
}
