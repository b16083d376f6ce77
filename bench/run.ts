/**
 * `npm run bench`: runs every benchmark in this folder (files named *.bench.ts), one
 * after the other in its own process so that one cannot warm or pollute another.
 * Each prints its own figures as ratios against a peer measured in the same run.
 *
 *   npm run bench              all benchmarks
 *   npm run bench -- runner    only those whose file name contains "runner"
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const filters = process.argv.slice(2);
const files = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error(`bench: no benchmark matches ${filters.join(", ") || "*.bench.ts"}.`);
  process.exit(2);
}

let failed = 0;
for (const file of files) {
  console.log(`\n━━━ ${file} ━━━`);
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, file)], { stdio: "inherit" });
  if (result.status !== 0) {
    failed++;
    console.error(`bench: ${file} exited with ${result.status ?? result.signal}.`);
  }
}
process.exit(failed === 0 ? 0 : 1);
