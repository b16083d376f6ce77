import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Matrix,
  add,
  sub,
  hadamard,
  scale,
  addRowVector,
  sumColumns,
  transpose,
  apply,
  addScaledInPlace,
  argmaxRows,
  maximum,
  keepWherePositive,
  subtractScaledInPlace,
  timesStep,
  linspace,
  checkLearningRate,
  matmul,
  matmulTransB,
} from "../../lib/core";

const A = () =>
  Matrix.fromArray([
    [1, 2, 3],
    [4, 5, 6],
  ]);
const B = () =>
  Matrix.fromArray([
    [10, 20, 30],
    [40, 50, 60],
  ]);

test("elementwise add, sub, hadamard, scale", () => {
  assert.deepEqual(add(A(), B()).toArray(), [
    [11, 22, 33],
    [44, 55, 66],
  ]);
  assert.deepEqual(sub(B(), A()).toArray(), [
    [9, 18, 27],
    [36, 45, 54],
  ]);
  assert.deepEqual(hadamard(A(), B()).toArray(), [
    [10, 40, 90],
    [160, 250, 360],
  ]);
  assert.deepEqual(scale(A(), 2).toArray(), [
    [2, 4, 6],
    [8, 10, 12],
  ]);
  const a = A();
  assert.equal(add(a, B(), a), a, "out may be an input");
  assert.deepEqual(a.toArray(), [
    [11, 22, 33],
    [44, 55, 66],
  ]);
});

test("broadcasting: addRowVector and sumColumns", () => {
  const b = Matrix.fromArray([[0.5, -1, 2]]);
  assert.deepEqual(addRowVector(A(), b).toArray(), [
    [1.5, 1, 5],
    [4.5, 4, 8],
  ]);
  assert.deepEqual(sumColumns(A()).toArray(), [[5, 7, 9]]);
  const out = Matrix.fill(1, 3, 99);
  assert.equal(sumColumns(A(), out), out);
  assert.deepEqual(out.toArray(), [[5, 7, 9]]);
  assert.throws(() => addRowVector(A(), Matrix.zeros(3, 1)), /addRowVector: a is 2×3 so row must be 1×3, but it is 3×1/);
});

test("transpose, including sizes past its 32×32 blocks", () => {
  assert.deepEqual(transpose(A()).toArray(), [
    [1, 4],
    [2, 5],
    [3, 6],
  ]);
  const big = Matrix.generate(45, 70, (i, j) => i * 1000 + j, "float32");
  const t = transpose(big);
  assert.deepEqual(t.shape(), [70, 45]);
  for (let i = 0; i < 45; i++) for (let j = 0; j < 70; j++) assert.equal(t.get(j, i), big.get(i, j));
  const sq = Matrix.eye(3);
  assert.throws(() => transpose(sq, sq), /transpose: out must be a different matrix from a/);
});

test("apply works in place; addScaledInPlace is target += alpha·x", () => {
  const a = A();
  assert.equal(
    apply(a, (v, i, j) => (v > 2 ? v : 10 * i + j)),
    a,
  );
  assert.deepEqual(a.toArray(), [
    [0, 1, 3],
    [4, 5, 6],
  ]);
  const w = A();
  assert.equal(addScaledInPlace(w, B(), -0.1), w);
  const got = w.toArray().flat();
  [0, 0, 0, 0, 0, 0].forEach((_, k) => assert.ok(Math.abs(got[k]!) < 1e-12));
});

test("argmaxRows gives the first largest column per row", () => {
  assert.deepEqual(
    argmaxRows(
      Matrix.fromArray([
        [0.1, 0.7, 0.2],
        [3, 3, 1],
        [-5, -4, -6],
      ]),
    ),
    [1, 0, 1],
  );
  assert.throws(() => argmaxRows(Matrix.zeros(2, 0)), /rows need at least one column/);
});

test("shape and dtype mismatches are reported clearly", () => {
  assert.throws(() => add(A(), Matrix.zeros(3, 2)), /add: a is 2×3 but b is 3×2; elementwise operations need equal shapes/);
  assert.throws(() => hadamard(A(), A().astype("float32")), /hadamard: a is float64 but b is float32/);
  assert.throws(() => addScaledInPlace(A(), Matrix.zeros(1, 3), 1), /addScaledInPlace: target is 2×3 but x is 1×3/);
  assert.throws(() => scale(A(), A() as unknown as number), /scale: s must be a number .*hadamard/);
  assert.throws(() => add(A(), B(), Matrix.zeros(2, 3, "float32")), /add: out is float32 but the result is float64/);
  assert.throws(() => apply(A(), 3 as never), /apply: f must be a function/);
  assert.throws(() => subtractScaledInPlace(A(), Matrix.zeros(1, 3), 1), /subtractScaledInPlace: target is 2×3 but x is 1×3/);
  assert.throws(() => subtractScaledInPlace(A(), A(), "0.1" as never), /subtractScaledInPlace: eta must be a number/);
  assert.throws(() => timesStep(A(), A().astype("float32")), /timesStep: x is float64 but mask is float32/);
});

test("subtractScaledInPlace is SGD's step θ −= η·g; timesStep multiplies by the unit step of the mask", () => {
  assert.deepEqual(subtractScaledInPlace(A(), B(), 0.5).toArray(), [
    [-4, -8, -12],
    [-16, -20, -24],
  ]);
  const g = Matrix.fromArray([[2, -3, 4, 5]]);
  const z = Matrix.fromArray([[1, -1, 0, Number.NaN]]);
  const out = timesStep(g, z);
  assert.deepEqual(Array.from(out.data), [2, -0, 0, 0]);
  assert.ok(Object.is(out.data[1], -0), "a negative gradient times 0 is −0, as the formula gives");
});

test("maximum (ReLU) and keepWherePositive (its backward pass), small and large, both dtypes", () => {
  assert.deepEqual(
    maximum(
      Matrix.fromArray([
        [-1, 0.5],
        [2, -3],
      ]),
      0,
    ).toArray(),
    [
      [0, 0.5],
      [2, 0],
    ],
  );
  assert.deepEqual(
    keepWherePositive(
      Matrix.fromArray([
        [1, 2],
        [3, 4],
      ]),
      Matrix.fromArray([
        [-1, 0.5],
        [0, 7],
      ]),
    ).toArray(),
    [
      [0, 2],
      [0, 4],
    ],
  );
  let s = 1;
  const rand = () => (s = (Math.imul(s, 48271) >>> 0) % 2147483647) / 2147483647 - 0.5;
  for (const dtype of ["float32", "float64"] as const) {
    // 1031 and 40_003 entries: below and above the size where SIMD kernels take over, not a multiple of the lanes.
    for (const [r, c] of [
      [1, 1031],
      [97, 413],
    ] as const) {
      const x = Matrix.generate(r, c, rand, dtype);
      const m = Matrix.generate(r, c, rand, dtype);
      x.data[5] = Number.NaN;
      const relu = maximum(x, 0);
      const keep = keepWherePositive(x, m);
      for (let i = 0; i < x.data.length; i++) {
        const v = x.data[i]!;
        if (i === 5) assert.ok(Number.isNaN(relu.data[i]!), "NaN stays NaN");
        else assert.equal(relu.data[i], Math.max(v, 0));
        if (i !== 5 || !(m.data[i]! > 0)) assert.equal(keep.data[i], m.data[i]! > 0 ? v : 0);
      }
      const inPlace = x.clone();
      assert.equal(maximum(inPlace, 0, inPlace), inPlace);
      assert.deepEqual([...inPlace.data].slice(6), [...relu.data].slice(6));
    }
  }
  assert.throws(() => maximum(A(), "0" as unknown as number), /maximum: s must be a number/);
  assert.throws(() => keepWherePositive(A(), Matrix.zeros(3, 2)), /keepWherePositive: x is 2×3 but mask is 3×2/);
});

test("addScaledInPlace on large matrices matches the plain loop", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const w = Matrix.generate(301, 77, (i, j) => Math.sin(i * 77 + j), dtype);
    const g = Matrix.generate(301, 77, (i, j) => Math.cos(i + 3 * j), dtype);
    const want = w.data.map((v, k) => v + -0.05 * g.data[k]!);
    addScaledInPlace(w, g, -0.05);
    const tol = dtype === "float32" ? 1e-6 : 1e-15;
    for (let k = 0; k < want.length; k++) assert.ok(Math.abs(w.data[k]! - want[k]!) <= tol, `entry ${k}`);
  }
});

test("addRowVector and sumColumns on large matrices match the plain loops", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const [m, n] of [
      [128, 300],
      [77, 103],
      [2000, 3],
      [5, 1001],
    ] as const) {
      const a = Matrix.generate(m, n, (i, j) => Math.sin(7 * i + j), dtype);
      const row = Matrix.generate(1, n, (_, j) => Math.cos(j), dtype);
      const sum = addRowVector(a, row);
      const cols = sumColumns(a);
      const tol = dtype === "float32" ? 1e-6 * m : 1e-12 * m;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < m; i++) {
          s += a.data[i * n + j]!;
          const want = dtype === "float32" ? Math.fround(a.data[i * n + j]! + row.data[j]!) : a.data[i * n + j]! + row.data[j]!;
          assert.equal(sum.data[i * n + j], want, `${dtype} ${m}×${n} addRowVector (${i}, ${j})`);
        }
        assert.ok(Math.abs(cols.data[j]! - s) <= tol, `${dtype} ${m}×${n} sumColumns column ${j}: ${cols.data[j]} vs ${s}`);
      }
      const inPlace = a.clone();
      addRowVector(inPlace, row, inPlace);
      assert.deepEqual([...inPlace.data], [...sum.data]);
    }
  }
  const row = Matrix.zeros(1, 3);
  assert.throws(() => sumColumns(row, row), /sumColumns: out must be a different matrix from a/);
});

test("linspace: evenly spaced from start to stop, with or without the endpoint", () => {
  assert.deepEqual(linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(linspace(0, 1, 4, false), [0, 0.25, 0.5, 0.75]);
  assert.deepEqual(linspace(2, -2, 3), [2, 0, -2]);
  assert.deepEqual(linspace(3, 7, 1), [3]);
  assert.deepEqual(linspace(0, 1, 0), []);
});

test("the learning rate: a finite number above 0, or an error naming the trainer and the value", () => {
  for (const bad of [0, -0.1, Number.NaN, Number.POSITIVE_INFINITY, "0.1" as unknown as number])
    assert.throws(
      () => checkLearningRate("Perceptron.train", bad),
      (e: Error) => e instanceof RangeError && e.message === `Perceptron.train: the learning rate must be a finite number > 0, got ${bad}.`,
      String(bad),
    );
  checkLearningRate("Perceptron.train", 1e-9);
  checkLearningRate("Perceptron.train", 10);
});

test("every operation names itself and the argument that is no matrix, for each of its arguments", () => {
  const notMatrix = [[1, 2, 3]] as never;
  // [operation, argument, a call with that argument replaced by a plain array]
  const cases: [string, string, () => unknown][] = [
    ["add", "b", () => add(A(), notMatrix)],
    ["sub", "a", () => sub(notMatrix, B())],
    ["hadamard", "a", () => hadamard(notMatrix, B())],
    ["hadamard", "b", () => hadamard(A(), notMatrix)],
    ["scale", "a", () => scale(notMatrix, 2)],
    ["addRowVector", "a", () => addRowVector(notMatrix, Matrix.zeros(1, 3))],
    ["addRowVector", "row", () => addRowVector(A(), notMatrix)],
    ["sumColumns", "a", () => sumColumns(notMatrix)],
    ["transpose", "a", () => transpose(notMatrix)],
    ["apply", "m", () => apply(notMatrix, (v) => v)],
    ["addScaledInPlace", "target", () => addScaledInPlace(notMatrix, B(), 1)],
    ["addScaledInPlace", "x", () => addScaledInPlace(A(), notMatrix, 1)],
    ["subtractScaledInPlace", "target", () => subtractScaledInPlace(notMatrix, B(), 1)],
    ["subtractScaledInPlace", "x", () => subtractScaledInPlace(A(), notMatrix, 1)],
    ["maximum", "a", () => maximum(notMatrix, 0)],
    ["keepWherePositive", "x", () => keepWherePositive(notMatrix, A())],
    ["keepWherePositive", "mask", () => keepWherePositive(A(), notMatrix)],
    ["timesStep", "x", () => timesStep(notMatrix, A())],
    ["timesStep", "mask", () => timesStep(A(), notMatrix)],
    ["argmaxRows", "a", () => argmaxRows(notMatrix)],
  ];
  for (const [op, arg, call] of cases) {
    assert.throws(call, new RegExp(`^TypeError: ${op}: ${arg} must be a Matrix \\(got object\\)`), `${op}(${arg})`);
  }
  // Shapes that differ in rows only, or in columns only, are refused as well.
  assert.throws(() => add(A(), Matrix.zeros(3, 3)), /^RangeError: add: a is 2×3 but b is 3×3; elementwise operations need equal shapes\.$/);
  assert.throws(() => hadamard(A(), Matrix.zeros(2, 4)), /^RangeError: hadamard: a is 2×3 but b is 2×4/);
  assert.throws(() => scale(A(), 2, Matrix.zeros(3, 3)), /^RangeError: scale: out is 3×3 but the result is 2×3/);
  assert.throws(() => scale(A(), 2, Matrix.zeros(2, 4)), /^RangeError: scale: out is 2×4 but the result is 2×3/);
  // An out of the wrong shape names the operation too.
  assert.throws(() => sub(A(), B(), Matrix.zeros(3, 2)), /^RangeError: sub: out is 3×2 but the result is 2×3/);
  assert.throws(() => maximum(A(), 0, Matrix.zeros(3, 2)), /^RangeError: maximum: out is 3×2 but the result is 2×3/);
});

test("what is no matrix is named by its kind; an out of the wrong shape or dtype says what the result is", () => {
  assert.throws(
    () => add(null as never, B()),
    /^TypeError: add: a must be a Matrix \(got null\); build one with Matrix\.fromArray\(\[\[\.\.\.\], \.\.\.\]\)\.$/,
  );
  assert.throws(() => sub(A(), 3 as never), /^TypeError: sub: b must be a Matrix \(got number\)/);
  assert.throws(
    () => scale(A(), 2, Matrix.zeros(3, 2)),
    /^RangeError: scale: out is 3×2 but the result is 2×3; pass an out of that shape or leave it out\.$/,
  );
  assert.throws(() => transpose(A(), Matrix.zeros(2, 3)), /transpose: out is 2×3 but the result is 3×2/);
  assert.throws(() => hadamard(A(), B(), [[0]] as never), /^TypeError: hadamard: out must be a Matrix \(got object\)/);
  assert.throws(
    () => sub(A(), B().astype("float32")),
    /^TypeError: sub: a is float64 but b is float32; convert one so both match, e\.g\. b\.astype\("float64"\)\.$/,
  );
  assert.throws(
    () => addRowVector(A(), Matrix.zeros(1, 3, "float32")),
    /addRowVector: a is float64 but row is float32; .* row\.astype\("float64"\)/,
  );
  assert.throws(() => addRowVector(A(), Matrix.zeros(1, 2)), /row must be 1×3, but it is 1×2/);
  assert.throws(() => addRowVector(A(), Matrix.zeros(2, 3)), /row must be 1×3, but it is 2×3/);
  assert.throws(() => sumColumns(A(), Matrix.zeros(1, 2)), /sumColumns: out is 1×2 but the result is 1×3/);
  assert.throws(() => addScaledInPlace(A(), B(), "1" as never), /^TypeError: addScaledInPlace: alpha must be a number \(got string\)\.$/);
  assert.throws(() => addScaledInPlace(A(), B().astype("float32"), 1), /addScaledInPlace: target is float64 but x is float32/);
  assert.throws(() => keepWherePositive(A(), A().astype("float32")), /keepWherePositive: x is float64 but mask is float32/);
  assert.throws(() => timesStep(A(), Matrix.zeros(3, 2)), /timesStep: x is 2×3 but mask is 3×2/);
  assert.throws(() => argmaxRows("x" as never), /argmaxRows: a must be a Matrix \(got string\)/);
});

test("every elementwise operation writes into a given out and returns it, leaving its inputs alone", () => {
  const out = () => Matrix.fill(2, 3, Number.NaN);
  // Positive, zero and negative entries in both rows: which ones pass shows.
  const mask = () =>
    Matrix.fromArray([
      [1, 0, -1],
      [-1, 0, 1],
    ]);
  const cases: [string, (o: Matrix) => Matrix, number[][]][] = [
    [
      "sub",
      (o) => sub(B(), A(), o),
      [
        [9, 18, 27],
        [36, 45, 54],
      ],
    ],
    [
      "hadamard",
      (o) => hadamard(A(), B(), o),
      [
        [10, 40, 90],
        [160, 250, 360],
      ],
    ],
    [
      "scale",
      (o) => scale(A(), -0.5, o),
      [
        [-0.5, -1, -1.5],
        [-2, -2.5, -3],
      ],
    ],
    [
      "addRowVector",
      (o) => addRowVector(A(), Matrix.fromArray([[1, 0, -1]]), o),
      [
        [2, 2, 2],
        [5, 5, 5],
      ],
    ],
    [
      "maximum",
      (o) => maximum(A(), 3.5, o),
      [
        [3.5, 3.5, 3.5],
        [4, 5, 6],
      ],
    ],
    [
      "keepWherePositive",
      (o) => keepWherePositive(A(), mask(), o),
      [
        [1, 0, 0],
        [0, 0, 6],
      ],
    ],
    [
      "timesStep",
      (o) => timesStep(A(), mask(), o),
      [
        [1, 0, 0],
        [0, 0, 6],
      ],
    ],
  ];
  for (const [name, op, want] of cases) {
    const o = out();
    assert.equal(op(o), o, name);
    assert.deepEqual(o.toArray(), want, name);
  }
  assert.deepEqual(A().toArray(), [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const t = Matrix.fill(3, 2, Number.NaN);
  assert.equal(transpose(A(), t), t);
  assert.deepEqual(t.toArray(), [
    [1, 4],
    [2, 5],
    [3, 6],
  ]);
  const one = Matrix.fromArray([[7]]);
  assert.equal(transpose(one, one).get(0, 0), 7, "a 1×1 matrix is its own transpose, in place");
});

test("apply sees each entry's row and column; argmaxRows handles negative rows and single columns", () => {
  const seen: string[] = [];
  apply(A(), (v, i, j) => {
    seen.push(`${v}@${i},${j}`);
    return v;
  });
  assert.deepEqual(seen, ["1@0,0", "2@0,1", "3@0,2", "4@1,0", "5@1,1", "6@1,2"]);
  assert.deepEqual(
    argmaxRows(
      Matrix.fromArray([
        [-3, -1, -2],
        [0, 0, 5],
        [2, 9, 9],
      ]),
    ),
    [1, 2, 1],
  );
  assert.deepEqual(argmaxRows(Matrix.fromArray([[4], [-4]])), [0, 0]);
  assert.deepEqual(argmaxRows(Matrix.zeros(0, 3)), []);
});

test("products refuse an out that shares memory with an operand, and take one beside it in the same buffer", () => {
  const buffer = new Float64Array(12);
  const a = Matrix.fromData(2, 2, buffer.subarray(0, 4));
  a.data.set([1, 2, 3, 4]);
  const overlapping = Matrix.fromData(2, 2, buffer.subarray(2, 6));
  assert.throws(() => matmul(a, Matrix.eye(2), overlapping), /matmul: out must not be a or b \(or share their memory\)/);
  assert.throws(() => matmul(Matrix.eye(2), a, Matrix.fromData(2, 2, buffer.subarray(3, 7))), /out must not be a or b/);
  const beside = Matrix.fromData(2, 2, buffer.subarray(4, 8));
  assert.equal(matmul(a, Matrix.eye(2), beside), beside);
  assert.deepEqual(beside.toArray(), [
    [1, 2],
    [3, 4],
  ]);
  const before = Matrix.fromData(1, 2, buffer.subarray(8, 10));
  const after = Matrix.fromData(1, 2, buffer.subarray(10, 12));
  assert.deepEqual(matmulTransB(before, after, Matrix.fromData(1, 1, buffer.subarray(7, 8))).toArray(), [[0]]);
  const empty = Matrix.fromData(0, 2, buffer.subarray(8, 8));
  assert.deepEqual(
    matmul(empty, Matrix.zeros(2, 2), Matrix.fromData(0, 2, buffer.subarray(8, 8))).shape(),
    [0, 2],
    "empty matrices share nothing",
  );
});
