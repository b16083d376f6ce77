// Classification and regression scores, and the linear baselines.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  LogisticRegression,
  SoftmaxRegression,
  accuracy,
  confusionMatrix,
  meanAbsoluteError,
  meanSquaredError,
  precisionRecallF1,
  r2Score,
  rootMeanSquaredError,
} from "../../lib/metrics";
import { makeBlobs } from "../../lib/data/synthetic";

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test("accuracy and the confusion matrix (rows: truth, columns: prediction)", () => {
  const yTrue = [0, 0, 1, 1, 2, 2];
  const yPred = [0, 1, 1, 1, 2, 0];
  close(accuracy(yTrue, yPred), 4 / 6);
  assert.deepEqual(confusionMatrix(yTrue, yPred), [
    [1, 1, 0],
    [0, 2, 0],
    [1, 0, 1],
  ]);
  assert.deepEqual(confusionMatrix([0], [0], 2), [
    [1, 0],
    [0, 0],
  ]);
});

test("precision, recall and F1 per class with macro and weighted averages", () => {
  const yTrue = [0, 0, 1, 1, 2, 2];
  const yPred = [0, 1, 1, 1, 2, 0];
  const { perClass, macro, weighted } = precisionRecallF1(yTrue, yPred);
  close(perClass[0].precision, 1 / 2);
  close(perClass[0].recall, 1 / 2);
  close(perClass[1].precision, 2 / 3);
  close(perClass[1].recall, 1);
  close(perClass[1].f1, 0.8);
  close(perClass[2].precision, 1);
  close(perClass[2].recall, 1 / 2);
  close(macro.recall, (0.5 + 1 + 0.5) / 3);
  close(weighted.recall, accuracy(yTrue, yPred), 1e-12); // weighted recall is accuracy
  assert.equal(precisionRecallF1([0, 0], [0, 0], 2).perClass[1].f1, 0, "a class never seen scores 0, not NaN");
});

test("regression scores: MSE, RMSE, MAE and R²", () => {
  const y = [3, -0.5, 2, 7];
  const p = [2.5, 0.0, 2, 8];
  close(meanSquaredError(y, p), 0.375);
  close(rootMeanSquaredError(y, p), Math.sqrt(0.375));
  close(meanAbsoluteError(y, p), 0.5);
  close(r2Score(y, p), 0.9486081370449679);
  close(r2Score(y, y), 1);
  close(
    r2Score(
      y,
      y.map(() => 2.875),
    ),
    0,
    1e-12,
  ); // always the mean
});

test("scores refuse mismatched or empty input", () => {
  assert.throws(() => accuracy([1, 0], [1]), /2 true values but 1 predictions/);
  assert.throws(() => meanSquaredError([], []), /no samples given/);
  assert.throws(() => r2Score([1, NaN], [1, 2]), /sample 1 has true value NaN/);
  assert.throws(() => confusionMatrix([0, 1.5], [0, 1]), /true class 1.5/);
});

test("logistic and softmax regression separate linearly separable blobs", () => {
  const two = makeBlobs(100, 2, {
    centers: [
      [-2, 0],
      [2, 0],
    ],
    std: 0.7,
    seed: 1,
  });
  const logistic = new LogisticRegression(2);
  const history = logistic.fit(two.X, two.y, { epochs: 200 });
  assert.ok(history.epochs.at(-1)!.loss < history.epochs[0].loss);
  assert.ok(logistic.score(two.X, two.y) > 0.97);
  assert.ok(logistic.weights[0][0] > 0, "the weight on x1 points towards class 1");
  logistic.predictProba(two.X).forEach((p) => assert.ok(p > 0 && p < 1));
  const three = makeBlobs(150, 3, {
    centers: [
      [0, 4],
      [-4, -2],
      [4, -2],
    ],
    std: 0.8,
    seed: 2,
  });
  const softmax = new SoftmaxRegression(2, 3);
  softmax.fit(three.X, three.y, { epochs: 200 });
  assert.ok(softmax.score(three.X, three.y) > 0.97);
  softmax.predictProba(three.X).forEach((row) =>
    close(
      row.reduce((s, v) => s + v, 0),
      1,
      1e-12,
    ),
  );
});
