// Grade records in a graded run (lib/grading/record.ts), in the one process a kernel is:
// sent through the kernel's display writer, tagged with the run's nonce from the moment the
// grader begins the run, and summed up by the run-end record. The tests run in order and
// share the process's one run, as a notebook's cells do.
import { tslabJupyter } from "../helpers/tslab-display";
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import {
  beginGradingRun,
  canonicalJson,
  check,
  finishGradingRun,
  GRADE_LINE_PREFIX,
  GRADE_MIME,
  sealGrading,
  type GradeRecord,
  type RunEndRecord,
} from "../../lib/grading";
import { isTslabFile } from "../../lib/grading/record";

interface Shown {
  content: { data: Record<string, unknown>; metadata: unknown; transient: unknown };
  update: unknown;
  self: unknown;
}

/** Runs `fn` with the kernel's display writer set, as tslab sets it for every cell; returns what was shown. */
function displayed(fn: () => void): Shown[] {
  const shown: Shown[] = [];
  tslabJupyter.lastWriteDisplayData = function (this: unknown, content: Shown["content"], update: unknown) {
    shown.push({ content, update, self: this });
  };
  try {
    fn();
  } finally {
    tslabJupyter.lastWriteDisplayData = null;
  }
  return shown;
}

function recordsShown(fn: () => void): GradeRecord[] {
  return displayed(fn).map((s) => s.content.data[GRADE_MIME] as GradeRecord);
}

/** Runs `fn` with writes to `stream` (the real stdout by default) captured. */
function printed(fn: () => void, stream: { write: unknown } = process.stdout): string {
  const original = stream.write;
  let text = "";
  stream.write = (chunk: string) => {
    text += chunk;
    return true;
  };
  try {
    fn();
  } finally {
    stream.write = original;
  }
  return text;
}

/** The tag as the grader computes it, written out here: HMAC-SHA256 keyed by the nonce over the record's JSON, keys sorted, tag left out. */
function expectedTag(nonce: string, record: GradeRecord): string {
  const body = Object.fromEntries(
    Object.entries(record)
      .filter(([key]) => key !== "tag")
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return createHmac("sha256", nonce).update(JSON.stringify(body)).digest("hex");
}

function runEnd(): { record: RunEndRecord; text: unknown } {
  const [shown] = displayed(() => finishGradingRun());
  return { record: shown!.content.data[GRADE_MIME] as RunEndRecord, text: shown!.content.data["text/plain"] };
}

// Exactly 16 characters: the shortest nonce a run accepts.
const nonce = "0123456789abcdef";

test("the library finds tslab's jupyter module by its path, whatever the separators", () => {
  assert.equal(isTslabFile("/srv/node_modules/tslab/dist/jupyter.js", "jupyter.js"), true);
  assert.equal(isTslabFile("C:\\course\\node_modules\\tslab\\dist\\jupyter.js", "jupyter.js"), true);
  assert.equal(isTslabFile("/srv/node_modules/tslab/dist/util.js", "jupyter.js"), false);
  assert.equal(isTslabFile("/srv/node_modules/tslab/dist/util.js"), true, "any module of tslab's dist");
  assert.equal(isTslabFile("/srv/node_modules/tslab/dist/sub/util.js"), false, "not one in a folder below");
  assert.equal(isTslabFile("/srv/node_modules/tslab/dist/util.d.ts"), false, "JavaScript only");
  assert.equal(isTslabFile("/srv/node_modules/other/dist/jupyter.js", "jupyter.js"), false);
  assert.equal(isTslabFile("/srv/someone-else.js"), false, "no tslab/dist/ in the path at all");
  assert.equal(isTslabFile("/tslab/dist/jupyter.js", "jupyter.js"), true, "tslab/dist/ at the very start");
});

test("a record goes to the kernel's display writer as a display_data of its own, with a line of text for people", () => {
  const shown = displayed(() => check.test("adds up", () => check.equal(2, 3, "the sum")));
  assert.equal(shown.length, 1);
  const [{ content, update, self }] = shown as [Shown];
  assert.equal(update, false, "a new output, not an update of the last one");
  assert.equal(self, undefined);
  assert.deepEqual(Object.keys(content.data).sort(), [GRADE_MIME, "text/plain"].sort());
  assert.deepEqual([content.metadata, content.transient], [{}, {}]);
  assert.equal(content.data["text/plain"], "✗ adds up: not yet\n  the sum should be 3 but your code gave 2.");
  const record = content.data[GRADE_MIME] as GradeRecord;
  assert.deepEqual(
    { ...record, seq: 0 },
    {
      version: 1,
      kind: "partial",
      fraction: 0,
      earned: 0,
      possible: 1,
      label: "adds up",
      messages: ["the sum should be 3 but your code gave 2."],
      seq: 0,
      tag: null,
    },
  );
  assert.ok(Object.isFrozen(record));
});

test("with no display writer, or one behind a getter, a record is printed instead, and the getter never runs", () => {
  const line = (text: string) => text.split("\n").find((l) => l.startsWith(GRADE_LINE_PREFIX));
  assert.ok(line(printed(() => check.partial(1, "no writer"))));
  let ran = false;
  Object.defineProperty(tslabJupyter, "lastWriteDisplayData", {
    get() {
      ran = true;
      return () => undefined;
    },
    configurable: true,
  });
  try {
    assert.ok(line(printed(() => check.partial(1, "a getter"))));
  } finally {
    Object.defineProperty(tslabJupyter, "lastWriteDisplayData", { value: null, writable: true, enumerable: true, configurable: true });
  }
  assert.equal(ran, false);
});

test("a record is printed to the stdout there was when the library loaded, not to one swapped in later", () => {
  const stdout = process.stdout;
  const decoy = { write: (_chunk: string) => true };
  const real = Object.getOwnPropertyDescriptor(process, "stdout")!;
  let toDecoy = "";
  const toStdout = printed(() => {
    Object.defineProperty(process, "stdout", { value: decoy, configurable: true });
    try {
      toDecoy = printed(() => check.partial(1, "swapped"), decoy);
    } finally {
      Object.defineProperty(process, "stdout", real);
    }
  }, stdout);
  assert.equal(toDecoy, "");
  assert.match(toStdout, /"label":"swapped"/);
});

test("canonical JSON: null and missing values as JSON writes them, keys sorted by plain comparison", () => {
  assert.equal(canonicalJson(null), "null");
  assert.equal(canonicalJson([undefined, 1]), JSON.stringify([undefined, 1]));
  assert.equal(canonicalJson({ b: 1, a: { d: [true], c: "x" } }), '{"a":{"c":"x","d":[true]},"b":1}');
  // A key list is sorted in place with plain comparisons: a value planted where the sort
  // looks one step before the start must not end up in the JSON.
  const proto = Array.prototype as unknown as Record<string, unknown>;
  proto["-1"] = "~";
  try {
    assert.equal(canonicalJson({ b: 1, a: 2 }), '{"a":2,"b":1}');
  } finally {
    delete proto["-1"];
  }
});

test("beginGradingRun refuses a nonce shorter than 16 characters, or one that is not text", () => {
  const refused = (e: unknown) => e instanceof TypeError && /the nonce must be a string of at least 16 characters/.test(e.message);
  assert.throws(() => beginGradingRun("0123456789abcde"), refused);
  assert.throws(() => beginGradingRun(12345678901234567890 as unknown as string), refused);
});

test("records carry no tag until the grader begins a run, and one tagged with the run's nonce after", () => {
  const [before] = recordsShown(() => check.partial(1, "before the run"));
  assert.equal(before?.tag, null);
  assert.equal(runEnd().record.tag, null, "a run-end record outside a run, as a learner's own kernel may make");
  beginGradingRun(nonce);
  const [after] = recordsShown(() => check.partial(0.5, "in the run"));
  assert.equal(after?.seq, before!.seq + 2);
  assert.equal(after?.tag, expectedTag(nonce, after!));
});

test("a second beginGradingRun, student code's own, is refused and leaves the run's key as it was", () => {
  assert.throws(() => beginGradingRun("student-nonce-0123456789"), /a graded run has already started in this kernel/);
  const [record] = recordsShown(() => check.partial(1, "still the grader's"));
  assert.equal(record?.tag, expectedTag(nonce, record!));
});

test("the run-end record counts the records issued and the checks that passed and failed, tagged", () => {
  const before = runEnd().record;
  const cells = recordsShown(() => {
    check.equal(1, 1);
    check.truthTable((x: number[]) => x[0]! & x[1]!, [0, 0, 0, 1]);
    assert.throws(() => check.equal(1, 2));
    check.test("a check fails", () => check.equal(2, 3));
    check.test("the code under test throws", () => {
      throw new TypeError("boom");
    });
    check.test("an unwritten exercise", () => {
      throw new Error("not implemented yet: f");
    });
  });
  assert.equal(cells.length, 3);
  const { record: after, text } = runEnd();
  assert.equal(after.checksPassed - before.checksPassed, 2, "check.equal and check.truthTable passed");
  // The two failed checks, and the error thrown by the code under test. An unwritten
  // exercise's stub is no failed check.
  assert.equal(after.checksFailed - before.checksFailed, 3);
  assert.equal(after.seq, before.seq + 4, "three test cells' records and this one");
  assert.equal(after.records, after.seq - 1, "every record before this one: sequence numbers start at 1");
  assert.equal(after.kind, "run-end");
  assert.equal(after.version, 1);
  assert.equal(after.sealed, false, "this process was never sealed");
  assert.equal(after.tag, expectedTag(nonce, after));
  assert.equal(
    text,
    `grading run finished: ${after.records} grade records, ${after.checksPassed} checks passed, ${after.checksFailed} failed.`,
  );
});

// Last: sealing changes the module loader for the rest of the process.
test("once the kernel is sealed, the run-end record says so", () => {
  sealGrading();
  assert.equal(runEnd().record.sealed, true);
});
