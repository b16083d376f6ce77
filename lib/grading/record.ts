/**
 * Grade records: how a test cell tells the grader "this cell earned a fraction of its
 * points", and how the grader checks that nothing in the student's process forged one.
 *
 * The protocol (the grader's side is in the `course grade` command):
 *
 * 1. A test cell written with `check.test()` or `check.score()` never throws: it shows
 *    its result in place and emits exactly one display_data output whose data holds
 *      "application/vnd.nncourse.grade+json": { version: 1, kind: "partial",
 *         fraction, earned, possible, label, messages, seq, tag }
 *    and a text/plain line for people. The cell earns `fraction` of its points (all or
 *    nothing for check.test), so a notebook with unsolved exercises still runs to the end.
 *    The grader knows from the master which test cells report this way; if such a cell
 *    replies "ok" without a valid record, the grader treats that as tampering (the
 *    record was suppressed), never as full marks.
 * 2. A test cell of bare checks (an instructor's own) passes or fails by its execute
 *    reply status: a failing check throws, the cell replies "error" and earns 0 points.
 * 3. Before any student cell, the grader sends its own first cell, which calls
 *    `beginGradingRun(nonce)` with a fresh random nonce the notebook never contains.
 *    From then on every record carries `tag` = HMAC-SHA256(nonce, record without tag)
 *    and a sequence number. Student code cannot compute a tag it has not seen (the
 *    nonce only lives in this module's closure), so forged or replayed records fail
 *    verification. Without a run (a learner's own kernel, `course check`), tag is null.
 * 4. The grader's last cell calls `finishGradingRun()`, which emits a "run-end" record:
 *    the number of records issued, checks passed and failed, and whether the kernel was
 *    sealed, also tagged. A missing or invalid run-end record, or a record count that does
 *    not match what the grader collected, marks the submission for review.
 *
 * Outside a tslab kernel (unit tests, plain node) records are printed to stdout as one
 * line: `nncourse-grade ` followed by the JSON.
 */
import { createHmac } from "node:crypto";
import Module from "node:module";
import { ownData } from "./describe";
import { $call, $Error, $getPrototypeOf, $isArray, $jsonStringify, $keys, $TypeError, $freeze } from "./intrinsics";

export const GRADE_MIME = "application/vnd.nncourse.grade+json";
export const GRADE_LINE_PREFIX = "nncourse-grade ";

export interface PartialRecord {
  version: 1;
  kind: "partial";
  /** Earned / possible, between 0 and 1. */
  fraction: number;
  earned: number;
  possible: number;
  label: string;
  /** What was wrong, for the learner's feedback (empty when everything passed). */
  messages: string[];
  /** 1 for the first record of the kernel's life, then 2, 3, ... */
  seq: number;
  /** HMAC-SHA256 of the record without its tag, keyed by the run's nonce; null outside a graded run. */
  tag: string | null;
}

export interface RunEndRecord {
  version: 1;
  kind: "run-end";
  /** How many records were issued before this one. */
  records: number;
  checksPassed: number;
  checksFailed: number;
  sealed: boolean;
  seq: number;
  tag: string | null;
}

export type GradeRecord = PartialRecord | RunEndRecord;

// Captured now: the HMAC is computed with the functions as they were before student code ran.
const $createHmac = createHmac;
const hmacProto = $getPrototypeOf(createHmac("sha256", "probe")) as { update: (data: string) => unknown; digest: (enc: "hex") => string };
const $hmacUpdate = hmacProto.update;
const $hmacDigest = hmacProto.digest;
const $process = process;
const $stdoutWriteOwner = process.stdout;

// Captured now, before any student code: the nonce becomes bytes once, with these.
const $encoder = new TextEncoder();
const $encode = TextEncoder.prototype.encode;

/**
 * The run's key, as bytes of its own. Never kept or passed on as a string: createHmac
 * turns a string key into bytes through Buffer.from, looked up when it runs, and a
 * learner's cell that replaced Buffer.from once read the key there and tagged records of
 * its own making. Not a Buffer either: a small Buffer shares its memory with others
 * (Buffer.from("x").buffer is the whole pool), TextEncoder's array has its own.
 */
let runKey: Uint8Array | undefined;
let seq = 0;
let checksPassed = 0;
let checksFailed = 0;
let sealedFlag = false;

/** Counts every check, for the run-end record. */
export function noteCheck(passed: boolean): void {
  if (passed) checksPassed++;
  else checksFailed++;
}

export function markSealed(): void {
  sealedFlag = true;
}

/**
 * Starts a graded run: called once by the grader's own first cell, before any student
 * code, with a random nonce. A second call fails, so student code cannot reset the key.
 */
export function beginGradingRun(nonce: string): void {
  if (typeof nonce !== "string" || nonce.length < 16) {
    throw new $TypeError("beginGradingRun(nonce): the nonce must be a string of at least 16 characters.");
  }
  if (runKey !== undefined) throw new $Error("beginGradingRun: a graded run has already started in this kernel.");
  runKey = $call($encode, $encoder, [nonce]);
}

/** The tag of a record: HMAC-SHA256 over its JSON without the tag, keyed by the run's nonce (its UTF-8 bytes). */
export function recordTag(key: string | Uint8Array, record: Omit<PartialRecord, "tag"> | Omit<RunEndRecord, "tag">): string {
  const h = $call($createHmac, undefined, ["sha256", key]);
  $call($hmacUpdate, h, [canonicalJson(record)]);
  return $call($hmacDigest, h, ["hex"]);
}

/** JSON with keys sorted, so that the grader can recompute the tag from the parsed record. */
export function canonicalJson(value: unknown): string {
  if (typeof value !== "object" || value === null) return $jsonStringify(value) ?? "null";
  if ($isArray(value)) {
    let text = "[";
    for (let i = 0; i < value.length; i++) text += `${i > 0 ? "," : ""}${canonicalJson(value[i])}`;
    return `${text}]`;
  }
  const keys = $keys(value);
  sortStrings(keys);
  let text = "{";
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key === "tag") continue;
    text += `${first ? "" : ","}${$jsonStringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`;
    first = false;
  }
  return `${text}}`;
}

// Insertion sort with plain comparisons: Array.prototype.sort may have been replaced.
function sortStrings(list: string[]): void {
  for (let i = 1; i < list.length; i++) {
    const item = list[i]!;
    let j = i - 1;
    // Stryker disable next-line EqualityOperator: equivalent, an object's keys are never equal.
    while (j >= 0 && list[j]! > item) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = item;
  }
}

export function emitPartial(fields: { fraction: number; earned: number; possible: number; label: string; messages: string[] }, text: string): PartialRecord {
  seq++;
  const body = { version: 1 as const, kind: "partial" as const, ...fields, seq };
  const record: PartialRecord = { ...body, tag: runKey === undefined ? null : recordTag(runKey, body) };
  emit(record, text);
  return record;
}

/** The grader's last cell: a tagged summary of the whole run. */
export function finishGradingRun(): void {
  seq++;
  const body = { version: 1 as const, kind: "run-end" as const, records: seq - 1, checksPassed, checksFailed, sealed: sealedFlag, seq };
  const record: RunEndRecord = { ...body, tag: runKey === undefined ? null : recordTag(runKey, body) };
  // Nothing is returned: tslab would print a returned value as a second copy of the record.
  emit(record, `grading run finished: ${seq - 1} grade records, ${checksPassed} checks passed, ${checksFailed} failed.`);
}

/**
 * tslab's jupyter module, found among the modules already loaded: the kernel's own
 * instance, whose `lastWriteDisplayData` tslab sets afresh at the start of every cell.
 */
const jupyterExports: object | undefined = (() => {
  const cache = (Module as unknown as { _cache: Record<string, { exports?: unknown } | undefined> })._cache;
  const keys = $keys(cache);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (isTslabFile(key, "jupyter.js")) {
      // Stryker disable next-line OptionalChaining: equivalent, a key of the cache has an entry.
      const exports = cache[key]?.exports;
      if (typeof exports === "object" && exports !== null) return exports;
    }
  }
  return undefined;
})();

export function isTslabFile(file: string, name?: string): boolean {
  const normalized = file.replace(/\\/g, "/");
  const at = normalized.lastIndexOf("/tslab/dist/");
  if (at < 0) return false;
  const rest = normalized.slice(at + "/tslab/dist/".length);
  return name === undefined ? rest.indexOf("/") < 0 && rest.endsWith(".js") : rest === name;
}

function emit(record: GradeRecord, text: string): void {
  $freeze(record);
  const write = jupyterExports === undefined ? undefined : ownData(jupyterExports, "lastWriteDisplayData");
  if (typeof write === "function") {
    const data = { [GRADE_MIME]: record, "text/plain": text };
    $call(write as (content: unknown, update: boolean) => void, undefined, [{ data, metadata: {}, transient: {} }, false]);
    return;
  }
  const stdout = $stdoutWriteOwner ?? $process.stdout;
  const line = `${text}\n${GRADE_LINE_PREFIX}${$jsonStringify(record)}\n`;
  $call(stdout.write as (chunk: string) => boolean, stdout, [line]);
}
