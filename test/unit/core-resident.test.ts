// Resident matrices (lib/core/resident.ts) and the heap behind them (lib/core/wasm/heap.ts):
// every operation gives the same bits on resident and ordinary matrices, on one thread
// and with helpers; blocks are reused once their matrix is garbage collected, and come
// back zeroed; matrices stay valid while the memory grows and after the kernels change.
import v8 from "node:v8";
import vm from "node:vm";
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  Matrix,
  addRowVector,
  addScaledInPlace,
  configureKernels,
  keepWherePositive,
  kernelsReady,
  matmul,
  matmulTransA,
  matmulTransB,
  maximum,
  residentCopy,
  residentZeros,
  subtractScaledInPlace,
  sumColumns,
  timesStep,
  type DType,
} from "../../lib/core";
import { Heap } from "../../lib/core/wasm/heap";
import { prng } from "../helpers/products";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

after(() => {
  configureKernels();
});

function bits(m: Matrix): string {
  return createHash("sha256")
    .update(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength))
    .digest("hex");
}

function random(rows: number, cols: number, dtype: DType, rand: () => number): Matrix {
  return Matrix.generate(rows, cols, () => 2 * rand() - 1, dtype);
}

/** Collects garbage and lets the FinalizationRegistry's callbacks run. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test("the heap hands out aligned, disjoint blocks, merges freed neighbours and grows the memory", () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
  const heap = new Heap(memory, 64, 4);
  assert.equal(heap.freeBytes(), 65536 - 64);
  const a = heap.allocate(100);
  const b = heap.allocate(1);
  const c = heap.allocate(640);
  assert.deepEqual([a, b, c], [64, 192, 256], "64-byte aligned, first fit, one after the other");
  heap.release({ offset: b, bytes: 1 });
  heap.release({ offset: a, bytes: 100 });
  assert.equal(heap.allocate(192), 64, "the two freed neighbours are one block again");
  heap.release({ offset: 64, bytes: 192 });
  heap.release({ offset: c, bytes: 640 });
  assert.equal(heap.freeBytes(), 65536 - 64, "everything merged back");
  const big = heap.allocate(100_000);
  assert.equal(big, 64, "grown: the free tail and the new pages make one block");
  assert.equal(memory.buffer.byteLength, 2 * 65536);
  assert.equal(heap.allocate(4 * 65536), -1, "past the maximum: no block, no throw");
});

test("products on resident matrices give the bits of ordinary ones, in every mix, on one and three threads", async () => {
  for (const threads of [1, 3]) {
    configureKernels({ threads });
    await kernelsReady();
    for (const dtype of ["float32", "float64"] as DType[]) {
      const rand = prng(11);
      // A product large enough to be shared between threads, and a small one.
      for (const [m, n, k] of [
        [128, 300, 96],
        [9, 17, 33],
      ] as const) {
        const a = random(m, k, dtype, rand);
        const b = random(k, n, dtype, rand);
        const at = random(k, m, dtype, rand);
        const bt = random(n, k, dtype, rand);
        const want = [bits(matmul(a, b)), bits(matmulTransA(at, b)), bits(matmulTransB(a, bt))];
        for (const mix of [0b111, 0b001, 0b010, 0b100, 0b011]) {
          const r = (x: Matrix, bit: number) => (mix & bit ? residentCopy(x) : x.clone());
          const out = mix & 0b100 ? residentZeros(m, n, dtype) : Matrix.zeros(m, n, dtype);
          const got = [
            bits(matmul(r(a, 1), r(b, 2), out)),
            bits(matmulTransA(r(at, 1), r(b, 2), out)),
            bits(matmulTransB(r(a, 1), r(bt, 2), out)),
          ];
          assert.deepEqual(got, want, `${threads} thread(s), ${dtype} ${m}×${n}×${k}, resident mix ${mix.toString(2)}`);
        }
      }
    }
  }
});

test("elementwise operations on resident matrices give the bits of ordinary ones, in place or not", () => {
  configureKernels({ threads: 1 });
  for (const dtype of ["float32", "float64"] as DType[]) {
    const rand = prng(12);
    const x = random(37, 41, dtype, rand); // 1,517 entries: past the kernels' threshold, with a leftover
    const y = random(37, 41, dtype, rand);
    const row = random(1, 41, dtype, rand);
    const ops: [string, (x: Matrix, y: Matrix, row: Matrix) => Matrix][] = [
      ["addScaledInPlace", (x, y) => addScaledInPlace(x, y, -0.3)],
      ["subtractScaledInPlace", (x, y) => subtractScaledInPlace(x, y, 0.3)],
      ["maximum into out", (x) => maximum(x, 0, residentOrNot(x))],
      ["maximum in place", (x) => maximum(x, 0, x)],
      ["keepWherePositive", (x, y) => keepWherePositive(x, y, residentOrNot(x))],
      ["timesStep", (x, y) => timesStep(x, y, residentOrNot(x))],
      ["addRowVector into out", (x, _y, row) => addRowVector(x, row, residentOrNot(x))],
      ["addRowVector in place", (x, _y, row) => addRowVector(x, row, x)],
      ["sumColumns", (x) => sumColumns(x, isResident(x) ? residentZeros(1, x.cols, x.dtype) : undefined)],
    ];
    for (const [name, op] of ops) {
      const want = bits(op(x.clone(), y.clone(), row.clone()));
      const got = bits(op(residentCopy(x), residentCopy(y), residentCopy(row)));
      assert.equal(got, want, `${name}, ${dtype}`);
    }
  }
});

function residentOrNot(like: Matrix): Matrix {
  return isResident(like) ? residentZeros(like.rows, like.cols, like.dtype) : Matrix.zeros(like.rows, like.cols, like.dtype);
}
function isResident(m: Matrix): boolean {
  return m.data.buffer instanceof SharedArrayBuffer;
}

test("a collected resident matrix's block is reused, and comes back as zeros", async () => {
  configureKernels({ threads: 1 });
  const first = residentZeros(100, 100, "float64");
  assert.ok(first.data.buffer instanceof SharedArrayBuffer, "resident where SharedArrayBuffer exists");
  const offset = first.data.byteOffset;
  first.data.fill(7);
  // Drop it: only its offset is kept.
  (first as { data: unknown }).data = null;
  await collect();
  const second = residentZeros(100, 100, "float64");
  assert.equal(second.data.byteOffset, offset, "the freed block is handed out again");
  assert.ok(
    second.data.every((v) => v === 0),
    "and zeroed",
  );
  // Many short-lived matrices do not make the memory grow without bound.
  for (let i = 0; i < 40; i++) {
    residentZeros(512, 512, "float64").data.fill(i); // 2 MiB each, dropped at once
    if (i % 8 === 7) await collect();
  }
  const later = residentZeros(100, 100, "float64");
  assert.ok(later.data.byteOffset < 64 * 1024 * 1024, `blocks were reused (offset ${later.data.byteOffset})`);
});

test("resident matrices stay valid while the memory grows, and after the kernels are changed", () => {
  configureKernels({ threads: 1 });
  const rand = prng(13);
  const a = residentCopy(random(64, 64, "float32", rand));
  const before = a.clone();
  const big = residentZeros(3000, 3000, "float32"); // 36 MB: the memory grows under a
  big.data.fill(1);
  assert.equal(bits(a), bits(before), "a's numbers are untouched by the growth and the neighbour's writes");
  const b = random(64, 64, "float32", rand);
  const want = bits(matmul(before, b));
  assert.equal(bits(matmul(a, b)), want);
  configureKernels({ threads: 1 }); // a new engine: a is an ordinary operand to it now
  assert.equal(bits(matmul(a, b)), want);
  // Past 256 MiB of shared memory, resident matrices are ordinary ones: a wasm memory never shrinks.
  const huge = residentZeros(6000, 6000, "float64"); // 288 MB
  assert.ok(!(huge.data.buffer instanceof SharedArrayBuffer), "a matrix past the resident limit is ordinary");
  assert.equal(huge.data.length, 36_000_000);
  configureKernels({ backend: "js" });
  const ordinary = residentZeros(4, 4);
  assert.ok(!(ordinary.data.buffer instanceof SharedArrayBuffer), "the JavaScript kernels make ordinary matrices");
});
