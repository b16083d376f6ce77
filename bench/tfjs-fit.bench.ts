/**
 * TensorFlow.js `model.fit` of the course's Fashion-MNIST model with tfjs's stock
 * kernels, with only the library's BatchMatMul (the first step), with all of the
 * library's kernels but not its one-kernel gradients, and with everything
 * (lib/tf/fast-kernels.ts), side by side on the same backend, with a profile of where a
 * training step spends its time in each.
 *
 *   npm run bench -- tfjs-fit
 *   node --import tsx bench/tfjs-fit.bench.ts [--quick] [--backend cpu] [--numpy]
 *
 * The model: Flatten(28×28) → Dense(300, relu) → Dense(100, relu) → Dense(10, softmax),
 * sparse categorical cross-entropy, SGD (lr 0.01), accuracy as a metric — notebook 09's.
 * The data: Fashion-MNIST's first training images when the dataset is in the cache,
 * random pixels otherwise (the speed is the same).
 *
 * For each batch size, one warm-up epoch per variant, then the variants' epochs in
 * turn (three rounds), so that a change in the machine's load hits all of them; the
 * median of each is reported. "all, 1 thread" runs the library's kernels without their
 * helper thread, for a comparison with the wasm backend, which has no threads in Node.
 * With --numpy, each round also runs bench/mlp-numpy.py (the same network and SGD in
 * NumPy, without the accuracy metric) at the same batch size, for the project's target:
 * the TensorFlow.js path at ≥ 0.5× NumPy.
 *
 * The profile times every kernel call of one epoch (its own time, without the kernels
 * it calls) and counts the rest of the step as "outside kernels": tfjs's engine (tape,
 * saved tensors, bookkeeping), the layers and the optimizer's JavaScript. tf.profile's
 * kernel times include that work and count nested kernels twice, so it is not used.
 */
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { configureKernels, kernelsReady } from "../lib/core/kernels";
import { useBestBackend } from "../lib/tf/backend";
import { FAST_KERNEL_NAMES, restoreStockKernels, useFastKernels } from "../lib/tf/fast-kernels";
import { loadFashionMnistSplit } from "../lib/data/fashion-mnist";

type Tf = typeof import("@tensorflow/tfjs");
type Tensor = import("@tensorflow/tfjs").Tensor;
type Model = ReturnType<typeof makeModel>;

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const withNumpy = args.includes("--numpy");
const backendArg = args.includes("--backend") ? args[args.indexOf("--backend") + 1] : "wasm";

/** The variants compared, each a way to set up the kernels before its epochs. */
const VARIANTS: { name: string; use(tf: Tf): void }[] = [
  { name: "stock", use: (tf) => restoreStockKernels(tf) },
  { name: "BatchMatMul only", use: (tf) => useFastKernels(tf, { kernels: ["BatchMatMul"] }) },
  // The kernels without the one-kernel gradients (fast-gradients.ts): what those gradients add.
  { name: "all but gradients", use: (tf) => useFastKernels(tf, { kernels: FAST_KERNEL_NAMES, gradients: [] }) },
  { name: "all", use: (tf) => useFastKernels(tf) },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function data(tf: Tf, n: number): { x: Tensor; y: Tensor; source: string } {
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

async function epochRate(model: Model, x: Tensor, y: Tensor, batch: number): Promise<number> {
  const t0 = performance.now();
  await model.fit(x, y, { batchSize: batch, epochs: 1, verbose: 0, shuffle: true });
  return x.shape[0] / ((performance.now() - t0) / 1000);
}

interface StepProfile {
  msPerStep: number;
  /** Share of the step outside any kernel. */
  outside: number;
  /** Kernels by their own time, as shares of the step, largest first, with calls per step. */
  kernels: { name: string; share: number; calls: number }[];
}

/**
 * Times every kernel of the backend during one epoch: wraps each registered kernel
 * function (through the public registry), runs the epoch, and puts the functions back.
 */
async function profileEpoch(tf: Tf, backendName: string, model: Model, x: Tensor, y: Tensor, batch: number): Promise<StepProfile> {
  const own = new Map<string, { ms: number; calls: number }>();
  const nested: number[] = [];
  type Config = { kernelName: string; kernelFunc: (a: unknown) => unknown };
  const configs = tf.getKernelsForBackend(backendName) as unknown as Config[];
  const swap = (config: Config, kernelFunc: Config["kernelFunc"]) => {
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({ ...(config as object), kernelFunc } as never);
  };
  for (const config of configs) {
    swap(config, (a) => {
      nested.push(0);
      const t0 = performance.now();
      const result = config.kernelFunc(a);
      const ms = performance.now() - t0;
      const inner = nested.pop()!;
      if (nested.length > 0) nested[nested.length - 1]! += ms;
      const entry = own.get(config.kernelName) ?? { ms: 0, calls: 0 };
      entry.ms += ms - inner;
      entry.calls++;
      own.set(config.kernelName, entry);
      return result;
    });
  }
  const t0 = performance.now();
  try {
    await model.fit(x, y, { batchSize: batch, epochs: 1, verbose: 0, shuffle: true });
  } finally {
    for (const config of configs) swap(config, config.kernelFunc);
  }
  const ms = performance.now() - t0;
  const steps = Math.ceil(x.shape[0] / batch);
  const inKernels = [...own.values()].reduce((s, e) => s + e.ms, 0);
  return {
    msPerStep: ms / steps,
    outside: (ms - inKernels) / ms,
    kernels: [...own.entries()].map(([name, e]) => ({ name, share: e.ms / ms, calls: e.calls / steps })).sort((a, b) => b.share - a.share),
  };
}

function describeProfile(p: StepProfile): string {
  const top = p.kernels
    .slice(0, 6)
    .map((k) => `${k.name} ${(100 * k.share).toFixed(0)}% (×${k.calls.toFixed(0)})`)
    .join(", ");
  const rest = p.kernels.slice(6).reduce((s, k) => s + k.share, 0);
  return `${p.msPerStep.toFixed(2)} ms/step: outside kernels ${(100 * p.outside).toFixed(0)}%, ${top}, other kernels ${(100 * rest).toFixed(0)}%`;
}

/** NumPy's samples/s for the same network and batch (bench/mlp-numpy.py), or why not. */
function numpyRate(samples: number, batch: number): number | string {
  const r = spawnSync("python3", [path.join(__dirname, "mlp-numpy.py"), String(samples), String(batch), "1", "2"], {
    encoding: "utf8",
    timeout: 120_000,
  });
  if (r.error) return `python3 could not be run (${r.error.message})`;
  if (r.status !== 0) return `the NumPy run failed: ${r.stderr.trim().split("\n").pop()}`;
  return (JSON.parse(r.stdout.trim().split("\n").pop()!) as { samples_per_s: number }).samples_per_s;
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
  const rounds = quick ? 1 : 3;
  for (const batch of quick ? [128] : [32, 128]) {
    const models = VARIANTS.map(() => makeModel(tf));
    const rates = VARIANTS.map(() => [] as number[]);
    const oneThread: number[] = [];
    const numpy: number[] = [];
    let numpySkipped: string | undefined;
    const profiles: StepProfile[] = [];
    for (const [i, variant] of VARIANTS.entries()) {
      variant.use(tf);
      await epochRate(models[i]!, x, y, batch); // warm-up
      profiles.push(await profileEpoch(tf, report.backend, models[i]!, x, y, batch));
    }
    for (let round = 0; round < rounds; round++) {
      for (const [i, variant] of VARIANTS.entries()) {
        variant.use(tf);
        rates[i]!.push(await epochRate(models[i]!, x, y, batch));
      }
      configureKernels({ threads: 1 });
      oneThread.push(await epochRate(models[VARIANTS.length - 1]!, x, y, batch));
      configureKernels();
      await kernelsReady();
      if (withNumpy && numpySkipped === undefined) {
        const r = numpyRate(n, batch);
        if (typeof r === "string") numpySkipped = r;
        else numpy.push(r);
      }
    }
    restoreStockKernels(tf);
    const stock = median(rates[0]!);
    const cells = VARIANTS.map((v, i) => {
      const rate = median(rates[i]!);
      return `${v.name} ${rate.toFixed(0)}${i === 0 ? "" : ` (×${(rate / stock).toFixed(2)})`}`;
    });
    const all = median(rates[VARIANTS.length - 1]!);
    cells.push(`all, 1 thread ${median(oneThread).toFixed(0)} (×${(median(oneThread) / stock).toFixed(2)})`);
    rows.push(`batch ${String(batch).padStart(3)}, samples/s: ${cells.join(" · ")}`);
    if (numpy.length > 0) {
      const ratio = all / median(numpy);
      rows.push(
        `           NumPy ${median(numpy).toFixed(0)}: all ÷ NumPy ${ratio.toFixed(2)} (target ≥ 0.5: ${ratio >= 0.5 ? "met" : "not met"})`,
      );
    } else if (numpySkipped) rows.push(`           NumPy skipped: ${numpySkipped}`);
    VARIANTS.forEach((v, i) => rows.push(`           one step, ${v.name}: ${describeProfile(profiles[i]!)}`));
    models.forEach((m) => m.dispose());
  }
  console.log(rows.join("\n"));
  console.log("ratios are against stock model.fit on the same backend, same model and data, medians of alternating epochs.");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
