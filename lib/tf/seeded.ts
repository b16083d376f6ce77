/**
 * Seeded TensorFlow.js training: the same seed gives the same numbers on the same
 * backend. Two things in Keras-style training are random:
 *
 *   - the initial weights: tfjs's initializers draw from an unseeded generator unless
 *     each is given a seed. seedWeights(model, seed) redraws every weight of a built
 *     model with its own layer's initializer, seeded (layer i, weight j gets seed + …);
 *   - the order of the samples: fit shuffles with Math.random. fitSeeded shuffles with
 *     the library's seeded Random instead, a new order every epoch, and otherwise is
 *     model.fit (same arguments, callbacks and History).
 *
 * Dropout layers are left alone: tfjs's dropout with a fixed seed would drop the same
 * units in every batch.
 */
import { Random } from "../data/random";
import { tfjs } from "./tfjs";

type LayersModel = import("@tensorflow/tfjs").LayersModel;
type Tensor = import("@tensorflow/tfjs").Tensor;
type History = import("@tensorflow/tfjs").History;
type ModelFitArgs = import("@tensorflow/tfjs").ModelFitArgs;

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Redraws every weight of `model` with its layer's own initializer, seeded. Returns the model. */
export function seedWeights(model: LayersModel, seed: number): LayersModel {
  const tf = tfjs();
  const makers = tf.initializers as unknown as Record<
    string,
    (config: Record<string, unknown>) => { apply(shape: number[], dtype?: string): Tensor }
  >;
  model.layers.forEach((layer, l) => {
    const withInit = layer as unknown as Record<string, { getClassName(): string; getConfig(): Record<string, unknown> } | undefined>;
    layer.weights.forEach((weight, w) => {
      // "dense_Dense1/kernel" → the layer's kernelInitializer; ".../bias" → biasInitializer.
      const role = weight.originalName.split("/").pop() ?? "";
      const init = withInit[`${role.replace(/_\d+$/, "")}Initializer`];
      if (!init || typeof init.getClassName !== "function") return;
      const make = makers[lowerFirst(init.getClassName())];
      const config = init.getConfig();
      const seeded = "seed" in config || /uniform|normal|orthogonal/i.test(init.getClassName());
      if (!make || !seeded) return; // zeros, ones, constants: nothing random to seed
      const fresh = tf.tidy(() => make({ ...config, seed: seed + 1000 * l + w }).apply(weight.shape as number[], weight.dtype));
      weight.write(fresh);
      fresh.dispose();
    });
  });
  return model;
}

export interface SeededFitArgs extends Omit<ModelFitArgs, "shuffle"> {
  /** Seed for the sample order of every epoch (default 42). */
  seed?: number;
}

/**
 * The rows of `inputs` and `targets` (one tensor per model input and output, all with
 * the same rows) as a dataset of batches, in a new seeded order every epoch: each pass
 * over the dataset draws the next permutation. A single input or output is given to the
 * model as a tensor, several as a list.
 */
export function seededBatches(
  inputs: readonly Tensor[],
  targets: readonly Tensor[],
  batchSize: number,
  seed: number,
): import("@tensorflow/tfjs").data.Dataset<import("@tensorflow/tfjs").TensorContainer> {
  const tf = tfjs();
  const rows = inputs[0].shape[0];
  const rng = new Random(seed);
  const pick = (list: readonly Tensor[], idx: Tensor) => (list.length === 1 ? tf.gather(list[0], idx) : list.map((t) => tf.gather(t, idx)));
  return tf.data.generator(function* () {
    const order = rng.permutation(rows);
    for (let b = 0; b < rows; b += batchSize) {
      const idx = tf.tensor1d(order.slice(b, b + batchSize), "int32");
      const batch = { xs: pick(inputs, idx), ys: pick(targets, idx) };
      idx.dispose();
      yield batch;
    }
  } as never);
}

/** model.fit with a seeded shuffle: a new, reproducible order of the samples every epoch. */
export async function fitSeeded(model: LayersModel, x: Tensor, y: Tensor, args: SeededFitArgs = {}): Promise<History> {
  const { seed = 42, validationSplit, ...rest } = args;
  const n = x.shape[0];
  if (y.shape[0] !== n) throw new RangeError(`fitSeeded: x has ${n} samples but y has ${y.shape[0]}; give one target per sample.`);
  let trainX = x;
  let trainY = y;
  let validationData = rest.validationData;
  // As Keras does, a validation split takes the last rows, before any shuffling.
  if (validationSplit !== undefined && validationSplit > 0) {
    if (!(validationSplit < 1)) throw new RangeError(`fitSeeded: validationSplit must be between 0 and 1, got ${validationSplit}.`);
    const cut = Math.floor(n * (1 - validationSplit));
    trainX = x.slice(0, cut);
    trainY = y.slice(0, cut);
    validationData = [x.slice(cut), y.slice(cut)];
  }
  const batches = seededBatches([trainX], [trainY], rest.batchSize ?? 32, seed);
  try {
    return await model.fitDataset(batches as never, {
      epochs: rest.epochs ?? 1,
      initialEpoch: rest.initialEpoch,
      callbacks: rest.callbacks,
      verbose: (rest.verbose ?? 0) as 0 | 1,
      validationData: validationData as never,
      yieldEvery: rest.yieldEvery,
    });
  } finally {
    if (trainX !== x) {
      trainX.dispose();
      trainY.dispose();
      (validationData as Tensor[]).forEach((t) => t.dispose());
    }
  }
}
