// Messages as graded in the sandbox: a bare check's failure reaches the gradebook with
// every line it prints in plain Node, without its class; partial credit lists what passed
// and what failed; and a master whose visible test changed after release does not call
// the learner's untouched copy "edited".
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { gradeCopyAgainstMaster } from "../helpers/grade-copy";
import { check } from "../../lib/grading";
import { gradeIdOf } from "../../scripts/src/notebook/master";
import type { Notebook } from "../../scripts/src/notebook/model";

const NAME = "00-sample-assignment";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "grader-messages-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function read(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
}
function setSource(notebook: Notebook, gradeId: string, source: string): void {
  notebook.cells.find((c) => gradeIdOf(c) === gradeId)!.source = source;
}

test("a bare check's message, partial credit and a master changed after release, graded in the sandbox", async () => {
  // The master after release: its NOR test became a cell of bare checks.
  const master = read(path.join(projectRoot, "notebooks", `${NAME}.ipynb`));
  setSource(
    master,
    "nor-tests",
    'import { check } from "nncourse/grading";\ncheck.truthTable(makeNor(), [1, 0, 0, 0], "your NOR unit");\n',
  );
  // The learner's copy, as released (exercises/ is committed), with a wrong NOR and a training loop that never stops.
  const copy = read(path.join(projectRoot, "solutions", `${NAME}.ipynb`));
  setSource(
    copy,
    "nor",
    "function makeNor(): McCullochPittsUnit {\n  return new McCullochPittsUnit({ excitatory: [1, 1], threshold: 1 });\n}\n",
  );
  setSource(
    copy,
    "perceptron-train",
    "function trainPerceptron(X: number[][], y: number[], lr: number, maxEpochs: number) {\n  return { w: [1, 1], b: -1.5, epochs: maxEpochs };\n}\n",
  );

  const { scores, issues } = await gradeCopyAgainstMaster(work, NAME, master, copy);
  // What the same check says in plain Node: an OR unit where NOR is expected.
  let plain = "";
  try {
    check.truthTable((x: number[]) => (x[0]! + x[1]! >= 1 ? 1 : 0), [1, 0, 0, 0], "your NOR unit");
  } catch (error) {
    plain = (error as Error).message;
  }
  assert.ok(plain.split("\n").length === 5);
  assert.equal(scores.get("nor-tests")!.message, plain);
  assert.deepEqual(scores.get("perceptron-train-tests")!.message.split("\n"), [
    "✓ a trained result of the right shape",
    "✓ every training example classified correctly",
    "✗ stopping after the first epoch without mistakes: training on AND should stop well before 50 epochs, but it ran 50.",
  ]);
  assert.deepEqual(
    issues.map((i) => `${i.kind} ${i.gradeId}`),
    ["master-changed nor-tests"],
    "the learner's copy is as released: the master changed, nobody edited it",
  );
});
