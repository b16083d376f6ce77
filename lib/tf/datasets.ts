/**
 * The course's datasets as TensorFlow.js tensors and danfojs DataFrames.
 *
 *   const fm = fashionMnistTensors();          // the seeds' split: 55,000 / 5,000 / 10,000
 *   model.fit(fm.xTrain, fm.yTrain, { validationData: [fm.xValid, fm.yValid] });
 *
 *   const housing = await californiaHousingFrame();   // a danfojs DataFrame
 *   showFrame(housing.describe());
 *
 * The loaders in lib/data read and verify the files; this module only turns their
 * arrays into tensors (pixels scaled to [0, 1]) and frames.
 */
import { FASHION_MNIST_CLASSES, loadFashionMnist } from "../data/fashion-mnist";
import { CALIFORNIA_HOUSING_FEATURES, CALIFORNIA_HOUSING_TARGET, loadCaliforniaHousing } from "../data/california-housing";
import { Random } from "../data/random";
import { showTable, type Cell } from "../viz/table";
import { tfjs } from "./tfjs";

type Tensor = import("@tensorflow/tfjs").Tensor;
type Tensor2D = import("@tensorflow/tfjs").Tensor2D;

export interface FashionMnistTensors {
  /** Images [n, 28, 28], float32 in [0, 1]. */
  xTrain: Tensor;
  /** Class indices [n], float32 (for sparse categorical cross-entropy). */
  yTrain: Tensor;
  xValid: Tensor;
  yValid: Tensor;
  xTest: Tensor;
  yTest: Tensor;
  classNames: readonly string[];
  /** The same labels as plain arrays, for metrics and plots. */
  labels: { train: Uint8Array; valid: Uint8Array; test: Uint8Array };
  /** Frees all six tensors. */
  dispose(): void;
}

export interface FashionMnistOptions {
  /** Images held out of the 60,000 training images for validation: the first ones, as the seeds do (default 5,000). */
  validation?: number;
  /** Use only the first `limit` training images (after the validation ones) — for quick experiments. */
  limit?: number;
  /** [n, 784] instead of [n, 28, 28]. */
  flatten?: boolean;
}

/** Fashion-MNIST scaled to [0, 1]: the first 5,000 training images for validation, the rest for training, and the test set. */
export function fashionMnistTensors(options: FashionMnistOptions = {}): FashionMnistTensors {
  const tf = tfjs();
  const { train, test } = loadFashionMnist();
  const validation = options.validation ?? 5000;
  if (!Number.isInteger(validation) || validation < 0 || validation >= train.count) {
    throw new RangeError(
      `fashionMnistTensors: validation must be a whole number of images from 0 to ${train.count - 1}, got ${validation}.`,
    );
  }
  const trainCount = Math.min(train.count - validation, options.limit ?? Infinity);
  const shape = (n: number): number[] => (options.flatten ? [n, 784] : [n, 28, 28]);
  const images = (pixels: Uint8Array, from: number, count: number) => {
    const scaled = new Float32Array(count * 784);
    const src = pixels.subarray(from * 784, (from + count) * 784);
    for (let i = 0; i < scaled.length; i++) scaled[i] = src[i] / 255;
    return tf.tensor(scaled, shape(count), "float32");
  };
  const labels = (all: Uint8Array, from: number, count: number) => all.slice(from, from + count);
  const lv = labels(train.labels, 0, validation);
  const lt = labels(train.labels, validation, trainCount);
  const ls = labels(test.labels, 0, test.count);
  const t = {
    xValid: images(train.images, 0, validation),
    yValid: tf.tensor1d(Float32Array.from(lv)),
    xTrain: images(train.images, validation, trainCount),
    yTrain: tf.tensor1d(Float32Array.from(lt)),
    xTest: images(test.images, 0, test.count),
    yTest: tf.tensor1d(Float32Array.from(ls)),
  };
  return {
    ...t,
    classNames: FASHION_MNIST_CLASSES,
    labels: { train: lt, valid: lv, test: ls },
    dispose: () => Object.values(t).forEach((x) => x.dispose()),
  };
}

export interface HousingSplit {
  XTrain: number[][];
  yTrain: number[];
  XValid: number[][];
  yValid: number[];
  XTest: number[][];
  yTest: number[];
  featureNames: readonly string[];
}

/**
 * California housing cut as the seeds cut it: a quarter of the rows for testing, then a
 * quarter of the rest for validation (scikit-learn's train_test_split default), shuffled
 * with `seed`.
 */
export function splitCaliforniaHousing(seed = 42): HousingSplit {
  const h = loadCaliforniaHousing();
  const order = new Random(seed).permutation(h.rows);
  const row = (i: number) => Array.from(h.data.subarray(i * h.cols, (i + 1) * h.cols));
  const nTest = Math.ceil(h.rows * 0.25);
  const rest = order.slice(nTest);
  const nValid = Math.ceil(rest.length * 0.25);
  const pick = (idx: number[]) => ({ X: idx.map(row), y: idx.map((i) => h.target[i]) });
  const test = pick(order.slice(0, nTest));
  const valid = pick(rest.slice(0, nValid));
  const train = pick(rest.slice(nValid));
  return {
    XTrain: train.X,
    yTrain: train.y,
    XValid: valid.X,
    yValid: valid.y,
    XTest: test.X,
    yTest: test.y,
    featureNames: CALIFORNIA_HOUSING_FEATURES,
  };
}

type DataFrame = import("danfojs-node").DataFrame;

/**
 * California housing as a danfojs DataFrame: the 8 features and the target, one row per
 * block group. danfojs loads on first use (it takes a second or two).
 */
export async function californiaHousingFrame(): Promise<DataFrame> {
  const dfd = require("danfojs-node") as typeof import("danfojs-node");
  const h = loadCaliforniaHousing();
  const columns: Record<string, number[]> = {};
  h.featureNames.forEach((name, c) => {
    const values = new Array<number>(h.rows);
    for (let r = 0; r < h.rows; r++) values[r] = h.data[r * h.cols + c];
    columns[name] = values;
  });
  columns[CALIFORNIA_HOUSING_TARGET] = Array.from(h.target);
  return new dfd.DataFrame(columns);
}

/** Shows (the first `rows` rows of) a danfojs DataFrame as a table, with its index. */
export function showFrame(frame: DataFrame, options: { rows?: number; caption?: string; digits?: number } = {}): void {
  const rows = Math.min(options.rows ?? 10, frame.shape[0]);
  const head = frame.head(rows);
  const values = head.values as Cell[][];
  const index = head.index as (string | number)[];
  showTable(
    ["", ...(head.columns as string[])],
    values.map((r, i) => [index[i], ...r]),
    {
      caption: options.caption ?? (rows < frame.shape[0] ? `first ${rows} of ${frame.shape[0]} rows` : undefined),
      digits: options.digits ?? 3,
    },
  );
}

/**
 * Standardization for tensors: each column to mean 0 and standard deviation 1, with the
 * statistics of the data it was fitted on (fit on the training set only, then transform
 * validation and test data with the same numbers).
 */
export class TensorScaler {
  private mean: Tensor | null = null;
  private std: Tensor | null = null;

  fit(x: Tensor2D): this {
    const tf = tfjs();
    this.dispose();
    const moments = tf.moments(x, 0);
    this.mean = moments.mean;
    // A constant column would divide by 0: leave it as it is (std 1), as scikit-learn does.
    this.std = tf.tidy(() => {
      const s = moments.variance.sqrt();
      return tf.where(s.greater(0), s, tf.onesLike(s));
    });
    moments.variance.dispose();
    return this;
  }

  transform(x: Tensor2D): Tensor2D {
    if (!this.mean || !this.std) throw new Error("TensorScaler: call fit(trainingData) before transform.");
    const { mean, std } = this;
    if (x.shape[1] !== mean.shape[0]) throw new RangeError(`TensorScaler: fitted on ${mean.shape[0]} columns but given ${x.shape[1]}.`);
    return tfjs().tidy(() => x.sub(mean).div(std)) as Tensor2D;
  }

  fitTransform(x: Tensor2D): Tensor2D {
    return this.fit(x).transform(x);
  }

  inverseTransform(x: Tensor2D): Tensor2D {
    if (!this.mean || !this.std) throw new Error("TensorScaler: call fit(trainingData) before inverseTransform.");
    const { mean, std } = this;
    return tfjs().tidy(() => x.mul(std).add(mean)) as Tensor2D;
  }

  dispose(): void {
    this.mean?.dispose();
    this.std?.dispose();
    this.mean = this.std = null;
  }
}
