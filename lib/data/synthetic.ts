/**
 * Small synthetic data sets for classification, generated from a seed so that every
 * run (and every learner) sees the same points.
 *
 *   makeMoons(200, { noise: 0.1, seed: 0 })       two interleaving half circles
 *   makeCircles(200, { noise: 0.05, factor: 0.5 }) a circle inside a circle
 *   makeSpirals(100, 3)                            k arms of a spiral, 100 points each
 *   makeBlobs(300, 3)                              k Gaussian clouds
 *   makeXor(200)                                   points in four quadrants, XOR labels
 *   logicGate("xor")                               the 4-row truth table of a gate
 *
 * Every generator returns plain arrays: `X` has one row per sample (a point [x1, x2]),
 * `y` holds the class of each row as 0, 1, ..., k − 1.
 */
import { linspace } from "../core/linspace";
import { Random, SeedOrRandom, toRandom } from "./random";

/** Points and their class labels: X[i] is a sample, y[i] its class (0 … k − 1). */
export interface LabeledData {
  X: number[][];
  y: number[];
}

export interface NoiseOptions {
  /** Standard deviation of Gaussian noise added to each coordinate (default 0). */
  noise?: number;
  /** A seed or a generator (default seed 42). */
  seed?: SeedOrRandom;
  /** Shuffle the samples so classes are not in blocks (default true). */
  shuffle?: boolean;
}

function checkCount(name: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`${name}: the number of samples must be a whole number ≥ ${min}, got ${n}.`);
  }
}

function checkNoise(name: string, noise: number): void {
  if (!Number.isFinite(noise) || noise < 0) {
    throw new RangeError(`${name}: noise must be a finite number ≥ 0, got ${noise}.`);
  }
}

/** Adds noise, then shuffles samples and labels together. */
function finish(X: number[][], y: number[], rng: Random, noise: number, shuffle: boolean): LabeledData {
  if (noise > 0) {
    for (const row of X) for (let j = 0; j < row.length; j++) row[j] += rng.normal(0, noise);
  }
  if (!shuffle) return { X, y };
  const order = rng.permutation(X.length);
  return { X: order.map((i) => X[i]), y: order.map((i) => y[i]) };
}

/**
 * Two interleaving half circles ("moons"), the same construction as scikit-learn's
 * make_moons: class 0 lies on (cos t, sin t), class 1 on (1 − cos t, ½ − sin t),
 * t ∈ [0, π]. No straight line separates them, so logistic regression tops out
 * around 86% while a small network reaches 100%.
 */
export function makeMoons(n = 100, options: NoiseOptions = {}): LabeledData {
  const { noise = 0, seed, shuffle = true } = options;
  checkCount("makeMoons", n, 2);
  checkNoise("makeMoons", noise);
  const rng = toRandom(seed);
  const nOuter = Math.floor(n / 2);
  const nInner = n - nOuter;
  const X: number[][] = [];
  const y: number[] = [];
  for (const t of linspace(0, Math.PI, nOuter)) {
    X.push([Math.cos(t), Math.sin(t)]);
    y.push(0);
  }
  for (const t of linspace(0, Math.PI, nInner)) {
    X.push([1 - Math.cos(t), 0.5 - Math.sin(t)]);
    y.push(1);
  }
  return finish(X, y, rng, noise, shuffle);
}

export interface CirclesOptions extends NoiseOptions {
  /** Radius of the inner circle relative to the outer one, in (0, 1) (default 0.8). */
  factor?: number;
}

/**
 * A circle inside a circle (scikit-learn's make_circles): class 0 on the unit circle,
 * class 1 on a circle of radius `factor`. Any straight line cuts both classes in half,
 * so a linear model is stuck near 50%.
 */
export function makeCircles(n = 100, options: CirclesOptions = {}): LabeledData {
  const { noise = 0, seed, shuffle = true, factor = 0.8 } = options;
  checkCount("makeCircles", n, 2);
  checkNoise("makeCircles", noise);
  if (!(factor > 0 && factor < 1)) {
    throw new RangeError(`makeCircles: factor must be between 0 and 1 (the inner radius), got ${factor}.`);
  }
  const rng = toRandom(seed);
  const nOuter = Math.floor(n / 2);
  const nInner = n - nOuter;
  const X: number[][] = [];
  const y: number[] = [];
  for (const t of linspace(0, 2 * Math.PI, nOuter, false)) {
    X.push([Math.cos(t), Math.sin(t)]);
    y.push(0);
  }
  for (const t of linspace(0, 2 * Math.PI, nInner, false)) {
    X.push([factor * Math.cos(t), factor * Math.sin(t)]);
    y.push(1);
  }
  return finish(X, y, rng, noise, shuffle);
}

export interface SpiralOptions {
  /** Standard deviation of the noise added to each point's angle (default 0.2). */
  noise?: number;
  seed?: SeedOrRandom;
  shuffle?: boolean;
}

/**
 * k spiral arms, `nPerClass` points each (the classic CS231n toy set). Arm j runs
 * outwards from the origin: radius r from 0 to 1 and angle θ from 4j to 4(j + 1)
 * (plus noise), at (r sin θ, r cos θ). A linear softmax classifier gets about half
 * of the points right; a small network gets nearly all.
 */
export function makeSpirals(nPerClass = 100, classes = 3, options: SpiralOptions = {}): LabeledData {
  const { noise = 0.2, seed, shuffle = true } = options;
  checkCount("makeSpirals", nPerClass, 2);
  checkCount("makeSpirals (classes)", classes, 2);
  checkNoise("makeSpirals", noise);
  const rng = toRandom(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let j = 0; j < classes; j++) {
    const radii = linspace(0, 1, nPerClass);
    const angles = linspace(4 * j, 4 * (j + 1), nPerClass);
    for (let i = 0; i < nPerClass; i++) {
      const theta = angles[i] + rng.normal(0, noise);
      X.push([radii[i] * Math.sin(theta), radii[i] * Math.cos(theta)]);
      y.push(j);
    }
  }
  // The noise went into the angles already; no extra coordinate noise.
  return finish(X, y, rng, 0, shuffle);
}

export interface BlobOptions {
  /** Class centers; default: k centers drawn uniformly from the box [−10, 10]². */
  centers?: number[][];
  /** Standard deviation of each cloud (default 1). */
  std?: number;
  /** Number of features when centers are drawn (default 2). */
  features?: number;
  seed?: SeedOrRandom;
  shuffle?: boolean;
}

/** k Gaussian clouds ("blobs"): n samples spread as evenly as possible over the classes. */
export function makeBlobs(n = 100, classes = 3, options: BlobOptions = {}): LabeledData {
  const { std = 1, features = 2, seed, shuffle = true } = options;
  checkCount("makeBlobs", n, 1);
  const rng = toRandom(seed);
  const centers =
    options.centers ?? Array.from({ length: classes }, () => Array.from({ length: features }, () => rng.uniform(-10, 10)));
  if (centers.length === 0) throw new RangeError("makeBlobs: give at least one center.");
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % centers.length;
    X.push(centers[k].map((c) => rng.normal(c, std)));
    y.push(k);
  }
  if (!shuffle) {
    const order = y.map((_, i) => i).sort((a, b) => y[a] - y[b] || a - b);
    return { X: order.map((i) => X[i]), y: order.map((i) => y[i]) };
  }
  return finish(X, y, rng, 0, true);
}

/**
 * XOR as a point cloud: n points uniform in [−1, 1]², labelled 1 when exactly one
 * coordinate is positive. The four-row truth table is `logicGate("xor")`.
 */
export function makeXor(n = 200, options: NoiseOptions = {}): LabeledData {
  const { noise = 0, seed, shuffle = true } = options;
  checkCount("makeXor", n, 1);
  checkNoise("makeXor", noise);
  const rng = toRandom(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
    X.push(p);
    y.push(p[0] > 0 !== p[1] > 0 ? 1 : 0);
  }
  return finish(X, y, rng, noise, shuffle);
}

export type GateName = "and" | "or" | "nand" | "nor" | "xor" | "xnor" | "a-and-not-b";

const gates: Record<GateName, (a: number, b: number) => number> = {
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  nand: (a, b) => 1 - (a & b),
  nor: (a, b) => 1 - (a | b),
  xor: (a, b) => a ^ b,
  xnor: (a, b) => 1 - (a ^ b),
  "a-and-not-b": (a, b) => a & (1 - b),
};

export interface GateOptions {
  /** Add a constant input x0 = 1 (the bias input) as the first or last column. */
  biasColumn?: "first" | "last" | "none";
}

/**
 * The truth table of a two-input logic gate, rows in counting order 00, 01, 10, 11.
 *
 *   logicGate("xor", { biasColumn: "last" })
 *   // X = [[0,0,1],[0,1,1],[1,0,1],[1,1,1]], y = [0,1,1,0]  (the XOR table with x0 = 1 last)
 */
export function logicGate(name: GateName, options: GateOptions = {}): LabeledData {
  const gate = gates[name];
  if (!gate) {
    throw new RangeError(`logicGate: unknown gate "${name}"; use one of ${Object.keys(gates).join(", ")}.`);
  }
  const { biasColumn = "none" } = options;
  const X: number[][] = [];
  const y: number[] = [];
  for (const [a, b] of [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]) {
    X.push(biasColumn === "first" ? [1, a, b] : biasColumn === "last" ? [a, b, 1] : [a, b]);
    y.push(gate(a, b));
  }
  return { X, y };
}

/**
 * The perceptron's first exercise: a three-column table with the bias input x0 = 1
 * first, whose target simply copies x1 (rows (x0, x1, x2) = (1,0,0), (1,1,1), (1,0,1),
 * (1,1,0); y = 0, 1, 0, 1). x2 is a distractor the perceptron must learn to ignore.
 */
export function copyFirstInputTable(): LabeledData {
  return {
    X: [
      [1, 0, 0],
      [1, 1, 1],
      [1, 0, 1],
      [1, 1, 0],
    ],
    y: [0, 1, 0, 1],
  };
}
