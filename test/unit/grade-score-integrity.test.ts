// Scoring one graded run (scripts/src/grade/score.ts) and collecting its records
// (records.ts): each rule a forged, replayed, dropped or missing record breaks, each way
// a test cell can fail to run, and what the learner and the instructor are told. The
// kernel's iopub messages are made by hand, tagged with the run's nonce as a kernel
// would, so that every rule is pinned down without starting one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GRADE_MIME, recordTag } from "../../lib/grading/record";
import { END_LABEL_PREFIX, instrument } from "../../scripts/src/grade/instrument";
import { MAX_RECORD_BYTES, MAX_RECORDS, RecordCollector } from "../../scripts/src/grade/records";
import { scoreRun } from "../../scripts/src/grade/score";
import { newCodeCell, newNotebook, type Cell } from "../../scripts/src/notebook";
import type { CellResult, NotebookRunResult } from "../../scripts/src/runner/run-notebook";
import { scoringAssignment, testCellMeta } from "../helpers/master-cells";

const HIDDEN = "check.equal(secretAnswer(), 42);";
const masterCells: Cell[] = [
  newCodeCell("const learner = 1;"),
  newCodeCell('check.test("first", () => check.equal(f(), 1));', testCellMeta("first", 2)),
  newCodeCell(
    `check.test("second", () => {\n  ### BEGIN HIDDEN TESTS\n  ${HIDDEN}\n  ### END HIDDEN TESTS\n});`,
    testCellMeta("second", 3),
  ),
  newCodeCell("check.equal(g(), 1);", testCellMeta("bare", 1)),
];
const master = { ...newNotebook(), cells: masterCells };
const assignment = scoringAssignment(master, [
  { gradeId: "first", points: 2, partial: true },
  { gradeId: "second", points: 3, partial: true },
  { gradeId: "bare", points: 1, partial: false },
]);

type Fields = Record<string, unknown>;

/** One graded run, fed message by message: records are tagged with the run's nonce unless forged. */
function run() {
  const instrumented = instrument(master, ["first", "second", "bare"]);
  const collector = new RecordCollector(instrumented.nonce);
  let listener!: (message: unknown) => void;
  collector.attach({ onAnyIopub: (l: (message: unknown) => void) => ((listener = l), () => undefined) } as never);
  let seq = 0;
  const at = (id: string) => instrumented.testCellIndex.get(id)!;
  /** A tagged partial record with the next sequence number (or `seq`); `forged` gives it a wrong tag. */
  const record = (fields: Fields = {}, options: { forged?: boolean; seq?: number } = {}) => {
    const n = options.seq ?? seq + 1;
    // A forged record does not move the kernel's own count.
    if (!options.forged) seq = n;
    const body = { version: 1, kind: "partial", fraction: 1, earned: 1, possible: 1, label: "check", messages: [], seq: n, ...fields };
    return { ...body, tag: options.forged ? "0".repeat(64) : recordTag(instrumented.nonce, body as never) };
  };
  const endOf = (id: string) => record({ label: instrumented.endLabels.get(id) });
  const send = (raw: unknown, msgType = "display_data") =>
    listener({ header: { msg_type: msgType }, content: { data: { [GRADE_MIME]: raw } } });
  /** Sends records while cell `index` runs (undefined: between cells). */
  const inCell = (index: number | undefined, ...raws: unknown[]) => {
    if (index !== undefined) collector.cellStarted(index);
    for (const raw of raws) send(raw);
    collector.cellEnded();
  };
  /** The grader's last cell: a run-end record counting the authentic records so far, with `fields` changed. */
  const runEnd = (fields: Fields = {}) => {
    seq++;
    const body = {
      version: 1,
      kind: "run-end",
      records: collector.records.filter((r) => r.authentic).length,
      checksPassed: 0,
      checksFailed: 0,
      sealed: true,
      seq,
      ...fields,
    };
    inCell(instrumented.finishIndex, { ...body, tag: recordTag(instrumented.nonce, body as never) });
  };
  /** Every test cell passing with a full record and its end record. */
  const allPass = (except: string[] = []) => {
    for (const id of ["first", "second"].filter((x) => !except.includes(x))) inCell(at(id), record({ label: id }), endOf(id));
    if (!except.includes("bare")) inCell(at("bare"), endOf("bare"));
  };
  /** Scores the run; `replies` sets a cell's reply (by grade_id, or "finish"), `missing` leaves a cell's reply out. */
  const score = (replies: Record<string, Partial<CellResult>> = {}, missing: string[] = []) => {
    const idAt = new Map([...instrumented.testCellIndex].map(([id, i]) => [i, id]));
    idAt.set(instrumented.finishIndex, "finish");
    const cells = instrumented.notebook.cells
      .map((_, index): CellResult => ({
        index,
        status: "ok",
        executionCount: index + 1,
        durationMs: 10 + index,
        firstLine: "",
        truncated: false,
        ...replies[idAt.get(index) ?? ""],
      }))
      .filter((c) => !missing.includes(idAt.get(c.index) ?? ""));
    const result = { cells, kernelStartMs: 1, durationMs: 1, passed: true } as NotebookRunResult;
    const scored = scoreRun(assignment, instrumented, result, collector);
    return {
      byId: new Map(scored.cells.map((c) => [c.gradeId, c])),
      integrity: scored.integrity,
      messages: scored.integrity.map((f) => f.message),
    };
  };
  return { instrumented, collector, record, endOf, send, inCell, runEnd, allPass, score, at };
}

test("a clean run: every test earns its points, reports its reply's duration, and nothing is flagged", () => {
  const r = run();
  r.allPass();
  r.runEnd();
  const { byId, integrity } = r.score();
  assert.deepEqual(
    [...byId.values()].map((c) => [c.gradeId, c.earned, c.status, c.message, c.durationMs]),
    [
      ["first", 2, "passed", "", 10 + r.at("first")],
      ["second", 3, "passed", "", 10 + r.at("second")],
      ["bare", 1, "passed", "", 10 + r.at("bare")],
    ],
  );
  assert.deepEqual(integrity, []);
});

test("the lowest of two partial records in one cell counts, with that record's messages joined line by line", () => {
  const r = run();
  r.inCell(
    r.at("first"),
    r.record({ fraction: 0.75, earned: 3, possible: 4, messages: ["higher"] }),
    r.record({ fraction: 0.25, earned: 1, possible: 4, messages: ["part 3: wrong", "part 4: wrong"] }),
    r.record({ fraction: 0.5, earned: 2, possible: 4, messages: ["middle"] }),
    r.endOf("first"),
  );
  r.allPass(["first"]);
  r.runEnd();
  const first = r.score().byId.get("first")!;
  assert.deepEqual([first.fraction, first.earned, first.status, first.message], [0.25, 0.5, "partial", "part 3: wrong\npart 4: wrong"]);
});

test("a failing partial record's message has the hidden test's lines taken out, and only its own cell's", () => {
  const r = run();
  r.inCell(r.at("first"), r.record({ fraction: 0, messages: [`expected 42 in ${HIDDEN}`] }), r.endOf("first"));
  r.inCell(r.at("second"), r.record({ fraction: 0, messages: [`line: ${HIDDEN}`] }), r.endOf("second"));
  r.allPass(["first", "second"]);
  r.runEnd();
  const { byId } = r.score();
  assert.equal(byId.get("first")?.message, `expected 42 in ${HIDDEN}`, "the first cell has no hidden tests: nothing to take out");
  assert.equal(byId.get("second")?.message, "[a line of a hidden test]");
  assert.equal(byId.get("second")?.status, "failed");
});

test("each way a test cell can fail to run gives its own status and message, hidden lines redacted", () => {
  const r = run();
  r.allPass();
  r.runEnd();
  const statuses: [CellResult["status"], string, string | undefined][] = [
    ["error", "failed", undefined],
    ["timeout", "timeout", "the cell ran past its time limit (5 s)."],
    ["kernel-died", "kernel-died", undefined],
    ["aborted", "error", `aborted while running ${HIDDEN}`],
    ["not-run", "not-run", undefined],
  ];
  for (const [status, expected, error] of statuses) {
    const second = r.score({ second: { status, error } }).byId.get("second")!;
    assert.equal(second.status, expected, status);
    assert.equal(second.earned, 0, status);
    if (status === "timeout") assert.equal(second.message, "the cell ran past its time limit (5 s).");
    if (status === "kernel-died") assert.equal(second.message, "the test cell ended with status kernel-died.");
    if (status === "aborted") assert.equal(second.message, "[a line of a hidden test]");
    if (status === "not-run") assert.match(second.message, /^this test did not run: an earlier cell stopped the notebook/);
    if (status === "error") assert.equal(second.message, "the test cell ended with status error.");
  }
  // A failed check's message comes from the cell's error output, as the kernel printed it.
  r.instrumented.notebook.cells[r.at("bare")] = {
    ...newCodeCell(""),
    outputs: [{ output_type: "error", ename: "CheckFailure", evalue: "g() should be 1, got 2", traceback: [] }],
  } as Cell;
  assert.equal(r.score({ bare: { status: "error" } }).byId.get("bare")?.message, "g() should be 1, got 2");
});

test("a test whose cell has no reply did not run and earns nothing", () => {
  const r = run();
  r.allPass();
  r.runEnd();
  const first = r.score({}, ["first"]).byId.get("first")!;
  assert.deepEqual([first.status, first.earned, first.message, first.durationMs], ["not-run", 0, "this test did not run.", 0]);
});

test("a cell's end record missing or repeated: the test is held as tampered and named in the findings", () => {
  const r = run();
  r.inCell(r.at("first"), r.record({ label: "first" }));
  r.inCell(r.at("second"), r.record({ label: "second" }), r.endOf("second"), r.endOf("second"));
  r.allPass(["first", "second"]);
  r.runEnd();
  const { byId, integrity } = r.score();
  assert.deepEqual([byId.get("first")?.status, byId.get("first")?.earned], ["tampered", 0]);
  assert.equal(
    byId.get("first")?.message,
    "this test could not be verified (it reported success without reaching its end); it earned no points and the submission is held for review.",
  );
  assert.deepEqual([byId.get("second")?.status, byId.get("second")?.earned], ["tampered", 0]);
  assert.match(byId.get("second")!.message, /\(its end record was repeated\)/);
  assert.deepEqual(integrity, [
    { gradeId: "first", message: 'the test cell "first": it reported success without reaching its end.' },
    { gradeId: "second", message: 'the test cell "second": its end record was repeated.' },
  ]);
});

test("a replayed record breaks the sequence: it is named, and its cell is held as tampered", () => {
  const r = run();
  const replayed = r.record({ label: "first" });
  r.inCell(r.at("first"), replayed, r.endOf("first"), replayed);
  r.allPass(["first"]);
  r.runEnd({ records: 5 });
  const { byId, integrity } = r.score();
  assert.equal(byId.get("first")?.status, "tampered");
  assert.match(byId.get("first")!.message, /\(its grade records were out of sequence\)/);
  assert.deepEqual(integrity[0], {
    gradeId: "first",
    message: "grade record 1 arrived out of sequence: records were dropped or replayed.",
  });
  assert.ok(integrity.some((f) => f.gradeId === "first" && f.message === 'the test cell "first": its grade records were out of sequence.'));
});

test("a record skipping a sequence number is out of sequence, and the next one in order is in sequence again", () => {
  const r = run();
  r.inCell(r.at("first"), r.record({ label: "first" }, { seq: 5 }), r.endOf("first"));
  const [skipped, next] = r.collector.records;
  assert.deepEqual([skipped?.inSequence, next?.inSequence], [false, true]);
});

test("a forged record is named with its cell and its test, does not move the sequence, and never counts", () => {
  const r = run();
  // Forged, with the next sequence number: the authentic record after it must still be in sequence.
  r.inCell(r.at("first"), r.record({ label: "first" }, { forged: true, seq: 1 }), r.record({ fraction: 0.5, label: "first" }, { seq: 1 }));
  r.inCell(r.at("first"), r.endOf("first"));
  r.inCell(undefined, r.record({}, { forged: true, seq: 99 }));
  r.inCell(0, r.record({}, { forged: true, seq: 99 }));
  r.allPass(["first"]);
  r.runEnd();
  const { byId, integrity } = r.score();
  assert.deepEqual([byId.get("first")?.status, byId.get("first")?.earned], ["partial", 1]);
  assert.deepEqual(integrity, [
    { gradeId: "first", message: `a grade record with an invalid tag was emitted in cell ${r.at("first")} (forged or altered).` },
    { gradeId: null, message: "a grade record with an invalid tag was emitted between cells (forged or altered)." },
    { gradeId: null, message: "a grade record with an invalid tag was emitted in cell 0 (forged or altered)." },
  ]);
  assert.equal(r.collector.records.filter((c) => c.inSequence).length, r.collector.records.filter((c) => c.authentic).length);
});

test("a flood of forged records: the first ten are named, the rest counted", () => {
  const r = run();
  r.allPass();
  for (let i = 0; i < 13; i++) r.inCell(undefined, r.record({}, { forged: true, seq: 1000 + i }));
  r.runEnd();
  const { messages } = r.score();
  assert.equal(messages.filter((m) => m.includes("between cells")).length, 10);
  assert.equal(messages.at(-1), "3 more grade records with an invalid tag were emitted.");
  assert.equal(messages.length, 11);
});

test("exactly ten forged records are all named, with no count after them", () => {
  const r = run();
  r.allPass();
  for (let i = 0; i < 10; i++) r.inCell(undefined, r.record({}, { forged: true, seq: 1000 + i }));
  r.runEnd();
  const { messages } = r.score();
  assert.equal(messages.length, 10);
  assert.ok(messages.every((m) => m.includes("between cells")));
});

test("a partial-credit test with its end record but no score record of its own is held as tampered", () => {
  const r = run();
  r.inCell(r.at("first"), r.endOf("first"));
  r.allPass(["first"]);
  r.runEnd();
  const { byId, integrity } = r.score();
  assert.deepEqual(
    [byId.get("first")?.status, byId.get("first")?.earned, byId.get("first")?.message],
    ["tampered", 0, "this test's score record is missing; it earned no points and the submission is held for review."],
  );
  assert.deepEqual(integrity, [{ gradeId: "first", message: 'the partial-credit test "first" emitted no score record.' }]);
  assert.ok(r.instrumented.endLabels.get("first")!.startsWith(END_LABEL_PREFIX));
});

test("the run-end record: missing, repeated, with the wrong count or unsealed is a finding; none is expected when the last cell failed", () => {
  const cases: [string, (r: ReturnType<typeof run>) => void, string[]][] = [
    ["missing", () => undefined, ["the run-end record is missing."]],
    ["repeated", (r) => (r.runEnd(), r.runEnd()), ["the run-end record was repeated."]],
    ["wrong count", (r) => r.runEnd({ records: 99 }), [`the kernel issued 99 grade records but the grader received 5.`]],
    ["unsealed", (r) => r.runEnd({ sealed: false }), ["the kernel was not sealed for grading."]],
    ["clean", (r) => r.runEnd(), []],
  ];
  for (const [name, finish, expected] of cases) {
    const r = run();
    r.allPass();
    finish(r);
    assert.deepEqual(r.score().messages, expected, name);
    if (name === "missing") assert.deepEqual(r.score({ finish: { status: "error" } }).messages, [], "the last cell did not run to the end");
  }
  // Records after the run-end record are not counted in what it should have seen.
  const r = run();
  r.allPass();
  r.runEnd();
  r.inCell(r.at("first"), r.record({ label: "late" }));
  assert.deepEqual(r.score().messages, []);
});

test("records: only display_data messages carrying the grade MIME type are read, each with the cell running when it came", () => {
  const r = run();
  r.collector.cellStarted(3);
  r.send(r.record(), "execute_result");
  r.send(r.record(), "update_display_data");
  r.send(undefined);
  r.collector.cellEnded();
  assert.equal(r.collector.records.length, 0);
  // A display_data message with no data at all is not an error.
  const collector = new RecordCollector("n".repeat(32));
  let listener!: (message: unknown) => void;
  collector.attach({ onAnyIopub: (l: (message: unknown) => void) => ((listener = l), () => undefined) } as never);
  listener({ header: { msg_type: "display_data" }, content: {} });
  assert.equal(collector.records.length, 0);

  const s = run();
  s.inCell(2, s.record());
  s.inCell(undefined, s.record());
  s.inCell(3, s.record(), s.record());
  assert.deepEqual(
    s.collector.records.map((c) => c.cellIndex),
    [2, undefined, 3, 3],
  );
  assert.deepEqual(
    s.collector.inCell(3).map((c) => c.record.seq),
    [3, 4],
  );
});

test("records: a value that is not a record object (text, null, a list) is ignored, neither kept nor counted as dropped", () => {
  const r = run();
  r.inCell(1, "a record?", null, [r.record()], 7);
  assert.deepEqual([r.collector.records.length, r.collector.dropped], [0, 0]);
});

test("records: one too large or unserializable is dropped and counted; one at the size limit is kept", () => {
  const r = run();
  const padded = (size: number) => {
    const base = r.record({ messages: [""] });
    const overhead = JSON.stringify(base).length;
    const body = { ...base, messages: ["x".repeat(size - overhead)] };
    assert.equal(JSON.stringify(body).length, size);
    return body;
  };
  r.inCell(1, padded(MAX_RECORD_BYTES));
  assert.deepEqual([r.collector.records.length, r.collector.dropped], [1, 0]);
  r.inCell(1, padded(MAX_RECORD_BYTES + 1));
  assert.deepEqual([r.collector.records.length, r.collector.dropped], [1, 1]);
  r.inCell(1, { ...r.record(), big: BigInt(1) });
  assert.deepEqual([r.collector.records.length, r.collector.dropped], [1, 2]);
  r.allPass();
  r.runEnd();
  assert.ok(r.score().messages.includes("2 grade records were left out: too many, or too large (a real one is small)."));
});

test("records: past the most records kept, further ones are dropped and counted", () => {
  const r = run();
  const forged = r.record({}, { forged: true });
  for (let i = 0; i < MAX_RECORDS; i++) r.inCell(1, forged);
  assert.deepEqual([r.collector.records.length, r.collector.dropped], [MAX_RECORDS, 0]);
  r.inCell(1, forged);
  assert.deepEqual([r.collector.records.length, r.collector.dropped], [MAX_RECORDS, 1]);
});

test("a run-end record inside a test cell is not read as the cell's score, and a run cut short before the last cell is no finding", () => {
  const r = run();
  const seq = r.collector.records.length + 1;
  const body = { version: 1, kind: "run-end", records: 0, checksPassed: 0, checksFailed: 0, sealed: true, seq };
  r.inCell(r.at("first"), { ...body, tag: recordTag(r.instrumented.nonce, body as never) });
  r.inCell(r.at("first"), r.record({ fraction: 0.5, label: "first" }, { seq: seq + 1 }), r.endOf("first"));
  r.allPass(["first"]);
  const first = r.score().byId.get("first")!;
  assert.deepEqual([first.status, first.earned], ["partial", 1]);
  // The grader's last cell has no reply (the run stopped before it): no run-end record is expected.
  assert.deepEqual(r.score({}, ["finish"]).messages, []);
});

test("records: an authentic record without a sequence number leaves the expected number as it was", () => {
  const r = run();
  const first = r.record({ seq: undefined } as Fields);
  r.inCell(1, first, r.record({}, { seq: 1 }));
  assert.deepEqual(
    r.collector.records.map((c) => [c.authentic, c.inSequence]),
    [
      [true, false],
      [true, true],
    ],
  );
});

test("records: a record whose body cannot be read a second time is kept but never authentic", () => {
  const r = run();
  const raw = r.record();
  let reads = 0;
  // Serializable once (its size is measured), then throwing: the tag cannot be checked.
  Object.defineProperty(raw, "label", {
    enumerable: true,
    get: () => {
      if (reads++ > 0) throw new Error("read twice");
      return "check";
    },
  });
  r.inCell(1, raw);
  assert.deepEqual(
    r.collector.records.map((c) => c.authentic),
    [false],
  );
});
