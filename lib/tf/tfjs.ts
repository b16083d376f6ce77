/**
 * TensorFlow.js, loaded on first use: the library's other areas never pay for it, and
 * a notebook that only uses the from-scratch code starts as fast as before.
 *
 *   const { tf, backend } = await initTensorFlow();   // picks the backend, once
 *
 * Notebooks may also `import * as tf from "@tensorflow/tfjs"` themselves: both resolve
 * to the same installed package, so tensors and models pass freely between the two.
 */
import { describeBackendReport, useBestBackend, type BackendReport } from "./backend";
import { useFastKernels, type FastKernelsReport } from "./fast-kernels";

export type Tf = typeof import("@tensorflow/tfjs");

/** The @tensorflow/tfjs module. */
export function tfjs(): Tf {
  return require("@tensorflow/tfjs") as Tf;
}

export interface InitOptions {
  /**
   * Run Dense layers' matrix products, `fit`'s mini-batch slicing and (on wasm) the
   * tensors kept for gradients on the library's kernels (see fast-kernels.ts) on the
   * wasm and cpu backends. Default true; NNCOURSE_FAST_KERNELS=0 turns it off.
   */
  fastKernels?: boolean;
}

export interface TensorFlowSetup {
  tf: Tf;
  backend: BackendReport;
  fastKernels: FastKernelsReport | null;
  /** What is in use and why, one line per backend rung. */
  describe(): string;
}

/** Picks the best backend (once per process), makes it current and returns tfjs with a report. */
export async function initTensorFlow(options: InitOptions = {}): Promise<TensorFlowSetup> {
  const tf = tfjs();
  const backend = await useBestBackend();
  await tf.ready();
  const wanted = options.fastKernels ?? process.env.NNCOURSE_FAST_KERNELS !== "0";
  const fast = wanted && (backend.backend === "wasm" || backend.backend === "cpu") ? useFastKernels(tf) : null;
  return {
    tf,
    backend,
    fastKernels: fast,
    describe: () =>
      describeBackendReport(backend) +
      (fast
        ? "\n  Dense layers' matrix products and fit's mini-batches run on the library's kernels (NNCOURSE_FAST_KERNELS=0 to turn off)."
        : ""),
  };
}
