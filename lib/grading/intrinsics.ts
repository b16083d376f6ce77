/**
 * Every built-in the check code uses, captured when this module loads.
 *
 * A master notebook loads the grading library in its locked setup cell, before any
 * student cell runs. Student code then shares the process and may replace globals
 * (`Math.abs = () => 0`), prototype methods (`Array.prototype.every = () => true`),
 * `Function.prototype.call`, `console` or `Error`. The check code therefore never looks
 * a built-in up at call time: it calls the originals kept here, through `Reflect.apply`
 * captured here too, and it walks arrays with index loops (no iterators, no spread,
 * no destructuring of arrays), because iteration goes through
 * `Array.prototype[Symbol.iterator]`, which student code can replace.
 *
 * Template literals are used only with strings and numbers: turning a primitive into
 * text does not call any method student code can reach; turning an object into text
 * would (toString, valueOf, Symbol.toPrimitive).
 */

const ReflectApply = Reflect.apply;

/** Calls `fn` with `self` as `this`: the captured `Reflect.apply`, immune to a replaced `Function.prototype.call`. */
export function $call<T>(fn: (...args: never[]) => T, self: unknown, args: readonly unknown[]): T {
  return ReflectApply(fn as (...args: unknown[]) => T, self, args as unknown[]);
}

export const $Error = Error;
export const $TypeError = TypeError;
export const $RangeError = RangeError;
export const $String = String;
export const $Number = Number;
export const $DataView = DataView;
export const $Symbol = Symbol;

export const $is = Object.is;
export const $freeze = Object.freeze;
export const $isFrozen = Object.isFrozen;
export const $defineProperty = Object.defineProperty;
export const $getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const $getOwnPropertyNames = Object.getOwnPropertyNames;
export const $getPrototypeOf = Object.getPrototypeOf;
export const $setPrototypeOf = Object.setPrototypeOf;
export const $keys = Object.keys;
export const $create = Object.create;
export const $ownKeys = Reflect.ownKeys;
export const $ObjectPrototype = Object.prototype;
export const $hasOwn: (o: object, key: PropertyKey) => boolean = Object.hasOwn;

export const $isArray = Array.isArray;
export const $isView = ArrayBuffer.isView;

export const $abs = Math.abs;
export const $max = Math.max;
export const $min = Math.min;
export const $round = Math.round;
export const $log2 = Math.log2;
export const $isFinite = Number.isFinite;
export const $isNaN = Number.isNaN;
export const $isInteger = Number.isInteger;
export const $EPSILON = Number.EPSILON;

export const $jsonStringify = JSON.stringify;

const RegExpExec = RegExp.prototype.exec;
const StringIndexOf = String.prototype.indexOf;
const StringSlice = String.prototype.slice;
const NumberToPrecision = Number.prototype.toPrecision;
const NumberToExponential = Number.prototype.toExponential;
const TypedArrayLength = $getOwnPropertyDescriptor($getPrototypeOf(Uint8Array.prototype) as object, "length")!.get!;

/**
 * Stores `list[index] = value` as an own property. A plain assignment to an index the
 * array does not have yet would call a setter planted on Array.prototype[index]
 * instead of storing anything.
 */
export function $put<T>(list: T[], index: number, value: T): void {
  $defineProperty(list, index, { value, writable: true, enumerable: true, configurable: true });
}

/** RegExp.prototype.exec as it was at load time; `test` would look `exec` up on the regexp at call time. */
export function $regexpMatches(re: RegExp, text: string): boolean {
  // A global or sticky regexp starts where its last match ended; start at the beginning.
  re.lastIndex = 0;
  return $call(RegExpExec, re, [text]) !== null;
}

export function $includes(text: string, part: string): boolean {
  return $call(StringIndexOf, text, [part]) !== -1;
}

export function $indexOf(text: string, part: string): number {
  return $call(StringIndexOf, text, [part]);
}

export function $slice(text: string, start: number, end?: number): string {
  // slice(start, undefined) is slice(start).
  return $call(StringSlice, text, [start, end]);
}

export function $toPrecision(n: number, digits: number): string {
  return $call(NumberToPrecision, n, [digits]);
}

export function $toExponential(n: number, fractionDigits: number): string {
  return $call(NumberToExponential, n, [fractionDigits]);
}

/** The length of a typed array, read through the original getter. */
export function $typedLength(view: ArrayBufferView): number {
  // Stryker disable next-line ArrayDeclaration: equivalent, a getter takes no arguments.
  return $call(TypedArrayLength as () => number, view, []);
}

/** True for objects whose class is RegExp as built in (not a look-alike). */
export function $isRegExp(value: unknown): value is RegExp {
  // exec throws for anything else: a primitive, a look-alike, a proxy.
  try {
    // Stryker disable next-line ArrayDeclaration,StringLiteral: equivalent, any text tells a regexp.
    $call(RegExpExec, value, [""]);
  } catch {
    return false;
  }
  return true;
}
