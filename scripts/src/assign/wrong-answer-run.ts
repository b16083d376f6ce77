/**
 * Grading a master's wrong answers (wrong-answers.ts) in one kernel session.
 *
 * Grading each wrong answer as a notebook of its own would run the whole master once per
 * answer (minutes for a course). Instead the master runs once, from the top to the last
 * test a wrong answer needs, with its solutions and hidden tests; then, for each wrong answer, its code replaces the answer
 * cell, the cells between the answer and its test run again (so that whatever they derive
 * from the answer is rebuilt), and the test cell runs; the points come from the grade
 * records that run emits, scored by the grader's own rule (partial-credit.ts, the lowest
 * fraction), from records collected and verified as the grader collects them
 * (records.ts: signed under this run's key, in sequence). Then the solution cell and the
 * cells between run again, so that the next wrong answer starts from the master's state.
 *
 * The kernel runs in a scratch folder, like `course build --run`: whatever the notebook
 * writes lands neither beside the masters nor in the project.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PartialRecord } from "nncourse/dist/grading";
import { RecordCollector } from "../grade/records";
import { Kernel } from "../kernel/kernel";
import { cellSource } from "../notebook/cells";
import { isInstructorOnly } from "../notebook/instructor-cells";
import { cellKind, gradeIdOf, nbgraderOf } from "../notebook/master";
import type { Notebook } from "../notebook/model";
import { headlessEnv } from "../runner/run-notebook";
import { partialCredit } from "./partial-credit";
import { exercisesOf, type WrongAnswer } from "./wrong-answers";

export type RunStatus = "ok" | "error" | "timeout" | "kernel-died";

export interface WrongAnswerResult {
  answer: WrongAnswer;
  /** How the wrong answer's own cell ran (it should: a wrong answer that throws tests nothing). */
  answerStatus: RunStatus;
  /** How the test cell ran: "ok" for a test cell that reported, whatever it reported. */
  testStatus: RunStatus;
  /** Points the test gave, by the grader's rule. */
  earned: number;
  points: number;
  /** The test's messages (what it told the learner), or what went wrong. */
  messages: string[];
  /** Set when the test cell emitted no verified record: the grader would hold the submission for review. */
  recordProblem?: string;
}

export interface WrongAnswerRun {
  /** Master cells that did not run cleanly (1-based numbers as the master counts them), with why. */
  masterFailures: string[];
  /** Test cells of the master (up to the last one a wrong answer needs) whose solution got less than full marks. */
  masterShortfalls: string[];
  results: WrongAnswerResult[];
  /** Set when the solution could not be put back after a wrong answer: the answers after it were not graded. */
  restoreFailure?: string;
  /** The whole session, and the master's own run within it (kernel start included). */
  durationMs: number;
  masterMs: number;
}

export interface WrongAnswerRunOptions {
  /** Time limit per cell (default 120 s). */
  cellTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_CELL_TIMEOUT_MS = 120_000;
/** How long an interrupted cell may take to stop before the kernel is killed. */
const INTERRUPT_GRACE_MS = 5_000;

export async function gradeWrongAnswers(
  master: Notebook,
  answers: readonly WrongAnswer[],
  options: WrongAnswerRunOptions = {},
): Promise<WrongAnswerRun> {
  const started = Date.now();
  const exercises = exercisesOf(master);
  const timeoutMs = options.cellTimeoutMs ?? DEFAULT_CELL_TIMEOUT_MS;
  const scratch = mkdtempSync(join(tmpdir(), "nncourse-wrong-answers-"));
  const kernel = await Kernel.start({ cwd: scratch, env: headlessEnv(options.env ?? process.env) });
  // The run's key, as the grader makes one: records are then signed and numbered, and a
  // test whose record is missing or forged is told apart from one that scored 0.
  const nonce = randomBytes(24).toString("hex");
  const collector = new RecordCollector(nonce);
  const detach = collector.attach(kernel);
  // Each execution gets a number of its own, so that records are told apart by run, not by cell.
  let execution = 0;
  const run = async (code: string): Promise<{ status: RunStatus; id: number; error: string }> => {
    const id = ++execution;
    collector.cellStarted(id);
    try {
      return { ...(await runCode(kernel, code, timeoutMs)), id };
    } finally {
      collector.cellEnded();
    }
  };
  const testScore = (id: number, points: number): { earned: number; messages: string[]; problem?: string } => {
    const records = collector.inCell(id);
    const bad = records.filter((r) => !r.authentic || !r.inSequence);
    if (bad.length > 0)
      return { earned: 0, messages: [], problem: `${bad.length} grade records failed verification (forged, dropped or replayed)` };
    const partials = records.map((r) => r.record).filter((r): r is PartialRecord => r.kind === "partial");
    const credit = partialCredit(points, partials);
    if (credit === undefined) return { earned: 0, messages: [], problem: "the test emitted no grade record" };
    return { earned: credit.earned, messages: credit.messages };
  };

  const result: WrongAnswerRun = { masterFailures: [], masterShortfalls: [], results: [], durationMs: 0, masterMs: 0 };
  try {
    const begin = await run(`import { beginGradingRun } from "nncourse/grading";\nbeginGradingRun(${JSON.stringify(nonce)});`);
    if (begin.status !== "ok") throw new Error(`the grading run could not begin in the kernel: ${begin.error}`);

    // Up to the last test a wrong answer needs: what follows it cannot change a grade here
    // (and the course's own runs check that it runs), so its time is saved.
    const lastNeeded = Math.max(-1, ...answers.map((a) => exercises.get(a.exercise)?.testIndex ?? -1));
    for (const [index, cell] of master.cells.entries()) {
      if (index > lastNeeded) break;
      if (cell.cell_type !== "code" || isInstructorOnly(cell) || cellSource(cell).trim() === "") continue;
      const ran = await run(cellSource(cell));
      if (ran.status !== "ok") {
        result.masterFailures.push(`cell ${index + 1} (${gradeIdOf(cell) ?? "no grade_id"}): ${ran.status} ${ran.error}`);
        continue;
      }
      if (cellKind(cell) === "test") {
        const points = Number(nbgraderOf(cell)?.points) || 0;
        const score = testScore(ran.id, points);
        if (score.problem !== undefined || score.earned < points)
          result.masterShortfalls.push(
            `${gradeIdOf(cell)}: ${score.problem ?? `${score.earned} of ${points}: ${score.messages.join(" / ")}`}`,
          );
      }
    }
    result.masterMs = Date.now() - started;
    if (result.masterFailures.length > 0) return result;

    for (const [n, answer] of answers.entries()) {
      const cells = exercises.get(answer.exercise)!;
      const wrong = await run(answer.code);
      for (const i of cells.betweenIndexes) await run(cellSource(master.cells[i]!));
      const test = await run(cellSource(master.cells[cells.testIndex]!));
      const score = test.status === "ok" ? testScore(test.id, cells.points) : { earned: 0, messages: [test.error] };
      result.results.push({
        answer,
        answerStatus: wrong.status,
        testStatus: test.status,
        earned: score.earned,
        points: cells.points,
        messages: wrong.status === "ok" ? score.messages : [`the wrong answer itself failed: ${wrong.error}`, ...score.messages],
        ...("problem" in score && score.problem !== undefined ? { recordProblem: score.problem } : {}),
      });
      // Back to the master's state before the next answer: the exercises after this one may
      // build on its answer. A next answer to the same exercise replaces the same cells anyway.
      const next = answers[n + 1];
      if (next === undefined || next.exercise === answer.exercise) continue;
      for (const i of [cells.answerIndex, ...cells.betweenIndexes]) {
        const restored = await run(cellSource(master.cells[i]!));
        if (restored.status !== "ok") {
          result.restoreFailure = `after "${answer.mistake}" (${answer.where}), cell ${i + 1} of the master failed: ${restored.status} ${restored.error}`;
          return result;
        }
      }
    }
    return result;
  } finally {
    detach();
    await kernel.shutdown();
    rmSync(scratch, { recursive: true, force: true });
    result.durationMs = Date.now() - started;
  }
}

/** Runs code with a time limit: interrupted at the limit, the kernel killed if it ignores that. */
async function runCode(kernel: Kernel, code: string, timeoutMs: number): Promise<{ status: RunStatus; error: string }> {
  let error = "";
  const execution = kernel.execute(code, {
    onIopub: (message) => {
      if (message.header.msg_type === "error") {
        const content = message.content as { ename?: string; evalue?: string };
        error = `${content.ename ?? "Error"}: ${content.evalue ?? ""}`.slice(0, 2000);
      }
    },
  });
  const outcome = await within(execution, timeoutMs);
  if (outcome === undefined) {
    kernel.interrupt();
    if ((await within(execution, INTERRUPT_GRACE_MS)) === undefined) kernel.kill();
    return { status: "timeout", error: `ran longer than ${timeoutMs / 1000} s` };
  }
  if (outcome.kind === "died") return { status: "kernel-died", error: outcome.exit.log.split("\n").slice(-5).join("\n") };
  return outcome.reply.status === "ok"
    ? { status: "ok", error: "" }
    : { status: "error", error: error || `the cell replied ${outcome.reply.status}` };
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((ok) => (timer = setTimeout(() => ok(undefined), ms)));
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
