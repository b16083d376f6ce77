/**
 * Preparing data for a network: scaling features, splitting into train / validation /
 * test sets, one-hot targets, shuffling and mini-batches.
 *
 * The rule behind the scalers: fit on the training set only, then apply the same
 * transformation to validation and test data. Fitting on all the data would leak the
 * test set's statistics into training.
 *
 * Everything here works on plain arrays: `X` has one row per sample.
 */
import { SeedOrRandom, toRandom } from "./random";

function checkTable(where: string, X: readonly (readonly number[])[]): number {
  if (X.length === 0) throw new RangeError(`${where}: the data is empty (0 rows).`);
  const width = X[0].length;
  X.forEach((row, i) => {
    if (row.length !== width) {
      throw new RangeError(`${where}: row ${i} has ${row.length} columns but row 0 has ${width}; every row needs the same number.`);
    }
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) throw new RangeError(`${where}: row ${i}, column ${j} is ${v}; clean or impute it first.`);
    });
  });
  return width;
}

/**
 * Standardization: each feature becomes (x − μ) / σ, with the mean μ and standard
 * deviation σ of that feature on the training set, so every feature has mean 0 and
 * variance 1 there. Features with σ = 0 are only centred.
 */
export class StandardScaler {
  mean: number[] = [];
  std: number[] = [];

  /** Learns μ and σ of each column. */
  fit(X: readonly (readonly number[])[]): this {
    const d = checkTable("StandardScaler.fit", X);
    const m = X.length;
    this.mean = Array.from({ length: d }, (_, j) => X.reduce((s, row) => s + row[j], 0) / m);
    this.std = Array.from({ length: d }, (_, j) =>
      Math.sqrt(X.reduce((s, row) => s + (row[j] - this.mean[j]) ** 2, 0) / m),
    );
    return this;
  }

  transform(X: readonly (readonly number[])[]): number[][] {
    if (this.mean.length === 0) throw new Error("StandardScaler.transform: call fit(trainingData) first.");
    const d = checkTable("StandardScaler.transform", X);
    if (d !== this.mean.length) {
      throw new RangeError(`StandardScaler.transform: fitted on ${this.mean.length} columns, got ${d}.`);
    }
    return X.map((row) => row.map((v, j) => (v - this.mean[j]) / (this.std[j] || 1)));
  }

  fitTransform(X: readonly (readonly number[])[]): number[][] {
    return this.fit(X).transform(X);
  }

  inverseTransform(X: readonly (readonly number[])[]): number[][] {
    return X.map((row) => row.map((v, j) => v * (this.std[j] || 1) + this.mean[j]));
  }
}

/** Min-max scaling: each feature becomes (x − min) / (max − min), into [0, 1] on the training set. */
export class MinMaxScaler {
  min: number[] = [];
  max: number[] = [];

  constructor(readonly range: [number, number] = [0, 1]) {}

  fit(X: readonly (readonly number[])[]): this {
    const d = checkTable("MinMaxScaler.fit", X);
    this.min = Array.from({ length: d }, (_, j) => X.reduce((m, row) => Math.min(m, row[j]), Infinity));
    this.max = Array.from({ length: d }, (_, j) => X.reduce((m, row) => Math.max(m, row[j]), -Infinity));
    return this;
  }

  transform(X: readonly (readonly number[])[]): number[][] {
    if (this.min.length === 0) throw new Error("MinMaxScaler.transform: call fit(trainingData) first.");
    const d = checkTable("MinMaxScaler.transform", X);
    if (d !== this.min.length) throw new RangeError(`MinMaxScaler.transform: fitted on ${this.min.length} columns, got ${d}.`);
    const [lo, hi] = this.range;
    return X.map((row) => row.map((v, j) => lo + ((v - this.min[j]) / (this.max[j] - this.min[j] || 1)) * (hi - lo)));
  }

  fitTransform(X: readonly (readonly number[])[]): number[][] {
    return this.fit(X).transform(X);
  }

  inverseTransform(X: readonly (readonly number[])[]): number[][] {
    const [lo, hi] = this.range;
    return X.map((row) => row.map((v, j) => this.min[j] + ((v - lo) / (hi - lo)) * (this.max[j] - this.min[j] || 1)));
  }
}

/**
 * One-hot encoding: class c of k becomes a row of k zeros with a 1 in column c.
 *   oneHot([0, 2, 1], 3)  // [[1,0,0],[0,0,1],[0,1,0]]
 */
export function oneHot(labels: readonly number[], classes?: number): number[][] {
  if (labels.length === 0) throw new RangeError("oneHot: no labels given.");
  // (a loop, not Math.max(...labels): spreading 60,000 labels would overflow the call stack)
  const k = classes ?? labels.reduce((m, c) => Math.max(m, c), 0) + 1;
  return labels.map((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= k) {
      throw new RangeError(`oneHot: label ${i} is ${c}; labels must be whole numbers from 0 to ${k - 1}.`);
    }
    const row = new Array<number>(k).fill(0);
    row[c] = 1;
    return row;
  });
}

/** The inverse of oneHot: the column of the largest value in each row (also turns probabilities into classes). */
export function fromOneHot(rows: readonly (readonly number[])[]): number[] {
  return rows.map((row) => {
    let best = 0;
    for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
    return best;
  });
}

/** Reorders several arrays with the same random permutation (samples stay paired with labels). */
export function shuffleTogether<T extends unknown[][]>(arrays: T, seed?: SeedOrRandom): T {
  const n = arrays[0]?.length ?? 0;
  arrays.forEach((a, i) => {
    if (a.length !== n) throw new RangeError(`shuffleTogether: array ${i} has ${a.length} items but array 0 has ${n}.`);
  });
  const order = toRandom(seed).permutation(n);
  return arrays.map((a) => order.map((i) => a[i])) as T;
}

export interface SplitOptions {
  /** Fraction (0–1) or count of samples for the test set (default 0.2). */
  testSize?: number;
  /** Fraction or count for a validation set taken from what remains (default 0: none). */
  validationSize?: number;
  /** Keep each class's share the same in every part (needs labels). */
  stratify?: boolean;
  shuffle?: boolean;
  seed?: SeedOrRandom;
}

export interface Split<Y> {
  XTrain: number[][];
  yTrain: Y[];
  XValidation: number[][];
  yValidation: Y[];
  XTest: number[][];
  yTest: Y[];
}

function sizeOf(where: string, size: number, n: number): number {
  if (!Number.isFinite(size) || size < 0) throw new RangeError(`${where}: size must be ≥ 0, got ${size}.`);
  const count = size < 1 ? Math.round(size * n) : Math.floor(size);
  if (count > n) throw new RangeError(`${where}: asked for ${count} samples but there are only ${n}.`);
  return count;
}

/**
 * Splits samples into train, validation and test parts. With `stratify`, the split is
 * made class by class, so that a rare class is not missing from the test set.
 *
 *   const s = trainValidationTestSplit(X, y, { testSize: 0.2, validationSize: 0.1, stratify: true, seed: 1 });
 */
export function trainValidationTestSplit<Y>(X: readonly number[][], y: readonly Y[], options: SplitOptions = {}): Split<Y> {
  const { testSize = 0.2, validationSize = 0, stratify = false, shuffle = true, seed } = options;
  if (X.length === 0) throw new RangeError("trainValidationTestSplit: the data is empty (0 rows).");
  if (X.length !== y.length) {
    throw new RangeError(`trainValidationTestSplit: X has ${X.length} rows but y has ${y.length} labels.`);
  }
  const rng = toRandom(seed);
  const n = X.length;
  const groups: number[][] = [];
  if (stratify) {
    const byClass = new Map<Y, number[]>();
    y.forEach((label, i) => {
      const list = byClass.get(label) ?? [];
      list.push(i);
      byClass.set(label, list);
    });
    groups.push(...byClass.values());
  } else {
    groups.push(Array.from({ length: n }, (_, i) => i));
  }
  const test: number[] = [];
  const validation: number[] = [];
  const train: number[] = [];
  const testFraction = testSize < 1 ? testSize : testSize / n;
  const validationFraction = validationSize < 1 ? validationSize : validationSize / n;
  sizeOf("trainValidationTestSplit (test)", testSize, n);
  sizeOf("trainValidationTestSplit (validation)", validationSize, n);
  if (testFraction + validationFraction >= 1) {
    throw new RangeError("trainValidationTestSplit: test and validation parts leave no training data.");
  }
  for (const group of groups) {
    const idx = shuffle ? rng.shuffle([...group]) : [...group];
    const nTest = Math.round(testFraction * idx.length);
    const nValidation = Math.round(validationFraction * idx.length);
    test.push(...idx.slice(0, nTest));
    validation.push(...idx.slice(nTest, nTest + nValidation));
    train.push(...idx.slice(nTest + nValidation));
  }
  // Stratified parts come out class by class; mix them again.
  if (shuffle && stratify) [test, validation, train].forEach((part) => rng.shuffle(part));
  const pick = (idx: number[]) => ({ X: idx.map((i) => X[i]), y: idx.map((i) => y[i]) });
  const [tr, va, te] = [pick(train), pick(validation), pick(test)];
  return { XTrain: tr.X, yTrain: tr.y, XValidation: va.X, yValidation: va.y, XTest: te.X, yTest: te.y };
}

/** Train/test split only (no validation part): { XTrain, yTrain, XTest, yTest }. */
export function trainTestSplit<Y>(
  X: readonly number[][],
  y: readonly Y[],
  options: Omit<SplitOptions, "validationSize"> = {},
): Omit<Split<Y>, "XValidation" | "yValidation"> {
  const { XTrain, yTrain, XTest, yTest } = trainValidationTestSplit(X, y, { ...options, validationSize: 0 });
  return { XTrain, yTrain, XTest, yTest };
}

/**
 * The index ranges of mini-batches over n samples, in a fresh random order each call
 * when `seed` is given:
 *   for (const idx of batchIndices(1000, 32, rng)) { ... X rows idx ... }
 * The last batch is smaller when batchSize does not divide n.
 */
export function batchIndices(n: number, batchSize: number, seed?: SeedOrRandom | false): number[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchIndices: batchSize must be a whole number ≥ 1, got ${batchSize}.`);
  }
  const order = seed === false ? Array.from({ length: n }, (_, i) => i) : toRandom(seed).permutation(n);
  const batches: number[][] = [];
  for (let start = 0; start < n; start += batchSize) batches.push(order.slice(start, start + batchSize));
  return batches;
}

/** Mini-batches of paired samples and targets: `for (const { X, y } of miniBatches(X, y, 32, rng)) ...`. */
export function* miniBatches<T, Y>(
  X: readonly T[],
  y: readonly Y[],
  batchSize: number,
  seed?: SeedOrRandom | false,
): Generator<{ X: T[]; y: Y[]; indices: number[] }> {
  if (X.length !== y.length) throw new RangeError(`miniBatches: X has ${X.length} rows but y has ${y.length}.`);
  for (const indices of batchIndices(X.length, batchSize, seed)) {
    yield { X: indices.map((i) => X[i]), y: indices.map((i) => y[i]), indices };
  }
}
