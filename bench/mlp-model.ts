/**
 * The benchmark's network: a dense ReLU MLP with a softmax output, trained by mini-batch
 * SGD on softmax cross-entropy, written directly on the numeric core (lib/core) with
 * every buffer allocated once, so that the timing measures the arithmetic, not the
 * garbage collector. lib/nn's readable network computes the same thing.
 *
 * Conventions as in lib/core: samples are rows, W is inputs × outputs, Z = X·W + b.
 */
import {
  Matrix,
  addScaledInPlace,
  gatherRows,
  matmulAddRow,
  matmulAddRowRelu,
  matmulTransA,
  matmulTransBTimesStep,
  residentCopy,
  residentZeros,
  sumColumns,
  type DType,
} from "../lib/core";
import { Random } from "../lib/data/random";

/** Uniform numbers in [0, 1) from the library's seeded generator, so runs are repeatable. */
export function seededRandom(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

interface Layer {
  W: Matrix;
  b: Matrix;
  dW: Matrix;
  db: Matrix;
}

/** Per-batch-size activations and gradients, reused across steps. */
interface Buffers {
  X: Matrix;
  Z: Matrix[]; // pre-activations (ReLU in place turns them into activations A)
  dZ: Matrix[];
}

/** Multiply-adds×2 of the matrix products per training sample (forward, dW, and dX except for the input layer). */
export function flopsPerSample(sizes: readonly number[]): number {
  let f = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const w = sizes[l]! * sizes[l + 1]!;
    f += 2 * w * (l === 0 ? 2 : 3);
  }
  return f;
}

export class BenchMlp {
  readonly layers: Layer[] = [];
  private readonly buffers = new Map<number, Buffers>();

  constructor(
    readonly sizes: readonly number[],
    readonly dtype: DType,
    seed = 1,
  ) {
    const rand = seededRandom(seed);
    for (let l = 0; l + 1 < sizes.length; l++) {
      const nIn = sizes[l]!,
        nOut = sizes[l + 1]!;
      // He-uniform initialization: variance 2/nIn suits ReLU.
      const limit = Math.sqrt(6 / nIn);
      // Resident matrices (lib/core/resident.ts): the kernels work on them without copies.
      const W = residentCopy(Matrix.generate(nIn, nOut, () => (2 * rand() - 1) * limit, dtype));
      this.layers.push({ W, b: residentZeros(1, nOut, dtype), dW: residentZeros(nIn, nOut, dtype), db: residentZeros(1, nOut, dtype) });
    }
  }

  private buffersFor(batch: number): Buffers {
    let bufs = this.buffers.get(batch);
    if (!bufs) {
      const s = this.sizes;
      bufs = {
        X: residentZeros(batch, s[0]!, this.dtype),
        Z: s.slice(1).map((n) => residentZeros(batch, n, this.dtype)),
        dZ: s.slice(1).map((n) => residentZeros(batch, n, this.dtype)),
      };
      this.buffers.set(batch, bufs);
    }
    return bufs;
  }

  /**
   * One SGD step on the rows `order[start .. start+batch)` of (x, labels); returns the
   * batch's mean cross-entropy.
   */
  step(x: Matrix, labels: Int32Array, order: Int32Array, start: number, batch: number, lr: number): number {
    const bufs = this.buffersFor(batch);
    const { X, Z, dZ } = bufs;
    // Gather the shuffled rows into the batch matrix (inside the kernels' memory when x is resident).
    gatherRows(x, order.subarray(start, start + batch), X);
    const L = this.layers.length;
    // Forward: Z_l = A_{l-1}·W_l + b_l, ReLU on hidden layers (in place), softmax at the end.
    // The fused products add the bias and apply ReLU as each block of Z is computed.
    let A = X;
    for (let l = 0; l < L; l++) {
      const layer = this.layers[l]!;
      if (l < L - 1) matmulAddRowRelu(A, layer.W, layer.b, Z[l]!, Z[l]);
      else matmulAddRow(A, layer.W, layer.b, Z[l]);
      A = Z[l]!;
    }
    // Softmax + cross-entropy, fused: dZ_last = (softmax(Z) − onehot(y)) / batch.
    const loss = softmaxCrossEntropyGrad(Z[L - 1]!, labels, order, start, dZ[L - 1]!);
    // Backward.
    for (let l = L - 1; l >= 0; l--) {
      const layer = this.layers[l]!;
      const Aprev = l === 0 ? X : Z[l - 1]!;
      matmulTransA(Aprev, dZ[l]!, layer.dW);
      sumColumns(dZ[l]!, layer.db);
      // ReLU backward, fused with the product: Z holds A = relu(Z), positive where Z was.
      if (l > 0) matmulTransBTimesStep(dZ[l]!, layer.W, Z[l - 1]!, dZ[l - 1]);
    }
    // SGD.
    for (const layer of this.layers) {
      addScaledInPlace(layer.W, layer.dW, -lr);
      addScaledInPlace(layer.b, layer.db, -lr);
    }
    return loss;
  }
}

/** Writes (softmax(Z) − onehot) / batch into dZ; returns the mean cross-entropy. */
function softmaxCrossEntropyGrad(Z: Matrix, labels: Int32Array, order: Int32Array, start: number, dZ: Matrix): number {
  const batch = Z.rows,
    k = Z.cols,
    z = Z.data,
    g = dZ.data;
  let loss = 0;
  for (let r = 0; r < batch; r++) {
    const o = r * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (z[o + j]! > max) max = z[o + j]!;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(z[o + j]! - max);
      g[o + j] = e;
      sum += e;
    }
    const y = labels[order[start + r]!]!;
    loss -= Math.log(g[o + y]! / sum);
    const inv = 1 / (sum * batch);
    for (let j = 0; j < k; j++) g[o + j] = g[o + j]! * inv;
    g[o + y] = g[o + y]! - 1 / batch;
  }
  return loss / batch;
}
