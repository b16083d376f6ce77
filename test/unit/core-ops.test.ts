import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Matrix, add, sub, hadamard, scale, addRowVector, sumColumns, transpose, apply, addScaledInPlace, argmaxRows,
} from "../../lib/core";

const A = () => Matrix.fromArray([[1, 2, 3], [4, 5, 6]]);
const B = () => Matrix.fromArray([[10, 20, 30], [40, 50, 60]]);

test("elementwise add, sub, hadamard, scale", () => {
  assert.deepEqual(add(A(), B()).toArray(), [[11, 22, 33], [44, 55, 66]]);
  assert.deepEqual(sub(B(), A()).toArray(), [[9, 18, 27], [36, 45, 54]]);
  assert.deepEqual(hadamard(A(), B()).toArray(), [[10, 40, 90], [160, 250, 360]]);
  assert.deepEqual(scale(A(), 2).toArray(), [[2, 4, 6], [8, 10, 12]]);
  const a = A();
  assert.equal(add(a, B(), a), a, "out may be an input");
  assert.deepEqual(a.toArray(), [[11, 22, 33], [44, 55, 66]]);
});

test("broadcasting: addRowVector and sumColumns", () => {
  const b = Matrix.fromArray([[0.5, -1, 2]]);
  assert.deepEqual(addRowVector(A(), b).toArray(), [[1.5, 1, 5], [4.5, 4, 8]]);
  assert.deepEqual(sumColumns(A()).toArray(), [[5, 7, 9]]);
  const out = Matrix.fill(1, 3, 99);
  assert.equal(sumColumns(A(), out), out);
  assert.deepEqual(out.toArray(), [[5, 7, 9]]);
  assert.throws(() => addRowVector(A(), Matrix.zeros(3, 1)), /addRowVector: a is 2×3 so row must be 1×3, but it is 3×1/);
});

test("transpose, including sizes past its 32×32 blocks", () => {
  assert.deepEqual(transpose(A()).toArray(), [[1, 4], [2, 5], [3, 6]]);
  const big = Matrix.generate(45, 70, (i, j) => i * 1000 + j, "float32");
  const t = transpose(big);
  assert.deepEqual(t.shape(), [70, 45]);
  for (let i = 0; i < 45; i++) for (let j = 0; j < 70; j++) assert.equal(t.get(j, i), big.get(i, j));
  const sq = Matrix.eye(3);
  assert.throws(() => transpose(sq, sq), /transpose: out must be a different matrix from a/);
});

test("apply works in place; addScaledInPlace is target += alpha·x", () => {
  const a = A();
  assert.equal(apply(a, (v, i, j) => (v > 2 ? v : 10 * i + j)), a);
  assert.deepEqual(a.toArray(), [[0, 1, 3], [4, 5, 6]]);
  const w = A();
  assert.equal(addScaledInPlace(w, B(), -0.1), w);
  const got = w.toArray().flat();
  [0, 0, 0, 0, 0, 0].forEach((_, k) => assert.ok(Math.abs(got[k]!) < 1e-12));
});

test("argmaxRows gives the first largest column per row", () => {
  assert.deepEqual(argmaxRows(Matrix.fromArray([[0.1, 0.7, 0.2], [3, 3, 1], [-5, -4, -6]])), [1, 0, 1]);
  assert.throws(() => argmaxRows(Matrix.zeros(2, 0)), /rows need at least one column/);
});

test("shape and dtype mismatches are reported clearly", () => {
  assert.throws(() => add(A(), Matrix.zeros(3, 2)), /add: a is 2×3 but b is 3×2; elementwise operations need equal shapes/);
  assert.throws(() => hadamard(A(), A().astype("float32")), /hadamard: a is float64 but b is float32/);
  assert.throws(() => addScaledInPlace(A(), Matrix.zeros(1, 3), 1), /addScaledInPlace: target is 2×3 but x is 1×3/);
  assert.throws(() => scale(A(), A() as unknown as number), /scale: s must be a number .*hadamard/);
  assert.throws(() => add(A(), B(), Matrix.zeros(2, 3, "float32")), /add: out is float32 but the result is float64/);
  assert.throws(() => apply(A(), 3 as never), /apply: f must be a function/);
});
