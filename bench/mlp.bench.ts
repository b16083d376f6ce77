/**
 * Training speed of the numeric core, compared with NumPy and TensorFlow.js.
 *
 *   node --import tsx bench/mlp.bench.ts [--quick] [--no-numpy] [--no-tfjs] [--threads N] [--rounds N]
 *
 * 1. GEMM table: GFLOP/s of our matrix-product kernels on the shapes the network uses.
 * 2. Train a 784-300-100-10 ReLU/softmax MLP with mini-batch SGD (batch 128, float32) on
 *    20,000 random samples with our core loop (bench/mlp-model.ts), with the library's
 *    Network.train (what learners call), with NumPy running the same algorithm
 *    (bench/mlp-numpy.py, when python3 with numpy is present), and with TensorFlow.js
 *    `model.fit` on the wasm backend with the library's kernels registered (what
 *    notebooks 09-13 use; bench/mlp-tfjs.ts, fewer samples). The four take turns for five
 *    rounds and each keeps its best. Every throughput is measured after a warm-up epoch. For reference: one thread against NumPy on one thread, the
 *    plain SIMD kernels where relaxed SIMD is in use, the JavaScript fallback, and stock
 *    TensorFlow.js.
 * 3. Samples per second, GFLOP/s, each as a ratio to NumPy in the same run, and the
 *    targets: core ≥ 1.0× NumPy, Network.train ≥ 0.9×, the TensorFlow.js path ≥ 0.5×.
 *
 * On another Node release: `npm run bench -- mlp --node 24` (see run.ts).
 *
 * GFLOP/s counts the matrix products exactly: 2·in·out per sample for the forward pass
 * of each layer, the same for the weight gradient, and again for the input gradient of
 * every layer but the first (1.127 MFLOP per sample for this network). The elementwise
 * work is not counted; it is the same in all three programs.
 *
 * The machine's load matters: NumPy's OpenBLAS threads and our helper thread both slow
 * down a lot when other processes compete for the cores, so the load average is printed,
 * and both are also run on one thread for reference. The ratios compare the defaults
 * (all cores for both).
 */
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import {
  Matrix,
  configureKernels,
  kernelsReady,
  matmul,
  matmulTransA,
  matmulTransB,
  relaxedSimdAvailable,
  residentCopy,
  type DType,
} from "../lib/core";
import { Network } from "../lib/nn/network";
import { BenchMlp, flopsPerSample, seededRandom } from "./mlp-model";
import { benchTfjsFit } from "./mlp-tfjs";

export interface MlpBenchOptions {
  quick?: boolean;
  numpy?: boolean;
  tfjs?: boolean;
  /** Threads for our kernels (default: the core's default). */
  threads?: number;
  /** Rounds the core, Network.train and NumPy take in turn, each keeping its best (default 5; 1 with --quick). */
  rounds?: number;
}

export interface Throughput {
  samplesPerSecond: number;
  gflops: number;
  samples: number;
  seconds: number;
  note?: string;
}

export interface MlpBenchResult {
  gemm: { label: string; dtype: DType; threads: number; gflops: number }[];
  ours: Throughput;
  numpy?: Throughput;
  tfjs?: Throughput;
  skipped: string[];
}

const SIZES = [784, 300, 100, 10] as const;
const BATCH = 128;
const LR = 0.05;

function randomMatrix(rows: number, cols: number, dtype: DType, rand: () => number): Matrix {
  const m = Matrix.zeros(rows, cols, dtype);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rand() - 0.5;
  return m;
}

/** Best time per call, in ms, over several short windows (robust against interruptions). */
function bestTime(f: () => void, windows: number, perWindow: number): number {
  f();
  f();
  let best = Infinity;
  for (let w = 0; w < windows; w++) {
    const t0 = performance.now();
    for (let r = 0; r < perWindow; r++) f();
    best = Math.min(best, (performance.now() - t0) / perWindow);
  }
  return best;
}

function gemmTable(quick: boolean, threadsAll: number): MlpBenchResult["gemm"] {
  const rand = seededRandom(7);
  const rows: MlpBenchResult["gemm"] = [];
  const shapes: { label: string; run: (dtype: DType) => () => void; flops: number }[] = [];
  const add = (label: string, kind: "nn" | "tn" | "nt", m: number, n: number, k: number) => {
    shapes.push({
      label,
      flops: 2 * m * n * k,
      run: (dtype) => {
        const a = kind === "tn" ? randomMatrix(k, m, dtype, rand) : randomMatrix(m, k, dtype, rand);
        const b = kind === "nt" ? randomMatrix(n, k, dtype, rand) : randomMatrix(k, n, dtype, rand);
        const c = Matrix.zeros(m, n, dtype);
        const f = kind === "nn" ? matmul : kind === "tn" ? matmulTransA : matmulTransB;
        return () => f(a, b, c);
      },
    });
  };
  add("matmul       128×784 · 784×300   (forward, layer 1)", "nn", 128, 300, 784);
  add("matmulTransA 784×128ᵀ · 128×300  (dW, layer 1)", "tn", 784, 300, 128);
  add("matmulTransB 128×300 · 784×300ᵀ  (dX, layer 1)", "nt", 128, 784, 300);
  add("matmul       128×300 · 300×100   (forward, layer 2)", "nn", 128, 100, 300);
  add("matmulTransB 128×100 · 300×100ᵀ  (dX, layer 2)", "nt", 128, 300, 100);
  add("matmul       512×512 · 512×512", "nn", 512, 512, 512);
  const configs: { dtype: DType; threads: number; backend: "wasm" | "js" }[] = [
    { dtype: "float32", threads: threadsAll, backend: "wasm" },
    { dtype: "float32", threads: 1, backend: "wasm" },
    { dtype: "float64", threads: threadsAll, backend: "wasm" },
  ];
  if (!quick) configs.push({ dtype: "float32", threads: 1, backend: "js" });
  const header = ["product", ...configs.map((c) => `${c.dtype === "float32" ? "f32" : "f64"} ${c.backend} ${c.threads}t`)];
  const table: string[][] = [];
  for (const shape of shapes) table.push([shape.label]);
  for (const cfg of configs) {
    const info = useKernels({ backend: cfg.backend, threads: cfg.threads });
    if (cfg.backend === "wasm" && info.backend !== "wasm") continue;
    shapes.forEach((shape, s) => {
      const f = shape.run(cfg.dtype);
      const slow = cfg.backend === "js";
      // Let helper threads start before timing.
      if (info.threads > 1) {
        const until = performance.now() + 100;
        while (performance.now() < until) f();
      }
      const ms = bestTime(f, slow ? 3 : quick ? 5 : 15, slow ? 1 : 3);
      const gflops = shape.flops / ms / 1e6;
      rows.push({ label: shape.label, dtype: cfg.dtype, threads: info.threads, gflops });
      table[s]!.push(gflops.toFixed(1));
    });
  }
  useKernels({ threads: threadsAll });
  printTable("Matrix products, GFLOP/s (best of several runs; t = threads)", header, table);
  return rows;
}

function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  console.log(`\n${title}`);
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
}

/**
 * The training set in the kernels' memory, as NumPy's lives in its arrays: each batch is
 * then gathered there at memcpy's speed (a typed array's set() into that shared memory
 * copies word by word, at about half of it). Made once and kept for every round with the
 * same kernels (`useKernels` forgets it when they change).
 */
const residentInputs = new Map<number, Matrix>();

/** configureKernels, forgetting the resident training sets of the kernels it replaces. */
function useKernels(options: Parameters<typeof configureKernels>[0]): ReturnType<typeof configureKernels> {
  residentInputs.clear();
  return configureKernels(options);
}

function benchOurs(samples: number, warmupEpochs: number, epochs: number): Throughput {
  const rand = seededRandom(3);
  const generated = Matrix.zeros(samples, SIZES[0], "float32");
  for (let i = 0; i < generated.data.length; i++) generated.data[i] = rand();
  const x = residentInputs.get(samples) ?? residentCopy(generated);
  residentInputs.set(samples, x);
  const labels = new Int32Array(samples);
  for (let i = 0; i < samples; i++) labels[i] = Math.floor(rand() * 10);
  const net = new BenchMlp(SIZES, "float32", 1);
  const order = new Int32Array(samples);
  for (let i = 0; i < samples; i++) order[i] = i;
  let loss = 0;
  const epoch = () => {
    // Fisher-Yates shuffle per epoch, as the other two programs do.
    for (let i = samples - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    for (let s = 0; s < samples; s += BATCH) loss = net.step(x, labels, order, s, Math.min(BATCH, samples - s), LR);
  };
  for (let e = 0; e < warmupEpochs; e++) epoch();
  const t0 = performance.now();
  for (let e = 0; e < epochs; e++) epoch();
  const seconds = (performance.now() - t0) / 1000;
  if (!Number.isFinite(loss)) throw new Error(`our training diverged (loss ${loss})`);
  const sps = (samples * epochs) / seconds;
  return {
    samplesPerSecond: sps,
    gflops: (sps * flopsPerSample(SIZES)) / 1e9,
    samples: samples * epochs,
    seconds,
    note: `loss ${loss.toFixed(3)}`,
  };
}

function benchNumpy(samples: number, warmupEpochs: number, epochs: number, blasThreads?: number): Throughput | string {
  const script = path.join(__dirname, "mlp-numpy.py");
  const env =
    blasThreads === undefined
      ? process.env
      : { ...process.env, OPENBLAS_NUM_THREADS: String(blasThreads), OMP_NUM_THREADS: String(blasThreads) };
  const r = spawnSync("python3", [script, String(samples), String(BATCH), String(warmupEpochs), String(epochs)], {
    encoding: "utf8",
    timeout: 120_000,
    env,
  });
  if (r.error) return `python3 could not be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
  if (r.status !== 0) {
    if (/No module named .?numpy/.test(r.stderr)) return "numpy is not installed for python3";
    return `the NumPy run failed: ${r.stderr.trim().split("\n").pop()}`;
  }
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as {
    samples_per_s: number;
    seconds: number;
    samples: number;
    loss: number;
    numpy: string;
  };
  return {
    samplesPerSecond: out.samples_per_s,
    gflops: (out.samples_per_s * flopsPerSample(SIZES)) / 1e9,
    samples: out.samples,
    seconds: out.seconds,
    note: `numpy ${out.numpy}, loss ${out.loss.toFixed(3)}`,
  };
}

/** model.fit is slower than the core: a smaller set keeps each of its rounds short. */
const TFJS_SAMPLES = (quick: boolean) => (quick ? 1024 : 4096);

/** model.fit with the library's kernels registered (what notebooks 09-13 get), or with tfjs's own. */
async function benchTfjs(kernels: "library" | "stock", samples: number, epochs: number): Promise<Throughput | string> {
  const warmupEpochs = 1;
  try {
    const r = await benchTfjsFit({ samples, batch: BATCH, warmupEpochs, epochs, lr: LR, kernels });
    return {
      samplesPerSecond: r.samplesPerSecond,
      gflops: (r.samplesPerSecond * flopsPerSample(SIZES)) / 1e9,
      samples: r.samples,
      seconds: r.seconds,
      note: `backend ${r.backend}, loss ${r.loss.toFixed(3)}`,
    };
  } catch (e) {
    return `TensorFlow.js could not run: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/**
 * The same training with the library's readable Network class (lib/nn), the one the
 * notebooks use: its train() draws the mini-batches, runs BP1-BP4 on the core and takes
 * the SGD step. Timed per epoch, after a warm-up epoch.
 */
function benchNetwork(samples: number, epochs: number): Throughput {
  const rand = seededRandom(3);
  const x = Matrix.zeros(samples, SIZES[0], "float32");
  for (let i = 0; i < x.data.length; i++) x.data[i] = rand();
  const labels = Array.from({ length: samples }, () => Math.floor(rand() * 10));
  const net = new Network([...SIZES], ["relu", "relu", "softmax"], { seed: 1, dtype: "float32", loss: "categorical-cross-entropy" });
  const options = { batchSize: BATCH, learningRate: LR, optimizer: "sgd" as const, shuffle: true };
  net.train(x, labels, { ...options, epochs: 1, seed: 0 });
  // One call for all the timed epochs, as a learner trains: train() checks all of X once
  // per call (a NaN in the data is refused before any weight changes).
  const t0 = performance.now();
  const loss = net.train(x, labels, { ...options, epochs, seed: 1 }).epochs.at(-1)?.loss ?? NaN;
  const seconds = (performance.now() - t0) / 1000;
  if (!Number.isFinite(loss)) throw new Error(`Network.train diverged (loss ${loss})`);
  const sps = (samples * epochs) / seconds;
  return {
    samplesPerSecond: sps,
    gflops: (sps * flopsPerSample(SIZES)) / 1e9,
    samples: samples * epochs,
    seconds,
    note: `loss ${loss.toFixed(3)}`,
  };
}

/** The targets this benchmark tracks: throughput as a share of NumPy's in the same run. */
const TARGETS = { core: 1.0, network: 0.9, tfjs: 0.5 };

/** The best of several measurements: the one least disturbed by other programs. */
function best(runs: Throughput[]): Throughput {
  return runs.reduce((a, b) => (b.samplesPerSecond > a.samplesPerSecond ? b : a));
}

export async function runMlpBench(options: MlpBenchOptions = {}): Promise<MlpBenchResult> {
  const quick = options.quick ?? false;
  const threadOption = options.threads !== undefined ? { threads: options.threads } : {};
  useKernels(threadOption);
  const info = await kernelsReady();
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  console.log(`MLP training benchmark: 784-300-100-10 ReLU/softmax, SGD, batch ${BATCH}, float32`);
  console.log(
    `machine: ${cpu}, ${os.availableParallelism()} cores, Node ${process.versions.node} (V8 ${process.versions.v8}), load average ${load()}`,
  );
  const arithmetic = info.relaxedSimd
    ? "relaxed SIMD (multiply-add)"
    : `SIMD, multiply then add${relaxedSimdAvailable() ? "" : " (no relaxed SIMD in this Node)"}`;
  console.log(
    `our kernels: ${info.backend}${info.backend === "wasm" ? ` ${arithmetic}` : ""}, ${info.threads} thread(s)${info.reason ? ` (${info.reason})` : ""}`,
  );

  const gemm = gemmTable(quick, info.threads);
  const skipped: string[] = [];
  const samples = quick ? 5000 : 20000;
  // Five rounds: on a shared machine a burst of other work can spoil a round of a second
  // or two; with three, it sometimes spoiled all of one program's rounds.
  const rounds = options.rounds ?? (quick ? 1 : 5);
  const results: [string, Throughput][] = [];
  const ourLabel = `${info.backend}${info.relaxedSimd ? " relaxed" : ""}, ${info.threads}t`;

  // Ours, NumPy and TensorFlow.js take turns, and each keeps its best round, so that a
  // burst of other work on the machine, or a slow minute of the machine itself, does not
  // decide a ratio.
  console.log(`\nTraining on ${samples} random samples (1 warm-up epoch, then timed epochs; best of ${rounds} rounds taken in turn)...`);
  const coreRuns: Throughput[] = [];
  const networkRuns: Throughput[] = [];
  const numpyRuns: Throughput[] = [];
  const tfjsRuns: Throughput[] = [];
  let numpyProblem: string | undefined = options.numpy === false ? "NumPy skipped (--no-numpy)" : undefined;
  let tfjsProblem: string | undefined = options.tfjs === false ? "tfjs skipped (--no-tfjs)" : undefined;
  for (let round = 0; round < rounds; round++) {
    coreRuns.push(benchOurs(samples, 1, quick ? 1 : 3));
    networkRuns.push(benchNetwork(samples, quick ? 1 : 2));
    if (numpyProblem === undefined) {
      const r = benchNumpy(samples, 1, quick ? 1 : 3);
      if (typeof r === "string") numpyProblem = `NumPy skipped: ${r}`;
      else numpyRuns.push(r);
    }
    if (tfjsProblem === undefined) {
      const r = await benchTfjs("library", TFJS_SAMPLES(quick), quick ? 1 : 2);
      if (typeof r === "string") tfjsProblem = `tfjs skipped: ${r}`;
      else tfjsRuns.push(r);
    }
  }
  const ours = best(coreRuns);
  const network = best(networkRuns);
  const numpy = numpyRuns.length > 0 ? best(numpyRuns) : undefined;
  const tfjs = tfjsRuns.length > 0 ? best(tfjsRuns) : undefined;
  if (numpyProblem) skipped.push(numpyProblem);
  if (tfjsProblem) skipped.push(tfjsProblem);
  results.push([`nncourse core (${ourLabel})`, ours]);
  results.push([`nncourse Network.train (${ourLabel})`, network]);
  if (numpy) results.push(["NumPy + OpenBLAS", numpy]);
  if (tfjs) results.push(["TensorFlow.js model.fit, library's kernels", tfjs]);

  const reference: [string, Throughput][] = [];
  if (info.backend === "wasm" && !quick) {
    // For reference: the same program on one thread (against NumPy on one thread), with
    // the plain SIMD kernels where relaxed SIMD is in use, and on the JavaScript fallback
    // (where WebAssembly SIMD is missing; fewer samples, it is slower).
    useKernels({ threads: 1 });
    reference.push([
      `nncourse core (${info.relaxedSimd ? "wasm relaxed, " : "wasm, "}1t)`,
      best([benchOurs(samples, 1, 2), benchOurs(samples, 1, 2)]),
    ]);
    if (numpy) {
      const one = benchNumpy(samples, 1, 2, 1);
      if (typeof one !== "string") reference.push(["NumPy + OpenBLAS, 1 thread", one]);
    }
    if (info.relaxedSimd) {
      useKernels({ ...threadOption, relaxedSimd: false });
      await kernelsReady();
      reference.push([`nncourse core (wasm, multiply then add, ${info.threads}t)`, benchOurs(samples, 1, 2)]);
    }
    useKernels({ backend: "js" });
    reference.push(["nncourse core (JavaScript fallback, 1t)", benchOurs(4096, 1, 1)]);
    useKernels(threadOption);
    await kernelsReady();
  }

  if (tfjs) {
    const stock = await benchTfjs("stock", TFJS_SAMPLES(quick), quick ? 1 : 2);
    if (typeof stock !== "string") reference.push(["TensorFlow.js model.fit, stock wasm", stock]);
  }

  const vsNumpy = (t: Throughput, peer = numpy) => (peer ? (t.samplesPerSecond / peer.samplesPerSecond).toFixed(2) : "-");
  const numpyOne = reference.find(([name]) => name.startsWith("NumPy"))?.[1];
  printTable(
    `Training throughput (timed after warm-up; load average now ${load()})`,
    ["program", "samples/s", "GFLOP/s", "vs NumPy", "timed samples", "seconds", "notes"],
    [...results.map(([name, t]) => [name, t] as const), ...reference.map(([name, t]) => [name, t] as const)].map(([name, t]) => [
      name,
      Math.round(t.samplesPerSecond).toLocaleString("en-US"),
      t.gflops.toFixed(1),
      // One-thread rows are compared with NumPy on one thread.
      name.includes("1t") ? vsNumpy(t, numpyOne) : name.startsWith("NumPy + OpenBLAS, 1") ? "1.00" : vsNumpy(t),
      String(t.samples),
      t.seconds.toFixed(2),
      t.note ?? "",
    ]),
  );
  console.log("");
  if (numpy) {
    for (const [name, t, target] of [
      ["core loop", ours, TARGETS.core],
      ["Network.train", network, TARGETS.network],
      ["TensorFlow.js path", tfjs, TARGETS.tfjs],
    ] as const) {
      if (!t) continue;
      const ratio = t.samplesPerSecond / numpy.samplesPerSecond;
      console.log(`${name} / NumPy: ${ratio.toFixed(2)}   (target ≥ ${target.toFixed(1)}: ${ratio >= target ? "met" : "not met"})`);
    }
  }
  for (const s of skipped) console.log(s);
  return { gemm, ours, numpy, tfjs, skipped };
}

function parseArgs(argv: string[]): MlpBenchOptions {
  const options: MlpBenchOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--quick") options.quick = true;
    else if (a === "--no-numpy") options.numpy = false;
    else if (a === "--no-tfjs") options.tfjs = false;
    else if (a === "--threads") options.threads = Number(argv[++i]);
    else if (a === "--rounds") {
      options.rounds = Number(argv[++i]);
      if (!Number.isInteger(options.rounds) || options.rounds < 1)
        throw new Error(`mlp.bench: --rounds needs a whole number ≥ 1, not ${argv[i]}.`);
    } else throw new Error(`mlp.bench: unknown option ${a}; use --quick, --no-numpy, --no-tfjs, --threads N, --rounds N.`);
  }
  return options;
}

if (require.main === module) {
  runMlpBench(parseArgs(process.argv.slice(2))).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
      process.exit(1);
    },
  );
}
