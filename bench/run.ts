/**
 * `npm run bench`: runs every benchmark in this folder (files named *.bench.ts), one
 * after the other in its own process so that one cannot warm or pollute another.
 * Each prints its own figures as ratios against a peer measured in the same run.
 *
 *   npm run bench                      all benchmarks
 *   npm run bench -- runner            only those whose file name contains "runner"
 *   npm run bench -- mlp --node 24     on Node 24 (from the npm registry, see node-release.ts)
 *   npm run bench -- mlp --node machine,24   on this machine's Node, then on Node 24
 *
 * Options after the file filters go to every benchmark (e.g. `mlp --quick --threads 1`).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { nodeBinary, parseNodeChoices, type NodeChoice } from "./node-release";

const args = process.argv.slice(2);
let nodes: NodeChoice[] = ["machine"];
const nodeAt = args.indexOf("--node");
if (nodeAt >= 0) {
  const value = args[nodeAt + 1];
  if (value === undefined) throw new Error('bench: --node needs a value, such as 24 or "machine,24".');
  nodes = parseNodeChoices(value);
  args.splice(nodeAt, 2);
}
// File filters first; everything from the first option on goes to the benchmarks.
const firstOption = args.findIndex((a) => a.startsWith("-"));
const filters = firstOption < 0 ? args : args.slice(0, firstOption);
const passOn = firstOption < 0 ? [] : args.slice(firstOption);
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
for (const node of nodes) {
  const binary = nodeBinary(node, path.resolve(__dirname, ".."));
  for (const file of files) {
    console.log(`\n━━━ ${file}${node === "machine" ? "" : ` on Node ${node}`} ━━━`);
    const result = spawnSync(binary, ["--import", "tsx", path.join(__dirname, file), ...passOn], { stdio: "inherit" });
    if (result.status !== 0) {
      failed++;
      console.error(`bench: ${file} exited with ${result.status ?? result.signal}.`);
    }
  }
}
process.exit(failed === 0 ? 0 : 1);
