#!/usr/bin/env node
// Runs the test suite with node's built-in test runner; TypeScript test files load
// through tsx. Unit tests run first (fast), then integration tests that start real
// kernels, servers and browsers.
//
//   node scripts/bin/run-tests.js              all tests
//   node scripts/bin/run-tests.js unit         only test/unit
//   node scripts/bin/run-tests.js integration  only test/integration
//   node scripts/bin/run-tests.js FILE...      just those files
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");

function testFiles(dir) {
  const full = path.join(root, "test", dir);
  if (!fs.existsSync(full)) return [];
  return fs
    .readdirSync(full, { recursive: true })
    .filter((f) => f.endsWith(".test.ts"))
    .sort()
    .map((f) => path.join(full, f));
}

const args = process.argv.slice(2);
const suites = args.length === 0 ? ["unit", "integration"] : args.filter((a) => a === "unit" || a === "integration");
const files = args.filter((a) => a.endsWith(".ts")).map((f) => path.resolve(f));

/**
 * The integration tests run the course's notebooks, and five of them load Fashion-MNIST
 * or California housing: make sure the datasets are there first. Missing ones are
 * fetched from their official sources (`course data fetch`); where there is no network,
 * fetch them beforehand from an offline copy (`npx course data fetch --from DIR`).
 */
function ensureDatasets() {
  const course = path.join(root, "scripts", "bin", "course.js");
  const verify = spawnSync(process.execPath, [course, "data", "verify"], { cwd: root, encoding: "utf8" });
  if (verify.status === 0) return;
  console.log("run-tests: the integration tests need the course's datasets; fetching the missing ones (course data fetch).");
  const fetch = spawnSync(process.execPath, [course, "data", "fetch"], { cwd: root, stdio: "inherit" });
  if (fetch.status !== 0) {
    console.error(
      "run-tests: the datasets could not be fetched, so the notebooks that load them cannot run.\nFix: run `npx course data fetch` where the network allows, or `npx course data fetch --from DIR` from an offline copy, then run the tests again.",
    );
    process.exit(1);
  }
}

/**
 * NNCOURSE_TEST_SKIP=REGEX leaves out the test files whose path matches, and says so:
 * CI's second full run on another Node leaves out the checks that do not depend on
 * Node's version (what Chromium renders), which the first run has made.
 */
function withoutSkipped(list) {
  const pattern = process.env.NNCOURSE_TEST_SKIP;
  if (!pattern) return list;
  const skip = new RegExp(pattern);
  const left = list.filter((f) => !skip.test(path.relative(root, f)));
  for (const f of list) if (!left.includes(f)) console.log(`run-tests: skipping ${path.relative(root, f)} (NNCOURSE_TEST_SKIP=${pattern})`);
  return left;
}

let failed = false;
const runs = files.length > 0 ? [["files", files]] : suites.map((s) => [s, withoutSkipped(testFiles(s))]);
if (runs.some(([name]) => name === "integration")) ensureDatasets();
for (const [name, list] of runs) {
  if (list.length === 0) {
    console.error(`run-tests: no test files found for "${name}".`);
    process.exit(1);
  }
  console.log(`\n=== ${name} tests (${list.length} files) ===`);
  // A test that hangs fails after 30 minutes (the longest, grading every solution, takes
  // a few) instead of holding the whole run until an outer limit kills it unreported.
  const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", "--test-timeout=1800000", ...list], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NNCOURSE_TEST: "1" },
  });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
