/**
 * TensorFlow.js `model.fit` of the course's Fashion-MNIST model, stock against the
 * library's faster BatchMatMul kernel (lib/tf/fast-kernels.ts), side by side on the
 * same backend, with a profile of where one training step spends its time.
 *
 *   npm run bench -- tfjs-fit            (or: node --import tsx bench/tfjs-fit.bench.ts [--quick] [--backend cpu])
 *
 * The model: Flatten(28×28) → Dense(300, relu) → Dense(100, relu) → Dense(10, softmax),
 * sparse categorical cross-entropy, SGD (lr 0.01), accuracy as a metric — notebook 09's.
 * The data: Fashion-MNIST's first training images when the dataset is in the cache,
 * random pixels otherwise (the speed is the same).
 *
 * For each batch size, one warm-up epoch, then stock and fast epochs alternately (three
 * of each), so that a change in the machine's load hits both; the median of each is
 * reported. "fast, 1 thread" runs the library's kernels without their helper thread,
 * for a comparison with the wasm backend, which has no threads in Node.
 */
import os from "node:os";
import { configureKernels, kernelsReady } from "../lib/core/kernels";
import { useBestBackend } from "../lib/tf/backend";
import { restoreStockKernels, useFastKernels } from "../lib/tf/fast-kernels";
import { loadFashionMnistSplit } from "../lib/data/fashion-mnist";

type Tf = typeof import("@tensorflow/tfjs");

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const backendArg = args.includes("--backend") ? args[args.indexOf("--backend") + 1] : "wasm";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function data(tf: Tf, n: number): { x: import("@tensorflow/tfjs").Tensor; y: import("@tensorflow/tfjs").Tensor; source: string } {
  try {
    const split = loadFashionMnistSplit("train");
    const pixels = new Float32Array(n * 784);
    for (let i = 0; i < pixels.length; i++) pixels[i] = split.images[i]! / 255;
    return { x: tf.tensor(pixels, [n, 28, 28]), y: tf.tensor1d(Float32Array.from(split.labels.subarray(0, n))), source: "Fashion-MNIST" };
  } catch {
    return {
      x: tf.randomUniform([n, 28, 28], 0, 1, "float32", 1),
      y: tf.randomUniform([n], 0, 10, "int32", 2).cast("float32"),
      source: "random pixels (Fashion-MNIST is not in the cache)",
    };
  }
}

function makeModel(tf: Tf) {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28] }),
      tf.layers.dense({ units: 300, activation: "relu" }),
      tf.layers.dense({ units: 100, activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

async function epochRate(
  tf: Tf,
  model: ReturnType<typeof makeModel>,
  x: import("@tensorflow/tfjs").Tensor,
  y: import("@tensorflow/tfjs").Tensor,
  batch: number,
): Promise<number> {
  const t0 = performance.now();
  await model.fit(x, y, { batchSize: batch, epochs: 1, verbose: 0, shuffle: true });
  return x.shape[0] / ((performance.now() - t0) / 1000);
}

/** Kernel time by kernel name for one trainOnBatch, as shares of the total. */
async function profileStep(
  tf: Tf,
  model: ReturnType<typeof makeModel>,
  x: import("@tensorflow/tfjs").Tensor,
  y: import("@tensorflow/tfjs").Tensor,
  batch: number,
): Promise<{ totalMs: number; shares: [string, number][] }> {
  const xb = x.slice(0, batch);
  const yb = y.slice(0, batch);
  await model.trainOnBatch(xb, yb);
  const info = await tf.profile(async () => {
    await model.trainOnBatch(xb, yb);
  });
  const by = new Map<string, number>();
  for (const k of info.kernels) by.set(k.name, (by.get(k.name) ?? 0) + Number(k.kernelTimeMs));
  const total = [...by.values()].reduce((a, b) => a + b, 0);
  xb.dispose();
  yb.dispose();
  return {
    totalMs: total,
    shares: [...by.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([k, v]) => [k, v / total]),
  };
}

async function main(): Promise<void> {
  process.env.NNCOURSE_TF_BACKEND ??= backendArg;
  const tf: Tf = require("@tensorflow/tfjs");
  const report = await useBestBackend();
  await tf.ready();
  await kernelsReady();
  const n = quick ? 2048 : 8192;
  const { x, y, source } = data(tf, n);
  console.log(
    `backend ${report.backend}; ${n} samples of ${source}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} on ${os.cpus().length} cores`,
  );
  const rows: string[] = [];
  for (const batch of quick ? [128] : [32, 128]) {
    const rates = { stock: [] as number[], fast: [] as number[], fast1: [] as number[] };
    const stockModel = makeModel(tf);
    const fastModel = makeModel(tf);
    restoreStockKernels(tf);
    await epochRate(tf, stockModel, x, y, batch); // warm-up
    const stockProfile = await profileStep(tf, stockModel, x, y, batch);
    useFastKernels(tf);
    await epochRate(tf, fastModel, x, y, batch);
    const fastProfile = await profileStep(tf, fastModel, x, y, batch);
    for (let round = 0; round < (quick ? 1 : 3); round++) {
      restoreStockKernels(tf);
      rates.stock.push(await epochRate(tf, stockModel, x, y, batch));
      useFastKernels(tf);
      rates.fast.push(await epochRate(tf, fastModel, x, y, batch));
      configureKernels({ threads: 1 });
      rates.fast1.push(await epochRate(tf, fastModel, x, y, batch));
      configureKernels();
      await kernelsReady();
    }
    const stock = median(rates.stock);
    const fast = median(rates.fast);
    const fast1 = median(rates.fast1);
    const shares = (p: typeof stockProfile) => p.shares.map(([k, s]) => `${k} ${(100 * s).toFixed(0)}%`).join(", ");
    rows.push(
      `batch ${String(batch).padStart(3)}: stock ${stock.toFixed(0).padStart(6)} samples/s · fast ${fast.toFixed(0).padStart(6)} (×${(fast / stock).toFixed(2)}) · fast, 1 thread ${fast1.toFixed(0).padStart(6)} (×${(fast1 / stock).toFixed(2)})`,
      `           one step, stock: ${stockProfile.totalMs.toFixed(1)} ms of kernels — ${shares(stockProfile)}`,
      `           one step, fast:  ${fastProfile.totalMs.toFixed(1)} ms of kernels — ${shares(fastProfile)}`,
    );
    stockModel.dispose();
    fastModel.dispose();
  }
  restoreStockKernels(tf);
  console.log(rows.join("\n"));
  console.log("ratios are fast ÷ stock model.fit on the same backend, same model and data, medians of alternating epochs.");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
