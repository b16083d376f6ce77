/**
 * Scoring the test cells of one graded run.
 *
 * A test cell earns its points when, and only when:
 *   1. its execute reply was "ok" (never judged by printed text), and
 *   2. its end record (instrument.ts) arrived during the cell, authentic and in sequence;
 * and, for a cell that reports its result (one that calls check.test, check.score or
 * check.partial: every test cell of the course), it earns
 *   3. the smallest fraction among the authentic partial records it emitted, which
 *      must be at least one: a missing record is never read as full marks, and a
 *      learner's own extra record (check.partial called from their function) can only
 *      lower the score, never raise it.
 * Anything else earns 0 with the reason. Signs of tampering (a record with a bad tag, a
 * gap in the sequence, "ok" without the end record, a missing run-end record) are
 * reported as integrity findings, and the submission is flagged for review.
 */
import type { PartialRecord, RunEndRecord } from "nncourse/dist/grading";
import { partialCredit } from "../assign/partial-credit";
import { cellSource } from "../notebook/cells";
import type { Cell } from "../notebook/model";
import type { CellResult, NotebookRunResult } from "../runner/run-notebook";
import type { Assignment } from "./masters";
import type { Instrumented } from "./instrument";
import { END_LABEL_PREFIX } from "./instrument";
import type { RecordCollector } from "./records";
import { hiddenLines, redactHidden } from "./redact";
import { cleanMessage, failedCellMessage } from "./messages";

export type ScoreStatus = "passed" | "partial" | "failed" | "error" | "timeout" | "kernel-died" | "not-run" | "tampered";

export interface CellScore {
  gradeId: string;
  points: number;
  earned: number;
  /** The fraction reported by a partial-credit test, when there was one. */
  fraction: number | null;
  status: ScoreStatus;
  /** For the learner: why points were lost (no test source). */
  message: string;
  durationMs: number;
}

export interface IntegrityFinding {
  gradeId: string | null;
  message: string;
}

export interface Scored {
  cells: CellScore[];
  integrity: IntegrityFinding[];
}

/** How many forged records are reported one by one. */
const MAX_NAMED_FORGERIES = 10;

export function scoreRun(assignment: Assignment, instrumented: Instrumented, run: NotebookRunResult, collector: RecordCollector): Scored {
  const integrity: IntegrityFinding[] = [];
  const byIndex = new Map<number, CellResult>(run.cells.map((c) => [c.index, c]));

  let forged = 0;
  for (const r of collector.records) {
    if (!r.authentic) {
      // The first few are named one by one; a flood of them is counted.
      if (++forged > MAX_NAMED_FORGERIES) continue;
      const gradeId = gradeIdAt(instrumented, r.cellIndex);
      integrity.push({
        gradeId,
        message: `a grade record with an invalid tag was emitted${r.cellIndex === undefined ? " between cells" : ` in cell ${r.cellIndex}`} (forged or altered).`,
      });
    } else if (!r.inSequence) {
      integrity.push({
        gradeId: gradeIdAt(instrumented, r.cellIndex),
        message: `grade record ${r.record.seq} arrived out of sequence: records were dropped or replayed.`,
      });
    }
  }
  if (forged > MAX_NAMED_FORGERIES)
    integrity.push({ gradeId: null, message: `${forged - MAX_NAMED_FORGERIES} more grade records with an invalid tag were emitted.` });
  if (collector.dropped > 0)
    integrity.push({
      gradeId: null,
      message: `${collector.dropped} grade records were left out: too many, or too large (a real one is small).`,
    });

  const cells: CellScore[] = [];
  for (const spec of assignment.tests) {
    const index = instrumented.testCellIndex.get(spec.gradeId);
    // Stryker disable next-line ConditionalExpression: equivalent, the map has no undefined key.
    const result = index === undefined ? undefined : byIndex.get(index);
    const base = {
      gradeId: spec.gradeId,
      points: spec.points,
      earned: 0,
      fraction: null as number | null,
      durationMs: result?.durationMs ?? 0,
    };
    // Stryker disable next-line ConditionalExpression: equivalent, result is undefined whenever index is.
    if (index === undefined || result === undefined) {
      cells.push({ ...base, status: "not-run", message: "this test did not run." });
      continue;
    }
    const hidden = hiddenLines(
      cellSource(
        assignment.master.cells.find(
          (c) => c.metadata.nbgrader && (c.metadata.nbgrader as { grade_id?: string }).grade_id === spec.gradeId,
        )!,
      ),
    );
    if (result.status !== "ok") {
      const message = failureMessage(result, instrumented.notebook.cells[index]);
      cells.push({ ...base, status: failureStatus(result), message: redactHidden(message, hidden) });
      continue;
    }
    const records = collector.inCell(index).filter((r) => r.authentic);
    const label = instrumented.endLabels.get(spec.gradeId);
    // Stryker disable next-line ConditionalExpression: equivalent, only a partial record has a label to match.
    const ends = records.filter((r) => r.record.kind === "partial" && (r.record as PartialRecord).label === label);
    const outOfSequence = records.some((r) => !r.inSequence);
    if (ends.length !== 1 || outOfSequence) {
      const why = outOfSequence
        ? "its grade records were out of sequence"
        : ends.length === 0
          ? "it reported success without reaching its end"
          : "its end record was repeated";
      integrity.push({ gradeId: spec.gradeId, message: `the test cell "${spec.gradeId}": ${why}.` });
      cells.push({
        ...base,
        status: "tampered",
        message: `this test could not be verified (${why}); it earned no points and the submission is held for review.`,
      });
      continue;
    }
    if (!spec.partial) {
      cells.push({ ...base, earned: spec.points, status: "passed", message: "" });
      continue;
    }
    const partials = records
      .map((r) => r.record)
      .filter((r): r is PartialRecord => r.kind === "partial" && !r.label.startsWith(END_LABEL_PREFIX));
    if (partials.length === 0) {
      integrity.push({ gradeId: spec.gradeId, message: `the partial-credit test "${spec.gradeId}" emitted no score record.` });
      cells.push({
        ...base,
        status: "tampered",
        message: "this test's score record is missing; it earned no points and the submission is held for review.",
      });
      continue;
    }
    // More than one record is no sign of tampering: a learner's own code may call the
    // checks (a sanity check inside an answer), and an extra record can only lower the
    // score, never raise it. So the lowest counts and nothing is held for review.
    const credit = partialCredit(spec.points, partials)!;
    cells.push({
      ...base,
      fraction: credit.fraction,
      earned: credit.earned,
      status: credit.status,
      message: redactHidden(cleanMessage(credit.messages.join("\n")), hidden),
    });
  }

  // The run-end record: expected whenever the grader's last cell ran.
  const finish = byIndex.get(instrumented.finishIndex);
  if (finish?.status === "ok") {
    const ends = collector.records.filter((r) => r.authentic && r.record.kind === "run-end");
    const end = ends[0]?.record as RunEndRecord | undefined;
    const before = end === undefined ? 0 : collector.records.filter((r) => r.authentic && r.record.seq < end.seq).length;
    if (end === undefined) integrity.push({ gradeId: null, message: "the run-end record is missing." });
    else if (ends.length > 1) integrity.push({ gradeId: null, message: "the run-end record was repeated." });
    else if (end.records !== before)
      integrity.push({ gradeId: null, message: `the kernel issued ${end.records} grade records but the grader received ${before}.` });
    else if (!end.sealed) integrity.push({ gradeId: null, message: "the kernel was not sealed for grading." });
  }
  return { cells, integrity };
}

function gradeIdAt(instrumented: Instrumented, index: number | undefined): string | null {
  // Stryker disable next-line ConditionalExpression: equivalent, no test cell's index is undefined.
  if (index === undefined) return null;
  for (const [id, i] of instrumented.testCellIndex) if (i === index) return id;
  return null;
}

function failureStatus(result: CellResult): ScoreStatus {
  switch (result.status) {
    case "error":
      return "failed";
    case "timeout":
      return "timeout";
    case "kernel-died":
      return "kernel-died";
    case "aborted":
      return "error";
    default:
      return "not-run";
  }
}

function failureMessage(result: CellResult, cell: Cell | undefined): string {
  if (result.status === "not-run")
    return "this test did not run: an earlier cell stopped the notebook (the kernel died or the time ran out).";
  // Stryker disable next-line ConditionalExpression: equivalent, failedCellMessage gives the line below for any other status.
  if (result.status === "error") return failedCellMessage(result, cell);
  return cleanMessage(result.error ?? `the test cell ended with status ${result.status}.`);
}
