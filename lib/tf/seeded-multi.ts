/**
 * Seeded training for models with several inputs or outputs, as the functional API
 * builds them (a Wide & Deep network with a wide and a deep input, a main and an
 * auxiliary output):
 *
 *   const model = tf.model({ inputs: [wide, deep], outputs: [main, aux] });
 *   await fitSeededMulti(model, [xWide, xDeep], [y, y], {
 *     epochs: 20, seed: 42, validationData: [[vWide, vDeep], [yValid, yValid]],
 *   });
 *
 * Why it exists next to fitSeeded (seeded.ts), which takes one x and one y tensor:
 *
 *   - every input and every target gets the same seeded order of rows in each epoch;
 *   - tfjs 4.22 mislabels the validation losses of a model with more than one output.
 *     Its test function returns the running sum of the output losses, one entry per
 *     output, before the per-output losses, so `val_loss` holds the first output's loss
 *     only and every name after it is shifted by one (model.evaluate shows the same
 *     list: [loss₁, loss₁ + loss₂, loss₁, loss₂] for the three names loss, out1_loss,
 *     out2_loss). Here the validation losses are computed with the model's own loss
 *     functions after each epoch and logged under the Keras names: `val_loss` is their
 *     sum, `val_<output>_loss` each one. Callbacks (liveProgress, bestWeights, …) and
 *     the returned History see these numbers. Validation metrics other than the losses
 *     are not computed.
 *
 * Single tensors work too (one input, one output); then this is fitSeeded with the
 * validation loss computed the same way.
 */
import { seededBatches } from "./seeded";
import { tfjs } from "./tfjs";

type LayersModel = import("@tensorflow/tfjs").LayersModel;
type Tensor = import("@tensorflow/tfjs").Tensor;
type History = import("@tensorflow/tfjs").History;
type FitDatasetCallbacks = import("@tensorflow/tfjs").ModelFitDatasetArgs<unknown>["callbacks"];
type Callback = import("@tensorflow/tfjs").CustomCallbackArgs | import("@tensorflow/tfjs").Callback;
type Logs = Record<string, unknown>;

export interface SeededMultiFitArgs {
  epochs?: number;
  /** Rows per batch (default 32, as Keras). */
  batchSize?: number;
  /** Seed for the sample order of every epoch (default 42). */
  seed?: number;
  /** [inputs, targets]: one tensor (or a list, one per input / output) each. */
  validationData?: [Tensor | Tensor[], Tensor | Tensor[]];
  /** As for model.fit: callback objects (liveProgress(), bestWeights(), …) or { onEpochEnd, … } objects. */
  callbacks?: FitDatasetCallbacks;
  initialEpoch?: number;
  verbose?: 0 | 1;
  yieldEvery?: import("@tensorflow/tfjs").ModelFitDatasetArgs<unknown>["yieldEvery"];
}

function asList(t: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(t) ? t : [t];
}

function checkRows(where: string, xs: Tensor[], ys: Tensor[], model: LayersModel): number {
  if (xs.length !== model.inputs.length) {
    throw new RangeError(
      `${where}: the model has ${model.inputs.length} input(s) (${model.inputNames.join(", ")}) but was given ${xs.length} input tensor(s); pass one per input, in that order.`,
    );
  }
  if (ys.length !== model.outputs.length) {
    throw new RangeError(
      `${where}: the model has ${model.outputs.length} output(s) (${model.outputNames.join(", ")}) but was given ${ys.length} target tensor(s); pass one per output, in that order (the same y twice for two outputs that predict the same thing).`,
    );
  }
  const rows = xs[0].shape[0];
  [...xs, ...ys].forEach((t, i) => {
    if (t.shape[0] !== rows) {
      const what = i < xs.length ? `input ${i + 1}` : `target ${i - xs.length + 1}`;
      throw new RangeError(`${where}: input 1 has ${rows} rows but ${what} has ${t.shape[0]}; every tensor needs one row per sample.`);
    }
  });
  return rows;
}

/**
 * The loss of each output on (x, y) with the model's own loss functions, and their sum:
 * what model.evaluate should return for a model with several outputs.
 */
export function outputLosses(
  model: LayersModel,
  x: Tensor | Tensor[],
  y: Tensor | Tensor[],
  batchSize = 512,
): { total: number; perOutput: number[] } {
  const tf = tfjs();
  const xs = asList(x);
  const ys = asList(y);
  checkRows("outputLosses", xs, ys, model);
  // A Sequential model keeps its compiled losses on the functional model inside it.
  const fns = model.lossFunctions ?? (model as unknown as { model?: LayersModel }).model?.lossFunctions;
  if (!fns || fns.length !== ys.length) throw new Error("outputLosses: compile the model (with one loss per output) first.");
  const perOutput = tf.tidy(() => {
    const preds = asList(model.predict(xs.length === 1 ? xs[0] : xs, { batchSize }) as Tensor | Tensor[]);
    return preds.map((p, i) => tf.mean(fns[i](ys[i], p)).dataSync()[0]);
  });
  return { total: perOutput.reduce((s, v) => s + v, 0), perOutput };
}

/** fitSeeded for models with one tensor per input and per output (see the comment at the top). */
export async function fitSeededMulti(
  model: LayersModel,
  x: Tensor | Tensor[],
  y: Tensor | Tensor[],
  args: SeededMultiFitArgs = {},
): Promise<History> {
  const tf = tfjs();
  if ((args as { validationSplit?: unknown }).validationSplit !== undefined) {
    throw new RangeError("fitSeededMulti: validationSplit is not supported; pass validationData: [inputs, targets] instead.");
  }
  const xs = asList(x);
  const ys = asList(y);
  checkRows("fitSeededMulti", xs, ys, model);
  const { seed = 42, batchSize = 32, epochs = 1, validationData } = args;
  if (validationData) checkRows("fitSeededMulti (validationData)", asList(validationData[0]), asList(validationData[1]), model);
  const dataset = seededBatches(xs, ys, batchSize, seed);
  const callbacks: Callback[] = [];
  if (validationData) {
    const names = model.outputNames;
    const base = tf.Callback as unknown as new () => import("@tensorflow/tfjs").Callback;
    class ValidationLosses extends base {
      override async onEpochEnd(_epoch: number, logs?: Logs): Promise<void> {
        if (!logs) return;
        const { total, perOutput } = outputLosses(model, validationData![0], validationData![1]);
        logs.val_loss = total;
        if (names.length > 1) names.forEach((name, i) => (logs[`val_${name}_loss`] = perOutput[i]));
      }
    }
    callbacks.push(new ValidationLosses());
  }
  // tfjs treats a list as callback objects when its first entry is one, so plain
  // { onEpochEnd, … } objects after ours are wrapped as tfjs would wrap them.
  const isCallbackObject = (c: Callback) => typeof (c as { setParams?: unknown }).setParams === "function";
  const given = (args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks]) as Callback[];
  for (const c of given) {
    callbacks.push(
      validationData && !isCallbackObject(c)
        ? (new tf.CustomCallback(c as import("@tensorflow/tfjs").CustomCallbackArgs, args.yieldEvery) as never)
        : c,
    );
  }
  return model.fitDataset(dataset as never, {
    epochs,
    initialEpoch: args.initialEpoch,
    callbacks: callbacks as never,
    verbose: args.verbose ?? 0,
    yieldEvery: args.yieldEvery,
  });
}
