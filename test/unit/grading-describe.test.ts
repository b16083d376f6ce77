// How the checks write values into their messages (lib/grading/describe.ts): numbers as a
// person writes them, lists and objects cut short, tensors by their shape, and nothing of
// the value's own code run on the way (no getter, toString or valueOf).
import { test } from "node:test";
import assert from "node:assert/strict";
import { describe, formatApart, formatNumber, formatSignificant, tensorShape, tensorValues } from "../../lib/grading/describe";

const dataSync = () => new Float32Array(0);

test("zero keeps its sign, and NaN and the infinities read as JavaScript writes them", () => {
  assert.equal(formatNumber(-0), "-0", "a learner's -0 shows as such: String(-0) would say 0");
  assert.equal(formatNumber(0), "0");
  assert.equal(formatSignificant(-0, 2), "-0");
  assert.equal(formatSignificant(0, 6), "0", "not 0e+0");
  for (const n of [NaN, Infinity, -Infinity]) {
    assert.equal(formatNumber(n), String(n));
    assert.equal(formatSignificant(n, 2), String(n));
  }
});

test("an exponent starts below 1e-4, and a mantissa loses its trailing zeros but no digit", () => {
  assert.equal(formatNumber(1e-4), "0.0001", "1e-4 itself is not below 1e-4");
  assert.equal(formatNumber(9.5e-5), "9.5e-5");
  assert.equal(formatNumber(-2.3e-6), "-2.3e-6");
  assert.equal(formatSignificant(2e-6, 1), "2e-6", "a one-digit mantissa");
  assert.equal(formatSignificant(1.05e-7, 3), "1.05e-7", "a zero inside the mantissa stays");
  assert.equal(formatSignificant(1e-7, 3), "1e-7", "1.00 loses its zeros and its point");
});

test("two equal numbers read alike at full precision", () => {
  assert.deepEqual(formatApart(0.1, 0.1), { a: "0.1", b: "0.1" });
  assert.deepEqual(formatApart(0.6, 0.6000001), { a: "0.6", b: "0.6000001" });
});

test("primitives read as they would be typed", () => {
  assert.equal(describe(0.1 + 0.2), "0.3", "numbers as formatNumber writes them, not as JSON does");
  assert.equal(describe(NaN), "NaN");
  assert.equal(describe("AND"), '"AND"');
  assert.equal(describe(10n), "10n");
  assert.equal(describe(true), "true");
  assert.equal(describe(undefined), "undefined");
  assert.equal(describe(Symbol("unit")), "Symbol(unit)");
  assert.equal(describe(null), "null");
});

test("functions read by their own name, which no getter supplies", () => {
  function fire() {
    return 1;
  }
  assert.equal(describe(fire), "function fire");
  const anonymous = [() => 1][0];
  assert.equal(describe(anonymous), "a function");
  let ran = false;
  const named = function () {};
  Object.defineProperty(named, "name", {
    get() {
      ran = true;
      return "sneaky";
    },
  });
  assert.equal(describe(named), "a function");
  assert.equal(ran, false, "the getter never ran");
});

test("lists show their first 8 entries and how many more there are", () => {
  assert.equal(describe([1, 0, 1]), "[1, 0, 1]");
  assert.equal(describe([]), "[]");
  assert.equal(describe(new Float32Array([0.5, 0.25])), "[0.5, 0.25]");
  assert.equal(describe([0, 1, 2, 3, 4, 5, 6, 7]), "[0, 1, 2, 3, 4, 5, 6, 7]");
  assert.equal(describe([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), "[0, 1, 2, 3, 4, 5, 6, 7, … 2 more]");
  assert.equal(describe(new DataView(new ArrayBuffer(4))), "{}", "a DataView has no entries to list");
});

test("objects show their own keys, 8 at most, and getters by name only", () => {
  assert.equal(describe({ w: [0.5, -1], b: 0 }), "{ w: [0.5, -1], b: 0 }");
  assert.equal(describe({}), "{}");
  const ten: Record<string, number> = {};
  for (let i = 0; i < 10; i++) ten[`k${i}`] = i;
  assert.equal(describe(ten), "{ k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, … 2 more }");
  let ran = false;
  const withGetter = {
    get x() {
      ran = true;
      return 1;
    },
  };
  assert.equal(describe(withGetter), "{ x: (getter) }");
  assert.equal(ran, false, "the getter never ran");
  // A proxy may answer one way when the keys are listed and another when a key is read.
  let looks = 0;
  const vanishing = new Proxy(
    { x: 1 },
    {
      getOwnPropertyDescriptor(target, key) {
        looks++;
        return looks === 1 ? Reflect.getOwnPropertyDescriptor(target, key) : undefined;
      },
    },
  );
  assert.equal(describe(vanishing), "{ x: ? }");
});

test("nesting is cut off at the fourth level", () => {
  assert.equal(describe([[[[1]]]]), "[[[[…]]]]");
  assert.equal(describe([[[1]]]), "[[[1]]]");
  assert.equal(describe({ a: { b: { c: { d: 1 } } } }), "{ a: { b: { c: {…} } } }");
  assert.equal(describe({ a: [{ c: [1] }] }), "{ a: [{ c: […] }] }");
});

test("a tensor-like needs a shape of whole numbers ≥ 0 and a dataSync method", () => {
  assert.equal(describe({ shape: [2, 3], dataSync }), "a tensor of shape [2, 3]");
  assert.equal(describe({ shape: [], dataSync }), "a tensor of shape []", "a scalar tensor");
  assert.deepEqual(tensorShape({ shape: [0, 3], dataSync }), [0, 3], "an empty tensor");
  assert.equal(describe({ shape: [2] }), "{ shape: [2] }", "no dataSync, no tensor");
  for (const shape of [[2, -1], [1.5], ["2"], "2"]) assert.equal(tensorShape({ shape, dataSync }), undefined, JSON.stringify(shape));
  assert.equal(tensorShape(null), undefined);
  assert.equal(tensorShape(undefined), undefined);
  assert.equal(tensorShape(5), undefined);
});

test("a tensor-like's values are copied from an array or a typed array, and from nothing else", () => {
  assert.deepEqual(tensorValues({ dataSync: () => new Float32Array([0.5, 2]) }), [0.5, 2]);
  assert.deepEqual(tensorValues({ dataSync: () => [1, 2, 3] }), [1, 2, 3]);
  assert.deepEqual(tensorValues({ dataSync: () => null }), []);
  assert.deepEqual(tensorValues({ dataSync: () => ({ length: 2, 0: 1, 1: 2 }) }), [], "an array-like is not an array");
  assert.deepEqual(tensorValues({ dataSync: () => new Float32Array(0) }), []);
});
