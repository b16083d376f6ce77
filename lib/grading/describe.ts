/**
 * Short, readable descriptions of values for check messages: `0.25`, `[1, 0, 1]`,
 * `"AND"`, `{ w: [0.5, -1], b: 0 }`, `a tensor of shape [2, 3]`.
 *
 * Only captured built-ins are used (see intrinsics.ts). Getters are not run and no
 * toString or valueOf is called: describing a value must not hand control to code the
 * value's author wrote.
 */
import {
  $call,
  $getOwnPropertyDescriptor,
  $isArray,
  $isView,
  $is,
  $jsonStringify,
  $keys,
  $String,
  $toPrecision,
  $toExponential,
  $slice,
  $indexOf,
  $abs,
  $typedLength,
  $isInteger,
  $Number,
  $DataView,
  $put,
} from "./intrinsics";

const MAX_ITEMS = 8;
const MAX_DEPTH = 3;

/**
 * A number as a learner would write it: integers in full, others to 6 significant
 * digits, tiny ones with an exponent ("6.01e-7" and "2.3e-5", never "0.000023" or
 * "6.009999999999999e-7").
 */
export function formatNumber(n: number): string {
  // NaN and ±Infinity are formatSignificant's to write.
  if ($isInteger(n)) return $is(n, -0) ? "-0" : $String(n);
  return formatSignificant(n, 6);
}

/** Below this size a number is written with an exponent: "2.3e-5" reads at a glance, "0.000023" does not. */
const SMALL = 1e-4;

/**
 * `n` to `digits` significant digits without trailing zeros: "0.6", "2.30259", "2.3e-6".
 * Integers too ("1.2e21" stays as JavaScript writes it past 21 digits).
 */
export function formatSignificant(n: number, digits: number): string {
  if ($is(n, -0)) return "-0";
  if (n === 0) return "0";
  // Not below SMALL: NaN and ±Infinity too, which toPrecision writes as String does.
  if (!($abs(n) < SMALL)) return $String($Number($toPrecision(n, digits)));
  // "2.30000e-6" → "2.3e-6": the mantissa loses its trailing zeros, the exponent stays. Its
  // first digit is never 0, and a mantissa of one digit has no point to lose.
  const text = $toExponential(n, digits - 1);
  const e = $indexOf(text, "e");
  const mantissa = $slice(text, 0, e);
  let end = mantissa.length;
  while (mantissa[end - 1] === "0") end--;
  if (mantissa[end - 1] === ".") end--;
  return `${$slice(mantissa, 0, end)}${$slice(text, e)}`;
}

/**
 * A tolerance or a difference: two significant digits say how close is close enough
 * ("within 2.3e-6"); the full float ("0.0000023035850929940452") says nothing more.
 */
export function formatTolerance(n: number): string {
  return formatSignificant(n, 2);
}

/**
 * Two numbers that differ, each written with as few significant digits (6 at least) as
 * shows that they differ: 0.6 and 0.6000001 read "0.6" and "0.6000001", not "0.6" twice.
 */
export function formatApart(a: number, b: number): { a: string; b: string } {
  // An object, not a pair: destructuring an array runs Array.prototype[Symbol.iterator],
  // which the code under test may have replaced.
  const at = (n: number, digits: number) => ($isInteger(n) ? formatNumber(n) : formatSignificant(n, digits));
  // Stryker disable next-line EqualityOperator: equivalent, a last round at 17 digits returns what the line after the loop does.
  for (let digits = 6; digits < 17; digits++) {
    const x = at(a, digits);
    const y = at(b, digits);
    if (x !== y) return { a: x, b: y };
  }
  return { a: at(a, 17), b: at(b, 17) };
}

export function describe(value: unknown, depth = 0): string {
  switch (typeof value) {
    case "number":
      return formatNumber(value);
    case "string":
      return $jsonStringify(value);
    case "bigint":
      return `${$String(value)}n`;
    case "boolean":
    case "undefined":
    case "symbol":
      return $String(value);
    case "function": {
      const name = ownData(value, "name");
      return typeof name === "string" && name !== "" ? `function ${name}` : "a function";
    }
  }
  if (value === null) return "null";
  const object = value as object;
  if (depth >= MAX_DEPTH) return $isArray(object) ? "[…]" : "{…}";
  if ($isArray(object)) return describeList(object, object.length, depth);
  if ($isView(object) && !(object instanceof $DataView)) {
    const view = object as unknown as ArrayLike<number>;
    return describeList(view, $typedLength(object), depth);
  }
  const shape = tensorShape(object);
  if (shape !== undefined) return `a tensor of shape ${describe(shape)}`;
  const keys = $keys(object);
  let text = "{ ";
  // Stryker disable next-line EqualityOperator: equivalent, the two choices agree at MAX_ITEMS.
  const n = keys.length < MAX_ITEMS ? keys.length : MAX_ITEMS;
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    const desc = $getOwnPropertyDescriptor(object, key);
    const shown = desc === undefined ? "?" : "value" in desc ? describe(desc.value, depth + 1) : "(getter)";
    text += `${i > 0 ? ", " : ""}${key}: ${shown}`;
  }
  if (keys.length > n) text += `, … ${keys.length - n} more`;
  return keys.length === 0 ? "{}" : `${text} }`;
}

function describeList(list: ArrayLike<unknown>, length: number, depth: number): string {
  let text = "[";
  // Stryker disable next-line EqualityOperator: equivalent, the two choices agree at MAX_ITEMS.
  const n = length < MAX_ITEMS ? length : MAX_ITEMS;
  for (let i = 0; i < n; i++) text += `${i > 0 ? ", " : ""}${describe(list[i], depth + 1)}`;
  if (length > n) text += `, … ${length - n} more`;
  return `${text}]`;
}

/** A property's value when it is a plain data property of the object itself; undefined otherwise. */
export function ownData(object: object, key: PropertyKey): unknown {
  const desc = $getOwnPropertyDescriptor(object, key);
  return desc !== undefined && "value" in desc ? desc.value : undefined;
}

/**
 * The shape of a tensor-like object (TensorFlow.js or anything with a numeric `shape`
 * array and a `dataSync()` method), or undefined. The getter of a tfjs tensor's shape
 * is a plain field, so reading it runs no code of the tensor's author.
 */
export function tensorShape(value: unknown): number[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const shape = (value as { shape?: unknown }).shape;
  const dataSync = (value as { dataSync?: unknown }).dataSync;
  if (!$isArray(shape) || typeof dataSync !== "function") return undefined;
  const copy: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    // Number.isInteger is false for anything but a number.
    if (!$isInteger(d) || (d as number) < 0) return undefined;
    $put(copy, i, d as number);
  }
  return copy;
}

/** "[1][0]" for the path [1, 0]: where in a nested array a difference was found. */
export function formatIndex(path: readonly number[]): string {
  let text = "";
  for (let i = 0; i < path.length; i++) text += `[${path[i]!}]`;
  return text;
}

/** Calls a tensor-like's dataSync() and copies the result into a plain array. */
export function tensorValues(value: object): number[] {
  const dataSync = (value as { dataSync: () => ArrayLike<number> }).dataSync;
  const data = $call(dataSync, value, []);
  const out: number[] = [];
  // Anything but a typed array or an array holds no values.
  const length = $isView(data) ? $typedLength(data as unknown as ArrayBufferView) : $isArray(data) ? data.length : 0;
  for (let i = 0; i < length; i++) $put(out, i, data[i] as number);
  return out;
}
