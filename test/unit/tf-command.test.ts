// `course tf install`: the package.json change that lets npm install the native
// TensorFlow.js packages despite the project's override of tfjs-node.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { NATIVE_VERSION, withNativePackage } from "../../scripts/src/commands/tf";
import { projectRoot, runCourse } from "../helpers/cli";

const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));

test("tfjs-node: added as a dependency, and its override points at that dependency", () => {
  assert.match(
    pkg.overrides["@tensorflow/tfjs-node"],
    /^npm:@tensorflow\/tfjs@/,
    "the project aliases tfjs-node (this is what the command works around)",
  );
  const next = withNativePackage(pkg, "node");
  assert.equal(next.dependencies!["@tensorflow/tfjs-node"], NATIVE_VERSION);
  assert.equal(next.overrides!["@tensorflow/tfjs-node"], "$@tensorflow/tfjs-node");
  assert.equal(next.overrides!.xlsx, pkg.overrides.xlsx, "other overrides stay");
  assert.equal(next.dependencies!["@tensorflow/tfjs"], NATIVE_VERSION, "the native package matches the installed tfjs");
  assert.equal(pkg.overrides["@tensorflow/tfjs-node"].startsWith("npm:"), true, "the input is not changed");
});

test("tfjs-node-gpu: only a dependency (nothing overrides it)", () => {
  const next = withNativePackage(pkg, "gpu");
  assert.equal(next.dependencies!["@tensorflow/tfjs-node-gpu"], NATIVE_VERSION);
  assert.deepEqual(next.overrides, pkg.overrides);
});

test("a wrong command line is refused with the right spelling", async () => {
  const result = await runCourse(["tf", "install", "cuda"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /write `course tf install node` or `course tf install gpu`/);
});
