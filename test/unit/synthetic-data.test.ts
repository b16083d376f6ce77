// The seeded generator, the synthetic data sets and the preprocessing tools.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  MinMaxScaler,
  Random,
  StandardScaler,
  batchIndices,
  copyFirstInputTable,
  fromOneHot,
  logicGate,
  makeBlobs,
  makeCircles,
  makeMoons,
  makeSpirals,
  makeXor,
  miniBatches,
  oneHot,
  shuffleTogether,
  trainTestSplit,
  trainValidationTestSplit,
} from "../../lib/data";

test("Random: the same seed gives the same numbers; normals have mean 0 and variance 1", () => {
  const a = new Random(7);
  const b = new Random(7);
  const first = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(
    first,
    Array.from({ length: 5 }, () => b.next()),
  );
  assert.notDeepEqual(
    first,
    Array.from({ length: 5 }, () => new Random(8).next()),
  );
  assert.ok(first.every((u) => u >= 0 && u < 1));
  const rng = new Random(1);
  const z = Array.from({ length: 20000 }, () => rng.normal());
  const mean = z.reduce((s, v) => s + v, 0) / z.length;
  const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.03, `${mean} ${variance}`);
  const perm = new Random(2).permutation(10);
  assert.deepEqual(
    [...perm].sort((x, y) => x - y),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.ok([1, 2, 3].includes(rng.choice([1, 2, 3])));
  assert.equal(new Set(rng.sample([1, 2, 3, 4, 5], 3)).size, 3);
  assert.throws(() => rng.choice([]), /empty array/);
  assert.throws(() => new Random(NaN), /seed must be a finite number/);
});

test("moons and circles: shapes, balanced labels, geometry without noise, reproducible", () => {
  const moons = makeMoons(100, { seed: 1, shuffle: false });
  assert.equal(moons.X.length, 100);
  assert.equal(moons.y.filter((c) => c === 1).length, 50);
  moons.X.slice(0, 50).forEach(([x, y]) => assert.ok(Math.abs(x * x + y * y - 1) < 1e-12)); // on the unit circle
  assert.deepEqual(makeMoons(50, { noise: 0.1, seed: 3 }), makeMoons(50, { noise: 0.1, seed: 3 }));
  const circles = makeCircles(80, { factor: 0.5, seed: 1 });
  circles.X.forEach(([x, y], i) => {
    const r = Math.hypot(x, y);
    assert.ok(Math.abs(r - (circles.y[i] === 0 ? 1 : 0.5)) < 1e-12);
  });
  assert.throws(() => makeCircles(10, { factor: 1.5 }), /factor must be between 0 and 1/);
  assert.throws(() => makeMoons(10, { noise: -1 }), /noise must be a finite number ≥ 0/);
  assert.throws(() => makeMoons(0), /whole number ≥ 2/);
});

test("spirals, blobs, XOR and the gate tables", () => {
  const spirals = makeSpirals(50, 4, { seed: 2 });
  assert.equal(spirals.X.length, 200);
  assert.deepEqual(
    [0, 1, 2, 3].map((c) => spirals.y.filter((v) => v === c).length),
    [50, 50, 50, 50],
  );
  assert.ok(spirals.X.every(([x, y]) => Math.hypot(x, y) <= 1 + 1e-12));
  const blobs = makeBlobs(90, 3, {
    centers: [
      [0, 0],
      [10, 10],
      [-10, 10],
    ],
    std: 0.5,
    seed: 1,
  });
  blobs.X.forEach((p, i) => {
    const c = [
      [0, 0],
      [10, 10],
      [-10, 10],
    ][blobs.y[i]];
    assert.ok(Math.hypot(p[0] - c[0], p[1] - c[1]) < 3);
  });
  const xor = makeXor(100, { seed: 1 });
  xor.X.forEach(([a, b], i) => assert.equal(xor.y[i], a > 0 !== b > 0 ? 1 : 0));
  assert.deepEqual(logicGate("xor"), {
    X: [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ],
    y: [0, 1, 1, 0],
  });
  assert.deepEqual(logicGate("and", { biasColumn: "first" }).X[3], [1, 1, 1]);
  assert.deepEqual(logicGate("a-and-not-b").y, [0, 0, 1, 0]);
  assert.deepEqual(copyFirstInputTable().y, [0, 1, 0, 1]);
  assert.throws(() => logicGate("maybe" as never), /unknown gate "maybe"/);
});

test("scalers fit on the training set and apply to the others", () => {
  const train = [
    [1, 10],
    [3, 10],
    [5, 10],
  ];
  const test = [[7, 20]];
  const standard = new StandardScaler().fit(train);
  const scaled = standard.transform(train);
  assert.deepEqual(
    scaled.map((r) => r[0]),
    [-Math.sqrt(1.5), 0, Math.sqrt(1.5)],
  );
  assert.deepEqual(
    scaled.map((r) => r[1]),
    [0, 0, 0],
    "a constant column is only centred",
  );
  assert.deepEqual(standard.transform(test)[0][0], (7 - 3) / Math.sqrt(8 / 3));
  standard
    .inverseTransform(scaled)
    .flat()
    .forEach((v, i) => assert.ok(Math.abs(v - train.flat()[i]) < 1e-12));
  const minmax = new MinMaxScaler().fit(train);
  assert.deepEqual(
    minmax.transform(train).map((r) => r[0]),
    [0, 0.5, 1],
  );
  assert.deepEqual(minmax.transform(test)[0][0], 1.5, "test data can fall outside [0, 1]");
  assert.throws(() => new StandardScaler().transform(train), /call fit\(trainingData\) first/);
  assert.throws(() => standard.transform([[1, 2, 3]]), /fitted on 2 columns, got 3/);
  assert.throws(() => new StandardScaler().fit([]), /the data is empty/);
  assert.throws(() => new StandardScaler().fit([[1, NaN]]), /row 0, column 1 is NaN/);
});

test("splits: sizes, no overlap, stratified class shares, seeded", () => {
  const X = Array.from({ length: 100 }, (_, i) => [i]);
  const y = X.map(([i]) => (i < 80 ? 0 : 1));
  const s = trainValidationTestSplit(X, y, { testSize: 0.2, validationSize: 0.1, stratify: true, seed: 1 });
  assert.deepEqual([s.XTrain.length, s.XValidation.length, s.XTest.length], [70, 10, 20]);
  const all = [...s.XTrain, ...s.XValidation, ...s.XTest].map(([i]) => i).sort((a, b) => a - b);
  assert.deepEqual(
    all,
    X.map(([i]) => i),
  );
  assert.equal(s.yTest.filter((c) => c === 1).length, 4, "20% of the 20 minority samples");
  assert.equal(s.yValidation.filter((c) => c === 1).length, 2);
  assert.deepEqual(trainTestSplit(X, y, { seed: 5 }), trainTestSplit(X, y, { seed: 5 }));
  assert.throws(() => trainTestSplit(X, y.slice(1)), /X has 100 rows but y has 99 labels/);
  assert.throws(() => trainTestSplit([], []), /the data is empty/);
  assert.throws(() => trainValidationTestSplit(X, y, { testSize: 0.6, validationSize: 0.5 }), /leave no training data/);
});

test("one-hot, shuffling together and mini-batches", () => {
  assert.deepEqual(oneHot([0, 2, 1], 3), [
    [1, 0, 0],
    [0, 0, 1],
    [0, 1, 0],
  ]);
  assert.deepEqual(
    fromOneHot([
      [0.1, 0.7, 0.2],
      [0.9, 0, 0.1],
    ]),
    [1, 0],
  );
  assert.throws(() => oneHot([0, 3], 3), /label 1 is 3/);
  const [a, b] = shuffleTogether(
    [
      [1, 2, 3, 4],
      ["a", "b", "c", "d"],
    ],
    3,
  );
  a.forEach((v, i) => assert.equal(b[i], "abcd"[(v as number) - 1]));
  const batches = batchIndices(10, 4, 1);
  assert.deepEqual(
    batches.map((x) => x.length),
    [4, 4, 2],
  );
  assert.deepEqual(
    batches.flat().sort((x, y) => x - y),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.deepEqual(batchIndices(5, 2, false), [[0, 1], [2, 3], [4]]);
  const X = [[0], [1], [2], [3], [4]];
  const seen = [...miniBatches(X, [0, 10, 20, 30, 40], 2, 4)];
  seen.forEach(({ X: xb, y: yb }) => xb.forEach(([v], i) => assert.equal(yb[i], v * 10)));
  assert.throws(() => batchIndices(5, 0), /batchSize must be a whole number ≥ 1/);
});

test("shuffleTogether reorders every array by one seeded permutation: really shuffled, nothing lost, the pairs kept", () => {
  const n = 30;
  const ids = Array.from({ length: n }, (_, i) => i);
  const labels = ids.map((i) => `row ${i}`);
  const [a, b] = shuffleTogether([ids, labels], 5);
  assert.notDeepEqual(a, ids, "the order changed");
  assert.ok(a.filter((v, i) => v === i).length < n / 2, `most rows moved: ${a.join(",")}`);
  assert.deepEqual(
    [...a].sort((x, y) => x - y),
    ids,
    "a permutation: every row once",
  );
  a.forEach((v, i) => assert.equal(b[i], `row ${v}`));
  assert.deepEqual(shuffleTogether([ids], 5)[0], a, "the same seed, the same order");
  assert.notDeepEqual(shuffleTogether([ids], 6)[0], a, "another seed, another order");
  assert.deepEqual(
    ids,
    Array.from({ length: n }, (_, i) => i),
    "the inputs are not changed",
  );
  assert.throws(() => shuffleTogether([ids, labels.slice(1)]), /array 1 has 29 items but array 0 has 30/);
});

test("miniBatches yields every sample once, in batches of the size asked and one smaller last batch", () => {
  const X = Array.from({ length: 10 }, (_, i) => [i]);
  const y = X.map(([v]) => v! * 10);
  const batches = [...miniBatches(X, y, 4, 8)];
  assert.deepEqual(
    batches.map((b) => b.X.length),
    [4, 4, 2],
  );
  assert.deepEqual(
    batches.flatMap((b) => b.indices).sort((p, q) => p - q),
    X.map(([v]) => v),
  );
  for (const { X: xb, y: yb, indices } of batches) {
    assert.deepEqual(
      xb,
      indices.map((i) => X[i]),
    );
    assert.deepEqual(
      yb,
      indices.map((i) => y[i]),
    );
  }
  assert.notDeepEqual(
    batches.flatMap((b) => b.indices),
    X.map(([v]) => v),
    "seeded batches are shuffled",
  );
  assert.deepEqual(
    [...miniBatches(X, y, 4, false)].map((b) => b.indices),
    [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ],
  );
  assert.throws(() => [...miniBatches(X, y.slice(1), 4)], /X has 10 rows but y has 9/);
});
