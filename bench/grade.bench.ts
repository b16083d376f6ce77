/**
 * What `course grade` costs: 100 submissions of the sample assignment graded with
 * `-j 2`, a smaller serial pass (-j 1), and the peer: the same notebook executed alone
 * as `course run` does it (one kernel, no sandbox, no restored cells, no grader cells).
 * The per-submission overhead is the serial grading time per submission minus the
 * peer's time per notebook, both measured here, in this run, on this machine.
 *
 *   node --import tsx bench/grade.bench.ts [--submissions N] [--serial N] [--peer N]
 *
 * Defaults: 100 submissions with -j 2, 6 serially, 3 peer runs (the serial pass is
 * smaller to keep the whole benchmark within about five minutes on two cores).
 * Submissions are three kinds in turn: the reference solution, the student version
 * (every test fails) and a half-right one, so that failures and partial credit are
 * part of the cost.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Gradebook } from "../scripts/src/gradebook/gradebook";
import { gradeAll } from "../scripts/src/grader/grade-all";
import { DEFAULT_GRADE_LIMITS } from "../scripts/src/grader/grade-one";
import { gradeIdOf } from "../scripts/src/grading/authoring";
import { readNotebook, serializeNotebook } from "../scripts/src/notebook";
import { runNotebookFile } from "../scripts/src/runner";

const root = path.resolve(__dirname, "..");
const NAME = "00-sample-assignment";
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const TOTAL = arg("submissions", 100);
const SERIAL = arg("serial", 6);
const PEER = arg("peer", 3);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-grade-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));

const solution = readNotebook(path.join(root, "solutions", `${NAME}.ipynb`));
const exercise = readNotebook(path.join(root, "exercises", `${NAME}.ipynb`));
const halfRight = structuredClone(solution);
for (const cell of halfRight.cells) {
  const id = gradeIdOf(cell);
  if (id === "majority" || id === "xor") cell.source = (exercise.cells.find((c) => gradeIdOf(c) === id)!.source as string) ?? "";
}
const kinds = [solution, exercise, halfRight];

function makeSubmissions(dir: string, count: number): void {
  for (let i = 0; i < count; i++) {
    const student = path.join(dir, `student${String(i).padStart(3, "0")}`);
    fs.mkdirSync(student, { recursive: true });
    fs.writeFileSync(path.join(student, `${NAME}.ipynb`), serializeNotebook(kinds[i % kinds.length]!));
  }
}

interface Breakdown {
  kernelStartMs: number;
  graderCellsMs: number;
  cellsMs: number;
}

async function grade(count: number, jobs: number): Promise<{ ms: number; graded: number; breakdown: Breakdown }> {
  const dir = path.join(work, `subs-${count}-${jobs}`);
  makeSubmissions(dir, count);
  const gradebook = Gradebook.open(path.join(work, `gradebook-${count}-${jobs}.sqlite`));
  try {
    const summary = await gradeAll({
      submissionsDir: dir,
      mastersDir: path.join(root, "notebooks"),
      projectRoot: root,
      gradebook,
      jobs,
      force: true,
      limits: DEFAULT_GRADE_LIMITS,
      sandbox: "bubblewrap",
      gradebookFile: gradebook.file,
    });
    if (summary.graded !== count) throw new Error(`graded ${summary.graded} of ${count}: ${JSON.stringify(summary)}`);
    const db = gradebook.database;
    const per = (sql: string) => ((db.prepare(sql).get() as { v: number | null }).v ?? 0) / count;
    const breakdown = {
      kernelStartMs: per("SELECT SUM(kernel_start_ms) AS v FROM submissions"),
      graderCellsMs: per("SELECT SUM(duration_ms) AS v FROM cell_runs WHERE grade_id LIKE '(grader:%'"),
      cellsMs: per("SELECT SUM(duration_ms) AS v FROM cell_runs WHERE grade_id IS NULL OR grade_id NOT LIKE '(grader:%'"),
    };
    return { ms: summary.durationMs, graded: summary.graded, breakdown };
  } finally {
    gradebook.close();
  }
}

async function peer(count: number): Promise<number> {
  // `course run` executes notebooks where they lie; a copy inside the project finds the packages.
  const dir = path.join(root, ".cache", `bench-grade-peer-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  try {
    const started = Date.now();
    for (let i = 0; i < count; i++) {
      const file = path.join(dir, `${i}.ipynb`);
      fs.writeFileSync(file, serializeNotebook(kinds[i % kinds.length]!));
      await runNotebookFile(file, { dryRun: true, allowErrors: true, cellTimeoutMs: DEFAULT_GRADE_LIMITS.cellTimeoutMs });
    }
    return (Date.now() - started) / count;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`course grade on ${NAME}: ${os.cpus().length} CPU(s), node ${process.version}`);

  const peerMs = await peer(PEER);
  console.log(`peer: course run of the notebook alone      ${(peerMs / 1000).toFixed(2)} s per notebook (${PEER} runs)`);

  const serial = await grade(SERIAL, 1);
  const serialPer = serial.ms / serial.graded;
  console.log(`course grade -j 1 (${SERIAL} submissions)        ${(60_000 / serialPer).toFixed(1)} submissions/min, ${(serialPer / 1000).toFixed(2)} s each`);

  const parallel = await grade(TOTAL, 2);
  const parallelPer = parallel.ms / parallel.graded;
  console.log(`course grade -j 2 (${TOTAL} submissions)       ${(60_000 / parallelPer).toFixed(1)} submissions/min, ${(parallel.ms / 1000).toFixed(1)} s in all`);

  console.log(`speed-up of -j 2 over -j 1                    ${(serialPer / parallelPer).toFixed(2)}x`);
  console.log(`per-submission overhead over course run       ${((serialPer - peerMs) / 1000).toFixed(2)} s (${(serialPer / peerMs).toFixed(2)}x the notebook alone)`);
  const b = serial.breakdown;
  const rest = serialPer - b.kernelStartMs - b.graderCellsMs - b.cellsMs;
  console.log(
    `one serial submission, in s: kernel start ${(b.kernelStartMs / 1000).toFixed(2)}, the notebook's cells ${(b.cellsMs / 1000).toFixed(2)}, ` +
      `the grader's three cells ${(b.graderCellsMs / 1000).toFixed(2)}, the rest (sandbox, sanitizing, gradebook, shutdown) ${(rest / 1000).toFixed(2)}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
