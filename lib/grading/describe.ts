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
 * digits, tiny ones too ("6.01e-7", not "6.009999999999999e-7").
 */
export function formatNumber(n: number): string {
  if ($is(n, -0)) return "-0";
  // eslint-disable-next-line no-self-compare -- NaN's test that no learner's reassignment of a global can change
  if ($isInteger(n) || n !== n || n === Infinity || n === -Infinity) return $String(n);
  // toPrecision keeps 6 significant digits; Number() drops the trailing zeros again.
  return $String($Number($toPrecision(n, 6)));
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
    if (typeof d !== "number" || !$isInteger(d) || d < 0) return undefined;
    $put(copy, i, d);
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
  const length = $isView(data) ? $typedLength(data as unknown as ArrayBufferView) : $isArray(data) ? data.length : -1;
  if (length < 0) return out;
  for (let i = 0; i < length; i++) $put(out, i, data[i] as number);
  return out;
}
