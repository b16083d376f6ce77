import { test, after } from "node:test";
import assert from "node:assert/strict";
import { Matrix, configureKernels, gatherRows, residentCopy, residentZeros } from "../../lib/core";

after(() => {
  configureKernels();
});

function numbered(rows: number, cols: number, dtype: "float32" | "float64"): Matrix {
  return Matrix.generate(rows, cols, (i, j) => i * 1000 + j + 0.25, dtype);
}

test("gatherRows copies the listed rows in their order, repeats included, between ordinary and resident matrices alike", () => {
  for (const backend of ["wasm", "js"] as const) {
    configureKernels({ backend });
    for (const dtype of ["float32", "float64"] as const) {
      const source = numbered(50, 37, dtype);
      const rows = [49, 0, 7, 7, 23];
      const want = Matrix.generate(rows.length, 37, (r, j) => rows[r]! * 1000 + j + 0.25, dtype);
      const residentSource = residentCopy(source);
      for (const [from, into] of [
        [source, undefined],
        [source, residentZeros(5, 37, dtype)],
        [residentSource, residentZeros(5, 37, dtype)],
        [residentSource, Matrix.zeros(5, 37, dtype)],
      ] as const) {
        const got = gatherRows(from, Int32Array.from(rows), into);
        if (into) assert.equal(got, into, "the rows go into out");
        assert.deepEqual(Array.from(got.data), Array.from(want.data), `${backend}, ${dtype}`);
      }
      assert.deepEqual(gatherRows(source, []).shape(), [0, 37], "no rows: an empty batch");
    }
  }
});

test("gatherRows refuses an index outside the source, a shape it cannot fill, and an out over the source", () => {
  configureKernels();
  const source = numbered(4, 3, "float64");
  assert.throws(
    () => gatherRows(source, [0, 4]),
    /^RangeError: gatherRows: rows\[1\] is 4, but source has rows 0 to 3; every index must be a whole number in that range\.$/,
  );
  assert.throws(() => gatherRows(source, [-1]), /^RangeError: gatherRows: rows\[0\] is -1, but source has rows 0 to 3;/);
  assert.throws(() => gatherRows(source, [1.5]), /^RangeError: gatherRows: rows\[0\] is 1\.5, but source has rows 0 to 3;/);
  assert.throws(() => gatherRows(source, [Number.NaN]), /^RangeError: gatherRows: rows\[0\] is NaN,/);
  assert.throws(() => gatherRows(source, [0, 1], Matrix.zeros(3, 3)), /^RangeError: gatherRows: out is 3×3 but the result is 2×3;/);
  assert.throws(
    () => gatherRows(source, [0], Matrix.zeros(1, 3, "float32")),
    /^TypeError: gatherRows: out is float32 but the result is float64;/,
  );
  assert.throws(
    () => gatherRows(source, [0, 1], new Matrix(2, 3, source.data.subarray(6, 12))),
    /^Error: gatherRows: out must not be source \(or share its memory\);/,
  );
  assert.throws(() => gatherRows([1] as unknown as Matrix, [0]), /^TypeError: gatherRows: source must be a Matrix \(got object\);/);
});
