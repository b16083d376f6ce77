/**
 * How long the course takes to run headless: every master notebook through `course run`
 * (one at a time, each in a fresh kernel, as a learner's "Restart and Run All"), with
 * the totals for part 1 (01–08) and part 2 (09–13) against their targets, and the same
 * notebooks through `jupyter nbconvert --execute` as the peer (when it is installed).
 *
 *   node --import tsx bench/course.bench.ts [--only REGEX] [--no-nbconvert]
 *
 * Targets: part 1 under 5 minutes in total; notebook 09 trains in under 5 minutes (it
 * prints its own training time).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { courseNotebookFiles } from "../scripts/src/site/catalog";

const root = path.resolve(__dirname, "..");
const args = process.argv.slice(2);
const only = args.includes("--only") ? new RegExp(args[args.indexOf("--only") + 1]!) : undefined;
const nbconvert = !args.includes("--no-nbconvert") && spawnSync("jupyter-nbconvert", ["--version"]).status === 0;
const notebooks = courseNotebookFiles(path.join(root, "notebooks")).filter((f) => !only || only.test(path.basename(f)));
const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-course-"));
process.on("exit", () => fs.rmSync(out, { recursive: true, force: true }));

function timed(command: string, argv: string[], cwd: string): { seconds: number; ok: boolean; output: string } {
  const t0 = performance.now();
  const r = spawnSync(command, argv, { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  return { seconds: (performance.now() - t0) / 1000, ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

const rows: { name: string; ours: number; peer?: number; note: string }[] = [];
for (const file of notebooks) {
  const name = path.basename(file, ".ipynb");
  const ours = timed(
    process.execPath,
    [path.join(root, "scripts", "bin", "course.js"), "run", file, "--output", path.join(out, `${name}.ipynb`), "-q"],
    root,
  );
  const training = /trained in ([\d.]+) s/i.exec(ours.output)?.[1];
  let peer: number | undefined;
  if (nbconvert) {
    const r = timed(
      "jupyter-nbconvert",
      ["--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=900", "--output-dir", out, "--output", `${name}.nbconvert`, file],
      path.dirname(file),
    );
    peer = r.ok ? r.seconds : undefined;
  }
  rows.push({ name, ours: ours.seconds, peer, note: `${ours.ok ? "" : "FAILED "}${training ? `training ${training} s` : ""}` });
  console.log(
    `${name.padEnd(28)} course run ${ours.seconds.toFixed(1).padStart(6)} s${peer !== undefined ? `   nbconvert ${peer.toFixed(1).padStart(6)} s   ratio ${(ours.seconds / peer).toFixed(2)}` : ""}   ${rows[rows.length - 1]!.note}`,
  );
}

const total = (pick: (n: string) => boolean) => rows.filter((r) => pick(r.name)).reduce((s, r) => s + r.ours, 0);
const part1 = total((n) => /^0[1-8]-/.test(n));
const part2 = total((n) => /^(09|1[0-3])-/.test(n));
console.log(
  `\nload average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} on ${os.cpus().length} cores`,
);
if (rows.some((r) => /^0[1-8]-/.test(r.name)))
  console.log(
    `part 1 (01–08): ${part1.toFixed(0)} s in total — target under 300 s: ${part1 < 300 ? "met" : "MISSED"} (${(part1 / 300).toFixed(2)} of the budget)`,
  );
if (rows.some((r) => /^(09|1[0-3])-/.test(r.name))) console.log(`part 2 (09–13): ${part2.toFixed(0)} s in total`);
if (nbconvert && rows.every((r) => r.peer !== undefined)) {
  const ours = rows.reduce((s, r) => s + r.ours, 0);
  const peer = rows.reduce((s, r) => s + r.peer!, 0);
  console.log(`all: course run ${ours.toFixed(0)} s, nbconvert ${peer.toFixed(0)} s — ratio ${(ours / peer).toFixed(2)} (lower is faster)`);
}
if (rows.some((r) => r.note.startsWith("FAILED"))) process.exitCode = 1;
