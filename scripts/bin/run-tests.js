#!/usr/bin/env node
// Runs the test suite with node's built-in test runner; TypeScript test files load
// through tsx. Unit tests run first (fast), then integration tests that start real
// kernels, servers and browsers.
//
//   node scripts/bin/run-tests.js              all tests
//   node scripts/bin/run-tests.js unit         only test/unit
//   node scripts/bin/run-tests.js integration  only test/integration
//   node scripts/bin/run-tests.js FILE...      just those files
//
// Skipped tests are listed with their reasons at the end of each run; with
// NNCOURSE_TEST_NO_SKIPS=1 (CI) a test skipped for something the machine lacks fails
// the run (test/helpers/skip.ts).
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
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

/** The skip reporter's file for one run (a folder of its own under the system's temp). */
function skipLog() {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-skips-")), "skips.jsonl");
}

/**
 * Lists the tests a run skipped, with their reasons. With NNCOURSE_TEST_NO_SKIPS=1 (CI),
 * a skip whose reason does not start with "by design: " (test/helpers/skip.ts) fails the
 * run: CI's machine must have everything the tests need. Returns whether it failed.
 */
function reportSkips(name, file) {
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const skips = text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  if (skips.length === 0) return false;
  const strict = process.env.NNCOURSE_TEST_NO_SKIPS === "1";
  const unwanted = skips.filter((s) => !s.reason.startsWith("by design: "));
  console.log(`\nrun-tests: ${skips.length} test(s) skipped (${name} tests):`);
  for (const s of skips) {
    const where = s.file ? path.relative(root, s.file) : "?";
    const flag = strict && unwanted.includes(s) ? "  <- not allowed in CI" : "";
    console.log(`  ${where}: ${s.name} (${s.reason || "no reason given"})${flag}`);
  }
  if (!strict || unwanted.length === 0) return false;
  console.error(
    `run-tests: ${unwanted.length} test(s) skipped for something this machine lacks, and NNCOURSE_TEST_NO_SKIPS=1 asks that every test run.\nFix: install what each reason names (.ci/run lists the packages), or, for a test that cannot apply on this machine by design, give its skip reason with byDesign() from test/helpers/skip.ts.`,
  );
  return true;
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
  // Unit test files run two or more at a time: most of a unit file's time is starting
  // its process and loading TypeScript, and on a 2-core machine node's default (one
  // fewer than the cores) would run them one by one. Integration files stay one at a
  // time: each starts kernels, servers or browsers that use every core.
  const concurrency = name === "unit" ? [`--test-concurrency=${Math.max(2, os.availableParallelism())}`] : [];
  const skips = skipLog();
  const reporters = ["--test-reporter=spec", "--test-reporter-destination=stdout"];
  reporters.push(`--test-reporter=${path.join(__dirname, "skip-reporter.js")}`, `--test-reporter-destination=${skips}`);
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", ...reporters, "--test-timeout=1800000", ...concurrency, ...list],
    {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NNCOURSE_TEST: "1" },
    },
  );
  if (result.status !== 0) failed = true;
  if (reportSkips(name, skips)) failed = true;
}
process.exit(failed ? 1 : 0);
