// What Network.train reports when the loss stops being a finite number.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix } from "../../lib/core/matrix";
import { TrainingDivergedError, divergenceClues, trainingDivergedError } from "../../lib/nn/divergence";

const finite = () => ({
  weights: [Matrix.fromArray([[1, -2]]), Matrix.fromArray([[3], [40]])],
  biases: [Matrix.fromArray([[0, 0]]), Matrix.fromArray([[0]])],
  zs: [Matrix.fromArray([[1, 2]]), Matrix.fromArray([[-500]])],
  learningRate: 5,
});

test("the clues name the first non-finite weight or bias of every layer", () => {
  const state = finite();
  state.weights[1].data[1] = NaN;
  state.biases[0].data[1] = Infinity;
  assert.deepEqual(divergenceClues(state), [
    "weights of layer 2: NaN at row 1, column 0",
    "biases of layer 1: Infinity at row 0, column 1",
  ]);
});

test("with finite parameters, the clue is the first non-finite z of the batch", () => {
  const state = finite();
  state.zs[0].data[0] = -Infinity;
  state.zs[1].data[0] = NaN;
  assert.deepEqual(divergenceClues(state), ["z of layer 1: -Infinity at row 0, column 0 of the batch"]);
});

test("when everything is finite (the loss overflowed), the clues are the sizes of the weights and outputs", () => {
  assert.deepEqual(divergenceClues(finite()), [
    "weights of layer 1 up to 2.0e+0 in size",
    "weights of layer 2 up to 4.0e+1 in size",
    "outputs up to 5.0e+2",
  ]);
});

test("the error says when (epoch, batch counted from 1, first sample), where, and the fix", () => {
  const error = trainingDivergedError("the loss became NaN", { epoch: 3, batch: 1, rows: [7, 2, 9] }, finite());
  assert.ok(error instanceof TrainingDivergedError);
  assert.equal(error.name, "TrainingDivergedError");
  assert.equal(error.epoch, 3);
  assert.equal(error.batch, 2);
  assert.match(
    error.message,
    /^Network\.train: the loss became NaN in epoch 3, batch 2 \(3 samples, first sample index 7\)\. Where: weights of layer 1 up to/,
  );
  assert.match(
    error.message,
    /Where: weights of layer 1 up to 2\.0e\+0 in size; weights of layer 2 up to 4\.0e\+1 in size; outputs up to 5\.0e\+2\. Training diverged: lower the learning rate \(now 5\) or scale the inputs\.$/,
  );
});
