/**
 * Hooks for the tests of the library's TensorFlow.js kernels (test/unit/tf-fused-*):
 * before the file's tests, TensorFlow.js on the wasm backend with its stock kernels
 * (each test registers the library's where it compares them); after, the stock kernels
 * and the wasm backend back, whatever a test left behind.
 */
import { after, before } from "node:test";
import { initTensorFlow, restoreStockKernels } from "../../lib/tf";

export type Tf = typeof import("@tensorflow/tfjs");

export function stockTensorFlowHooks(onLoad: (tf: Tf) => void, cleanUp?: () => void): void {
  let tf: Tf | undefined;
  before(async () => {
    process.env.NNCOURSE_TF_BACKEND = "wasm";
    tf = (await initTensorFlow({ fastKernels: false })).tf;
    onLoad(tf);
  });
  after(async () => {
    if (tf === undefined) return;
    restoreStockKernels(tf);
    cleanUp?.();
    await tf.setBackend("wasm");
  });
}
