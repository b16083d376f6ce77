/**
 * What sharding buys: 200 sample submissions graded by one `course grade -j 1`, against
 * the same 200 split in 2 shards (`course grade --shard K/2 -j 1`) run side by side on
 * this machine and merged (`course gradebook merge`). Prints submissions per minute for
 * both, the merge's time, and whether the merged gradebook holds the same grades as the
 * single run.
 *
 *   node --import tsx bench/grade-shards.bench.ts [--submissions N] [--shards N]
 *
 *   --submissions N   submissions in the folder (default 200)
 *   --shards N        shards run side by side (default 2)
 *
 * It takes long (about 5 s a submission on two cores, so 200 take a quarter of an hour
 * alone and most of that again as shards); it is not run in CI. `npm run bench -- shards`
 * runs it with the defaults.
 *
 * How it is measured, and why:
 * - Both sides run the real command line in child processes, as a job runner starts
 *   them: each run's wall time includes starting node, reading the masters, finding the
 *   submissions and opening the sandbox, which every shard pays for itself. Submissions
 *   per minute are the folder's count over that wall time (for the shards, from the
 *   first start to the last exit).
 * - Submissions are three kinds in turn (the reference solution, the student version
 *   where every test fails, a half-right one), as in grade.bench.ts, so both sides grade
 *   the same mix.
 * - The single run goes first, then the shards; the machine's load average after each is
 *   printed, since a machine shared with other work moves both figures.
 * - The merge is timed twice: the whole command (node's start included) and the merge
 *   itself as the command reports it.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Gradebook } from "../scripts/src/gradebook/gradebook";
import { gradeIdOf } from "../scripts/src/notebook/master";
import { readNotebook, serializeNotebook } from "../scripts/src/notebook";

const root = path.resolve(__dirname, "..");
const course = path.join(root, "scripts", "bin", "course.js");
const NAME = "00-sample-assignment";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a whole number of at least 1, not ${process.argv[i + 1]}`);
  return value;
}
const SUBMISSIONS = arg("submissions", 200);
const SHARDS = arg("shards", 2);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-grade-shards-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));

const solution = readNotebook(path.join(root, "solutions", `${NAME}.ipynb`));
const exercise = readNotebook(path.join(root, "exercises", `${NAME}.ipynb`));
const halfRight = structuredClone(solution);
for (const cell of halfRight.cells) {
  const id = gradeIdOf(cell);
  if (id === "majority" || id === "xor") cell.source = exercise.cells.find((c) => gradeIdOf(c) === id)!.source;
}
const KINDS = [solution, exercise, halfRight];

interface Run {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs `course ARGS` and resolves with its exit code, output and wall time. */
function runCourse(args: string[]): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [course, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output, ms: performance.now() - started }));
  });
}

function check(run: Run, what: string): void {
  if (run.code !== 0) throw new Error(`${what} exited with ${run.code}:\n${run.output}`);
}

/** The grades of a gradebook, by student: status, score and every cell's points, for the comparison. */
function grades(file: string): string {
  const gradebook = Gradebook.open(file, { create: false });
  try {
    return JSON.stringify(
      gradebook
        .submissions()
        .map((s) => [s.student, s.status, s.score, s.review, s.sandbox, gradebook.scores(s.id).map((c) => [c.gradeId, c.earned])]),
    );
  } finally {
    gradebook.close();
  }
}

const perMinute = (ms: number) => (60_000 * SUBMISSIONS) / ms;
const seconds = (ms: number, digits = 1) => (ms / 1000).toFixed(digits);

async function main(): Promise<void> {
  const submissions = path.join(work, "submissions");
  for (let i = 0; i < SUBMISSIONS; i++) {
    const student = `student${String(i).padStart(3, "0")}`;
    fs.mkdirSync(path.join(submissions, student), { recursive: true });
    fs.writeFileSync(path.join(submissions, student, `${NAME}.ipynb`), serializeNotebook(KINDS[i % KINDS.length]!));
  }
  console.log(
    `course grade on ${SUBMISSIONS} submissions of ${NAME} (solution, exercise, half-right in turn), in the sandbox: ` +
      `one run at -j 1 against ${SHARDS} shards at -j 1 side by side; ${os.cpus().length} CPU(s), node ${process.version}`,
  );

  const single = path.join(work, "single.sqlite");
  const one = await runCourse(["grade", submissions, "--gradebook", single, "-j", "1", "-q"]);
  check(one, "the single run");
  const loadAfterSingle = os.loadavg()[0]!;
  console.log(
    `  one run:   ${seconds(one.ms)} s, ${perMinute(one.ms).toFixed(1)} submissions/min   (load average after: ${loadAfterSingle.toFixed(1)})`,
  );

  const shardDir = path.join(work, "shards") + path.sep;
  const started = performance.now();
  const shards = await Promise.all(
    Array.from({ length: SHARDS }, (_, k) =>
      runCourse(["grade", submissions, "--shard", `${k + 1}/${SHARDS}`, "--gradebook", shardDir, "-j", "1", "-q"]),
    ),
  );
  const shardsMs = performance.now() - started;
  shards.forEach((run, k) => check(run, `shard ${k + 1}/${SHARDS}`));
  const loadAfterShards = os.loadavg()[0]!;
  const counts = shards.map((run) => /: (\d+) graded/.exec(run.output)?.[1] ?? "?");
  console.log(
    `  ${SHARDS} shards:  ${seconds(shardsMs)} s, ${perMinute(shardsMs).toFixed(1)} submissions/min   ` +
      `(each: ${shards.map((run, k) => `${counts[k]} in ${seconds(run.ms)} s`).join(", ")}; load average after: ${loadAfterShards.toFixed(1)})`,
  );
  console.log(`  speed-up: ${(one.ms / shardsMs).toFixed(2)}x`);

  const merged = path.join(work, "merged.sqlite");
  const files = fs.readdirSync(shardDir).map((f) => path.join(shardDir, f));
  const merge = await runCourse(["gradebook", "merge", ...files.filter((f) => f.endsWith(".sqlite")), "--into", merged]);
  check(merge, "the merge");
  const inside = /; ([\d.]+) s\. Gradebook/.exec(merge.output)?.[1] ?? "?";
  console.log(
    `  merge of ${SHARDS} gradebooks (${SUBMISSIONS} submissions): ${seconds(merge.ms, 2)} s for the command, ${inside} s for the merge itself`,
  );
  console.log(`  the merged gradebook holds the single run's grades: ${grades(merged) === grades(single) ? "yes" : "NO"}`);
  if (Math.max(loadAfterSingle, loadAfterShards) > os.cpus().length + 2)
    console.log(
      "WARNING: other work was running on this machine during the benchmark; rerun it on a quiet machine before trusting these figures.",
    );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
