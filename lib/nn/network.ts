/**
 * A fully connected feedforward network, trained by backpropagation, written to read
 * like the math.
 *
 *   const net = new Network([2, 4, 2, 1], ["tanh", "tanh", "sigmoid"], { seed: 1 });
 *   const history = net.train(X, y, { epochs: 300, batchSize: 16, learningRate: 0.5 });
 *   net.predictClasses(X);
 *
 * Notation (Nielsen's, with samples as rows). Layers are numbered l = 1 … L; the input
 * is a⁰ = X, one row per sample.
 *
 *   z^l = a^(l−1) · W^l + b^l          W^l is n_(l−1) × n_l, b^l is a 1 × n_l row
 *   a^l = φ_l(z^l)                     φ_l is layer l's activation
 *
 * The cost C is the mean over the batch of a per-sample loss (see losses.ts). Backprop
 * computes the error of each layer, δ^l = ∂C/∂z^l, and from it every gradient. These are
 * the four equations of backpropagation, in matrix form over a batch (⊙ is the
 * entrywise product):
 *
 *   (BP1)  δ^L = ∇_a C ⊙ φ'_L(z^L)                       error at the output layer
 *   (BP2)  δ^l = (δ^(l+1) · (W^(l+1))ᵀ) ⊙ φ'_l(z^l)      error moves one layer back
 *   (BP3)  ∂C/∂b^l = Σ_samples δ^l                       bias gradient: the error itself
 *   (BP4)  ∂C/∂W^l = (a^(l−1))ᵀ · δ^l                    weight gradient: input × error
 *
 * (Nielsen writes W^l as n_l × n_(l−1) and a as a column, so his BP2 reads
 * ((W^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l) and BP4 reads δ^l (a^(l−1))ᵀ; with samples as rows
 * everything is transposed, and the sums over the batch come out of the products.)
 *
 * The class holds the network itself: initialization, feedforward, backprop and
 * training. Beside it, network-inputs.ts turns the X and y a method is given into
 * checked matrices, divergence.ts says where training broke down when the loss stops
 * being a finite number, and history.ts declares the record of each epoch.
 */
import { checkLearningRate } from "../core/checks";
import { Matrix, type DType } from "../core/matrix";
import { matmulTransA, matmulTransB } from "../core/products";
import { matmulAddRow, matmulAddRowRelu, matmulTransBTimesStep } from "../core/fused";
import { argmaxRows, gatherRows, sumColumns } from "../core/ops";
import { residentCopy, residentZeros } from "../core/resident";
import { Random, type SeedOrRandom, toRandom } from "../data/random";
import { type Activation, type ActivationName, getActivation, isActivation, relu, sigmoid, softmax } from "./activations";
import { binaryCrossEntropy, categoricalCrossEntropy, getLoss, halfSquaredError, type Loss, type LossName } from "./losses";
import { getInitializer, type Initializer, type InitializerName, zeros } from "./initializers";
import { getOptimizer, type Optimizer, type OptimizerName } from "./optimizers";
import type { EpochRecord, History } from "./history";
import { allFinite, inputMatrix, targetMatrix, type Inputs, type Targets } from "./network-inputs";
import { trainingDivergedError } from "./divergence";

export interface NetworkOptions {
  /**
   * How to draw the initial weights: one initializer for all layers or one per layer.
   * Default: He normal for ReLU-like layers, Glorot uniform for the others.
   */
  init?: InitializerName | Initializer | readonly (InitializerName | Initializer)[];
  /** How to set the initial biases (default zeros). */
  biasInit?: InitializerName | Initializer;
  /**
   * The loss the network minimizes. Default: categorical cross-entropy after softmax,
   * binary cross-entropy after sigmoid, half the squared error otherwise.
   */
  loss?: LossName | Loss;
  /** Seed (or generator) for the initial weights. */
  seed?: SeedOrRandom;
  /** "float64" (default; exact enough for gradient checks) or "float32" (faster). */
  dtype?: DType;
}

/** Everything the forward pass computed: zs[l − 1] = z^l and activations[l] = a^l (activations[0] = X). */
export interface ForwardPass {
  zs: Matrix[];
  activations: Matrix[];
}

/** What backprop returns: the gradients ∂C/∂W^l, ∂C/∂b^l, the errors δ^l and the cost. */
export interface Gradients {
  weights: Matrix[];
  biases: Matrix[];
  deltas: Matrix[];
  cost: number;
  forward: ForwardPass;
}

export interface EarlyStoppingOptions {
  /** Epochs to wait for an improvement of the validation loss before stopping (default 10). */
  patience?: number;
  /** The smallest decrease that counts as an improvement (default 0). */
  minDelta?: number;
  /** Put back the weights of the best epoch when stopping (default true). */
  restoreBestWeights?: boolean;
}

export interface TrainOptions {
  /** Passes over the training set (default 100). */
  epochs?: number;
  /**
   * Samples per gradient step (default 32, or all when there are fewer).
   * batchSize = m (all samples) is batch gradient descent, 1 is stochastic gradient
   * descent, anything between is mini-batch gradient descent.
   */
  batchSize?: number;
  /**
   * η (default DEFAULT_LEARNING_RATE of the optimizer: 0.1 for SGD and momentum, 0.001
   * for RMSProp and Adam). An Optimizer object keeps its own rate: leave this out then.
   */
  learningRate?: number;
  /** "sgd" (default), "momentum", "rmsprop", "adam", or an Optimizer object. */
  optimizer?: OptimizerName | Optimizer;
  /** Overrides the network's loss for this training run. */
  loss?: LossName | Loss;
  /**
   * L2 weight decay λ: before each step the weights shrink, w ← (1 − ηλ/n) w, n being
   * the training set size. With plain SGD this is exactly gradient descent on
   * C + (λ/2n) Σ w². Biases are not decayed.
   */
  l2?: number;
  /** L1 regularization λ: w ← w − (ηλ/n) sgn(w) before each step (drives weights to exactly 0). */
  l1?: number;
  /**
   * Dropout: the probability of dropping each hidden unit during training (one number for
   * all hidden layers, or one per hidden layer). Kept units are scaled by 1/(1 − p)
   * ("inverted dropout"), so nothing changes at prediction time.
   */
  dropout?: number | readonly number[];
  /** Reshuffle the samples every epoch (default true). */
  shuffle?: boolean;
  /** Seed for shuffling and dropout (default 42). */
  seed?: SeedOrRandom;
  /** Data to measure after every epoch (never trained on): `{ X, y }`. */
  validationData?: { X: Inputs; y: Targets };
  /** Stop when the validation loss stops improving (needs validationData). */
  earlyStopping?: EarlyStoppingOptions | boolean;
  /** Called after every epoch; return false to stop training. */
  onEpochEnd?: (record: EpochRecord, net: Network) => void | boolean;
}

/**
 * Buffers for one batch size, reused from batch to batch so training makes no garbage.
 * A forward-only workspace (prediction) holds just the z and a of each layer.
 */
class Workspace {
  /** The batch being trained on (training workspaces only). */
  readonly input: Matrix;
  readonly target: Matrix;
  readonly zs: Matrix[] = [];
  /** φ(z) before dropout (what φ' needs). */
  readonly raw: Matrix[] = [];
  /** a^l after dropout (what the next layer sees); the same matrix as raw[l] without dropout. */
  readonly as: Matrix[] = [];
  readonly masks: (Matrix | null)[] = [];
  /** δ^l = ∂C/∂z^l. */
  readonly deltas: Matrix[] = [];
  /** ∂C/∂a^l, before the activation's backward step. */
  readonly dAs: Matrix[] = [];
  readonly gradW: Matrix[] = [];
  readonly gradB: Matrix[] = [];

  constructor(net: Network, rows: number, options: { backward?: boolean; dropout?: readonly number[] } = {}) {
    const { backward = false, dropout = [] } = options;
    const dtype = net.dtype;
    const s = net.sizes;
    const L = s.length - 1;
    // A training run's buffers are resident (they live where the core's kernels compute,
    // lib/core/resident.ts), so the products and steps of each batch copy nothing.
    // A prediction's are ordinary: made for each call, and as large as the data.
    const zeros = (r: number, c: number) => (backward ? residentZeros(r, c, dtype) : Matrix.zeros(r, c, dtype));
    this.input = zeros(backward ? rows : 0, s[0]);
    this.target = zeros(backward ? rows : 0, s[L]);
    for (let l = 1; l <= L; l++) {
      const n = s[l];
      const hasDropout = l < L && (dropout[l - 1] ?? 0) > 0;
      this.zs.push(zeros(rows, n));
      const raw = zeros(rows, n);
      this.raw.push(raw);
      this.as.push(hasDropout ? zeros(rows, n) : raw);
      this.masks.push(hasDropout ? zeros(rows, n) : null);
      if (!backward) continue;
      this.deltas.push(zeros(rows, n));
      this.dAs.push(zeros(rows, n));
      this.gradW.push(zeros(s[l - 1], n));
      this.gradB.push(zeros(1, n));
    }
  }
}

function isReluLike(act: Activation): boolean {
  return act.name.startsWith("relu") || act.name.startsWith("leaky-relu");
}

export class Network {
  /** Units per layer, input first: [n_0, n_1, …, n_L]. */
  readonly sizes: readonly number[];
  /** φ_l for l = 1 … L (activations[l − 1] belongs to layer l). */
  readonly activations: readonly Activation[];
  /** W^l for l = 1 … L, each n_(l−1) × n_l (weights[l − 1] belongs to layer l). */
  readonly weights: Matrix[];
  /** b^l for l = 1 … L, each 1 × n_l. */
  readonly biases: Matrix[];
  readonly dtype: DType;
  /** The loss that training minimizes and `cost` measures. */
  loss: Loss;
  /** Training buffers by batch size (see trainingWorkspace). */
  private readonly workspaces = new Map<string, Workspace>();

  constructor(
    sizes: readonly number[],
    activations: ActivationName | Activation | readonly (ActivationName | Activation)[] = "sigmoid",
    options: NetworkOptions = {},
  ) {
    if (!Array.isArray(sizes) || sizes.length < 2) {
      throw new RangeError(
        `Network: sizes must list at least two layers (inputs and outputs), like [2, 3, 1]; got ${JSON.stringify(sizes)}.`,
      );
    }
    sizes.forEach((n, l) => {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`Network: layer ${l} has ${n} units; every layer needs a whole number ≥ 1.`);
    });
    const L = sizes.length - 1;
    if (typeof activations === "object" && activations !== null && !Array.isArray(activations) && !isActivation(activations)) {
      throw new TypeError(
        `Network: the second argument is the activations (a name like "relu", or one per layer), not an object with ${Object.keys(activations).join(", ") || "no keys"}; ` +
          'the options come third: new Network([784, 30, 10], "sigmoid", { seed: 1 }).',
      );
    }
    const specs = Array.isArray(activations) ? activations : new Array(L).fill(activations);
    if (specs.length !== L) {
      throw new RangeError(
        `Network: ${L} layers after the input need ${L} activations, got ${specs.length}; list one per layer, like ["tanh", "sigmoid"] for [2, 3, 1].`,
      );
    }
    this.sizes = [...sizes];
    this.activations = specs.map((a: ActivationName | Activation) => getActivation(a));
    this.dtype = options.dtype ?? "float64";
    const output = this.activations[L - 1];
    this.loss = getLoss(
      options.loss ?? (output === softmax ? categoricalCrossEntropy : output === sigmoid ? binaryCrossEntropy : halfSquaredError),
    );

    const rng = toRandom(options.seed);
    if (Array.isArray(options.init) && options.init.length !== L) {
      throw new RangeError(
        `Network: init lists ${options.init.length} initializers but the network has ${L} layers; give one per layer or a single one.`,
      );
    }
    const inits = this.activations.map((act, l) => {
      const spec = Array.isArray(options.init) ? options.init[l] : options.init;
      return getInitializer((spec as InitializerName | Initializer | undefined) ?? (isReluLike(act) ? "he-normal" : "glorot-uniform"));
    });
    const biasInit = getInitializer(options.biasInit ?? zeros);
    this.weights = [];
    this.biases = [];
    for (let l = 1; l <= L; l++) {
      const fanIn = sizes[l - 1];
      const fanOut = sizes[l];
      // Resident, like the training buffers (see Workspace).
      this.weights.push(residentCopy(Matrix.generate(fanIn, fanOut, () => inits[l - 1].sample(fanIn, fanOut, rng), this.dtype)));
      this.biases.push(residentCopy(Matrix.generate(1, fanOut, () => biasInit.sample(fanIn, fanOut, rng), this.dtype)));
    }
  }

  /** The number of layers after the input (L). */
  get depth(): number {
    return this.sizes.length - 1;
  }

  /** The number of weights and biases. */
  get parameterCount(): number {
    return this.weights.reduce((n, W, l) => n + W.data.length + this.biases[l].data.length, 0);
  }

  /** All parameter matrices in the order W¹, b¹, W², b², … (the order optimizers see). */
  parameters(): Matrix[] {
    return this.weights.flatMap((W, l) => [W, this.biases[l]]);
  }

  /**
   * Sets layer l's weights and biases (l = 1 … L). W is given as n_(l−1) × n_l nested
   * arrays: W[i][j] connects input unit i to unit j of layer l.
   */
  setLayer(l: number, W: readonly (readonly number[])[], b: readonly number[]): this {
    if (!Number.isInteger(l) || l < 1 || l > this.depth)
      throw new RangeError(`setLayer: layers are numbered 1 to ${this.depth}, got ${l}.`);
    const rows = this.sizes[l - 1];
    const cols = this.sizes[l];
    if (W.length !== rows || W.some((r) => r.length !== cols)) {
      throw new RangeError(`setLayer(${l}): W must be ${rows}×${cols} (inputs × units) nested arrays.`);
    }
    if (b.length !== cols) throw new RangeError(`setLayer(${l}): b must have ${cols} entries, got ${b.length}.`);
    this.weights[l - 1].data.set(W.flat());
    this.biases[l - 1].data.set(b);
    return this;
  }

  /**
   * The training buffers for batches of `rows` samples, kept from one train() call to
   * the next: a notebook that trains an epoch at a time (to plot as it goes) then does
   * not make new ones each time. At most a few batch sizes are kept.
   */
  private trainingWorkspace(rows: number, dropout: readonly number[]): Workspace {
    const key = `${rows} ${dropout.join(",")}`;
    let ws = this.workspaces.get(key);
    if (ws === undefined) {
      ws = new Workspace(this, rows, { backward: true, dropout });
      if (this.workspaces.size >= 4) this.workspaces.delete(this.workspaces.keys().next().value!);
      this.workspaces.set(key, ws);
    }
    return ws;
  }

  /** An independent copy (same weights, activations, loss and dtype). */
  clone(): Network {
    const copy = new Network(this.sizes, this.activations, { dtype: this.dtype, loss: this.loss, init: zeros });
    this.weights.forEach((W, l) => copy.weights[l].data.set(W.data));
    this.biases.forEach((b, l) => copy.biases[l].data.set(b.data));
    return copy;
  }

  // ---------------------------------------------------------------------------------
  // Feedforward
  // ---------------------------------------------------------------------------------

  /** The network's output for every row of X: a^L. */
  predict(X: Inputs): Matrix {
    const input = this.toInputs("predict", X);
    return this.feedforward(input, new Workspace(this, input.rows));
  }

  /**
   * Feedforward that keeps every intermediate quantity: z^l and a^l for every layer
   * (activations[0] is X itself).
   */
  forward(X: Inputs): ForwardPass {
    const input = this.toInputs("forward", X);
    const ws = new Workspace(this, input.rows);
    this.feedforward(input, ws);
    return { zs: ws.zs, activations: [input, ...ws.as] };
  }

  /** The class of every row: argmax of the outputs, or output ≥ threshold for a single output. */
  predictClasses(X: Inputs): number[] {
    const out = this.predict(X);
    if (out.cols > 1) return argmaxRows(out);
    const t = this.decisionThreshold();
    return Array.from(out.data, (v) => (v >= t ? 1 : 0));
  }

  /** The cost C of the network on (X, y): the mean loss over the samples. */
  cost(X: Inputs, y: Targets, loss: Loss = this.loss): number {
    const input = this.toInputs("cost", X);
    const target = this.toTargets("cost", y, input.rows, loss);
    return loss.value(this.feedforward(input, new Workspace(this, input.rows)), target);
  }

  /** Loss and (for classification losses) accuracy on (X, y). */
  evaluate(X: Inputs, y: Targets, loss: Loss = this.loss): { loss: number; accuracy?: number } {
    const input = this.toInputs("evaluate", X);
    const target = this.toTargets("evaluate", y, input.rows, loss);
    const output = this.feedforward(input, new Workspace(this, input.rows));
    const result: { loss: number; accuracy?: number } = { loss: loss.value(output, target) };
    if (loss.targets !== "real") result.accuracy = this.countCorrect(output, target, loss) / input.rows;
    return result;
  }

  /**
   * a⁰ = X;  for l = 1 … L:  z^l = a^(l−1) W^l + b^l,  a^l = φ_l(z^l)
   * (then, in training with dropout, a^l ← a^l ⊙ mask^l for hidden layers).
   */
  private feedforward(X: Matrix, ws: Workspace, rng?: Random, dropout: readonly number[] = []): Matrix {
    let a = X;
    for (let l = 0; l < this.depth; l++) {
      // z = a·W + b, then φ(z); a ReLU layer does both in one pass (lib/core/fused.ts), same numbers.
      if (this.activations[l] === relu) matmulAddRowRelu(a, this.weights[l], this.biases[l], ws.zs[l], ws.raw[l]);
      else this.activations[l].forward(matmulAddRow(a, this.weights[l], this.biases[l], ws.zs[l]), ws.raw[l]);
      const mask = ws.masks[l];
      if (mask && rng) {
        // Inverted dropout: drop with probability p, scale the survivors by 1/(1 − p).
        const keep = 1 - dropout[l];
        const m = mask.data;
        const raw = ws.raw[l].data;
        const out = ws.as[l].data;
        for (let i = 0; i < m.length; i++) {
          m[i] = rng.next() < keep ? 1 / keep : 0;
          out[i] = raw[i] * m[i];
        }
      } else if (mask) {
        ws.as[l].data.set(ws.raw[l].data);
      }
      a = ws.as[l];
    }
    return a;
  }

  // ---------------------------------------------------------------------------------
  // Backpropagation
  // ---------------------------------------------------------------------------------

  /**
   * The gradient of the cost on the batch (X, y) with respect to every weight and bias,
   * by backpropagation. Returns ∂C/∂W^l, ∂C/∂b^l, the errors δ^l and the cost itself.
   */
  backprop(X: Inputs, y: Targets, loss: Loss = this.loss): Gradients {
    const input = this.toInputs("backprop", X);
    const target = this.toTargets("backprop", y, input.rows, loss);
    const ws = new Workspace(this, input.rows, { backward: true });
    const output = this.feedforward(input, ws);
    const cost = loss.value(output, target);
    this.backward(input, target, ws, loss);
    return {
      weights: ws.gradW,
      biases: ws.gradB,
      deltas: ws.deltas,
      cost,
      forward: { zs: ws.zs, activations: [input, ...ws.as] },
    };
  }

  /** Fills ws.gradW and ws.gradB from the forward pass stored in ws. */
  private backward(X: Matrix, Y: Matrix, ws: Workspace, loss: Loss): void {
    const L = this.depth;
    // (BP1) the error of the output layer.
    outputDelta(this.activations[L - 1], loss, ws.zs[L - 1], ws.raw[L - 1], Y, ws.dAs[L - 1], ws.deltas[L - 1]);
    for (let l = L - 1; l >= 0; l--) {
      const delta = ws.deltas[l];
      const aPrev = l === 0 ? X : ws.as[l - 1];
      // (BP4) ∂C/∂W = (a^(l−1))ᵀ δ^l     (BP3) ∂C/∂b = Σ_samples δ^l
      matmulTransA(aPrev, delta, ws.gradW[l]);
      sumColumns(delta, ws.gradB[l]);
      if (l === 0) break;
      // (BP2) δ^(l−1) = (δ^l (W^l)ᵀ ⊙ mask) ⊙ φ'(z^(l−1)): first ∂C/∂a^(l−1), then through φ.
      const mask = ws.masks[l - 1];
      if (!mask && this.activations[l - 1] === relu) {
        // ReLU without dropout: φ'(z) = [z > 0], in one pass with the product (lib/core/fused.ts).
        matmulTransBTimesStep(delta, this.weights[l], ws.zs[l - 1], ws.deltas[l - 1]);
        continue;
      }
      const dA = matmulTransB(delta, this.weights[l], ws.dAs[l - 1]);
      if (mask) {
        const g = dA.data;
        const m = mask.data;
        for (let i = 0; i < g.length; i++) g[i] *= m[i];
      }
      this.activations[l - 1].backward(ws.zs[l - 1], ws.raw[l - 1], dA, ws.deltas[l - 1]);
    }
  }

  // ---------------------------------------------------------------------------------
  // Training
  // ---------------------------------------------------------------------------------

  /**
   * Gradient descent: for each epoch, shuffle the samples, cut them into batches, and for
   * each batch run feedforward, backprop and one optimizer step. Returns the history.
   */
  train(X: Inputs, y: Targets, options: TrainOptions = {}): History {
    const loss = getLoss(options.loss ?? this.loss);
    const input = this.toInputs("train", X);
    const target = this.toTargets("train", y, input.rows, loss);
    const n = input.rows;
    const { epochs = 100, shuffle = true, l2 = 0, l1 = 0 } = options;
    const batchSize = options.batchSize ?? Math.min(32, n);
    if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`Network.train: epochs must be a whole number ≥ 0, got ${epochs}.`);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`Network.train: batchSize must be a whole number ≥ 1, got ${batchSize}.`);
    }
    for (const [name, v] of [
      ["l2", l2],
      ["l1", l1],
    ] as const) {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`Network.train: ${name} (λ) must be a number ≥ 0, got ${v}.`);
    }
    if (options.learningRate !== undefined) checkLearningRate("Network.train", options.learningRate);
    const optimizer = getOptimizer(options.optimizer ?? "sgd", options.learningRate, "Network.train");
    const dropout = this.dropoutRates(options.dropout);
    const rng = toRandom(options.seed);

    const validation = options.validationData
      ? (() => {
          const vX = this.toInputs("train (validationData.X)", options.validationData.X);
          return { X: vX, Y: this.toTargets("train (validationData.y)", options.validationData.y, vX.rows, loss) };
        })()
      : null;
    const stopping = options.earlyStopping
      ? { patience: 10, minDelta: 0, restoreBestWeights: true, ...(options.earlyStopping === true ? {} : options.earlyStopping) }
      : null;
    if (stopping && !validation) {
      throw new RangeError("Network.train: earlyStopping watches the validation loss; pass validationData: { X, y } as well.");
    }

    const classification = loss.targets !== "real";
    const full = this.trainingWorkspace(Math.min(batchSize, n), dropout);
    const last = n % batchSize === 0 || n < batchSize ? full : this.trainingWorkspace(n % batchSize, dropout);
    const params = this.parameters();
    const history: History = { epochs: [], bestEpoch: 0, stoppedEarly: false, samplesPerSecond: 0 };
    let best = { loss: Infinity, epoch: 0, weights: null as Float64Array[] | null };
    let waited = 0;
    const start = Date.now();
    let seen = 0;

    for (let epoch = 1; epoch <= epochs; epoch++) {
      const epochStart = Date.now();
      const order = shuffle ? rng.permutation(n) : Array.from({ length: n }, (_, i) => i);
      let lossSum = 0;
      let correct = 0;
      for (let b = 0, batch = 0; b < n; b += batchSize, batch++) {
        // 1. Take the next batch of samples.
        const rows = order.slice(b, b + batchSize);
        const ws = rows.length === full.input.rows ? full : last;
        gatherRows(input, rows, ws.input);
        gatherRows(target, rows, ws.target);
        // 2. Feedforward, and measure the loss on the batch.
        const output = this.feedforward(ws.input, ws, dropout.some((p) => p > 0) ? rng : undefined, dropout);
        const batchLoss = loss.value(output, ws.target);
        if (!Number.isFinite(batchLoss)) this.diverged(epoch, batch, rows, `the loss became ${batchLoss}`, optimizer, ws);
        lossSum += batchLoss * rows.length;
        if (classification) correct += this.countCorrect(output, ws.target, loss);
        // 3. Backprop: the gradient of the batch's cost for every weight and bias.
        this.backward(ws.input, ws.target, ws, loss);
        // 4. Regularize, then step against the gradient.
        const eta = optimizer.learningRate;
        if (l2 > 0) this.decayWeights(1 - (eta * l2) / n);
        if (l1 > 0) this.shrinkWeights((eta * l1) / n);
        optimizer.step(
          params,
          ws.gradW.flatMap((gW, l) => [gW, ws.gradB[l]]),
        );
        seen += rows.length;
      }
      // The loss of the epoch's last step is only seen next epoch: check the weights now.
      if (!params.every(allFinite)) {
        const batches = Math.ceil(n / batchSize);
        this.diverged(
          epoch,
          batches - 1,
          order.slice((batches - 1) * batchSize),
          "the weights stopped being finite numbers",
          optimizer,
          last,
        );
      }
      const record: EpochRecord = { epoch, loss: lossSum / n, seconds: (Date.now() - epochStart) / 1000 };
      if (classification) record.accuracy = correct / n;
      if (validation) {
        const out = this.feedforward(validation.X, new Workspace(this, validation.X.rows));
        record.valLoss = loss.value(out, validation.Y);
        if (classification) record.valAccuracy = this.countCorrect(out, validation.Y, loss) / validation.X.rows;
      }
      history.epochs.push(record);
      history.bestEpoch = epoch;
      const keepGoing = options.onEpochEnd?.(record, this);
      if (stopping && record.valLoss !== undefined) {
        if (record.valLoss < best.loss - stopping.minDelta) {
          best = {
            loss: record.valLoss,
            epoch,
            weights: stopping.restoreBestWeights ? params.map((p) => Float64Array.from(p.data)) : null,
          };
          waited = 0;
        } else if (++waited >= stopping.patience) {
          history.stoppedEarly = true;
          break;
        }
      }
      if (keepGoing === false) break;
    }
    if (stopping && history.stoppedEarly && best.weights) {
      params.forEach((p, i) => p.data.set(best.weights![i]));
      history.bestEpoch = best.epoch;
    }
    history.samplesPerSecond = seen / Math.max((Date.now() - start) / 1000, 1e-9);
    return history;
  }

  /** L2 weight decay: W ← factor · W with factor = 1 − ηλ/n (biases untouched). */
  private decayWeights(factor: number): void {
    for (const W of this.weights) {
      const w = W.data;
      for (let i = 0; i < w.length; i++) w[i] *= factor;
    }
  }

  /** L1 shrinkage: W ← W − step · sgn(W) (biases untouched). */
  private shrinkWeights(step: number): void {
    for (const W of this.weights) {
      const w = W.data;
      for (let i = 0; i < w.length; i++) w[i] -= step * Math.sign(w[i]);
    }
  }

  private dropoutRates(spec: number | readonly number[] | undefined): number[] {
    const hidden = this.depth - 1;
    const rates = spec === undefined ? [] : typeof spec === "number" ? new Array(hidden).fill(spec) : [...spec];
    if (typeof spec !== "number" && spec !== undefined && rates.length !== hidden) {
      throw new RangeError(`Network.train: dropout lists ${rates.length} rates but the network has ${hidden} hidden layers.`);
    }
    rates.forEach((p, i) => {
      if (!(p >= 0 && p < 1)) throw new RangeError(`Network.train: dropout for hidden layer ${i + 1} must be in [0, 1), got ${p}.`);
    });
    return rates;
  }

  /** Throws the TrainingDivergedError that says when and where training broke down. */
  private diverged(epoch: number, batch: number, rows: number[], problem: string, optimizer: Optimizer, ws: Workspace): never {
    throw trainingDivergedError(
      problem,
      { epoch, batch, rows },
      { weights: this.weights, biases: this.biases, zs: ws.zs, learningRate: optimizer.learningRate },
    );
  }

  /** How many rows the network classifies right (argmax, or the threshold for one output). */
  private countCorrect(output: Matrix, target: Matrix, loss: Loss = this.loss): number {
    let correct = 0;
    if (output.cols > 1) {
      const predicted = argmaxRows(output);
      const actual = argmaxRows(target);
      for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) correct++;
      return correct;
    }
    const t = this.decisionThreshold(loss);
    // Targets are 0/1 or −1/+1; either way the midpoint separates the classes.
    let hasNegative = false;
    for (let i = 0; i < target.rows; i++) if (target.data[i] < 0) hasNegative = true;
    const targetThreshold = loss.targets === "sign" || hasNegative ? 0 : 0.5;
    for (let i = 0; i < output.rows; i++) {
      if (output.data[i] >= t === target.data[i] >= targetThreshold) correct++;
    }
    return correct;
  }

  /**
   * Where a single output splits the two classes: 0.5 for probabilities (sigmoid and
   * similar), 0 for raw scores (logits, ±1 targets) and for outputs in [−1, 1] (tanh,
   * sign, ramp).
   */
  decisionThreshold(loss: Loss = this.loss): number {
    if (loss.targets === "sign" || loss.name.endsWith("from-logits")) return 0;
    const out = this.activations[this.depth - 1].name;
    return out === "tanh" || out === "sign" || out === "ramp" ? 0 : 0.5;
  }

  /** A short table of the layers, their shapes and parameter counts. */
  summary(): string {
    const lines = ["layer  units  activation         weights      params"];
    lines.push(`0      ${String(this.sizes[0]).padEnd(7)}(input)`);
    for (let l = 1; l <= this.depth; l++) {
      const W = this.weights[l - 1];
      lines.push(
        `${String(l).padEnd(7)}${String(this.sizes[l]).padEnd(7)}${this.activations[l - 1].name.padEnd(19)}${`${W.rows}×${W.cols}`.padEnd(13)}${W.data.length + this.sizes[l]}`,
      );
    }
    lines.push(`total parameters: ${this.parameterCount}; loss: ${this.loss.name}; dtype: ${this.dtype}`);
    return lines.join("\n");
  }

  // ---------------------------------------------------------------------------------
  // Checking what comes in
  // ---------------------------------------------------------------------------------

  /** X as a Matrix of this network's dtype, after checking its shape and values (see network-inputs.ts). */
  toInputs(where: string, X: Inputs): Matrix {
    return inputMatrix(`Network.${where}`, X, this.sizes[0], this.dtype);
  }

  /**
   * Targets as a Matrix with one row per sample and one column per output unit; class
   * labels become one-hot rows or a column (see network-inputs.ts).
   */
  toTargets(where: string, y: Targets, rows: number, loss: Loss = this.loss): Matrix {
    return targetMatrix(`Network.${where}`, y, rows, this.sizes[this.depth], loss, this.dtype);
  }
}

/**
 * (BP1) The output error δ^L = ∂C/∂z^L, written into `delta`.
 *
 * In general: first ∇_a C from the loss, then back through the output activation
 * (⊙ φ'(z) for elementwise ones, the Jacobian for softmax). Two pairings are special
 * because the derivative of the activation cancels against the loss:
 *   sigmoid + binary cross-entropy:       δ = (a − y) / m
 *   softmax + categorical cross-entropy:  δ = (a Σ_k y_k − y) / m   (= (a − y)/m for one-hot y)
 * Computing them directly avoids dividing by a(1 − a), which underflows when a unit
 * saturates: exactly the slow-learning problem cross-entropy was brought in to fix.
 */
export function outputDelta(act: Activation, loss: Loss, Z: Matrix, A: Matrix, Y: Matrix, dA: Matrix, delta: Matrix): Matrix {
  const m = A.rows;
  if ((act === sigmoid && loss === binaryCrossEntropy) || (act === softmax && loss === categoricalCrossEntropy)) {
    const a = A.data;
    const y = Y.data;
    const d = delta.data;
    const k = A.cols;
    for (let i = 0; i < m; i++) {
      let ySum = 1;
      if (act === softmax) {
        ySum = 0;
        for (let j = 0; j < k; j++) ySum += y[i * k + j];
      }
      for (let j = 0; j < k; j++) d[i * k + j] = (a[i * k + j] * ySum - y[i * k + j]) / m;
    }
    return delta;
  }
  loss.gradient(A, Y, dA);
  return act.backward(Z, A, dA, delta);
}
