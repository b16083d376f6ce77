/**
 * The check API that exercise test cells call.
 *
 *   import { check } from "nncourse/grading";
 *   check.equal(mcpOr().fire([0, 1]), 1, "your OR unit on inputs [0, 1]");
 *   check.close(sigmoidPrime(0), 0.25, "sigmoidPrime(0)");
 *
 * A check that passes returns quietly; one that fails throws a CheckFailure whose
 * message is written for the learner: what was expected, what their code gave, and
 * where (`weights[1][0]`). A test cell wraps its checks in `check.test()` (all or
 * nothing) or `check.score()` (points per part), which catch the failure, show it once
 * in place and emit the grade record the graders score; the cell itself does not fail,
 * so a notebook runs to the end with unsolved exercises.
 *
 * Everything here runs with the built-ins captured in intrinsics.ts, never with the
 * globals of the moment: student code runs in the same process before the tests.
 */
import { describe, formatApart, formatIndex, formatNumber, formatTolerance, ownData, tensorShape, tensorValues } from "./describe";
import {
  $abs,
  $call,
  $defineProperty,
  $Error,
  $hasOwn,
  $isArray,
  $isFinite,
  $isNaN,
  $isRegExp,
  $isView,
  $includes,
  $keys,
  $log2,
  $regexpMatches,
  $round,
  $String,
  $typedLength,
  $freeze,
  $DataView,
  $getPrototypeOf,
  $indexOf,
  $put,
  $slice,
} from "./intrinsics";
import { emitPartial, noteCheck } from "./record";

/** A check that did not hold. Its message is meant for the learner. */
export class CheckFailure extends $Error {
  constructor(message: string) {
    super(message);
    // Own data properties: nothing on a prototype decides how the failure reads.
    $defineProperty(this, "name", { value: "CheckFailure", writable: false, enumerable: false, configurable: false });
    // The stack of a failed check points into this library, which helps nobody: show the message only.
    $defineProperty(this, "stack", { value: `CheckFailure: ${message}`, writable: false, enumerable: false, configurable: false });
  }
}

function fail(message: string, hint?: string): never {
  noteCheck(false);
  throw new CheckFailure(hint === undefined || hint === "" ? message : `${message}\nHint: ${hint}`);
}

function pass(): void {
  noteCheck(true);
}

/** Options shared by the checks; a plain string stands for `{ label }`. */
export interface CheckOptions {
  /** What is being checked, as the learner knows it: "sigmoidPrime(0)", "your AND unit". */
  label?: string;
  /** A hint appended to the failure message. */
  hint?: string;
}

export interface CloseOptions extends CheckOptions {
  /** Absolute tolerance that replaces both defaults: |actual - expected| ≤ tol. */
  tol?: number;
  /** Relative tolerance (default 1e-6), scaled by |expected|. */
  rtol?: number;
  /** Absolute tolerance (default 1e-9). */
  atol?: number;
}

interface Settings {
  label: string;
  hint: string | undefined;
  atol: number;
  rtol: number;
}

// Read with ownData: a property missing from the options object must not be looked up
// on Object.prototype, where student code could have planted `atol = 1e9`.
function settings(options: unknown, fallbackLabel: string): Settings {
  const out: Settings = { label: fallbackLabel, hint: undefined, atol: 1e-9, rtol: 1e-6 };
  if (typeof options === "string") {
    out.label = options;
    return out;
  }
  if (typeof options !== "object" || options === null) return out;
  const label = ownData(options, "label");
  const hint = ownData(options, "hint");
  if (typeof label === "string") out.label = label;
  if (typeof hint === "string") out.hint = hint;
  const tol = ownData(options, "tol");
  const atol = ownData(options, "atol");
  const rtol = ownData(options, "rtol");
  if (tol !== undefined) {
    out.atol = tolerance("tol", tol);
    out.rtol = 0;
  }
  if (atol !== undefined) out.atol = tolerance("atol", atol);
  if (rtol !== undefined) out.rtol = tolerance("rtol", rtol);
  return out;
}

function tolerance(name: string, value: unknown): number {
  // Number.isFinite is false for anything but a number.
  if (!$isFinite(value) || (value as number) < 0) {
    throw new $Error(`check: the tolerance ${name} must be a number ≥ 0, got ${describe(value)}. (This is a problem in the test, not in your code.)`);
  }
  return value as number;
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return $isArray(value) || ($isView(value) && !(value instanceof $DataView));
}

function lengthOf(value: ArrayLike<unknown>): number {
  return $isArray(value) ? value.length : $typedLength(value as unknown as ArrayBufferView);
}

// ---------------------------------------------------------------------------- equal

interface Difference {
  path: number[] | string[];
  text: string;
}

function sameValue(a: unknown, b: unknown): boolean {
  // NaN equals NaN here (a learner's NaN where NaN is expected is right); 0 equals -0.
  // Number.isNaN is false for anything but a number.
  return a === b || ($isNaN(a) && $isNaN(b));
}

function findDifference(actual: unknown, expected: unknown, path: (number | string)[]): Difference | undefined {
  if (typeof expected !== "object" || expected === null) {
    if (sameValue(actual, expected)) return undefined;
    return { path: path as number[], text: `should be ${describe(expected)} but is ${describe(actual)}` };
  }
  if (isArrayLike(expected)) {
    if (!isArrayLike(actual)) return { path: path as number[], text: `should be a list like ${describe(expected)} but is ${describe(actual)}` };
    const n = lengthOf(expected);
    const m = lengthOf(actual);
    if (n !== m) return { path: path as number[], text: `should have ${n} ${n === 1 ? "entry" : "entries"} but has ${m}: ${describe(actual)}` };
    for (let i = 0; i < n; i++) {
      $put(path, path.length, i);
      const d = findDifference(actual[i], expected[i], path);
      if (d !== undefined) return d;
      path.length--;
    }
    return undefined;
  }
  if (typeof actual !== "object" || actual === null || isArrayLike(actual)) {
    return { path: path as number[], text: `should be an object like ${describe(expected)} but is ${describe(actual)}` };
  }
  const keys = $keys(expected);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (!$hasOwn(actual, key)) return { path: path as number[], text: `lacks the key "${key}" (expected ${describe(expected)})` };
    $put(path, path.length, key);
    const d = findDifference((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], path);
    if (d !== undefined) return d;
    path.length--;
  }
  const actualKeys = $keys(actual);
  for (let i = 0; i < actualKeys.length; i++) {
    const key = actualKeys[i]!;
    if (!$hasOwn(expected, key)) return { path: path as number[], text: `has a key "${key}" that should not be there (expected ${describe(expected)})` };
  }
  return undefined;
}

function where(label: string, path: readonly (number | string)[]): string {
  let text = label;
  for (let i = 0; i < path.length; i++) {
    const p = path[i]!;
    text += typeof p === "number" ? formatIndex([p]) : `.${p}`;
  }
  return text;
}

/**
 * Strict, deep equality: numbers, strings, booleans, arrays (typed arrays too) and
 * plain objects compared entry by entry.
 */
function equal(actual: unknown, expected: unknown, options?: string | CheckOptions): void {
  const s = settings(options, "the value");
  const d = findDifference(actual, expected, []);
  if (d === undefined) return pass();
  // A difference from a number, a string or null is the whole value's.
  if (typeof expected !== "object" || expected === null) {
    fail(`${s.label} should be ${describe(expected)} but your code gave ${describe(actual)}.`, s.hint);
  }
  fail(`${where(s.label, d.path)} ${d.text}.`, s.hint);
}

// ---------------------------------------------------------------------------- close

function toleranceText(s: Settings, expected: number): string {
  return formatTolerance(s.atol + s.rtol * $abs(expected));
}

function closeDifference(actual: unknown, expected: unknown, s: Settings, path: number[]): string | undefined {
  if (typeof expected === "number") {
    if (typeof actual !== "number") return `should be a number close to ${formatNumber(expected)} but is ${describe(actual)}`;
    if ($isNaN(expected)) return $isNaN(actual) ? undefined : `should be NaN but is ${formatNumber(actual)}`;
    if ($isNaN(actual)) {
      return `should be close to ${formatNumber(expected)} but is NaN (NaN comes from 0/0, ∞-∞, or arithmetic with undefined)`;
    }
    if (!$isFinite(expected) || !$isFinite(actual)) {
      return actual === expected ? undefined : `should be ${formatNumber(expected)} but is ${formatNumber(actual)}`;
    }
    const allowed = s.atol + s.rtol * $abs(expected);
    const diff = $abs(actual - expected);
    if (diff <= allowed) return undefined;
    const shown = formatApart(expected, actual);
    return `should be ${shown.a} (within ${toleranceText(s, expected)}) but is ${shown.b}, off by ${formatTolerance(diff)}`;
  }
  if (isArrayLike(expected)) {
    if (!isArrayLike(actual)) return `should be a list like ${describe(expected)} but is ${describe(actual)}`;
    const n = lengthOf(expected);
    const m = lengthOf(actual);
    if (n !== m) return `should have ${n} ${n === 1 ? "entry" : "entries"} but has ${m}: ${describe(actual)}`;
    for (let i = 0; i < n; i++) {
      $put(path, path.length, i);
      const d = closeDifference(actual[i], expected[i], s, path);
      if (d !== undefined) return d;
      path.length--;
    }
    return undefined;
  }
  throw new $Error(`check.close compares numbers and (nested) lists of numbers; the expected value ${describe(expected)} is neither. (This is a problem in the test, not in your code.)`);
}

/**
 * Numbers, or nested lists of numbers, equal within a tolerance: passes when
 * |actual - expected| ≤ atol + rtol·|expected| for every entry (defaults atol 1e-9,
 * rtol 1e-6; `tol` sets an absolute tolerance alone).
 */
function close(actual: unknown, expected: number | ArrayLike<unknown>, options?: string | CloseOptions): void {
  const s = settings(options, "the value");
  const path: number[] = [];
  const d = closeDifference(actual, expected, s, path);
  if (d === undefined) return pass();
  // A number against a number, said whole. Not when NaN or ±∞ is expected: no tolerance
  // applies to those, and "within NaN" would say nothing.
  if ($isFinite(expected) && typeof actual === "number" && !$isNaN(actual)) {
    const shown = formatApart(expected as number, actual);
    fail(`${s.label} should be ${shown.a} (within ${toleranceText(s, expected as number)}) but your code gave ${shown.b}.`, s.hint);
  }
  fail(`${where(s.label, path)} ${d}.`, s.hint);
}

// ---------------------------------------------------------------------------- shape

/** The shape of a value: [] for a number, [n] for a list of numbers, [rows, cols] for a table, a tensor's shape. */
function shapeOf(value: unknown, label: string): number[] | string {
  const t = tensorShape(value);
  if (t !== undefined) return t;
  if (typeof value === "number") return [];
  if (!isArrayLike(value)) return `${label} should be a number, a list or a tensor but is ${describe(value)}`;
  const n = lengthOf(value);
  if (!$isArray(value) || n === 0) return [n];
  const first = shapeOf(value[0], `${label}[0]`);
  if (typeof first === "string") return first;
  for (let i = 1; i < n; i++) {
    const other = shapeOf(value[i], `${label}[${i}]`);
    if (typeof other === "string") return other;
    if (!sameShape(other, first)) {
      return `${label} is ragged: ${label}[0] has shape ${describe(first)} but ${label}[${i}] has shape ${describe(other)}`;
    }
  }
  // A literal's entries are its own: no setter planted on Array.prototype[0] runs.
  const out: number[] = [n];
  for (let i = 0; i < first.length; i++) $put(out, i + 1, first[i]!);
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  // Stryker disable next-line EqualityOperator: equivalent, one past the end both shapes read the same inherited entry.
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function shapeCheck(actual: unknown, expected: readonly number[], options?: string | CheckOptions): void {
  const s = settings(options, "the value");
  const got = shapeOf(actual, s.label);
  if (typeof got === "string") fail(`${got}.`, s.hint);
  if (sameShape(got, expected)) return pass();
  fail(`${s.label} should have shape ${describe(expected)} but has shape ${describe(got)}.`, s.hint);
}

// ---------------------------------------------------------------------------- tensor

function flatten(value: unknown, out: number[]): void {
  if (isArrayLike(value)) {
    const n = lengthOf(value);
    for (let i = 0; i < n; i++) flatten(value[i], out);
  } else {
    $put(out, out.length, value as number);
  }
}

function unflattenIndex(flat: number, shape: readonly number[]): number[] {
  const index: number[] = [];
  let rest = flat;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    // Stryker disable next-line ConditionalExpression: equivalent for tensors that hold as many values as their shape says: one with a 0 in its shape has none to point at.
    $put(index, i, d === 0 ? 0 : rest % d);
    // Stryker disable next-line ConditionalExpression: equivalent, as above.
    rest = d === 0 ? 0 : (rest - (rest % d)) / d;
  }
  return index;
}

/**
 * A tensor-like value (TensorFlow.js tensor, or any object with a `shape` array and a
 * `dataSync()` method) with the expected shape and values within tolerance. The
 * expected value may be a tensor-like too, a nested list or a number.
 */
function tensor(actual: unknown, expected: unknown, options?: string | CloseOptions): void {
  const s = settings(options, "the tensor");
  const shape = tensorShape(actual);
  if (shape === undefined) {
    fail(`${s.label} should be a tensor (an object with a shape and dataSync(), e.g. from tf.tensor) but is ${describe(actual)}.`, s.hint);
  }
  const expectedShape = shapeOf(expected, "the expected value");
  if (typeof expectedShape === "string") throw new $Error(`check.tensor: ${expectedShape}. (This is a problem in the test, not in your code.)`);
  if (!sameShape(shape, expectedShape)) fail(`${s.label} should have shape ${describe(expectedShape)} but has shape ${describe(shape)}.`, s.hint);
  const got = tensorValues(actual as object);
  const want: number[] = [];
  const expectedShapeOnly = tensorShape(expected);
  if (expectedShapeOnly !== undefined) {
    const values = tensorValues(expected as object);
    for (let i = 0; i < values.length; i++) $put(want, i, values[i]!);
  } else {
    flatten(expected, want);
  }
  if (got.length !== want.length) fail(`${s.label} has ${got.length} values but its shape ${describe(shape)} needs ${want.length}.`, s.hint);
  for (let i = 0; i < want.length; i++) {
    // Stryker disable next-line ArrayDeclaration: equivalent, comparing two numbers never touches the path.
    const d = closeDifference(got[i], want[i], s, []);
    if (d !== undefined) fail(`${s.label}${formatIndex(unflattenIndex(i, shape))} ${d}.`, s.hint);
  }
  pass();
}

// ---------------------------------------------------------------------------- throws

function errorMessage(error: unknown): string {
  if (typeof error === "string") return error;
  if (typeof error === "object" && error !== null) {
    const message = ownData(error, "message");
    if (typeof message === "string") return message;
  }
  return describe(error);
}

/**
 * `fn()` throws. With `expected`, the error's message must contain that text or match
 * that regular expression. Like every check it returns nothing when it passes: a test
 * cell that ends with it shows no value (it once showed the caught error, which read
 * like a failure).
 */
function throws(fn: () => unknown, expected?: string | RegExp, options?: string | CheckOptions): void {
  const s = settings(options, "your code");
  if (typeof fn !== "function") throw new $Error(`check.throws needs a function to call, got ${describe(fn)}. (This is a problem in the test, not in your code.)`);
  let returned: unknown;
  try {
    returned = $call(fn, undefined, []);
  } catch (error) {
    if (expected === undefined) {
      pass();
      return;
    }
    const message = errorMessage(error);
    const ok = $isRegExp(expected) ? $regexpMatches(expected, message) : $includes(message, $String(expected));
    if (ok) {
      pass();
      return;
    }
    fail(`${s.label} threw as it should, but its message ${describe(message)} does not ${$isRegExp(expected) ? "match" : "mention"} ${$isRegExp(expected) ? $String(expected.source) : describe(expected)}.`, s.hint);
  }
  return fail(`${s.label} should throw an error but it returned ${describe(returned)}.`, s.hint);
}

// ------------------------------------------------------------------------ truthTable

type Gate = ((inputs: number[]) => unknown) | { fire(inputs: number[]): unknown } | { output(inputs: number[]): unknown };

function callGate(gate: Gate, inputs: number[]): unknown {
  if (typeof gate === "function") return $call(gate, undefined, [inputs]);
  if (typeof gate === "object" && gate !== null) {
    const fire = (gate as { fire?: unknown }).fire;
    if (typeof fire === "function") return $call(fire as (x: number[]) => unknown, gate, [inputs]);
    const output = (gate as { output?: unknown }).output;
    if (typeof output === "function") return $call(output as (x: number[]) => unknown, gate, [inputs]);
  }
  throw new CheckFailure(`expected a function of the inputs, or a unit with a fire(inputs) method, but got ${describe(gate)}.`);
}

function bitsOf(k: number, n: number): number[] {
  const bits: number[] = [];
  for (let i = 0; i < n; i++) $put(bits, i, (k >> (n - 1 - i)) & 1);
  return bits;
}

/**
 * A logic unit's whole truth table. `expected` lists the outputs for the inputs in
 * binary counting order: for two inputs [0,0], [0,1], [1,0], [1,1]; its length (a power
 * of two) gives the number of inputs. The gate is a function of the input list or an
 * object with `fire(inputs)` (a McCulloch-Pitts unit) or `output(inputs)` (a net).
 * Outputs true/false count as 1/0.
 */
function truthTable(gate: Gate, expected: readonly number[], options?: string | CheckOptions): void {
  const s = settings(options, "your unit");
  const rows = expected.length;
  const n = $round($log2(rows));
  if (rows < 1 || 2 ** n !== rows) {
    throw new $Error(`check.truthTable: the expected outputs must number a power of two (one per input row), got ${rows}. (This is a problem in the test, not in your code.)`);
  }
  let wrong = 0;
  let details = "";
  for (let k = 0; k < rows; k++) {
    const inputs = bitsOf(k, n);
    const raw = callGate(gate, bitsOf(k, n));
    const got = raw === true ? 1 : raw === false ? 0 : raw;
    if (got !== expected[k]) {
      wrong++;
      if (wrong <= 4) details += `\n  inputs ${describe(inputs)}: should give ${describe(expected[k])} but gave ${describe(raw)}`;
    }
  }
  if (wrong === 0) return pass();
  const more = wrong > 4 ? `\n  … and ${wrong - 4} more` : "";
  fail(`${s.label} gets ${wrong} of ${rows} rows of its truth table wrong:${details}${more}`, s.hint);
}

// ---------------------------------------------------------------------------- that

/** A condition the test computed itself; `message` says what should have held. */
function that(condition: boolean, message: string, hint?: string): void {
  if (condition === true) return pass();
  fail(message, hint);
}

// ------------------------------------------------------------ a test cell's result

// A test cell reports its result and never throws: "Restart & Run All" on an exercise
// notebook runs to the end and shows every exercise's result in place, solved or not.
// The graders score the record each test emits (record.ts), not whether the cell threw.

export interface Score {
  /**
   * Runs one part of the test: `checks` calls other checks. Earns `weight` when it
   * passes; when a check in it fails, or the code under test throws, its message is
   * kept and the test goes on. Returns whether the part passed.
   */
  part(weight: number, label: string, checks: () => void): boolean;
  /** Ends the test: reports the points earned, in the notebook and to the grader (see record.ts). */
  finish(): void;
}

/**
 * A test cell that gives partial credit. The weights are the exercise's points: `course
 * build` checks that they add up to the points its heading shows.
 *
 *   check.score("training loop", (score) => {
 *     const { w, errors } = train(X, y);
 *     score.part(1, "returns one weight per input", () => check.shape(w, [3]));
 *     score.part(2, "separates the data", () => check.equal(errors, 0));
 *   });
 *
 * The body runs the code under test too: if it throws outside a part (an unwritten
 * stub, a crash before any check), the test earns nothing and says why, and the cell
 * still does not fail. Without a body, `check.score(label)` returns the score and the
 * cell calls `score.finish()` itself; code outside its parts is then unprotected.
 */
function score(label?: string): Score;
function score(label: string, body: (score: Score) => void): void;
function score(label = "this test", body?: (score: Score) => void): Score | void {
  if (body === undefined) return openScore(label).api;
  if (typeof body !== "function") {
    throw new $Error(`check.score(label, body): the body must be a function, got ${describe(body)}. (This is a problem in the test, not in your code.)`);
  }
  const opened = openScore(label);
  const problem = problemIn(() => $call(body, undefined, [opened.api]));
  if (problem === undefined) {
    if (!opened.isFinished()) opened.api.finish();
    return;
  }
  // Parts that never ran cannot be counted: a crash outside the parts earns nothing.
  opened.abandon();
  report(label, 0, 1, [problem], true);
}

function openScore(label: string): { api: Score; isFinished(): boolean; abandon(): void } {
  let earned = 0;
  let possible = 0;
  let finished = false;
  const messages: string[] = [];
  const api: Score = {
    part(weight: number, partLabel: string, checks: () => void): boolean {
      if (finished) throw new $Error("score.part: this score is already finished. (This is a problem in the test, not in your code.)");
      if (!$isFinite(weight) || weight <= 0) {
        throw new $Error(`score.part: the weight must be a positive number, got ${describe(weight)}. (This is a problem in the test, not in your code.)`);
      }
      possible += weight;
      const problem = problemIn(checks);
      // Every part is listed, passed (✓) or not (✗), so a learner with 2 of 3 points
      // reads what already works as well as what does not.
      if (problem === undefined) {
        earned += weight;
        $put(messages, messages.length, `${MARK.passed} ${partLabel}`);
        return true;
      }
      // Said once: an unwritten exercise fails every part with the same words.
      const message = `${MARK.failed} ${isStub(problem) ? problem : `${partLabel}: ${problem}`}`;
      if (!listHas(messages, message)) $put(messages, messages.length, message);
      return false;
    },
    finish(): void {
      if (finished) throw new $Error("score.finish: called twice. (This is a problem in the test, not in your code.)");
      finished = true;
      if (possible === 0) throw new $Error("score.finish: no parts were run. (This is a problem in the test, not in your code.)");
      report(label, earned, possible, messages);
    },
  };
  $freeze(api);
  return $freeze({
    api,
    isFinished: () => finished,
    abandon: () => {
      finished = true;
    },
  });
}

/**
 * An all-or-nothing test cell: runs `checks` and reports whether every check in it
 * passed, with the first failure's message. Like every test cell it does not throw, and
 * it returns nothing (tslab would print a returned value under the result).
 *
 *   check.test("the step functions", () => {
 *     check.equal(heavisideStep(0), 1, "heavisideStep(0)");
 *   });
 */
function test(label: string, checks: () => void): void {
  if (typeof label !== "string" || typeof checks !== "function") {
    throw new $Error(`check.test(label, checks) needs a label and a function, got ${describe(label)} and ${describe(checks)}. (This is a problem in the test, not in your code.)`);
  }
  const problem = problemIn(checks);
  report(label, problem === undefined ? 1 : 0, 1, problem === undefined ? [] : [problem], true);
  // Nothing is returned: a test cell ending with check.test would show the value under its result.
}

/** The stub an exercise's answer region holds until it is solved (see the build's release.ts). */
const STUB_PREFIX = "not implemented yet: ";

// With the captured slice: String.prototype.startsWith may have been replaced.
function isStub(message: string): boolean {
  return $slice(message, 0, STUB_PREFIX.length) === STUB_PREFIX;
}

/** Runs `checks`; undefined when all passed, else what went wrong, in one line for the learner. */
function problemIn(checks: () => void): string | undefined {
  try {
    $call(checks, undefined, []);
    return undefined;
  } catch (error) {
    if (error instanceof CheckFailure) return errorMessage(error);
    const message = errorMessage(error);
    if (isStub(message)) {
      return `${message} (its answer cell still holds the stub // YOUR CODE HERE).`;
    }
    noteCheck(false);
    return `your code threw ${errorName(error)}: ${message}`;
  }
}

function errorName(error: unknown): string {
  const name = typeof error === "object" && error !== null ? ownData(error, "name") ?? ownData($getPrototypeOf(error) ?? {}, "name") : undefined;
  if (typeof name !== "string" || name === "") return "an error";
  return `${$indexOf("AEIOUaeiou", name[0]!) >= 0 ? "an" : "a"} ${name}`;
}

// A plain loop: Array.prototype.includes may have been replaced by the code under test.
function listHas(list: readonly string[], item: string): boolean {
  // Stryker disable next-line EqualityOperator: equivalent unless student code plants this very message on Array.prototype, which would only hide a line of its own feedback.
  for (let i = 0; i < list.length; i++) if (list[i] === item) return true;
  return false;
}

const MAX_LABEL = 200;
const MAX_MESSAGE = 1000;
const MAX_MESSAGES = 8;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${$slice(text, 0, max - 1)}…`;
}

const MARK = { passed: "✓", partial: "◐", failed: "✗" } as const;

/**
 * Shows the result once, as one display output that is also the grade record: a line
 * per problem, no stack trace, and the points as the exercise's heading counts them.
 */
function report(label: string, earned: number, possible: number, messages: string[], allOrNothing = false): void {
  // Bounded, so that a record stays small whatever a learner's code threw or returned: the
  // grader drops a record over 16 KB, and a test without its record is held for review.
  label = clip(label, MAX_LABEL);
  const copy: string[] = [];
  // Stryker disable next-line EqualityOperator: equivalent, past MAX_MESSAGES messages the line after them is replaced by the count below.
  for (let i = 0; i < messages.length && i < MAX_MESSAGES; i++) $put(copy, i, clip(messages[i]!, MAX_MESSAGE));
  if (messages.length > MAX_MESSAGES) $put(copy, MAX_MESSAGES, `… and ${messages.length - MAX_MESSAGES} more.`);
  const fraction = earned / possible;
  const mark = fraction >= 1 ? MARK.passed : fraction > 0 ? MARK.partial : MARK.failed;
  let text = allOrNothing
    ? `${mark} ${label}: ${fraction >= 1 ? "passed" : "not yet"}`
    : `${mark} ${label}: ${formatNumber(earned)} of ${formatNumber(possible)} points`;
  // The messages are the lines the gradebook and the feedback page show too: one format everywhere.
  for (let i = 0; i < copy.length; i++) text += `\n  ${copy[i]!}`;
  emitPartial({ fraction, earned, possible, label, messages: $freeze(copy) as string[] }, text);
}

/**
 * Reports a fraction of the points directly (0 to 1), e.g. from a score the test
 * computed itself.
 */
function partial(fraction: number, message = "partial credit"): void {
  if (typeof fraction !== "number" || !(fraction >= 0 && fraction <= 1)) {
    throw new $Error(`check.partial: the fraction must be a number from 0 to 1, got ${describe(fraction)}. (This is a problem in the test, not in your code.)`);
  }
  report(message, fraction, 1, fraction < 1 ? [`${MARK.failed} ${message}`] : []);
}

export const check = {
  equal,
  close,
  shape: shapeCheck,
  tensor,
  throws,
  truthTable,
  that,
  test,
  score,
  partial,
};

export type Check = typeof check;
