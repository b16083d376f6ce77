// Scoring one graded run (scripts/src/grade/score.ts), a pure function of the master's
// test cells, the instrumented notebook, the cells' replies and the records collected.
// Here the replies and records are made by hand, tagged with the run's nonce as a
// kernel would, to pin down each rule without starting one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GRADE_MIME, recordTag, type PartialRecord } from "../../lib/grading/record";
import { instrument } from "../../scripts/src/grade/instrument";
import { RecordCollector } from "../../scripts/src/grade/records";
import { scoreRun } from "../../scripts/src/grade/score";
import { newCodeCell, newNotebook, type Cell } from "../../scripts/src/notebook";
import type { CellResult, NotebookRunResult } from "../../scripts/src/runner/run-notebook";
import { scoringAssignment, testCellMeta } from "../helpers/master-cells";

const cells: Cell[] = [
  newCodeCell('check.test("reported", () => check.equal(f(), 1));', testCellMeta("reported", 2)),
  newCodeCell("check.equal(g(), 1);", testCellMeta("bare", 1)),
];
const master = { ...newNotebook(), cells };
const assignment = scoringAssignment(master, [
  { gradeId: "reported", points: 2, partial: true },
  { gradeId: "bare", points: 1, partial: false },
]);

/** One graded run: `play` feeds records cell by cell, as the kernel's iopub would. */
function grade(
  play: (
    emit: (cell: number, fields: Partial<PartialRecord>, forged?: boolean) => void,
    at: Map<string, number>,
    endLabel: (id: string) => string,
  ) => void,
  replies: Record<string, CellResult["status"]> = {},
) {
  const instrumented = instrument(master, ["reported", "bare"]);
  const collector = new RecordCollector(instrumented.nonce);
  let listener!: (message: unknown) => void;
  collector.attach({ onAnyIopub: (l: (message: unknown) => void) => ((listener = l), () => undefined) } as never);
  let seq = 0;
  const emit = (cell: number, fields: Partial<PartialRecord>, forged = false) => {
    seq++;
    const body = {
      version: 1 as const,
      kind: "partial" as const,
      fraction: 1,
      earned: 1,
      possible: 1,
      label: "x",
      messages: [],
      seq,
      ...fields,
    };
    const tag = forged ? "0".repeat(64) : recordTag(instrumented.nonce, body);
    collector.cellStarted(cell);
    listener({ header: { msg_type: "display_data" }, content: { data: { [GRADE_MIME]: { ...body, tag } } } });
    collector.cellEnded();
  };
  play(emit, instrumented.testCellIndex, (id) => instrumented.endLabels.get(id)!);
  // The grader's last cell: the run-end record counts the authentic records before it.
  const authentic = collector.records.filter((r) => r.authentic).length;
  seq++;
  const end = { version: 1 as const, kind: "run-end" as const, records: authentic, checksPassed: 0, checksFailed: 0, sealed: true, seq };
  collector.cellStarted(instrumented.finishIndex);
  listener({
    header: { msg_type: "display_data" },
    content: { data: { [GRADE_MIME]: { ...end, tag: recordTag(instrumented.nonce, end) } } },
  });
  collector.cellEnded();
  const result: NotebookRunResult = {
    cells: instrumented.notebook.cells.map((_, index) => {
      const id = [...instrumented.testCellIndex].find(([, i]) => i === index)?.[0];
      return { index, status: (id && replies[id]) || "ok", executionCount: index + 1, durationMs: 1, firstLine: "", truncated: false };
    }),
    kernelStartMs: 1,
    durationMs: 1,
    passed: true,
  } as NotebookRunResult;
  const scored = scoreRun(assignment, instrumented, result, collector);
  return { byId: new Map(scored.cells.map((c) => [c.gradeId, c])), integrity: scored.integrity.map((f) => f.message) };
}

test("a reported test earns its record's fraction of its points; a bare one earns all by its reply and end record", () => {
  const { byId, integrity } = grade((emit, at, end) => {
    emit(at.get("reported")!, { fraction: 0.5, earned: 1, possible: 2, label: "reported", messages: ["part 2: wrong"] });
    emit(at.get("reported")!, { label: end("reported") });
    emit(at.get("bare")!, { label: end("bare") });
  });
  assert.deepEqual(
    [byId.get("reported")?.earned, byId.get("reported")?.status, byId.get("reported")?.message],
    [1, "partial", "part 2: wrong"],
  );
  assert.deepEqual([byId.get("bare")?.earned, byId.get("bare")?.status], [1, "passed"]);
  assert.deepEqual(integrity, []);
});

test("a reported test that replied ok with a failing record earns nothing and is not suspicious", () => {
  const { byId, integrity } = grade((emit, at, end) => {
    emit(at.get("reported")!, { fraction: 0, earned: 0, possible: 1, label: "reported", messages: ["not implemented yet: f"] });
    emit(at.get("reported")!, { label: end("reported") });
    emit(at.get("bare")!, { label: end("bare") });
  });
  assert.deepEqual([byId.get("reported")?.earned, byId.get("reported")?.status], [0, "failed"]);
  assert.deepEqual(integrity, []);
});

test("the lowest of several records counts, and an extra record is no reason for review", () => {
  const { byId, integrity } = grade((emit, at, end) => {
    emit(at.get("reported")!, { fraction: 1, label: "the learner's own check" });
    emit(at.get("reported")!, { fraction: 0.25, label: "reported" });
    emit(at.get("reported")!, { label: end("reported") });
    emit(at.get("bare")!, { label: end("bare") });
  });
  assert.equal(byId.get("reported")?.earned, 0.5);
  assert.deepEqual(integrity, []);
});

test("a reported test with its end record but no record of its own is held as tampered, never given full marks", () => {
  const { byId, integrity } = grade((emit, at, end) => {
    emit(at.get("reported")!, { label: end("reported") });
    emit(at.get("bare")!, { label: end("bare") });
  });
  assert.deepEqual([byId.get("reported")?.earned, byId.get("reported")?.status], [0, "tampered"]);
  assert.equal(integrity.length, 1);
});

test("a reply of ok without the end record, a failing reply, and a forged record each earn nothing", () => {
  const { byId, integrity } = grade(
    (emit, at, end) => {
      emit(at.get("reported")!, { fraction: 1, label: "reported" }, true);
      emit(at.get("reported")!, { label: end("reported") });
    },
    { bare: "error" },
  );
  assert.deepEqual([byId.get("bare")?.earned, byId.get("bare")?.status], [0, "failed"]);
  assert.equal(byId.get("reported")?.earned, 0, "the forged passing record is not counted");
  assert.ok(
    integrity.some((m) => /invalid tag/.test(m)),
    integrity.join("\n"),
  );
});
