// The library's Add and Multiply for the cpu backend (lib/tf/broadcast-arith.ts): equal
// shapes, a single number, and a row against a matrix, each the stock kernel's values
// bit for bit; the stock kernel for every other broadcast, other dtypes and the wasm
// backend; and Dense training on cpu with the stock kernels' losses, bit for bit.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { stockTensorFlowHooks, type Tf } from "../helpers/tfjs";
import { fastKernelsReport, restoreStockKernels, seedWeights, useFastKernels } from "../../lib/tf";

type Tensor = import("@tensorflow/tfjs").Tensor;
let tf: Tf;

stockTensorFlowHooks((loaded) => (tf = loaded));

type Calls = { fast: number; fallback: number };

/** Runs `f` on the stock kernels, then on the library's Add and Multiply: both results, and the calls of the second run. */
function stockAndFast(f: () => Tensor): { stock: Tensor; fast: Tensor; calls: Calls } {
  restoreStockKernels(tf);
  const stock = f();
  useFastKernels(tf, { kernels: ["Add", "Multiply"] });
  const count = () => {
    const { Add, Multiply } = fastKernelsReport().byKernel;
    return { fast: Add.fast + Multiply.fast, fallback: Add.fallback + Multiply.fallback };
  };
  const before = count();
  const fast = f();
  const after = count();
  restoreStockKernels(tf);
  return { stock, fast, calls: { fast: after.fast - before.fast, fallback: after.fallback - before.fallback } };
}

function same(stock: Tensor, fast: Tensor, label: string): void {
  assert.deepEqual(fast.shape, stock.shape, `${label}: shape`);
  assert.equal(fast.dtype, stock.dtype, `${label}: dtype`);
  assert.deepEqual(Array.from(fast.dataSync()), Array.from(stock.dataSync()), `${label}: values, bit for bit`);
}

describe("Add and Multiply on cpu", () => {
  test("give the stock kernels' values for equal shapes, a single number and a row, either operand first", async () => {
    await tf.setBackend("cpu");
    // Rows and columns of different sizes, so that a row added down the columns shows.
    const m = tf.randomUniform([13, 7], -3, 3, "float32", 1);
    const m2 = tf.randomUniform([13, 7], -3, 3, "float32", 2);
    const row = tf.randomUniform([7], -3, 3, "float32", 3);
    const c = tf.scalar(0.37);
    const cases: [string, () => Tensor][] = [];
    for (const [name, op] of [
      ["add", tf.add],
      ["mul", tf.mul],
    ] as const) {
      cases.push(
        [`${name} equal shapes`, () => op(m, m2)],
        [`${name} scalar · matrix`, () => op(c, m)],
        [`${name} matrix · scalar`, () => op(m, c)],
        [`${name} [1, 1] · matrix`, () => op(c.reshape([1, 1]), m)],
        [`${name} matrix · row [n]`, () => op(m, row)],
        [`${name} row [n] · matrix`, () => op(row, m)],
        [`${name} matrix · row [1, n]`, () => op(m, row.reshape([1, 7]))],
        [`${name} vectors`, () => op(row, row.reverse())],
      );
    }
    for (const [label, f] of cases) {
      const { stock, fast, calls } = stockAndFast(f);
      assert.equal(calls.fast, 1, `${label}: the library's kernel ran`);
      same(stock, fast, label);
      tf.dispose([stock, fast]);
    }
    tf.dispose([m, m2, row, c]);
  });

  test("go to the stock kernels, with their answers, for every other case", async () => {
    await tf.setBackend("cpu");
    const m = tf.randomUniform([5, 4], -3, 3, "float32", 4);
    const cube = tf.randomUniform([2, 5, 4], -3, 3, "float32", 5);
    const cases: [string, string, () => Tensor][] = [
      ["cpu", "a column [m, 1]", () => tf.add(m, tf.ones([5, 1]))],
      ["cpu", "a row against a 3-D tensor", () => tf.mul(cube, tf.range(0, 4))],
      ["cpu", "a scalar of higher rank than the other operand", () => tf.add(tf.ones([1, 1]), tf.range(0, 4))],
      ["cpu", "int32", () => tf.add(tf.tensor1d([1, 2], "int32"), tf.tensor1d([3, 4], "int32"))],
      ["cpu", "an outer sum [m, 1] + [1, n]", () => tf.add(tf.ones([5, 1]), tf.ones([1, 4]))],
      ["wasm", "equal shapes on wasm", () => tf.add(tf.ones([5, 4]), tf.ones([5, 4]))],
    ];
    for (const [backend, label, f] of cases) {
      await tf.setBackend(backend);
      const { stock, fast, calls } = stockAndFast(f);
      assert.equal(calls.fast, 0, `${label}: not computed by the library's kernel`);
      assert.ok(calls.fallback >= 1, `${label}: handed to the stock kernel`);
      same(stock, fast, label);
      tf.dispose([stock, fast]);
    }
    // Shapes that do not broadcast: the stock kernel's error, word for word.
    await tf.setBackend("cpu");
    const message = (f: () => Tensor) => {
      try {
        f().dispose();
        return "no error";
      } catch (e) {
        return (e as Error).message;
      }
    };
    const wrongRow = () => tf.add(tf.ones([3, 4, 5]), tf.ones([4]));
    restoreStockKernels(tf);
    const stockError = message(wrongRow);
    useFastKernels(tf, { kernels: ["Add", "Multiply"] });
    assert.equal(message(wrongRow), stockError, "a row of the wrong width against a 3-D tensor");
    assert.match(stockError, /broadcast/);
    restoreStockKernels(tf);
    tf.dispose([m, cube]);
    await tf.setBackend("wasm");
  });

  test("Dense training on cpu gives the stock kernels' losses, bit for bit", async () => {
    await tf.setBackend("cpu");
    const x = tf.randomUniform([48, 10], -1, 1, "float32", 6);
    const y = tf.randomUniform([48], 0, 3, "int32", 7).cast("float32");
    const losses: number[][] = [];
    for (const fast of [false, true]) {
      if (fast) useFastKernels(tf, { kernels: ["Add", "Multiply"] });
      else restoreStockKernels(tf);
      const before = fastKernelsReport().byKernel.Add.fast;
      const model = tf.sequential({
        layers: [tf.layers.dense({ inputShape: [10], units: 8, activation: "relu" }), tf.layers.dense({ units: 3, activation: "softmax" })],
      });
      model.compile({ optimizer: tf.train.sgd(0.2), loss: "sparseCategoricalCrossentropy" });
      seedWeights(model, 8);
      const h = await model.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
      losses.push(h.history.loss as number[]);
      if (fast) assert.ok(fastKernelsReport().byKernel.Add.fast - before > 9, "bias adds and updates ran on the library's kernel");
      model.dispose();
    }
    assert.deepEqual(losses[1], losses[0]);
    tf.dispose([x, y]);
    restoreStockKernels(tf);
    await tf.setBackend("wasm");
  });
});
