// freezeIntrinsics in a process of its own (it freezes the built-ins for good): the
// prototypes are frozen, yet the everyday "override" assignments keep working — an Error
// subclass naming itself (tslab's TaskCanceledError does, and its abort replies depend
// on it), an object with its own toString or hasOwnProperty; and console.log still shows
// objects by their class.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { projectRoot } from "../helpers/cli";

const seal = path.join(projectRoot, "lib", "dist", "grading", "seal.js");

function runFrozen(body: string): Record<string, unknown> {
  const script = `"use strict";
const { freezeIntrinsics } = require(${JSON.stringify(seal)});
freezeIntrinsics();
const out = {};
const attempt = (name, fn) => { try { out[name] = fn(); } catch (e) { out[name] = "threw " + e.constructor.name + ": " + e.message; } };
${body}
process.stdout.write(JSON.stringify(out));`;
  const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

test("frozen prototypes still let objects have their own name, toString and hasOwnProperty", () => {
  const out = runFrozen(`
attempt("errorSubclass", () => { class Canceled extends Error { constructor(m) { super(m); this.name = "Canceled"; } } const e = new Canceled("late"); return [e.name, String(e), e instanceof Error, Object.prototype.hasOwnProperty.call(e, "name")]; });
attempt("message", () => { const e = new Error("a"); e.message = "b"; return e.message; });
attempt("ownToString", () => { const o = {}; o.toString = () => "mine"; return String(o) + " " + String({}); });
attempt("ownHasOwnProperty", () => { const o = {}; o.hasOwnProperty = () => "x"; return o.hasOwnProperty("y"); });
attempt("inspect", () => { const util = require("util"); return [util.inspect(new Error("shown")).split(String.fromCharCode(10))[0], util.inspect([1, 2]), util.inspect({ a: 1 }), util.inspect(new Map([[1, 2]])), util.inspect(new (class Point { constructor() { this.x = 1; } })())]; });
attempt("plainError", () => String(new TypeError("t")));
attempt("patchErrorName", () => { Error.prototype.name = "Hacked"; return "patched"; });
attempt("patchToString", () => { Object.prototype.toString = () => "hacked"; return "patched"; });
attempt("patchPush", () => { Array.prototype.push = () => 0; return "patched"; });
attempt("frozen", () => [Object.isFrozen(Object.prototype), Object.isFrozen(Error.prototype), Object.isFrozen(Array.prototype)]);
attempt("descriptorsLocked", () => { Object.defineProperty(Error.prototype, "name", { value: "Hacked" }); return "redefined"; });
attempt("after", () => [new Error("x").name, String(new RangeError("r"))]);
`);
  assert.deepEqual(out.errorSubclass, ["Canceled", "Canceled: late", true, true]);
  assert.equal(out.message, "b");
  assert.equal(out.ownToString, "mine [object Object]");
  assert.equal(out.ownHasOwnProperty, "x");
  assert.deepEqual(
    out.inspect,
    ["Error: shown", "[ 1, 2 ]", "{ a: 1 }", "Map(1) { 1 => 2 }", "Point { x: 1 }"],
    "console.log and tslab's error text still show objects as they are",
  );
  assert.equal(out.plainError, "TypeError: t");
  assert.match(String(out.patchErrorName), /^threw TypeError: Cannot assign to read only property 'name' of a built-in prototype/);
  assert.match(String(out.patchToString), /^threw TypeError: Cannot assign to read only property 'toString'/);
  assert.match(String(out.patchPush), /^threw TypeError: Cannot assign to read only property 'push'/);
  assert.deepEqual(out.frozen, [true, true, true]);
  assert.match(String(out.descriptorsLocked), /^threw TypeError: Cannot redefine property: name/);
  assert.deepEqual(out.after, ["Error", "RangeError: r"]);
});

test("every built-in that freezeIntrinsics names stays as it is, and it says what it froze, once", () => {
  const out = runFrozen(`
const protoOf = Object.getPrototypeOf;
const asyncGeneratorFunction = protoOf(async function* () {});
// One method of each built-in prototype, the statics of the constructors whose statics
// Node's own code calls, the hidden prototypes, the namespaces and the modules.
const targets = {
  "Object.prototype.__lookupGetter__": [Object.prototype, "__lookupGetter__"],
  "Array.prototype.push": [Array.prototype, "push"],
  "Function.prototype.bind": [Function.prototype, "bind"],
  "String.prototype.replace": [String.prototype, "replace"],
  "Number.prototype.toFixed": [Number.prototype, "toFixed"],
  "Boolean.prototype.valueOf": [Boolean.prototype, "valueOf"],
  "Symbol.prototype.toString": [Symbol.prototype, "toString"],
  "BigInt.prototype.toString": [BigInt.prototype, "toString"],
  "Promise.prototype.then": [Promise.prototype, "then"],
  "RegExp.prototype.exec": [RegExp.prototype, "exec"],
  "Map.prototype.get": [Map.prototype, "get"],
  "Set.prototype.has": [Set.prototype, "has"],
  "WeakMap.prototype.get": [WeakMap.prototype, "get"],
  "WeakSet.prototype.has": [WeakSet.prototype, "has"],
  "Date.prototype.getTime": [Date.prototype, "getTime"],
  "ArrayBuffer.prototype.slice": [ArrayBuffer.prototype, "slice"],
  "DataView.prototype.getUint8": [DataView.prototype, "getUint8"],
  "Uint8Array.prototype.constructor": [Uint8Array.prototype, "constructor"],
  "Float32Array.prototype.constructor": [Float32Array.prototype, "constructor"],
  "Float64Array.prototype.constructor": [Float64Array.prototype, "constructor"],
  "Int32Array.prototype.constructor": [Int32Array.prototype, "constructor"],
  "Buffer.prototype.toString": [Buffer.prototype, "toString"],
  "%TypedArray%.prototype.subarray": [protoOf(Uint8Array.prototype), "subarray"],
  "%TypedArray%.from": [protoOf(Uint8Array), "from"],
  "Object.keys": [Object, "keys"],
  "Array.from": [Array, "from"],
  "String.fromCharCode": [String, "fromCharCode"],
  "Number.isFinite": [Number, "isFinite"],
  "Promise.resolve": [Promise, "resolve"],
  "Buffer.from": [Buffer, "from"],
  "RangeError.prototype.toString": [RangeError.prototype, "toString"],
  "%SetIteratorPrototype%.next": [protoOf(new Set()[Symbol.iterator]()), "next"],
  "%StringIteratorPrototype%.next": [protoOf(""[Symbol.iterator]()), "next"],
  "%RegExpStringIteratorPrototype%.next": [protoOf(/a/[Symbol.matchAll]("")), "next"],
  "%AsyncGeneratorPrototype%.next": [asyncGeneratorFunction.prototype, "next"],
  "%AsyncIteratorPrototype%[Symbol.asyncIterator]": [protoOf(asyncGeneratorFunction.prototype), Symbol.asyncIterator],
  "path.join": [require("path"), "join"],
  "JSON.parse": [JSON, "parse"],
  "Math.abs": [Math, "abs"],
  "Reflect.apply": [Reflect, "apply"],
};
for (const name of ["Object", "Array", "Function", "String", "Number", "Boolean", "Symbol", "BigInt", "Promise", "RegExp", "Map", "Set",
  "WeakMap", "WeakSet", "Date", "ArrayBuffer", "DataView", "Uint8Array", "Float32Array", "Float64Array", "Int32Array", "Buffer", "JSON", "Math", "Reflect"]) {
  targets["globalThis." + name] = [globalThis, name];
}
const replaced = [];
for (const [name, [obj, key]] of Object.entries(targets)) {
  const before = obj[key];
  try { obj[key] = function fake() {}; } catch {}
  try { Object.defineProperty(obj, key, { value: function fake() {} }); } catch {}
  if (obj[key] !== before) replaced.push(name);
}
out.replaced = replaced;
out.frozen = {
  Function: Object.isFrozen(Function),
  "%GeneratorFunction.prototype%": Object.isFrozen(protoOf(function* () {})),
  "%AsyncGeneratorFunction.prototype%": Object.isFrozen(asyncGeneratorFunction),
  "%AsyncFunction.prototype%": Object.isFrozen(protoOf(async function () {})),
  "Map, whose statics are not frozen": Object.isFrozen(Map),
};
attempt("report", () => { const first = freezeIntrinsics(); return { same: first === freezeIntrinsics(), entries: [...first] }; });
attempt("sealWithoutTheIndex", () => require(${JSON.stringify(seal)}).sealGrading());
`);
  assert.deepEqual(out.replaced, [], "these could still be replaced after freezeIntrinsics()");
  assert.deepEqual(out.frozen, {
    Function: true,
    "%GeneratorFunction.prototype%": true,
    "%AsyncGeneratorFunction.prototype%": true,
    "%AsyncFunction.prototype%": true,
    "Map, whose statics are not frozen": false,
  });
  const names = ["Object", "Array", "Function", "String", "Number", "Boolean", "Symbol", "BigInt", "Promise", "RegExp", "Map", "Set"];
  names.push("WeakMap", "WeakSet", "Date", "ArrayBuffer", "DataView", "Uint8Array", "Float32Array", "Float64Array", "Int32Array", "Buffer");
  assert.deepEqual(out.report, {
    same: true,
    entries: [
      ...names.map((name) => `${name}.prototype`),
      "iterator, generator and async function prototypes",
      ...["crypto", "fs", "path", "vm"].map((name) => `the ${name} module`),
      "JSON",
      "Math",
      "Reflect",
    ],
  });
  // Sealing a kernel without the library's index would leave the checks unfrozen.
  assert.equal(out.sealWithoutTheIndex, "threw Error: sealGrading: load the library through its index first.");
});

test("on frozen prototypes, every name an ordinary object, error, function or list may set for itself becomes its own, ordinary property", () => {
  const out = runFrozen(`
attempt("object", () => {
  const o = {};
  for (const key of ["hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "toString", "valueOf"]) o[key] = () => key;
  return [o.isPrototypeOf(), o.propertyIsEnumerable(), o.toLocaleString(), o.valueOf(), Object.keys(o).length];
});
// An error made without a message has none of its own: it inherits Error.prototype's.
attempt("error", () => { const e = new Error(); e.message = "mine"; e.toString = () => "own"; return [String(e), e.message]; });
attempt("list", () => { const a = [1]; a.toString = () => "own"; a.toLocaleString = () => "own too"; return [String(a), a.toLocaleString()]; });
attempt("subclasses", () => [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError].map((C) => { const e = new C(); e.name = "Mine"; e.message = "b"; return String(e); }));
// An ordinary property: assigned again, listed, deleted.
attempt("ordinary", () => { const o = {}; o.valueOf = () => 1; o.valueOf = () => 2; const listed = Object.keys(o); const value = o.valueOf(); delete o.valueOf; return [value, listed, o.valueOf === Object.prototype.valueOf]; });
attempt("primitive", () => { const n = 5; n.isPrototypeOf = () => "x"; return "assigned"; });
`);
  assert.deepEqual(out.object, ["isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "valueOf", 6]);
  assert.deepEqual(out.error, ["own", "mine"]);
  assert.deepEqual(out.list, ["own", "own too"]);
  assert.deepEqual(out.subclasses, Array(6).fill("Mine: b"));
  assert.deepEqual(out.ordinary, [2, ["valueOf"], true]);
  // As in any strict code: a primitive takes no property.
  assert.match(String(out.primitive), /^threw TypeError: Cannot create property 'isPrototypeOf' on number/);
});

test("a host that locked parts of the module loader itself still loads and seals the library, and the report claims only what is read-only", () => {
  const lib = path.join(projectRoot, "lib", "dist", "grading", "index.js");
  const script = `"use strict";
const Module = require("module");
Object.defineProperty(Module, "_load", { writable: false, configurable: false });
Object.defineProperty(Module, "_findPath", { configurable: false });
const report = require(${JSON.stringify(lib)}).sealGrading();
process.stdout.write(JSON.stringify(report));`;
  const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout) as string[];
  // Module._load is as read-only as pinning makes it; Module._findPath, which the host
  // left writable but made impossible to redefine, is not claimed; outside a kernel
  // there is no hand-over to freeze.
  assert.ok(report.includes("Module._load"), report.join(", "));
  assert.ok(!report.includes("Module._findPath"), report.join(", "));
  assert.ok(report.includes("Module._resolveFilename"));
  assert.ok(!report.includes("globalThis.__tslab__"));
});
