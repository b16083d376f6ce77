/**
 * Faster TensorFlow.js training of Dense models on the wasm and cpu backends.
 *
 * Where the time goes. Timing every kernel of `model.fit` for the course's
 * Fashion-MNIST model (Flatten → Dense(300, relu) → Dense(100, relu) → Dense(10,
 * softmax), SGD, batch 32-128) on the wasm backend, with stock kernels: BatchMatMul
 * takes most of each step, almost all of it in the backward products (dW = xᵀ·dz and
 * dx = dz·Wᵀ have a transposed operand, which the wasm backend computes with a plain
 * loop, on one thread: it has no threads in Node). With those on the library's kernels,
 * the next largest part was not in the model at all: GatherV2, which `fit` uses to take
 * each shuffled mini-batch out of the training set (about 40% of the time at batch 128).
 * What is left on wasm is tfjs's own work around each of the ~160 kernel calls of a
 * step (tape, saved tensors, bookkeeping) and the matrix products; the elementwise
 * kernels (Add, Multiply, Sum, Relu and the rest) are a few percent each. On the cpu
 * backend, Add and Multiply were then over half of a step.
 *
 * The fix. For those backends, this module registers kernels that run on the library's
 * WebAssembly SIMD code (lib/core), through tfjs's public kernel registry:
 * - BatchMatMul (fast-matmul.ts): 2-D products on the core's gemm, which reads a
 *   transposed operand in place and shares large products with a helper thread;
 * - _FusedMatMul (fused-dense.ts): product, bias and relu in one call, for Dense layers
 *   where tfjs fuses them (predict, evaluate, and linear layers in training);
 * - GatherV2 (fast-gather.ts): the mini-batch slicing of `fit`, as row copies;
 * - Identity on wasm (shared-identity.ts): the tensors tfjs keeps for the gradients,
 *   shared instead of copied, as the cpu backend already does;
 * - Sum along axis 0 of a matrix (column-sum.ts): the bias gradients, without the
 *   transposed copy the wasm kernel makes first;
 * - Add and Multiply on cpu (broadcast-arith.ts): the bias add and the optimizer's
 *   update without the stock kernels' per-element index arithmetic;
 * - and, through the gradient registry (fast-gradients.ts), the gradients of ReLU,
 *   clipByValue and softmax as one kernel call each instead of three to eight.
 * Everything else stays tfjs's: the model, `fit`, the other gradients, the optimizers.
 * Each kernel hands the cases it does not cover to the backend's original kernel.
 *
 * Why not one fused kernel for a Dense layer's whole forward and backward pass in
 * training: tfjs-core fuses bias and activation into the product only when it is not
 * recording gradients, or when the activation is linear (`shouldFuse` in its fused
 * matMul op), so while training, a relu layer is BatchMatMul, Add and Relu, and its
 * gradient is tfjs's gradients of those three kernels. Which kernels run is tfjs's
 * choice; through the registry the library can only make each of them faster.
 *
 * The results are the same numbers (gather, identity) or the same sums in another order
 * (products, column sums), so they agree with the stock kernels to float32 rounding,
 * and they are the same run after run whatever the thread count (the core sums each
 * entry in one fixed order). Tests compare them (test/unit/tf-fused-*.test.ts); `npm
 * run bench -- tfjs` measures `model.fit` with and without them.
 */
import { binaryArithmetic } from "./broadcast-arith";
import { columnSum } from "./column-sum";
import { fastGather } from "./fast-gather";
import { fastBatchMatMul } from "./fast-matmul";
import { fusedDenseKernel } from "./fused-dense";
import { sharedIdentity } from "./shared-identity";
import {
  FAST_GRADIENT_NAMES,
  fastGradientsReport,
  restoreStockGradients,
  useFastGradients,
  type FastGradientName,
  type GradientCallCount,
} from "./fast-gradients";
import { COVERED_BACKENDS, swapKernel, type CallCount, type KernelFunc, type Tf } from "./kernel-access";

/** The kernels this module can replace. */
export type FastKernelName = "BatchMatMul" | "_FusedMatMul" | "GatherV2" | "Identity" | "Sum" | "Add" | "Multiply";

const FACTORIES: Record<FastKernelName, (backendName: string, original: KernelFunc, count: CallCount) => KernelFunc> = {
  BatchMatMul: fastBatchMatMul,
  _FusedMatMul: fusedDenseKernel,
  GatherV2: fastGather,
  Identity: sharedIdentity,
  Sum: columnSum,
  Add: binaryArithmetic("add"),
  Multiply: binaryArithmetic("mul"),
};

export const FAST_KERNEL_NAMES = Object.keys(FACTORIES) as FastKernelName[];

export interface FastKernelsOptions {
  /** Which kernels to replace (default: all); benchmarks compare subsets. */
  kernels?: FastKernelName[];
  /**
   * Which gradients to run as one kernel each (fast-gradients.ts). Default: all of them
   * when `kernels` is not given either, none when it is (so that a subset of kernels is
   * measured, or tested, alone).
   */
  gradients?: FastGradientName[];
}

export interface FastKernelsReport {
  /** Backends with at least one kernel on the library's code now. */
  backends: string[];
  /** Matrix products (BatchMatMul and _FusedMatMul) computed by the new kernels, and handed to the original ones, since loading. */
  calls: CallCount;
  /** The same per kernel, gathers included. */
  byKernel: Record<FastKernelName, CallCount>;
  /** The gradients run on the library's kernels and on the stock gradient, since loading. */
  gradients: Record<FastGradientName, GradientCallCount>;
}

/** The replaced kernel functions, by backend and kernel: what restoreStockKernels puts back. */
const originals = new Map<string, Map<FastKernelName, KernelFunc>>();
const counts = Object.fromEntries(FAST_KERNEL_NAMES.map((name) => [name, { fast: 0, fallback: 0 }])) as Record<FastKernelName, CallCount>;

/**
 * Registers the library's kernels for the wasm and cpu backends (those of them that
 * tfjs has registered). Safe to call again, also with other kernels: the set in use is
 * then exactly `options.kernels`. `restoreStockKernels` undoes it.
 */
export function useFastKernels(tf: Tf = require("@tensorflow/tfjs"), options: FastKernelsOptions = {}): FastKernelsReport {
  const wanted = new Set(options.kernels ?? FAST_KERNEL_NAMES);
  for (const name of wanted) {
    if (!(name in FACTORIES)) throw new Error(`useFastKernels: no fast kernel "${name}"; the kernels are ${FAST_KERNEL_NAMES.join(", ")}.`);
  }
  for (const backendName of COVERED_BACKENDS) {
    const replaced = originals.get(backendName) ?? new Map<FastKernelName, KernelFunc>();
    for (const name of FAST_KERNEL_NAMES) {
      if (wanted.has(name) && !replaced.has(name)) {
        const original = swapKernel(tf, name, backendName, (stock) => FACTORIES[name](backendName, stock, counts[name]));
        if (original) replaced.set(name, original);
      } else if (!wanted.has(name) && replaced.has(name)) {
        const original = replaced.get(name)!;
        swapKernel(tf, name, backendName, () => original);
        replaced.delete(name);
      }
    }
    if (replaced.size > 0) originals.set(backendName, replaced);
    else originals.delete(backendName);
  }
  useFastGradients(tf, options.gradients ?? (options.kernels ? [] : FAST_GRADIENT_NAMES));
  return fastKernelsReport();
}

/** Puts the backends' own kernels back. */
export function restoreStockKernels(tf: Tf = require("@tensorflow/tfjs")): void {
  for (const [backendName, replaced] of originals) {
    for (const [name, original] of replaced) swapKernel(tf, name, backendName, () => original);
  }
  originals.clear();
  restoreStockGradients(tf);
}

export function fastKernelsReport(): FastKernelsReport {
  const byKernel = Object.fromEntries(FAST_KERNEL_NAMES.map((name) => [name, { ...counts[name] }])) as Record<FastKernelName, CallCount>;
  return {
    backends: [...originals.keys()],
    calls: {
      fast: byKernel.BatchMatMul.fast + byKernel._FusedMatMul.fast,
      fallback: byKernel.BatchMatMul.fallback + byKernel._FusedMatMul.fallback,
    },
    byKernel,
    gradients: fastGradientsReport(),
  };
}
