import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { byDesign } from "../helpers/skip";

const runTests = path.join(projectRoot, "scripts", "bin", "run-tests.js");

/** A test file with one test that runs, one skipped for a missing browser, one skipped by design. */
function fixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-skips-test-"));
  const file = path.join(dir, "probe.test.ts");
  fs.writeFileSync(
    file,
    [
      'import { test } from "node:test";',
      'test("runs", () => {});',
      'test("needs a browser", { skip: "Chromium is not installed at /nowhere" }, () => {});',
      `test("not for root", { skip: ${JSON.stringify(byDesign("root may read and write any file"))} }, () => {});`,
      'test("skips itself", (t) => { t.skip("no dataset copy"); });',
    ].join("\n"),
  );
  return file;
}

function run(file: string, env: NodeJS.ProcessEnv) {
  // Without the variable that tells a test file it runs under a test runner: this is a run of its own.
  const { NODE_TEST_CONTEXT: _, ...outside } = process.env;
  const result = spawnSync(process.execPath, [runTests, file], { cwd: projectRoot, encoding: "utf8", env: { ...outside, ...env } });
  return { status: result.status, out: result.stdout + result.stderr };
}

test("the run lists every skipped test with its reason, and passes", () => {
  const file = fixture();
  const { status, out } = run(file, { NNCOURSE_TEST_NO_SKIPS: "" });
  assert.equal(status, 0, out);
  assert.match(out, /run-tests: 3 test\(s\) skipped/);
  assert.match(out, /probe\.test\.ts: needs a browser \(Chromium is not installed at \/nowhere\)/);
  assert.match(out, /probe\.test\.ts: not for root \(by design: root may read and write any file\)/);
  assert.match(out, /probe\.test\.ts: skips itself \(no dataset copy\)/);
  assert.doesNotMatch(out, /not allowed in CI/);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test("with NNCOURSE_TEST_NO_SKIPS=1 (CI) a skip for something missing fails the run; a skip by design does not", () => {
  const file = fixture();
  const { status, out } = run(file, { NNCOURSE_TEST_NO_SKIPS: "1" });
  assert.equal(status, 1, out);
  assert.match(out, /needs a browser \(Chromium is not installed at \/nowhere\)  <- not allowed in CI/);
  assert.match(out, /skips itself \(no dataset copy\)  <- not allowed in CI/);
  assert.match(out, /not for root \(by design: [^)]*\)\n/);
  assert.match(out, /2 test\(s\) skipped for something this machine lacks/);
  assert.match(out, /Fix: install what each reason names/);

  // Only skips by design: CI passes.
  fs.writeFileSync(
    file,
    `import { test } from "node:test";\ntest("not for root", { skip: ${JSON.stringify(byDesign("x"))} }, () => {});\n`,
  );
  const byDesignOnly = run(file, { NNCOURSE_TEST_NO_SKIPS: "1" });
  assert.equal(byDesignOnly.status, 0, byDesignOnly.out);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});
