/**
 * Optimizers: how a parameter θ moves once backprop has given its gradient g = ∂C/∂θ.
 *
 *   SGD        θ ← θ − η g
 *   Momentum   v ← μ v − η g;              θ ← θ + v
 *   RMSProp    s ← ρ s + (1 − ρ) g²;       θ ← θ − η g / (√s + ε)
 *   Adam       m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;
 *              m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ ← θ − η m̂ / (√v̂ + ε)
 *
 * (g² and the division are taken entry by entry.) An optimizer keeps its running state
 * (v, s, m, ...) per parameter matrix, in the order the matrices are passed to `step`.
 */
import { checkLearningRate } from "../core/checks";
import { Matrix } from "../core/matrix";
import { subtractScaledInPlace } from "../core/ops";

export interface Optimizer {
  readonly name: string;
  /** η, the step size. */
  learningRate: number;
  /** Moves every parameter matrix against its gradient (in place). */
  step(params: readonly Matrix[], grads: readonly Matrix[]): void;
  /** Forgets the running state (momentum, averages, step count). */
  reset(): void;
}

export type OptimizerName = "sgd" | "momentum" | "rmsprop" | "adam";

/**
 * η when none is given, the one place these defaults live (the constructors,
 * getOptimizer and Network.train all use them). RMSProp and Adam divide each step by
 * the gradient's own size, so their steps are about η whatever the gradient: they
 * start much smaller than plain SGD's.
 */
export const DEFAULT_LEARNING_RATE: Readonly<Record<OptimizerName, number>> = { sgd: 0.1, momentum: 0.1, rmsprop: 0.001, adam: 0.001 };

function checkStep(name: string, params: readonly Matrix[], grads: readonly Matrix[]): void {
  if (params.length !== grads.length) {
    throw new RangeError(`${name}.step: ${params.length} parameter matrices but ${grads.length} gradients.`);
  }
  params.forEach((p, i) => {
    const g = grads[i];
    if (p.rows !== g.rows || p.cols !== g.cols) {
      throw new RangeError(`${name}.step: parameter ${i} is ${p.rows}×${p.cols} but its gradient is ${g.rows}×${g.cols}.`);
    }
  });
}

/** One zeroed state matrix per parameter, made on first use. */
function stateLike(state: Matrix[], params: readonly Matrix[]): Matrix[] {
  if (state.length !== params.length) {
    state.length = 0;
    for (const p of params) state.push(Matrix.zeros(p.rows, p.cols, p.dtype));
  }
  return state;
}

/** Plain (stochastic) gradient descent: θ ← θ − η g. */
export class SGD implements Optimizer {
  readonly name = "sgd";
  constructor(public learningRate = DEFAULT_LEARNING_RATE.sgd) {
    checkLearningRate("SGD", learningRate);
  }
  step(params: readonly Matrix[], grads: readonly Matrix[]): void {
    checkStep(this.name, params, grads);
    params.forEach((p, k) => subtractScaledInPlace(p, grads[k], this.learningRate)); // θ ← θ − η g, as the loop computes it
  }
  reset(): void {}
}

/**
 * Momentum: a velocity v accumulates past gradients (decayed by μ each step), so steps
 * grow along directions where the gradient keeps its sign and cancel where it flips.
 */
export class Momentum implements Optimizer {
  readonly name = "momentum";
  private velocity: Matrix[] = [];
  constructor(
    public learningRate = DEFAULT_LEARNING_RATE.momentum,
    readonly momentum = 0.9,
  ) {
    checkLearningRate("Momentum", learningRate);
    if (!(momentum >= 0 && momentum < 1)) throw new RangeError(`Momentum: μ must be in [0, 1), got ${momentum}.`);
  }
  step(params: readonly Matrix[], grads: readonly Matrix[]): void {
    checkStep(this.name, params, grads);
    const v = stateLike(this.velocity, params);
    const { learningRate: eta, momentum: mu } = this;
    params.forEach((p, k) => {
      const theta = p.data;
      const g = grads[k].data;
      const vel = v[k].data;
      for (let i = 0; i < theta.length; i++) {
        vel[i] = mu * vel[i] - eta * g[i];
        theta[i] += vel[i];
      }
    });
  }
  reset(): void {
    this.velocity = [];
  }
}

/** RMSProp: divides each step by a running root-mean-square of that parameter's gradients. */
export class RMSProp implements Optimizer {
  readonly name = "rmsprop";
  private meanSquare: Matrix[] = [];
  constructor(
    public learningRate = DEFAULT_LEARNING_RATE.rmsprop,
    readonly rho = 0.9,
    readonly epsilon = 1e-8,
  ) {
    checkLearningRate("RMSProp", learningRate);
    if (!(rho >= 0 && rho < 1)) throw new RangeError(`RMSProp: ρ must be in [0, 1), got ${rho}.`);
  }
  step(params: readonly Matrix[], grads: readonly Matrix[]): void {
    checkStep(this.name, params, grads);
    const s = stateLike(this.meanSquare, params);
    const { learningRate: eta, rho, epsilon } = this;
    params.forEach((p, k) => {
      const theta = p.data;
      const g = grads[k].data;
      const sq = s[k].data;
      for (let i = 0; i < theta.length; i++) {
        sq[i] = rho * sq[i] + (1 - rho) * g[i] * g[i];
        theta[i] -= (eta * g[i]) / (Math.sqrt(sq[i]) + epsilon);
      }
    });
  }
  reset(): void {
    this.meanSquare = [];
  }
}

/**
 * Adam: momentum on the gradient (m) and RMSProp's scaling (v), both corrected for
 * starting at zero (the division by 1 − βᵗ matters in the first steps).
 */
export class Adam implements Optimizer {
  readonly name = "adam";
  private m: Matrix[] = [];
  private v: Matrix[] = [];
  private t = 0;
  constructor(
    public learningRate = DEFAULT_LEARNING_RATE.adam,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    checkLearningRate("Adam", learningRate);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new RangeError(`Adam: β₁ and β₂ must be in [0, 1), got ${beta1} and ${beta2}.`);
    }
  }
  step(params: readonly Matrix[], grads: readonly Matrix[]): void {
    checkStep(this.name, params, grads);
    const m = stateLike(this.m, params);
    const v = stateLike(this.v, params);
    this.t += 1;
    const { learningRate: eta, beta1, beta2, epsilon } = this;
    const correct1 = 1 - Math.pow(beta1, this.t);
    const correct2 = 1 - Math.pow(beta2, this.t);
    params.forEach((p, k) => {
      const theta = p.data;
      const g = grads[k].data;
      const mk = m[k].data;
      const vk = v[k].data;
      for (let i = 0; i < theta.length; i++) {
        mk[i] = beta1 * mk[i] + (1 - beta1) * g[i];
        vk[i] = beta2 * vk[i] + (1 - beta2) * g[i] * g[i];
        const mHat = mk[i] / correct1;
        const vHat = vk[i] / correct2;
        theta[i] -= (eta * mHat) / (Math.sqrt(vHat) + epsilon);
      }
    });
  }
  reset(): void {
    this.m = [];
    this.v = [];
    this.t = 0;
  }
}

/**
 * An optimizer from its name and learning rate (the default rate when none is given),
 * or the optimizer object itself, passed through untouched: it keeps its own rate, so a
 * different one given beside it is an error rather than silently changing the object.
 */
export function getOptimizer(spec: OptimizerName | Optimizer, learningRate?: number, where = "getOptimizer"): Optimizer {
  if (typeof spec !== "string") {
    if (learningRate !== undefined) {
      checkLearningRate(where, learningRate);
      if (learningRate !== spec.learningRate) {
        throw new RangeError(
          `${where}: the ${spec.name} optimizer passed in has its own learning rate ${spec.learningRate}; ` +
            `leave learningRate (${learningRate}) out, or give it to the optimizer when you make it.`,
        );
      }
    }
    return spec;
  }
  // An undefined rate makes each constructor use its default.
  switch (spec) {
    case "sgd":
      return new SGD(learningRate);
    case "momentum":
      return new Momentum(learningRate);
    case "rmsprop":
      return new RMSProp(learningRate);
    case "adam":
      return new Adam(learningRate);
    default:
      throw new RangeError(`Unknown optimizer "${spec as string}"; use "sgd", "momentum", "rmsprop" or "adam", or an Optimizer object.`);
  }
}
