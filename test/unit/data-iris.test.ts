import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { IRIS_CLASSES, loadIris } from "../../lib/data";

const projectRoot = path.resolve(__dirname, "..", "..");
const csv = path.resolve(projectRoot, "..", "shared", "datasets", "iris", "iris.csv");

test("iris has 150 rows of 4 features and 50 flowers of each species", () => {
  const iris = loadIris();
  assert.equal(iris.rows, 150);
  assert.equal(iris.cols, 4);
  assert.equal(iris.data.length, 600);
  assert.deepEqual(iris.featureNames, ["sepal_length", "sepal_width", "petal_length", "petal_width"]);
  assert.deepEqual(iris.classNames, ["setosa", "versicolor", "virginica"]);
  const counts = [0, 0, 0];
  iris.labels.forEach((l) => counts[l]++);
  assert.deepEqual(counts, [50, 50, 50]);
  iris.labels.forEach((l, i) => assert.equal(IRIS_CLASSES[l], iris.species[i]));
  assert.deepEqual([...iris.data.subarray(0, 4)], [5.1, 3.5, 1.4, 0.2]);
  // Fisher's values, not UCI's two transcription errors (rows 35 and 38).
  assert.deepEqual([...iris.data.subarray(34 * 4, 35 * 4)], [4.9, 3.1, 1.5, 0.2]);
  assert.deepEqual([...iris.data.subarray(37 * 4, 38 * 4)], [4.9, 3.6, 1.4, 0.1]);
});

test("each call returns a fresh copy", () => {
  const a = loadIris();
  a.data[0] = 99;
  assert.equal(loadIris().data[0], 5.1);
});

test("iris equals the verified CSV value for value", { skip: fs.existsSync(csv) ? false : `no offline dataset copy at ${csv}` }, () => {
  const iris = loadIris();
  const rows = fs.readFileSync(csv, "utf8").trim().split("\n").slice(1);
  assert.equal(rows.length, 150);
  rows.forEach((line, r) => {
    const f = line.split(",");
    assert.deepEqual([...iris.data.subarray(r * 4, r * 4 + 4)], f.slice(0, 4).map(Number), `row ${r + 1}`);
    assert.equal(iris.species[r], f[4], `row ${r + 1}`);
  });
});
