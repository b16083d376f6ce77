/**
 * Faster matrix products for TensorFlow.js on the wasm and cpu backends.
 *
 * Where the time goes. Profiling `model.fit` of the course's Fashion-MNIST model
 * (Flatten → Dense(300, relu) → Dense(100, relu) → Dense(10, softmax), batch 32-128)
 * on the wasm backend with `tf.profile` shows about 90% of each step in one kernel,
 * BatchMatMul, and almost all of that in its backward calls: the weight gradient
 * dW = xᵀ·dz and the input gradient dx = dz·Wᵀ are products with transposeA or
 * transposeB set, which the wasm backend computes with a plain loop instead of its
 * XNNPACK path, and on one thread (the wasm backend has no threads in Node). The
 * forward products (_FusedMatMul, through XNNPACK), the activations, the loss and the
 * optimizer together are the other tenth.
 *
 * The fix. This module registers a BatchMatMul kernel for those backends that runs
 * 2-D products (all that Dense layers make, some as 3-D products of a batch of one) on the library's own WebAssembly SIMD
 * kernels (lib/core), which read a transposed operand in place and share large
 * products with a helper thread. Everything else stays tfjs's: the model, `fit`, the
 * gradients, the optimizers. Products the kernel does not cover (batched 3-D products,
 * both operands transposed, other dtypes) go to the backend's original kernel.
 *
 * The results are the same products computed in another order, so they agree with
 * the stock kernel to float32 rounding (tests compare them); `npm run bench -- tfjs`
 * measures `model.fit` with and without them.
 */
import { gemm } from "../core/kernels";

type Tf = typeof import("@tensorflow/tfjs");

interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}

interface KernelArgs {
  inputs: { a: TensorInfo; b: TensorInfo };
  backend: unknown;
  attrs: { transposeA?: boolean; transposeB?: boolean };
}

type KernelFunc = (args: KernelArgs) => TensorInfo;

/** How a backend's tensors are read and made, for the two backends covered. */
interface BackendAccess {
  view(backend: unknown, t: TensorInfo): Float32Array;
  output(backend: unknown, shape: number[]): TensorInfo;
}

const ACCESS: Record<string, BackendAccess> = {
  wasm: {
    // The wasm backend keeps tensors in its WebAssembly heap: a view, no copy.
    view: (backend, t) => (backend as { typedArrayFromHeap(t: TensorInfo): Float32Array }).typedArrayFromHeap(t),
    output: (backend, shape) => (backend as { makeOutput(shape: number[], dtype: string): TensorInfo }).makeOutput(shape, "float32"),
  },
  cpu: {
    view: (backend, t) => (backend as { data: { get(id: object): { values: Float32Array } } }).data.get(t.dataId).values,
    output: (backend, shape) => {
      const values = new Float32Array(shape.reduce((x, y) => x * y, 1));
      return (backend as { makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo }).makeTensorInfo(
        shape,
        "float32",
        values,
      );
    },
  },
};

export interface FastKernelsReport {
  /** Backends whose BatchMatMul now runs on the library's kernels. */
  backends: string[];
  /** Products computed by the new kernel, and handed to the original one, since registration. */
  calls: { fast: number; fallback: number };
}

const originals = new Map<string, KernelFunc>();
const calls = { fast: 0, fallback: 0 };

function fastBatchMatMul(backendName: string, original: KernelFunc): KernelFunc {
  const access = ACCESS[backendName];
  return (args) => {
    const { a, b } = args.inputs;
    const transposeA = args.attrs.transposeA === true;
    const transposeB = args.attrs.transposeB === true;
    // 2-D products, and 3-D ones with a batch of one (the gradients of a Dense layer's fused product come that way).
    const rank = a.shape.length;
    const single = rank === b.shape.length && (rank === 2 || (rank === 3 && a.shape[0] === 1 && b.shape[0] === 1));
    if (!single || a.dtype !== "float32" || b.dtype !== "float32" || (transposeA && transposeB)) {
      calls.fallback++;
      return original(args);
    }
    const [ar, ac] = a.shape.slice(-2);
    const [br, bc] = b.shape.slice(-2);
    const m = transposeA ? ac : ar;
    const k = transposeA ? ar : ac;
    const kb = transposeB ? bc : br;
    const n = transposeB ? br : bc;
    if (k !== kb) {
      // The stock kernel words this error the way tfjs users know it.
      calls.fallback++;
      return original(args);
    }
    calls.fast++;
    const out = access.output(args.backend, rank === 2 ? [m, n] : [1, m, n]);
    // Views are taken after the output is allocated: allocating may grow (and so move) the wasm heap.
    gemm(
      transposeA ? "tn" : transposeB ? "nt" : "nn",
      access.view(args.backend, a),
      access.view(args.backend, b),
      access.view(args.backend, out),
      m,
      n,
      k,
    );
    return out;
  };
}

/**
 * Swaps the function of a backend's BatchMatMul kernel, keeping its setup and dispose
 * functions (the stock setup binds the wasm function the fallback calls). Returns the
 * function it replaced, or undefined when the backend has no such kernel registered.
 */
function replaceBatchMatMul(tf: Tf, backendName: string, kernelFunc: (previous: KernelFunc) => KernelFunc): KernelFunc | undefined {
  let config: { kernelFunc: unknown; setupFunc?: unknown; disposeFunc?: unknown } | undefined;
  try {
    config = tf.getKernel("BatchMatMul", backendName) as unknown as typeof config;
  } catch {
    config = undefined;
  }
  if (!config) return undefined;
  const previous = config.kernelFunc as KernelFunc;
  tf.unregisterKernel("BatchMatMul", backendName);
  tf.registerKernel({
    kernelName: "BatchMatMul",
    backendName,
    setupFunc: config.setupFunc as never,
    disposeFunc: config.disposeFunc as never,
    kernelFunc: kernelFunc(previous) as never,
  });
  return previous;
}

/**
 * Registers the faster BatchMatMul for the wasm and cpu backends (those of them that
 * tfjs has registered). Safe to call again; `restoreStockKernels` undoes it.
 */
export function useFastKernels(tf: Tf = require("@tensorflow/tfjs")): FastKernelsReport {
  for (const backendName of Object.keys(ACCESS)) {
    if (originals.has(backendName)) continue;
    const original = replaceBatchMatMul(tf, backendName, (stock) => fastBatchMatMul(backendName, stock));
    if (original) originals.set(backendName, original);
  }
  return fastKernelsReport();
}

/** Puts the backends' own BatchMatMul kernels back. */
export function restoreStockKernels(tf: Tf = require("@tensorflow/tfjs")): void {
  for (const [backendName, original] of originals) replaceBatchMatMul(tf, backendName, () => original);
  originals.clear();
}

export function fastKernelsReport(): FastKernelsReport {
  return { backends: [...originals.keys()], calls: { ...calls } };
}
