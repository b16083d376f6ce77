import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../lib/core";

test("constructors make the right shape, dtype and values", () => {
  const z = Matrix.zeros(2, 3);
  assert.deepEqual(z.shape(), [2, 3]);
  assert.equal(z.dtype, "float64");
  assert.ok(z.data instanceof Float64Array);
  assert.ok(Matrix.zeros(2, 2, "float32").data instanceof Float32Array);
  assert.deepEqual(Matrix.fill(2, 2, 5).toArray(), [
    [5, 5],
    [5, 5],
  ]);
  assert.deepEqual(Matrix.eye(2).toArray(), [
    [1, 0],
    [0, 1],
  ]);
  assert.deepEqual(Matrix.generate(2, 3, (i, j) => 10 * i + j).toArray(), [
    [0, 1, 2],
    [10, 11, 12],
  ]);
  const m = Matrix.fromArray(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    "float32",
  );
  assert.equal(m.dtype, "float32");
  assert.deepEqual([...m.data], [1, 2, 3, 4, 5, 6]); // row-major
  assert.deepEqual(Matrix.fromArray([]).shape(), [0, 0]);
});

test("fromData wraps typed arrays without copying and copies plain arrays", () => {
  const data = new Float32Array([1, 2, 3, 4, 5, 6]);
  const m = Matrix.fromData(2, 3, data);
  assert.equal(m.data, data);
  assert.equal(m.dtype, "float32");
  assert.equal(m.get(1, 0), 4);
  const p = Matrix.fromData(3, 2, [1, 2, 3, 4, 5, 6]);
  assert.equal(p.dtype, "float64");
  assert.deepEqual(p.toArray(), [
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  assert.throws(() => Matrix.fromData(2, 2, [1, 2, 3]), /a 2×2 matrix needs 4 numbers but data has 3/);
  assert.throws(() => Matrix.fromData(2, 3, data, "float64"), /data is float32 but dtype "float64" was asked for/);
  assert.throws(() => new Matrix(2, 2, data), /a 2×2 matrix needs 4 numbers but data has 6/);
});

test("get, set, row, clone, astype, map", () => {
  const m = Matrix.fromArray([
    [1, 2],
    [3, 4],
  ]);
  assert.equal(m.get(1, 0), 3);
  assert.equal(m.set(0, 1, 9), m);
  assert.equal(m.get(0, 1), 9);
  assert.deepEqual(m.row(1), [3, 4]);
  const c = m.clone();
  c.set(0, 0, -1);
  assert.equal(m.get(0, 0), 1, "a clone has its own data");
  const f = m.astype("float32");
  assert.equal(f.dtype, "float32");
  assert.deepEqual(f.toArray(), m.toArray());
  const sq = m.map((v, i, j) => v * v + i + j);
  assert.deepEqual(sq.toArray(), [
    [1, 82],
    [10, 18],
  ]);
  assert.deepEqual(
    m.toArray(),
    [
      [1, 9],
      [3, 4],
    ],
    "map leaves the original alone",
  );
});

test("errors name the problem and the fix", () => {
  const m = Matrix.zeros(2, 3);
  assert.throws(() => m.get(2, 0), /get\(2, 0\) is outside this 2×3 matrix; rows go 0..1, columns 0..2/);
  assert.throws(() => m.set(0, 3, 1), /set\(0, 3\) is outside/);
  assert.throws(() => m.get(0.5, 0), /outside/);
  assert.throws(() => Matrix.fromArray([[1, 2], [3]]), /row 0 has 2 numbers but row 1 has 1; all rows must be equally long/);
  assert.throws(() => Matrix.fromArray([1, 2] as unknown as number[][]), /row 0 is not an array; for a single row write \[\[1, 2, 3\]\]/);
  assert.throws(() => Matrix.zeros(-1, 2), /shape -1×2 is not valid/);
  assert.throws(() => Matrix.zeros(2, 2, "int8" as never), /Unknown dtype "int8": use "float32" or "float64"/);
});

test("toString shows the shape, dtype and a corner of the values", () => {
  const s = Matrix.fromArray([
    [1, 0.5],
    [-2, 1e-5],
  ]).toString();
  assert.match(s, /^Matrix 2×2 float64\n/);
  assert.match(s, /0\.5000/);
  assert.match(s, /1\.000e-5/);
  const big = Matrix.zeros(20, 20).toString();
  assert.match(big, /…/);
});
