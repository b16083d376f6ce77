import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Matrix, configureKernels, kernelsReady, matmul, matmulTransB, residentCopy, transpose } from "../../lib/core";
import { gemmModuleBytes } from "../../lib/core/wasm/gemm-module";
import { transposeNames } from "../../lib/core/wasm/transpose-module";
import { webAssembly } from "../../lib/core/wasm/webassembly-api";
import { prng } from "../helpers/products";

after(() => {
  configureKernels();
});

test("the transpose kernels move every entry, for every shape up to 10×10 and in both dtypes, and write nothing else", () => {
  const wa = webAssembly!;
  const memory = new wa.Memory({ initial: 1, maximum: 1 });
  const inst = new wa.Instance(new wa.Module(gemmModuleBytes({ initialPages: 1, maxPages: 1, shared: false })), { env: { memory } });
  for (const name of transposeNames) {
    const es = name.endsWith("f32") ? 4 : 8;
    const view = es === 4 ? new Float32Array(memory.buffer) : new Float64Array(memory.buffer);
    const kernel = inst.exports[name] as (src: number, dst: number, rows: number, cols: number) => void;
    for (let rows = 0; rows <= 10; rows++) {
      for (let cols = 0; cols <= 10; cols++) {
        const src = 64,
          dst = 64 + 1024;
        view.fill(-1);
        for (let e = 0; e < rows * cols; e++) view[src / es + e] = e + 0.5;
        kernel(src, dst, rows, cols);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            assert.equal(view[dst / es + j * rows + i], i * cols + j + 0.5, `${name}, ${rows}×${cols}: entry (${i}, ${j})`);
          }
        }
        assert.equal(view[dst / es + rows * cols], -1, `${name}, ${rows}×${cols}: the entry after the transpose is untouched`);
        assert.equal(view[dst / es - 1], -1, `${name}, ${rows}×${cols}: the entry before it too`);
      }
    }
  }
});

test("a·bᵀ with many rows is the a·b kernel on bᵀ, bit for bit, on one thread and shared", async () => {
  const rand = prng(21);
  for (const threads of [1, 2]) {
    configureKernels({ threads });
    await kernelsReady();
    for (const dtype of ["float32", "float64"] as const) {
      // Rows from 16 (where the transpose starts) up; inner sizes and widths that leave remainders.
      for (const [m, n, k] of [
        [16, 10, 100],
        [128, 300, 100],
        [130, 97, 13],
        [200, 3, 9],
      ] as const) {
        const a = Matrix.generate(m, k, () => 2 * rand() - 1, dtype);
        const b = Matrix.generate(n, k, () => 2 * rand() - 1, dtype);
        const want = matmul(a, transpose(b));
        for (const [x, y] of [
          [a, b],
          [residentCopy(a), residentCopy(b)],
        ] as const) {
          const got = matmulTransB(x, y);
          for (let e = 0; e < want.data.length; e++) {
            if (!Object.is(got.data[e], want.data[e]))
              assert.fail(
                `${threads} thread(s), ${dtype}, ${m}×${n} inner ${k}: entry ${e} is ${got.data[e]}, a·(bᵀ) gives ${want.data[e]}`,
              );
          }
        }
      }
    }
  }
});
