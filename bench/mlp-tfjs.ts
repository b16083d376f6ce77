/**
 * The benchmark's MLP in TensorFlow.js, Keras style: Dense(300, relu) → Dense(100, relu)
 * → Dense(10, softmax), sparse categorical cross-entropy, SGD, trained with `model.fit`
 * on the wasm backend (SIMD, no threads in Node). Used by bench/mlp.bench.ts.
 *
 * By default with the library's kernels registered (lib/tf/fast-kernels.ts), as
 * `initTensorFlow` and notebook 09 do: the TensorFlow.js path learners get.
 * `kernels: "stock"` measures tfjs's own kernels instead.
 */
import path from "node:path";
import { kernelsReady } from "../lib/core/kernels";
import { restoreStockKernels, useFastKernels } from "../lib/tf/fast-kernels";
import { seededRandom } from "./mlp-model";

export interface TfjsResult {
  samplesPerSecond: number;
  seconds: number;
  samples: number;
  backend: string;
  /** "library" (fast-kernels.ts registered) or "stock". */
  kernels: "library" | "stock";
  loss: number;
}

export async function benchTfjsFit(options: {
  samples: number;
  batch: number;
  warmupEpochs: number;
  epochs: number;
  lr: number;
  /** Default "library". */
  kernels?: "library" | "stock";
}): Promise<TfjsResult> {
  const tf: typeof import("@tensorflow/tfjs") = require("@tensorflow/tfjs");
  const wasm: typeof import("@tensorflow/tfjs-backend-wasm") = require("@tensorflow/tfjs-backend-wasm");
  // In Node the .wasm binaries are read from the package's dist folder.
  const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
  wasm.setWasmPaths(dist + path.sep);
  if (!(await tf.setBackend("wasm"))) throw new Error("the tfjs wasm backend did not initialise");
  await tf.ready();
  const kernels = options.kernels ?? "library";
  if (kernels === "library") {
    useFastKernels(tf);
    await kernelsReady();
  } else restoreStockKernels(tf);

  const { samples, batch } = options;
  const rand = seededRandom(2);
  const xData = new Float32Array(samples * 784);
  for (let i = 0; i < xData.length; i++) xData[i] = rand();
  const yData = new Float32Array(samples);
  for (let i = 0; i < samples; i++) yData[i] = Math.floor(rand() * 10);
  const x = tf.tensor2d(xData, [samples, 784]);
  const y = tf.tensor1d(yData);

  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 300, activation: "relu", kernelInitializer: "heUniform" }),
      tf.layers.dense({ units: 100, activation: "relu", kernelInitializer: "heUniform" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(options.lr), loss: "sparseCategoricalCrossentropy" });
  if (options.warmupEpochs > 0) await model.fit(x, y, { batchSize: batch, epochs: options.warmupEpochs, shuffle: true, verbose: 0 });
  const t0 = performance.now();
  const h = await model.fit(x, y, { batchSize: batch, epochs: options.epochs, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  const losses = h.history.loss as number[];
  x.dispose();
  y.dispose();
  model.dispose();
  return {
    samplesPerSecond: (samples * options.epochs) / seconds,
    seconds,
    samples: samples * options.epochs,
    backend: tf.getBackend(),
    kernels,
    loss: losses[losses.length - 1]!,
  };
}
