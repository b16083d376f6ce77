// What a Network accepts as X and y, and the matrices it makes of them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { firstNonFinite } from "../../lib/core/checks";
import { Matrix } from "../../lib/core/matrix";
import { binaryCrossEntropy, categoricalCrossEntropy, halfSquaredError, hinge } from "../../lib/nn/losses";
import { inputMatrix, targetMatrix, toMatrix } from "../../lib/nn/network-inputs";

test("firstNonFinite names the first NaN or ±Infinity by row and column, in row-major order", () => {
  assert.equal(
    firstNonFinite(
      Matrix.fromArray([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ),
    null,
  );
  assert.equal(
    firstNonFinite(
      Matrix.fromArray([
        [1, 2, 3],
        [4, 5, NaN],
      ]),
    ),
    "NaN at row 1, column 2",
  );
  assert.equal(
    firstNonFinite(
      Matrix.fromArray([
        [1, -Infinity],
        [NaN, 0],
      ]),
    ),
    "-Infinity at row 0, column 1",
  );
});

test("toMatrix takes nested arrays or a Matrix, converting the dtype only when needed", () => {
  const m = Matrix.fromArray([[1, 2]], "float64");
  assert.equal(toMatrix("f", "X", m, "float64"), m, "the same matrix, not a copy");
  assert.equal(toMatrix("f", "X", m, "float32").dtype, "float32");
  assert.deepEqual(
    toMatrix(
      "f",
      "X",
      [
        [1, 2],
        [3, 4],
      ],
      "float64",
    ).toArray(),
    [
      [1, 2],
      [3, 4],
    ],
  );
  assert.throws(() => toMatrix("f", "X", [1, 2] as never, "float64"), /f: X must be an array of rows .* got a flat array/);
  assert.throws(() => toMatrix("f", "y", [[1, 2], [3]], "float64"), /f: y row 1 has 1 entries but row 0 has 2/);
  assert.throws(() => toMatrix("f", "X", 5 as never, "float64"), /^TypeError: f: X must be a Matrix or an array of rows, got number\.$/);
});

test("inputMatrix checks the number of features, emptiness and the values", () => {
  assert.deepEqual(inputMatrix("Network.predict", [[1, 2]], 2, "float64").toArray(), [[1, 2]]);
  assert.throws(
    () => inputMatrix("Network.predict", [[1, 2, 3]], 2, "float64"),
    /^RangeError: Network\.predict: X has 3 columns \(features\) but the input layer has 2 units/,
  );
  assert.throws(() => inputMatrix("Network.cost", [], 2, "float64"), /Network\.cost: X is empty \(0 samples\)/);
  assert.throws(() => inputMatrix("Network.train", [[1, NaN]], 2, "float64"), /X contains NaN at row 0, column 1; clean the data first/);
});

test("targetMatrix: class labels become one-hot rows or a column; 0/1 become −1/+1 for sign losses", () => {
  assert.deepEqual(targetMatrix("t", [2, 0], 2, 3, categoricalCrossEntropy, "float64").toArray(), [
    [0, 0, 1],
    [1, 0, 0],
  ]);
  assert.deepEqual(targetMatrix("t", [1, 0], 2, 1, binaryCrossEntropy, "float64").toArray(), [[1], [0]]);
  assert.deepEqual(targetMatrix("t", [1, 0], 2, 1, hinge, "float64").toArray(), [[1], [-1]]);
  // Labels already ±1 are kept, and real targets are never mapped.
  assert.deepEqual(targetMatrix("t", [1, -1], 2, 1, hinge, "float64").toArray(), [[1], [-1]]);
  assert.deepEqual(targetMatrix("t", [0.5, 0], 2, 1, halfSquaredError, "float64").toArray(), [[0.5], [0]]);
  assert.deepEqual(targetMatrix("t", [[0.5, 1]], 1, 2, halfSquaredError, "float32").toArray(), [[0.5, 1]]);
});

test("targetMatrix names what does not fit: counts, labels, columns and values", () => {
  assert.throws(() => targetMatrix("t", [1], 2, 1, binaryCrossEntropy, "float64"), /t: X has 2 samples but y has 1 labels/);
  assert.throws(
    () => targetMatrix("t", [3], 1, 3, categoricalCrossEntropy, "float64"),
    /label 0 is 3, but the output layer has 3 units, so labels must be whole numbers 0 to 2/,
  );
  assert.throws(() => targetMatrix("t", [0.5, 1], 2, 2, categoricalCrossEntropy, "float64"), /label 0 is 0.5/);
  assert.throws(
    () => targetMatrix("t", [0, -1], 2, 2, categoricalCrossEntropy, "float64"),
    /label 1 is -1, but the output layer has 2 units/,
  );
  assert.throws(
    () => targetMatrix("t", [[1, 0], [1]], 2, 2, halfSquaredError, "float64"),
    /^RangeError: t: y row 1 has 1 entries but row 0 has 2/,
  );
  assert.throws(() => targetMatrix("t", [[1, 0]], 2, 2, halfSquaredError, "float64"), /X has 2 samples but y has 1 rows/);
  assert.throws(() => targetMatrix("t", [[1, 0]], 1, 1, halfSquaredError, "float64"), /y has 2 columns but the output layer has 1 units/);
  assert.throws(
    () => targetMatrix("t", [Infinity], 1, 1, halfSquaredError, "float64"),
    /y contains Infinity at row 0, column 0; clean the targets first/,
  );
});
