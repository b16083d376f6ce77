/**
 * Gradient checking: compare backprop's gradients with numerical ones.
 *
 * The derivative of the cost C with respect to one parameter θ is approximated by the
 * central difference
 *
 *   ∂C/∂θ ≈ (C(θ + ε) − C(θ − ε)) / 2ε
 *
 * whose error shrinks like ε² (the one-sided (C(θ + ε) − C(θ)) / ε only like ε). It costs
 * two forward passes per parameter, far too slow for training, but it needs no calculus:
 * when it agrees with backprop, the backprop code is right.
 *
 * Agreement is measured by the relative error of the whole gradient vectors,
 *
 *   ‖g_backprop − g_numeric‖ / (‖g_backprop‖ + ‖g_numeric‖),
 *
 * which is about 1e-9 or smaller for a correct float64 implementation, and around 1e-2
 * or worse when something is wrong. Use float64 networks: float32 rounding alone gives
 * relative errors around 1e-3.
 */
import { Matrix } from "../core/matrix";
import type { Loss } from "./losses";
import type { Network } from "./network";
import type { Inputs, Targets } from "./network-inputs";

/**
 * The numerical gradient of `cost()` with respect to every entry of the given parameter
 * matrices, by central differences. Each entry is nudged in place and restored.
 * Works for anything: pass a closure that computes your cost from those matrices.
 */
export function numericalGradient(cost: () => number, params: readonly Matrix[], epsilon = 1e-5): Matrix[] {
  if (!(epsilon > 0)) throw new RangeError(`numericalGradient: epsilon must be > 0, got ${epsilon}.`);
  return params.map((p) => {
    const grad = Matrix.zeros(p.rows, p.cols, "float64");
    for (let i = 0; i < p.data.length; i++) {
      const saved = p.data[i];
      p.data[i] = saved + epsilon;
      const plus = cost();
      p.data[i] = saved - epsilon;
      const minus = cost();
      p.data[i] = saved;
      grad.data[i] = (plus - minus) / (2 * epsilon);
    }
    return grad;
  });
}

/** ‖a − b‖ / (‖a‖ + ‖b‖) over all entries of the matrices (0 when both are zero). */
export function relativeError(a: readonly Matrix[], b: readonly Matrix[]): number {
  let diff = 0;
  let normA = 0;
  let normB = 0;
  a.forEach((m, k) => {
    for (let i = 0; i < m.data.length; i++) {
      const x = m.data[i];
      const y = b[k].data[i];
      diff += (x - y) * (x - y);
      normA += x * x;
      normB += y * y;
    }
  });
  const denominator = Math.sqrt(normA) + Math.sqrt(normB);
  return denominator === 0 ? 0 : Math.sqrt(diff) / denominator;
}

export interface GradientCheckResult {
  /** ‖backprop − numeric‖ / (‖backprop‖ + ‖numeric‖) over all parameters. */
  relativeError: number;
  /** The largest |backprop − numeric| over single parameters, and where it is. */
  maxAbsoluteError: number;
  worst: { layer: number; parameter: "W" | "b"; row: number; col: number; backprop: number; numeric: number } | null;
  /** Relative error per layer, for finding which layer's code is wrong. */
  layers: { layer: number; weights: number; biases: number }[];
  backprop: Matrix[];
  numeric: Matrix[];
}

/**
 * Checks `net.backprop` against central differences on the batch (X, y), for every
 * weight and bias of every layer, with the network's loss (or the one given).
 *
 *   const check = gradientCheck(net, X, y);
 *   check.relativeError   // < 1e-7 when backprop is right
 */
export function gradientCheck(net: Network, X: Inputs, y: Targets, options: { loss?: Loss; epsilon?: number } = {}): GradientCheckResult {
  const loss = options.loss ?? net.loss;
  const input = net.toInputs("gradientCheck", X);
  const target = net.toTargets("gradientCheck", y, input.rows, loss);
  const analytic = net.backprop(input, target, loss);
  const backprop = analytic.weights.flatMap((gW, l) => [gW.astype("float64"), analytic.biases[l].astype("float64")]);
  const numeric = numericalGradient(() => net.cost(input, target, loss), net.parameters(), options.epsilon ?? 1e-5);

  let maxAbsoluteError = 0;
  let worst: GradientCheckResult["worst"] = null;
  backprop.forEach((g, k) => {
    for (let i = 0; i < g.data.length; i++) {
      const err = Math.abs(g.data[i] - numeric[k].data[i]);
      if (err > maxAbsoluteError || worst === null) {
        maxAbsoluteError = Math.max(err, maxAbsoluteError);
        if (err >= maxAbsoluteError) {
          worst = {
            layer: Math.floor(k / 2) + 1,
            parameter: k % 2 === 0 ? "W" : "b",
            row: Math.floor(i / g.cols),
            col: i % g.cols,
            backprop: g.data[i],
            numeric: numeric[k].data[i],
          };
        }
      }
    }
  });
  const layers = net.weights.map((_, l) => ({
    layer: l + 1,
    weights: relativeError([backprop[2 * l]], [numeric[2 * l]]),
    biases: relativeError([backprop[2 * l + 1]], [numeric[2 * l + 1]]),
  }));
  return { relativeError: relativeError(backprop, numeric), maxAbsoluteError, worst, layers, backprop, numeric };
}
