/**
 * Worked examples, computed step by step. Each function returns every intermediate
 * quantity of a small hand calculation, named as on the blackboard, so a notebook can
 * print them next to the formulas and a learner can check their own arithmetic.
 *
 *   traceWeightedSum        one threshold unit: Σ x_i w_i + b, then the step
 *   traceSigmoidNeuron      one sigmoid neuron, z = w x, E = ½ (y − ŷ)², one update
 *   traceScalarChain        x → h → o with no activations, E = (o − y)², one update
 *   traceForwardPass        a layer-by-layer forward pass, z_i = Σ_j w_ij a_j + b_i
 *   traceMazurBackprop      the 2-2-2 sigmoid network of Matt Mazur's step-by-step example
 *
 * The constants next to them hold the published numbers of those examples.
 */
import { sigmoidOf } from "./activations";

// -------------------------------------------------------------------------------------
// A single threshold unit
// -------------------------------------------------------------------------------------

export interface WeightedSumTrace {
  /** x_i · w_i for each input. */
  products: number[];
  /** Σ x_i w_i + b. */
  sum: number;
  /** 1 when the sum is > 0, else 0. */
  output: 0 | 1;
}

/**
 * The simplest network: one unit that outputs 1 when Σ x_i w_i + b > 0 and 0 otherwise.
 */
export function traceWeightedSum(x: readonly number[], w: readonly number[], b: number): WeightedSumTrace {
  if (x.length !== w.length) {
    throw new RangeError(`traceWeightedSum: ${x.length} inputs but ${w.length} weights; give one weight per input.`);
  }
  const products = x.map((xi, i) => xi * w[i]);
  const sum = products.reduce((s, p) => s + p, 0) + b;
  return { products, sum, output: sum > 0 ? 1 : 0 };
}

/**
 * Two inputs to the same unit (weights 2, −1, 5 and bias 2). For the first,
 * (−3)(2) + 5(−1) + 2(5) + 2 = 1, so the unit outputs 1. (A widely shown slide prints
 * −1 and output 0 for this sum: an arithmetic slip worth spotting.) The second gives 2.
 */
export const SIMPLEST_NETWORK_EXAMPLES = [
  { x: [-3, 5, 2], w: [2, -1, 5], b: 2 },
  { x: [-1, 3, 1], w: [2, -1, 5], b: 2 },
] as const;

// -------------------------------------------------------------------------------------
// One sigmoid neuron
// -------------------------------------------------------------------------------------

export interface SigmoidNeuronTrace {
  z: number;
  /** ŷ = φ(z) = σ(z). */
  yPred: number;
  /** E = ½ (y − ŷ)². */
  error: number;
  /** ∂E/∂ŷ = −(y − ŷ). */
  dE_dyPred: number;
  /** ∂φ/∂z = σ(z)(1 − σ(z)). */
  dPhi_dz: number;
  /** ∂z/∂w = x. */
  dz_dw: number;
  /** ∂E/∂w = −(y − ŷ) · σ(z)(1 − σ(z)) · x. */
  dE_dw: number;
  /** Δw = −α ∂E/∂w. */
  deltaW: number;
  /** w + Δw. */
  newW: number;
}

/**
 * One sigmoid neuron without bias: z = w x, ŷ = σ(z), E = ½ (y − ŷ)², and one step of
 * gradient descent, w ← w − α ∂E/∂w, by the chain rule
 *   ∂E/∂w = ∂E/∂ŷ · ∂ŷ/∂z · ∂z/∂w = −(y − ŷ) · σ(z)(1 − σ(z)) · x.
 */
export function traceSigmoidNeuron(p: { x: number; w: number; yTrue: number; learningRate: number }): SigmoidNeuronTrace {
  const z = p.w * p.x;
  const yPred = sigmoidOf(z);
  const error = 0.5 * (p.yTrue - yPred) ** 2;
  const dE_dyPred = -(p.yTrue - yPred);
  const dPhi_dz = yPred * (1 - yPred);
  const dz_dw = p.x;
  const dE_dw = dE_dyPred * dPhi_dz * dz_dw;
  const deltaW = -p.learningRate * dE_dw;
  return { z, yPred, error, dE_dyPred, dPhi_dz, dz_dw, dE_dw, deltaW, newW: p.w + deltaW };
}

// -------------------------------------------------------------------------------------
// A chain of two linear units
// -------------------------------------------------------------------------------------

export interface ScalarChainParams {
  x: number;
  y: number;
  /** Hidden unit: h1 = w11 · x + w12 (w12 is its bias). */
  w11: number;
  w12: number;
  /** Output unit: o1 = w21 · h1 + w22 (w22 is its bias). */
  w21: number;
  w22: number;
  learningRate: number;
}

/** One input, one hidden unit, one output, no activations: x = 2, y = 5, weights 1, 2, 3, 4, η = 0.01. */
export const SCALAR_CHAIN_EXAMPLE: ScalarChainParams = { x: 2, y: 5, w11: 1, w12: 2, w21: 3, w22: 4, learningRate: 0.01 };

export interface ScalarChainTrace {
  h1: number;
  o1: number;
  /** E = (o1 − y)² (squared error, no ½). */
  E: number;
  /** ∂E/∂o1 = 2 (o1 − y). */
  dE_do1: number;
  /** ∂o1/∂w21 = h1, ∂o1/∂w22 = 1, ∂o1/∂h1 = w21. */
  do1_dw21: number;
  do1_dw22: number;
  do1_dh1: number;
  /** ∂h1/∂w11 = x, ∂h1/∂w12 = 1. */
  dh1_dw11: number;
  dh1_dw12: number;
  gradients: { w11: number; w12: number; w21: number; w22: number };
  /** w − η ∂E/∂w for each weight (all computed from the old weights). */
  newWeights: { w11: number; w12: number; w21: number; w22: number };
}

/**
 * Backprop by hand on the shortest possible chain, x → h1 → o1:
 *   h1 = w11 x + w12,   o1 = w21 h1 + w22,   E = (o1 − y)²
 *   ∂E/∂w21 = ∂E/∂o1 · h1          ∂E/∂w22 = ∂E/∂o1 · 1
 *   ∂E/∂w11 = ∂E/∂o1 · w21 · x     ∂E/∂w12 = ∂E/∂o1 · w21 · 1
 */
export function traceScalarChain(p: ScalarChainParams = SCALAR_CHAIN_EXAMPLE): ScalarChainTrace {
  const h1 = p.w11 * p.x + p.w12;
  const o1 = p.w21 * h1 + p.w22;
  const E = (o1 - p.y) ** 2;
  const dE_do1 = 2 * (o1 - p.y);
  const do1_dw21 = h1;
  const do1_dw22 = 1;
  const do1_dh1 = p.w21;
  const dh1_dw11 = p.x;
  const dh1_dw12 = 1;
  const gradients = {
    w21: dE_do1 * do1_dw21,
    w22: dE_do1 * do1_dw22,
    w11: dE_do1 * do1_dh1 * dh1_dw11,
    w12: dE_do1 * do1_dh1 * dh1_dw12,
  };
  const step = (w: number, g: number) => w - p.learningRate * g;
  return {
    h1,
    o1,
    E,
    dE_do1,
    do1_dw21,
    do1_dw22,
    do1_dh1,
    dh1_dw11,
    dh1_dw12,
    gradients,
    newWeights: {
      w11: step(p.w11, gradients.w11),
      w12: step(p.w12, gradients.w12),
      w21: step(p.w21, gradients.w21),
      w22: step(p.w22, gradients.w22),
    },
  };
}

// -------------------------------------------------------------------------------------
// A forward pass, layer by layer
// -------------------------------------------------------------------------------------

export interface TraceLayer {
  /** w_ij connects unit j of the previous layer to unit i of this one (one row per unit of this layer). */
  W: readonly (readonly number[])[];
  b: readonly number[];
  /** The activation, default the sigmoid. */
  activation?: (z: number) => number;
}

export interface ForwardPassTrace {
  /** layers[k] holds z and a of the (k + 2)-th layer, counting the input as layer 1. */
  layers: { z: number[]; a: number[] }[];
  output: number[];
}

/**
 * The forward pass in the notation where the input is layer 1:
 *   a(1) = x;   z_i(l) = Σ_j w_ij(l) a_j(l − 1) + b_i(l);   a_i(l) = h(z_i(l)).
 * In matrix form z(l) = W(l) a(l − 1) + b(l), with one row of W(l) per unit of layer l.
 */
export function traceForwardPass(x: readonly number[], layers: readonly TraceLayer[]): ForwardPassTrace {
  let a = [...x];
  const out: ForwardPassTrace["layers"] = [];
  layers.forEach((layer, k) => {
    if (layer.b.length !== layer.W.length) {
      throw new RangeError(`traceForwardPass: layer ${k + 2} has ${layer.W.length} rows of weights but ${layer.b.length} biases.`);
    }
    const h = layer.activation ?? sigmoidOf;
    const z = layer.W.map((row, i) => {
      if (row.length !== a.length) {
        throw new RangeError(
          `traceForwardPass: layer ${k + 2}, unit ${i + 1} has ${row.length} weights but the layer below has ${a.length} outputs.`,
        );
      }
      return row.reduce((s, w, j) => s + w * a[j], layer.b[i]);
    });
    a = z.map(h);
    out.push({ z, a });
  });
  return { layers: out, output: a };
}

/**
 * A 3-2-2 sigmoid network with input x = (3, 0, 1):
 *   z(2) = (1.3, 1.5), a(2) = (0.7858, 0.8176), z(3) = (0.8389, 0.7056), a(3) = (0.6982, 0.6694).
 */
export const FORWARD_PASS_EXAMPLE = {
  x: [3, 0, 1],
  layers: [
    {
      W: [
        [0.1, 0.2, 0.6],
        [0.4, 0.3, 0.1],
      ],
      b: [0.4, 0.2],
    },
    {
      W: [
        [0.2, 0.1],
        [0.1, 0.4],
      ],
      b: [0.6, 0.3],
    },
  ],
} as const;

// -------------------------------------------------------------------------------------
// Mazur's 2-2-2 network
// -------------------------------------------------------------------------------------

export interface MazurParams {
  i1: number;
  i2: number;
  /** Targets of o1 and o2. */
  t1: number;
  t2: number;
  /** Input → hidden: net_h1 = w1 i1 + w2 i2 + b1, net_h2 = w3 i1 + w4 i2 + b1. */
  w1: number;
  w2: number;
  w3: number;
  w4: number;
  /** Hidden → output: net_o1 = w5 out_h1 + w6 out_h2 + b2, net_o2 = w7 out_h1 + w8 out_h2 + b2. */
  w5: number;
  w6: number;
  w7: number;
  w8: number;
  /** One bias shared by both hidden units, one shared by both outputs. */
  b1: number;
  b2: number;
  learningRate: number;
}

/** Matt Mazur's example: inputs 0.05, 0.10; targets 0.01, 0.99; weights 0.15 … 0.55; biases 0.35, 0.60; η = 0.5. */
export const MAZUR_EXAMPLE: MazurParams = {
  i1: 0.05,
  i2: 0.1,
  t1: 0.01,
  t2: 0.99,
  w1: 0.15,
  w2: 0.2,
  w3: 0.25,
  w4: 0.3,
  w5: 0.4,
  w6: 0.45,
  w7: 0.5,
  w8: 0.55,
  b1: 0.35,
  b2: 0.6,
  learningRate: 0.5,
};

type Weights8 = { w1: number; w2: number; w3: number; w4: number; w5: number; w6: number; w7: number; w8: number };

export interface MazurTrace {
  forward: {
    netH1: number;
    outH1: number;
    netH2: number;
    outH2: number;
    netO1: number;
    outO1: number;
    netO2: number;
    outO2: number;
  };
  /** E_o = ½ (target − out)² per output and their sum E_total. */
  errors: { Eo1: number; Eo2: number; total: number };
  /** The output layer: ∂E/∂out, ∂out/∂net = out(1 − out), and δ = their product, per output. */
  outputLayer: {
    dE_dOutO1: number;
    dOutO1_dNetO1: number;
    deltaO1: number;
    dE_dOutO2: number;
    dOutO2_dNetO2: number;
    deltaO2: number;
  };
  /** The hidden layer: how each output's error reaches out_h1 and out_h2, and δ per hidden unit. */
  hiddenLayer: {
    dEo1_dOutH1: number;
    dEo2_dOutH1: number;
    dE_dOutH1: number;
    dOutH1_dNetH1: number;
    deltaH1: number;
    dEo1_dOutH2: number;
    dEo2_dOutH2: number;
    dE_dOutH2: number;
    dOutH2_dNetH2: number;
    deltaH2: number;
  };
  /** ∂E_total/∂w for the eight weights. */
  gradients: Weights8;
  /** ∂E_total/∂b for the two shared biases (the example itself leaves the biases fixed). */
  biasGradients: { b1: number; b2: number };
  /** w − η ∂E_total/∂w, every gradient taken at the old weights. */
  newWeights: Weights8;
}

/**
 * Forward pass, total error, backward pass and one gradient-descent step for a 2-2-2
 * network of sigmoid units with squared error E_total = Σ ½ (target − out)².
 *
 * Output weights (w5 … w8):  ∂E/∂w5 = ∂E/∂out_o1 · ∂out_o1/∂net_o1 · ∂net_o1/∂w5 = δ_o1 · out_h1
 * Hidden weights (w1 … w4):  ∂E/∂w1 = (δ_o1 w5 + δ_o2 w7) · out_h1 (1 − out_h1) · i1 = δ_h1 · i1
 * since out_h1 feeds both outputs, its error collects both paths.
 */
export function traceMazurBackprop(p: MazurParams = MAZUR_EXAMPLE): MazurTrace {
  // Forward pass.
  const netH1 = p.w1 * p.i1 + p.w2 * p.i2 + p.b1;
  const outH1 = sigmoidOf(netH1);
  const netH2 = p.w3 * p.i1 + p.w4 * p.i2 + p.b1;
  const outH2 = sigmoidOf(netH2);
  const netO1 = p.w5 * outH1 + p.w6 * outH2 + p.b2;
  const outO1 = sigmoidOf(netO1);
  const netO2 = p.w7 * outH1 + p.w8 * outH2 + p.b2;
  const outO2 = sigmoidOf(netO2);
  const Eo1 = 0.5 * (p.t1 - outO1) ** 2;
  const Eo2 = 0.5 * (p.t2 - outO2) ** 2;

  // Output layer: δ_o = ∂E/∂out_o · ∂out_o/∂net_o.
  const dE_dOutO1 = -(p.t1 - outO1);
  const dOutO1_dNetO1 = outO1 * (1 - outO1);
  const deltaO1 = dE_dOutO1 * dOutO1_dNetO1;
  const dE_dOutO2 = -(p.t2 - outO2);
  const dOutO2_dNetO2 = outO2 * (1 - outO2);
  const deltaO2 = dE_dOutO2 * dOutO2_dNetO2;

  // Hidden layer: each hidden output reaches E through both output units.
  const dEo1_dOutH1 = deltaO1 * p.w5;
  const dEo2_dOutH1 = deltaO2 * p.w7;
  const dE_dOutH1 = dEo1_dOutH1 + dEo2_dOutH1;
  const dOutH1_dNetH1 = outH1 * (1 - outH1);
  const deltaH1 = dE_dOutH1 * dOutH1_dNetH1;
  const dEo1_dOutH2 = deltaO1 * p.w6;
  const dEo2_dOutH2 = deltaO2 * p.w8;
  const dE_dOutH2 = dEo1_dOutH2 + dEo2_dOutH2;
  const dOutH2_dNetH2 = outH2 * (1 - outH2);
  const deltaH2 = dE_dOutH2 * dOutH2_dNetH2;

  const gradients: Weights8 = {
    w1: deltaH1 * p.i1,
    w2: deltaH1 * p.i2,
    w3: deltaH2 * p.i1,
    w4: deltaH2 * p.i2,
    w5: deltaO1 * outH1,
    w6: deltaO1 * outH2,
    w7: deltaO2 * outH1,
    w8: deltaO2 * outH2,
  };
  const eta = p.learningRate;
  const newWeights = { ...gradients };
  for (const key of Object.keys(gradients) as (keyof Weights8)[]) newWeights[key] = p[key] - eta * gradients[key];

  return {
    forward: { netH1, outH1, netH2, outH2, netO1, outO1, netO2, outO2 },
    errors: { Eo1, Eo2, total: Eo1 + Eo2 },
    outputLayer: { dE_dOutO1, dOutO1_dNetO1, deltaO1, dE_dOutO2, dOutO2_dNetO2, deltaO2 },
    hiddenLayer: {
      dEo1_dOutH1,
      dEo2_dOutH1,
      dE_dOutH1,
      dOutH1_dNetH1,
      deltaH1,
      dEo1_dOutH2,
      dEo2_dOutH2,
      dE_dOutH2,
      dOutH2_dNetH2,
      deltaH2,
    },
    gradients,
    biasGradients: { b1: deltaH1 + deltaH2, b2: deltaO1 + deltaO2 },
    newWeights,
  };
}
