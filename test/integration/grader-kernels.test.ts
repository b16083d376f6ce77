// A graded kernel computes with the same kernels as the learner's own: a seeded product
// has the same bits in the sandbox as in this process. (Node 20 has relaxed SIMD only
// behind a flag, which the library turns on for itself but cannot in a graded kernel,
// where `v8` is refused: the grader starts Node 20 kernels with it instead.)
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { gradeCopyAgainstMaster } from "../helpers/grade-copy";
import { Matrix, matmul, kernelInfo } from "../../lib/core";
import { gradeIdOf } from "../../scripts/src/notebook/master";
import type { Notebook } from "../../scripts/src/notebook/model";

const NAME = "00-sample-assignment";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "grader-kernels-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** The product both sides compute, as source: large enough for the WebAssembly kernels, whose last bits tell fused from unfused. */
const PRODUCT = `const a = Matrix.generate(64, 256, (i, j) => Math.sin(i * 256 + j), "float32");
const b = Matrix.generate(256, 64, (i, j) => Math.cos(i * 64 + j), "float32");
const bits = Array.from(matmul(a, b).data).join(",");`;

test("a graded kernel computes a seeded product with the same bits as the library outside the sandbox", async () => {
  const bits = new Function("Matrix", "matmul", `${PRODUCT}\nreturn bits;`)(Matrix, matmul) as string;
  const master = JSON.parse(fs.readFileSync(path.join(projectRoot, "notebooks", `${NAME}.ipynb`), "utf8")) as Notebook;
  // The master's NOR test, replaced by the comparison (its hidden expected value computed here).
  master.cells.find((c) => gradeIdOf(c) === "nor-tests")!.source = [
    'import { check } from "nncourse/grading";',
    'import { Matrix, matmul, kernelInfo } from "nncourse";',
    'check.test("same kernels", () => {',
    PRODUCT,
    `  check.equal(bits === ${JSON.stringify(bits)}, true, "the product's bits match the learner's kernels (" + JSON.stringify(kernelInfo()) + ")");`,
    "});",
  ].join("\n");
  const copy = JSON.parse(fs.readFileSync(path.join(projectRoot, "solutions", `${NAME}.ipynb`), "utf8")) as Notebook;
  const { scores } = await gradeCopyAgainstMaster(work, NAME, master, copy);
  const score = scores.get("nor-tests")!;
  assert.equal(score.earned, 1, `outside the sandbox: ${JSON.stringify(kernelInfo())}; inside: ${score.message}`);
});
