// The library's Sum along axis 0 of a matrix for TensorFlow.js (lib/tf/column-sum.ts),
// the bias gradient of a Dense layer, against tfjs's stock kernel on the wasm and cpu
// backends: each covered axis and keepDims, the fallback for every other reduction,
// and bias gradients through tf.grads.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { stockTensorFlowHooks, type Tf } from "../helpers/tfjs";
import { fastKernelsReport, restoreStockKernels, useFastKernels } from "../../lib/tf";

type Tensor = import("@tensorflow/tfjs").Tensor;
let tf: Tf;

const BACKENDS = ["wasm", "cpu"];

stockTensorFlowHooks((loaded) => (tf = loaded));

/** Runs `f` on the stock kernels, then on the library's Sum: both results and the Sum calls of the second run. */
function stockAndFast<T>(f: () => T): { stock: T; fast: T; calls: { fast: number; fallback: number } } {
  restoreStockKernels(tf);
  const stock = f();
  useFastKernels(tf, { kernels: ["Sum"] });
  const before = fastKernelsReport().byKernel.Sum;
  const fast = f();
  const after = fastKernelsReport().byKernel.Sum;
  restoreStockKernels(tf);
  return { stock, fast, calls: { fast: after.fast - before.fast, fallback: after.fallback - before.fallback } };
}

function maxDiff(a: Tensor, b: Tensor): number {
  assert.deepEqual(b.shape, a.shape, "shapes");
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!);
}

describe("Sum along axis 0 of a matrix", () => {
  test("agrees with the stock kernel for axis 0, -2 and [0], with and without keepDims", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      // More rows than columns and not a multiple of a SIMD width: a sum along the wrong axis or over the wrong rows shows.
      const x = tf.randomUniform([37, 11], -1, 1, "float32", 1);
      for (const axis of [0, -2, [0]]) {
        for (const keepDims of [false, true]) {
          const label = `${backend} axis ${JSON.stringify(axis)} keepDims ${keepDims}`;
          const { stock, fast, calls } = stockAndFast(() => tf.sum(x, axis, keepDims));
          assert.equal(calls.fast, 1, `${label}: the library's kernel ran`);
          assert.deepEqual(fast.shape, keepDims ? [1, 11] : [11], label);
          assert.ok(maxDiff(stock, fast) < 1e-5, `${label}: differs by ${maxDiff(stock, fast)}`);
          tf.dispose([stock, fast]);
        }
      }
      x.dispose();
    }
  });

  test("goes to the stock kernel, with its answer, for every other reduction", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const x = tf.randomUniform([7, 5], -1, 1, "float32", 2);
      const cube = tf.randomUniform([3, 4, 5], -1, 1, "float32", 3);
      const cases: [string, () => Tensor][] = [
        ["axis 1", () => tf.sum(x, 1)],
        ["axis -1", () => tf.sum(x, -1)],
        ["all axes", () => tf.sum(x)],
        ["axes [0, 1]", () => tf.sum(x, [0, 1])],
        ["a vector", () => tf.sum(x.reshape([35]), 0)],
        ["3-D, axis 0", () => tf.sum(cube, 0)],
        ["int32", () => tf.sum(x.mul(10).cast("int32"), 0)],
      ];
      for (const [label, f] of cases) {
        const { stock, fast, calls } = stockAndFast(f);
        assert.equal(calls.fast, 0, `${backend} ${label}: not computed by the library's kernel`);
        assert.equal(calls.fallback, 1, `${backend} ${label}: handed to the stock kernel`);
        assert.equal(maxDiff(stock, fast), 0, `${backend} ${label}: the stock kernel's own answer`);
        tf.dispose([stock, fast]);
      }
      tf.dispose([x, cube]);
    }
  });

  test("the bias gradient of a Dense product agrees with stock", async () => {
    for (const backend of BACKENDS) {
      await tf.setBackend(backend);
      const x = tf.randomUniform([33, 9], -1, 1, "float32", 4);
      const w = tf.randomUniform([9, 6], -1, 1, "float32", 5);
      const b = tf.randomUniform([6], -1, 1, "float32", 6);
      const dy = tf.randomUniform([33, 6], -1, 1, "float32", 7);
      // Inside tf.grads a relu layer is product, bias Add and Relu: the bias gradient is a Sum along axis 0.
      const f = (bias: Tensor) => tf.relu(tf.matMul(x, w).add(bias)).mul(dy).sum();
      const { stock, fast, calls } = stockAndFast(() => tf.grad(f)(b));
      assert.ok(calls.fast >= 1, `${backend}: the bias gradient's sum ran on the library's kernel`);
      assert.ok(maxDiff(stock, fast) < 1e-5, `${backend}: differs by ${maxDiff(stock, fast)}`);
      tf.dispose([x, w, b, dy, stock, fast]);
    }
  });
});
