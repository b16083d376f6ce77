/**
 * Activation functions φ and their derivatives φ'.
 *
 * A neuron computes a weighted sum z = w·x + b and then its activation a = φ(z). During
 * backprop we need φ'(z): how much a small change in z changes a. Each activation here
 * offers both, for one number and for a whole matrix of z values (one row per sample):
 *
 *   sigmoid.f(0)          // 0.5
 *   sigmoid.df(0)         // 0.25 = σ(0)(1 − σ(0))
 *   sigmoid.forward(Z)    // φ applied to every entry of the matrix Z
 *
 * Softmax is the exception: each output depends on the whole row of z values, so it
 * has a Jacobian instead of a derivative (see `softmax` and `softmaxJacobian`).
 *
 * Where a function has a kink or a jump (ReLU at 0, the steps), we use the one-sided
 * value stated in its comment; gradient descent never lands exactly there in practice.
 */
import { Matrix } from "../core/matrix";
import { keepWherePositive, timesStep } from "../core/ops";

/** What every activation offers to a layer: φ on a matrix, and backprop through φ. */
export interface Activation {
  /** The name used in layer specs, e.g. "tanh". */
  readonly name: string;
  /** A = φ(Z), one row per sample. Writes into `out` when given. */
  forward(Z: Matrix, out?: Matrix): Matrix;
  /**
   * Backprop through the activation: given dC/dA, returns dC/dZ.
   * For elementwise activations that is dC/dA ⊙ φ'(Z) (the ⊙ of BP1 and BP2).
   */
  backward(Z: Matrix, A: Matrix, dA: Matrix, out?: Matrix): Matrix;
}

/** An activation that acts on each number separately: a_j = φ(z_j). */
export interface ElementwiseActivation extends Activation {
  /** φ(z). */
  f(z: number): number;
  /** φ'(z). Pass a = φ(z) as well when you have it: some derivatives are cheaper from a. */
  df(z: number, a?: number): number;
}

function sameShape(where: string, a: Matrix, b: Matrix, names: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${where}: ${names} have shapes ${a.rows}×${a.cols} and ${b.rows}×${b.cols}; they must match.`);
  }
}

function target(Z: Matrix, out: Matrix | undefined): Matrix {
  if (out === undefined) return Matrix.zeros(Z.rows, Z.cols, Z.dtype);
  sameShape("activation", Z, out, "Z and out");
  return out;
}

/** Builds an elementwise activation from φ and φ'. Use it for your own activations too. */
export function elementwiseActivation(name: string, f: (z: number) => number, df: (z: number, a: number) => number): ElementwiseActivation {
  return {
    name,
    f,
    df: (z: number, a: number = f(z)) => df(z, a),
    forward(Z: Matrix, out?: Matrix): Matrix {
      const A = target(Z, out);
      const z = Z.data;
      const a = A.data;
      for (let i = 0; i < z.length; i++) a[i] = f(z[i]);
      return A;
    },
    backward(Z: Matrix, A: Matrix, dA: Matrix, out?: Matrix): Matrix {
      sameShape(name, Z, dA, "Z and dC/dA");
      const dZ = target(Z, out);
      const z = Z.data;
      const a = A.data;
      const g = dA.data;
      const d = dZ.data;
      for (let i = 0; i < z.length; i++) d[i] = g[i] * df(z[i], a[i]);
      return dZ;
    },
  };
}

/** The logistic function σ(z) = 1 / (1 + e^(−z)), written so that e^(...) never overflows. */
export function sigmoidOf(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z); // z < 0: e^z is small, no overflow
  return e / (1 + e);
}

/**
 * Sigmoid (logistic): σ(z) = 1 / (1 + e^(−z)), squashes z into (0, 1).
 * σ'(z) = σ(z)(1 − σ(z)): at most 1/4, and near 0 for large |z| (saturation).
 */
export const sigmoid = elementwiseActivation("sigmoid", sigmoidOf, (_z, a) => a * (1 - a));

/**
 * Hyperbolic tangent: tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)) = 2σ(2z) − 1, into (−1, 1),
 * zero-centred. tanh'(z) = 1 − tanh²(z) = 1 / cosh²(z).
 */
export const tanh = elementwiseActivation("tanh", Math.tanh, (_z, a) => 1 - a * a);

/** ReLU: max(0, z). Its derivative is 1 for z > 0 and 0 for z ≤ 0 (we take 0 at the kink). */
export const relu: ElementwiseActivation = withFastReluLoops(
  elementwiseActivation(
    "relu",
    (z) => (z > 0 ? z : 0),
    (z) => (z > 0 ? 1 : 0),
  ),
);

/**
 * ReLU's matrix passes, with exactly the numbers of the generic loops above, only faster:
 * ReLU runs on every hidden unit of every sample, and there the generic loop's call per
 * entry and its branch on the sign of z (random, so mispredicted half the time) cost more
 * than the rest of the layer's elementwise work.
 * - forward: "z where z > 0, else 0" is the core's keepWherePositive(Z, Z);
 * - backward: dC/dA ⊙ [Z > 0] is the core's timesStep(dA, Z), which multiplies as the
 *   loop does (keepWherePositive(dA, Z) would give +0 where g · 0 is −0 or NaN).
 * Both are SIMD kernels; matrices of mixed dtypes take the generic loops.
 */
function withFastReluLoops(generic: ElementwiseActivation): ElementwiseActivation {
  return {
    ...generic,
    forward(Z: Matrix, out?: Matrix): Matrix {
      const A = target(Z, out);
      return A.dtype === Z.dtype ? keepWherePositive(Z, Z, A) : generic.forward(Z, A);
    },
    backward(Z: Matrix, _A: Matrix, dA: Matrix, out?: Matrix): Matrix {
      sameShape(generic.name, Z, dA, "Z and dC/dA");
      const dZ = target(Z, out);
      return dA.dtype === Z.dtype && dZ.dtype === Z.dtype ? timesStep(dA, Z, dZ) : generic.backward(Z, _A, dA, dZ);
    },
  };
}

/** Leaky ReLU with slope α for negative z: z for z > 0, αz otherwise; derivative 1 or α. */
export function makeLeakyRelu(alpha = 0.01): ElementwiseActivation {
  if (!(alpha >= 0 && alpha < 1)) throw new RangeError(`leakyRelu: alpha must be in [0, 1), got ${alpha}.`);
  return elementwiseActivation(
    alpha === 0.01 ? "leaky-relu" : `leaky-relu(${alpha})`,
    (z) => (z > 0 ? z : alpha * z),
    (z) => (z > 0 ? 1 : alpha),
  );
}

/** Leaky ReLU with α = 0.01. */
export const leakyRelu = makeLeakyRelu(0.01);

/** Linear (identity): φ(z) = z, φ' = 1. The output of regression networks and of ADALINE. */
export const linear = elementwiseActivation(
  "linear",
  (z) => z,
  () => 1,
);

/**
 * Heaviside step: 0 for z < 0, 1 for z > 0, and `atZero` at z = 0 (1 by default, as in
 * the perceptron's LTU; some texts use ½). Its derivative is 0 wherever it exists, which
 * is why a network of steps cannot learn by gradient descent.
 */
export function makeHeaviside(atZero = 1): ElementwiseActivation {
  return elementwiseActivation(
    atZero === 1 ? "heaviside" : `heaviside(${atZero})`,
    (z) => (z > 0 ? 1 : z < 0 ? 0 : atZero),
    () => 0,
  );
}

/** The Heaviside step with H(0) = 1. */
export const heaviside = makeHeaviside(1);

/** Sign (signum): −1 for z < 0, 0 at 0, +1 for z > 0. Derivative 0 (where it exists). */
export const sign = elementwiseActivation(
  "sign",
  (z) => (z > 0 ? 1 : z < 0 ? -1 : 0),
  () => 0,
);

/**
 * Piecewise-linear (a "hard sigmoid"): 0 for z ≤ −½, z + ½ in between, 1 for z ≥ ½.
 * Derivative 1 strictly inside (−½, ½), 0 outside.
 */
export const piecewiseLinear = elementwiseActivation(
  "piecewise-linear",
  (z) => (z <= -0.5 ? 0 : z >= 0.5 ? 1 : z + 0.5),
  (z) => (z > -0.5 && z < 0.5 ? 1 : 0),
);

/**
 * Ramp (a "hard tanh"): z clipped to [−1, 1], that is max(−1, min(1, z)).
 * Derivative 1 strictly inside (−1, 1), 0 outside.
 */
export const ramp = elementwiseActivation(
  "ramp",
  (z) => (z <= -1 ? -1 : z >= 1 ? 1 : z),
  (z) => (z > -1 && z < 1 ? 1 : 0),
);

/**
 * Softmax of one vector: s_j = e^(z_j) / Σ_k e^(z_k).
 * Subtracting max(z) first changes nothing mathematically (it cancels in the ratio) but
 * keeps e^(...) from overflowing for large z.
 */
export function softmaxOf(z: readonly number[]): number[] {
  const max = Math.max(...z);
  const exps = z.map((v) => Math.exp(v - max));
  const total = exps.reduce((s, v) => s + v, 0);
  return exps.map((v) => v / total);
}

/**
 * The Jacobian of softmax at z: J_ij = ∂s_i/∂z_j = s_i (δ_ij − s_j).
 * Every output depends on every input, which is why softmax has no plain derivative.
 */
export function softmaxJacobian(z: readonly number[]): number[][] {
  const s = softmaxOf(z);
  return s.map((si, i) => s.map((sj, j) => si * ((i === j ? 1 : 0) - sj)));
}

/**
 * Softmax over each row: turns a row of scores into probabilities that sum to 1.
 *
 * Backprop multiplies dC/dA by the Jacobian without building it:
 *   dC/dz_j = Σ_i dC/da_i · a_i(δ_ij − a_j) = a_j (dC/da_j − Σ_i dC/da_i a_i).
 * With cross-entropy on top, dC/dZ simplifies to A − Y (see `outputDelta` in network.ts).
 */
export const softmax: Activation = {
  name: "softmax",
  forward(Z: Matrix, out?: Matrix): Matrix {
    const A = target(Z, out);
    const { rows, cols } = Z;
    const z = Z.data;
    const a = A.data;
    for (let i = 0; i < rows; i++) {
      const start = i * cols;
      let max = -Infinity;
      for (let j = 0; j < cols; j++) if (z[start + j] > max) max = z[start + j];
      let total = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(z[start + j] - max);
        a[start + j] = e;
        total += e;
      }
      for (let j = 0; j < cols; j++) a[start + j] /= total;
    }
    return A;
  },
  backward(Z: Matrix, A: Matrix, dA: Matrix, out?: Matrix): Matrix {
    sameShape("softmax", Z, dA, "Z and dC/dA");
    const dZ = target(Z, out);
    const { rows, cols } = Z;
    const a = A.data;
    const g = dA.data;
    const d = dZ.data;
    for (let i = 0; i < rows; i++) {
      const start = i * cols;
      let dot = 0; // Σ_i dC/da_i · a_i
      for (let j = 0; j < cols; j++) dot += g[start + j] * a[start + j];
      for (let j = 0; j < cols; j++) d[start + j] = a[start + j] * (g[start + j] - dot);
    }
    return dZ;
  },
};

/** The names accepted wherever an activation is expected. */
export type ActivationName =
  "sigmoid" | "tanh" | "relu" | "leaky-relu" | "linear" | "heaviside" | "sign" | "piecewise-linear" | "ramp" | "softmax";

const byName: Record<ActivationName, Activation> = {
  sigmoid,
  tanh,
  relu,
  "leaky-relu": leakyRelu,
  linear,
  heaviside,
  sign,
  "piecewise-linear": piecewiseLinear,
  ramp,
  softmax,
};

/** All built-in activations, by name. */
export const activations: Readonly<Record<ActivationName, Activation>> = byName;

/** An activation from its name (or the activation itself, passed through). */
export function getActivation(spec: ActivationName | Activation): Activation {
  if (typeof spec !== "string") {
    if (isActivation(spec)) return spec;
    throw new TypeError(`An activation is a name like "relu" or an object with name, forward and backward; got ${describeValue(spec)}.`);
  }
  const act = byName[spec];
  if (!act) {
    throw new RangeError(`Unknown activation "${spec}"; use one of ${Object.keys(byName).join(", ")}, or an Activation object.`);
  }
  return act;
}

/** Whether `x` has what an Activation needs (a name, forward and backward). */
export function isActivation(x: unknown): x is Activation {
  const a = x as Partial<Activation> | null;
  return (
    typeof a === "object" && a !== null && typeof a.name === "string" && typeof a.forward === "function" && typeof a.backward === "function"
  );
}

/** `x` as an error message names it: its keys for an object. */
function describeValue(x: unknown): string {
  if (x === null || typeof x !== "object") return String(x);
  const keys = Object.keys(x);
  return keys.length > 0 ? `an object with ${keys.join(", ")}` : "an empty object";
}
