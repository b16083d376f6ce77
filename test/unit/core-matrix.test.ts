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

test("data that is no typed array, and shapes that are not whole numbers ≥ 0, are refused by every constructor", () => {
  assert.throws(() => new Matrix(2, 2, [1, 2, 3, 4] as never), /^TypeError: Matrix data must be a Float32Array or a Float64Array\.$/);
  for (const [rows, cols] of [
    [1.5, 2],
    [2, -1],
    [Number.NaN, 1],
  ])
    assert.throws(
      () => Matrix.zeros(rows, cols),
      new RegExp(`^RangeError: Matrix\\.zeros: the shape ${rows}×${cols} is not valid; rows and cols must be whole numbers ≥ 0\\.$`),
    );
  assert.throws(() => new Matrix(-1, -1, new Float64Array(1)), /^RangeError: new Matrix: the shape -1×-1 is not valid/);
  assert.throws(() => Matrix.fromData(-2, 1, [1]), /^RangeError: Matrix\.fromData: the shape -2×1 is not valid/);
  assert.throws(
    () => Matrix.fromArray("[[1]]" as never),
    /^TypeError: Matrix\.fromArray: expected an array of rows, like \[\[1, 2\], \[3, 4\]\]\.$/,
  );
  const data = new Float64Array(4);
  assert.equal(Matrix.fromData(2, 2, data, "float64").data, data, "a typed array of the dtype asked for is used as it is");
  assert.equal(Matrix.fromData(1, 3, [1, 2, 3], "float32").dtype, "float32");
});

test("every index outside the matrix, or not whole, is refused by get, set and row", () => {
  const m = Matrix.zeros(2, 3);
  for (const [i, j] of [
    [-1, 0],
    [0, -1],
    [0, 3],
    [2, 0],
    [0, 0.5],
    [Number.NaN, 0],
  ])
    assert.throws(() => m.get(i, j), /is outside this 2×3 matrix/, `(${i}, ${j})`);
  assert.throws(() => m.row(2), /^RangeError: row\(2, 0\) is outside this 2×3 matrix; rows go 0\.\.1, columns 0\.\.2\.$/);
  assert.equal(m.get(1, 2), 0);
});

test("rows come out as copies, row after row; map and generate see each entry's row and column", () => {
  const m = Matrix.generate(3, 2, (i, j) => 10 * i + j);
  assert.deepEqual(m.toArray(), [
    [0, 1],
    [10, 11],
    [20, 21],
  ]);
  const row = m.row(2);
  row[0] = 99;
  assert.equal(m.get(2, 0), 20, "a row is a copy");
  assert.deepEqual(m.map((v, i, j) => v - 10 * i - j).toArray(), Matrix.zeros(3, 2).toArray());
  assert.deepEqual(Matrix.eye(3).toArray(), [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ]);
  assert.deepEqual(Matrix.fill(1, 2, 0.1, "float32").toArray(), [[Math.fround(0.1), Math.fround(0.1)]], "float32 rounds");
});

test("toString: whole numbers as they are, others to 4 decimals, tiny and huge ones in exponent form, at most 8 × 8", () => {
  const m = Matrix.fromArray([
    [1, 0.5, -2],
    [1e-5, 1234567.5, 1e9],
    [0, -0.25, 123456789],
  ]);
  assert.equal(
    m.toString(),
    [
      "Matrix 3×3 float64",
      ["1", "0.5000", "-2"].map((c) => c.padStart(10)).join(" "),
      ["1.000e-5", "1.235e+6", "1.000e+9"].map((c) => c.padStart(10)).join(" "),
      ["0", "-0.2500", "123456789"].map((c) => c.padStart(10)).join(" "),
    ].join("\n"),
  );
  assert.equal(Matrix.fromArray([[0.125, 0.001]]).toString(2), `Matrix 1×2 float64\n${"0.13".padStart(8)} ${"0.00".padStart(8)}`);
  const wide = Matrix.zeros(1, 9).toString().split("\n");
  assert.equal(wide[1], `${Array(8).fill("0".padStart(10)).join(" ")}   …`);
  const tall = Matrix.zeros(9, 1).toString().split("\n");
  assert.deepEqual([tall.length, tall.at(-1)], [10, "  …"]);
  assert.equal(Matrix.zeros(8, 8).toString().split("\n").length, 9, "8 rows are shown whole");
  assert.doesNotMatch(Matrix.zeros(8, 8).toString(), /…/);
});
