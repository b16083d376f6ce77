/**
 * Weight initializers: how to fill a layer's weight matrix W (fanIn × fanOut) before
 * training.
 *
 * Why it matters:
 * - All zeros (or any equal values) makes every hidden unit of a layer compute the same
 *   thing and receive the same gradient, so they stay identical forever: the symmetry
 *   must be broken with random values.
 * - Too large, and sigmoid/tanh units saturate (φ' ≈ 0) and learn nothing; too small,
 *   and the signal fades layer after layer. The scaled rules below keep the variance of
 *   z about the same from layer to layer.
 *
 * Biases start at zero (`zeros`) unless you choose otherwise.
 *
 * Each initializer draws one weight at a time from a seeded generator, so the same
 * seed always gives the same network:
 *   glorotUniform.sample(fanIn, fanOut, rng)
 */
import { Random } from "../data/random";

export interface Initializer {
  readonly name: string;
  /** One random weight for a layer with `fanIn` inputs and `fanOut` outputs. */
  sample(fanIn: number, fanOut: number, rng: Random): number;
}

function initializer(name: string, sample: Initializer["sample"]): Initializer {
  return { name, sample };
}

/** All zeros (the usual choice for biases; a bad one for weights, see above). */
export const zeros = initializer("zeros", () => 0);

/** Standard normal N(0, 1), as in Nielsen's first network. */
export const standardNormal = initializer("standard-normal", (_i, _o, rng) => rng.normal(0, 1));

/** Small random numbers: N(0, 1) × scale (the common `randn(...) * 0.01`). */
export function scaledNormal(scale = 0.01): Initializer {
  return initializer(`scaled-normal(${scale})`, (_i, _o, rng) => scale * rng.normal(0, 1));
}

/**
 * Variance 1/n_in: N(0, 1/fanIn), Nielsen's improved initialization (also called
 * LeCun normal). z = Σ w x then has variance about 1 when the inputs do.
 */
export const normalInverseFanIn = initializer("normal-1/n_in", (fanIn, _o, rng) => rng.normal(0, Math.sqrt(1 / fanIn)));

/** Uniform on [−1/√m, 1/√m] for a layer with m inputs. */
export const uniformInverseSqrtFanIn = initializer("uniform-1/sqrt(m)", (fanIn, _o, rng) => {
  const limit = 1 / Math.sqrt(fanIn);
  return rng.uniform(-limit, limit);
});

/** Glorot (Xavier) uniform: U(−r, r) with r = √(6 / (fanIn + fanOut)); for tanh and sigmoid. */
export const glorotUniform = initializer("glorot-uniform", (fanIn, fanOut, rng) => {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return rng.uniform(-limit, limit);
});

/** Glorot (Xavier) normal: N(0, 2 / (fanIn + fanOut)). */
export const glorotNormal = initializer("glorot-normal", (fanIn, fanOut, rng) => rng.normal(0, Math.sqrt(2 / (fanIn + fanOut))));

/** He normal: N(0, 2 / fanIn), for ReLU layers (ReLU zeroes half the inputs, so double the variance). */
export const heNormal = initializer("he-normal", (fanIn, _o, rng) => rng.normal(0, Math.sqrt(2 / fanIn)));

/** He uniform: U(−r, r) with r = √(6 / fanIn). */
export const heUniform = initializer("he-uniform", (fanIn, _o, rng) => {
  const limit = Math.sqrt(6 / fanIn);
  return rng.uniform(-limit, limit);
});

export type InitializerName =
  | "zeros"
  | "standard-normal"
  | "scaled-normal"
  | "normal-1/n_in"
  | "uniform-1/sqrt(m)"
  | "glorot-uniform"
  | "glorot-normal"
  | "he-normal"
  | "he-uniform";

const byName: Record<InitializerName, Initializer> = {
  zeros,
  "standard-normal": standardNormal,
  "scaled-normal": scaledNormal(0.01),
  "normal-1/n_in": normalInverseFanIn,
  "uniform-1/sqrt(m)": uniformInverseSqrtFanIn,
  "glorot-uniform": glorotUniform,
  "glorot-normal": glorotNormal,
  "he-normal": heNormal,
  "he-uniform": heUniform,
};

/** All built-in initializers, by name. */
export const initializers: Readonly<Record<InitializerName, Initializer>> = byName;

/** An initializer from its name (or the initializer itself, passed through). */
export function getInitializer(spec: InitializerName | Initializer): Initializer {
  if (typeof spec !== "string") return spec;
  const init = byName[spec];
  if (!init) {
    throw new RangeError(`Unknown initializer "${spec}"; use one of ${Object.keys(byName).join(", ")}, or an Initializer object.`);
  }
  return init;
}
