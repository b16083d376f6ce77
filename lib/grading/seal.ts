/**
 * Sealing the grading library and the kernel's reply path against student code.
 *
 * THREAT MODEL. A graded notebook runs in one tslab kernel: the master's locked setup
 * cell loads this library, then student cells run, then the test cells (with the hidden
 * tests put back by the grader) run in the same process and the same JavaScript realm.
 * Student code can do anything JavaScript can do there. The grader judges a test cell
 * by its execute reply status, so an attack aims either at the checks (make a wrong
 * answer pass) or at the reply (make tslab answer "ok" for a cell that threw).
 *
 * Blocked here (and tested in test/unit/grading-hardening.test.ts):
 *   - replacing globals and prototype methods the checks use (Error, Math, Object,
 *     JSON, Number, Array.prototype.*, Function.prototype.call/apply, console): the
 *     checks use built-ins captured at load time (intrinsics.ts), index loops and
 *     own-property reads only;
 *   - replacing or mutating the helpers: the exported API and every module object of
 *     this library are frozen; their require.cache entries and `module.exports` are
 *     non-writable and non-configurable, so `delete require.cache[...]` and a fake
 *     module in its place do not work; test cells import the checks themselves, so a
 *     student's own `const check = ...` does not reach them;
 *   - redirecting module loading: Module.prototype.require, Module._load,
 *     Module._resolveFilename, Module._cache and friends are pinned, and
 *     `globalThis.__tslab__` (through which tslab hands each cell its `require`) is
 *     frozen and pinned;
 *   - patching tslab's reply path: the exports of every loaded tslab/dist module are
 *     pinned and the prototypes of its classes (JupyterHandlerImpl.handleExecute,
 *     ZmqServer, TaskQueue, ...) frozen, as are `vm` (tslab runs cells with
 *     vm.runInThisContext), JSON.stringify/parse (used to build the reply) and the
 *     prototypes of zeromq's socket classes;
 *   - reading this library's secrets through the inspector: `require("inspector")` is
 *     refused once sealed (the run nonce lives in a closure).
 *
 * For graded runs only, `freezeIntrinsics()` freezes the built-in prototypes and
 * namespaces that tslab's reply path uses (Array.prototype.push/concat, Buffer,
 * String.prototype, JSON, ...). Learners' own kernels never call it: code that assigns
 * most inherited built-ins on its own objects (`arr.push = ...`) stops working; the
 * common cases (`this.name` in Error subclasses, an own `toString`) keep
 * working (see OVERRIDABLE). The
 * grader calls it in a cell of its own right after the master's setup cell, before the
 * first student cell. (`node --frozen-intrinsics` is not an option: TypeScript 5.0.4,
 * tslab's compiler, assigns Error.stackTraceLimit while it compiles and crashes.)
 *
 * Not blocked (an in-process program can always do these); how the grader copes:
 *   - patching a built-in that stays unfrozen (the Error constructor, which TypeScript
 *     writes to; process, Buffer's statics) or, without freezeIntrinsics(), any
 *     prototype: a tampered reply still cannot forge a grade record's HMAC tag
 *     (record.ts), and the run-end record below exposes missing records;
 *   - writing to the kernel's sockets directly, after reading the connection key from
 *     the file named on its command line: the grader's final cell prints a tagged
 *     run-end record; its absence, a bad tag or a record count that disagrees with what
 *     the grader saw marks the submission for review;
 *   - `process.exit`, killing the kernel, endless loops, huge output, memory: the grader
 *     sees a dead kernel or a time-out and scores the remaining cells 0;
 *   - suppressing a partial-credit record: the grader knows from the master which cells
 *     must emit one and never reads a missing record as full marks;
 *   - async callbacks (timers) that print into a later cell's output: test cells are
 *     synchronous, the grader judges reply status and tagged records, never text;
 *   - reading files (masters, other submissions): not a matter for this process; the
 *     grader runs each submission in a scratch folder that holds none of them.
 *
 * The checks themselves run only code of their own and the student's values: a test
 * that computes its expected values with library code the student could patch (say a
 * tfjs op) trusts that code. Hidden tests should state expected values as literals.
 */
import Module from "node:module";
import { createRequire } from "node:module";
import path from "node:path";
import {
  $call,
  $defineProperty,
  $Error,
  $TypeError,
  $freeze,
  $getOwnPropertyDescriptor,
  $getOwnPropertyNames,
  $isFrozen,
  $keys,
  $ownKeys,
} from "./intrinsics";
import { isTslabFile, markSealed } from "./record";

type CacheEntry = { exports: unknown; filename?: string };
type ModuleStatics = {
  _cache: Record<string, CacheEntry | undefined>;
  _load: (request: string, parent: unknown, isMain: boolean) => unknown;
  _extensions: Record<string, unknown>;
  prototype: object;
};

const M = Module as unknown as ModuleStatics;
const libraryDir = __dirname;
const nodeRequire = createRequire(__filename);

/** Makes a property non-configurable (and, unless `writable`, read-only) with its current value. */
function pin(target: object, key: PropertyKey, writable = false): boolean {
  const desc = $getOwnPropertyDescriptor(target, key);
  if (desc === undefined) return false;
  if (!desc.configurable) return "value" in desc ? desc.writable === writable || !desc.writable : true;
  if ("value" in desc) {
    $defineProperty(target, key, { value: desc.value, writable, enumerable: desc.enumerable, configurable: false });
  } else {
    $defineProperty(target, key, { get: desc.get, set: desc.set, enumerable: desc.enumerable, configurable: false });
  }
  return true;
}

/**
 * Makes a global a read-only, non-configurable data property holding what it holds now.
 * Not pin(): Node defines some globals (Buffer) with a getter and a setter, and a pinned
 * accessor keeps its setter, through which `globalThis.Buffer = ...` still replaced the
 * Buffer that the kernel's wire code encodes (and then signs) its replies with.
 */
function pinGlobal(name: string): void {
  const desc = $getOwnPropertyDescriptor(globalThis, name);
  if (desc === undefined || !desc.configurable) return;
  const value: unknown = (globalThis as Record<string, unknown>)[name];
  $defineProperty(globalThis, name, { value, writable: false, enumerable: desc.enumerable, configurable: false });
}

/**
 * Freezes an object and everything reachable through its own data properties (a
 * function's `prototype` included), but never walks up a prototype chain: the
 * library's API must be frozen, the built-ins it shares with the notebook must not.
 */
function deepFreeze(value: unknown, seen: object[] = []): void {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return;
  for (let i = 0; i < seen.length; i++) if (seen[i] === value) return;
  seen[seen.length] = value;
  $freeze(value);
  const keys = $ownKeys(value);
  for (let i = 0; i < keys.length; i++) {
    const desc = $getOwnPropertyDescriptor(value, keys[i]!);
    if (desc !== undefined && "value" in desc) deepFreeze(desc.value, seen);
  }
}

function isLibraryFile(file: string): boolean {
  return path.dirname(file) === libraryDir;
}

/** Pins one require.cache entry and its `exports`; returns the exports. */
function pinCacheEntry(key: string): unknown {
  const entry = M._cache[key];
  if (entry === undefined) return undefined;
  pin(M._cache, key);
  pin(entry, "exports");
  pin(entry, "loaded", true);
  return entry.exports;
}

let libraryLocked = false;

/**
 * Freezes this library: the exports of each of its modules (so no helper can be
 * swapped, not even a captured built-in) and the API objects deeply, and pins their
 * require.cache entries. Runs on load, in a kernel or not.
 */
export function lockLibrary(apiRoots: readonly unknown[]): void {
  for (let i = 0; i < apiRoots.length; i++) deepFreeze(apiRoots[i]);
  const keys = $keys(M._cache);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (!isLibraryFile(key)) continue;
    // Shallow: intrinsics.ts exports the built-ins themselves, which must stay unfrozen.
    $freeze(pinCacheEntry(key));
  }
  libraryLocked = true;
}

const BLOCKED_MODULES = ["inspector", "node:inspector", "inspector/promises", "node:inspector/promises"];
let sealedReport: readonly string[] | undefined;

/**
 * Seals the kernel for grading (see the threat model above). Runs on load inside a
 * tslab kernel; call it yourself in any other host. Idempotent; returns what it sealed.
 */
export function sealGrading(): readonly string[] {
  if (sealedReport !== undefined) return sealedReport;
  if (!libraryLocked) throw new $Error("sealGrading: load the library through its index first.");
  const done: string[] = [];

  // 1. The module loader. Refuse the inspector first: it can read any closure.
  const load = M._load;
  if (!$isFrozen(M) && ($getOwnPropertyDescriptor(M, "_load")?.configurable ?? false)) {
    const guarded = function _load(this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
      for (let i = 0; i < BLOCKED_MODULES.length; i++) {
        if (request === BLOCKED_MODULES[i]) {
          throw new $Error(`require("${request}") is disabled while notebooks are graded.`);
        }
      }
      return $call(load, this, [request, parent, isMain]);
    };
    M._load = guarded;
  }
  const statics = ["_load", "_resolveFilename", "_cache", "_extensions", "_findPath", "_nodeModulePaths", "createRequire", "wrap", "_initPaths"];
  for (let i = 0; i < statics.length; i++) if (pin(M, statics[i]!)) done[done.length] = `Module.${statics[i]!}`;
  const protoMethods = ["require", "load", "_compile"];
  for (let i = 0; i < protoMethods.length; i++) if (pin(M.prototype, protoMethods[i]!)) done[done.length] = `Module.prototype.${protoMethods[i]!}`;
  const extensions = [".js", ".json", ".node"];
  for (let i = 0; i < extensions.length; i++) pin(M._extensions, extensions[i]!);

  // The package's main module, when loaded: a test cell that uses the library itself gets
  // the module the setup cell loaded, not one put in its place (its re-exports are
  // non-configurable getters already).
  const main = path.join(libraryDir, "..", "index.js");
  if (M._cache[main] !== undefined) {
    pinCacheEntry(main);
    done[done.length] = "nncourse";
  }

  // 2. tslab's hand-over of `require` to each cell.
  const g = globalThis as { __tslab__?: unknown };
  if (typeof g.__tslab__ === "object" && g.__tslab__ !== null) {
    $freeze(g.__tslab__);
    pin(globalThis, "__tslab__");
    done[done.length] = "globalThis.__tslab__";
  }

  // 3. tslab's modules and the course's kernel (lib/kernel, which sends the replies):
  //    pinned exports, frozen class prototypes. tslab's display writer,
  //    `lastWriteDisplayData`, carries the grade records: the course's kernel sets it once
  //    when it starts, so it is pinned too (a learner's cell once wrapped it, from inside
  //    the test cells, to rewrite failing records). tslab's own front reassigns it for
  //    every cell, so under that front it stays writable but cannot become a getter.
  const kernelDir = path.join(libraryDir, "..", "kernel") + path.sep;
  const keys = $keys(M._cache);
  let courseKernel = false;
  for (let i = 0; i < keys.length; i++) if (keys[i]!.startsWith(kernelDir)) courseKernel = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key.startsWith(kernelDir)) {
      sealModuleExports(key, []);
      done[done.length] = `kernel/${path.basename(key)}`;
    } else if (isTslabFile(key)) {
      sealModuleExports(key, courseKernel ? [] : ["lastWriteDisplayData"]);
      done[done.length] = `tslab/${path.basename(key)}`;
    } else if (/[\\/]zeromq[\\/]lib[\\/](index|native)\.js$/.test(key)) {
      sealModuleExports(key, []);
      done[done.length] = `zeromq/${path.basename(key)}`;
    }
  }

  // 4. vm (tslab runs every cell through vm.runInThisContext) and JSON (replies are JSON).
  const vm = nodeRequire("node:vm") as object;
  const vmKeys = $getOwnPropertyNames(vm);
  for (let i = 0; i < vmKeys.length; i++) pin(vm, vmKeys[i]!);
  done[done.length] = "vm";
  pin(JSON, "stringify");
  pin(JSON, "parse");
  pin(globalThis, "JSON");
  done[done.length] = "JSON";

  markSealed();
  sealedReport = $freeze(done);
  return sealedReport;
}

let intrinsicsFrozen: readonly string[] | undefined;

/**
 * The "override mistake": once a prototype is frozen, assigning a property that an
 * object inherits from it throws in strict code, even though the object's own property
 * is all the code wants to set. Ordinary code does this all the time with a few names:
 * every Error subclass that sets `this.name = "…"` in its constructor (tslab's own
 * TaskCanceledError among them: without this, a cell sent during tslab's abort window
 * is answered "error" instead of "abort"), libraries that give objects their own
 * `toString` or `hasOwnProperty` (mathjs). For those names, the frozen prototype gets an accessor instead of a data property:
 * reading gives the built-in value as before, assigning on an inheriting object makes
 * an own property there, and assigning on the prototype itself still fails. (The same
 * remedy as the "override taming" of Agoric's SES.) Only these few are converted:
 * accessors on hot methods such as Array.prototype.push would slow every call down,
 * and `constructor` must stay a data property: Node's util.inspect (console.log, and
 * the error text tslab prints) finds an object's class through it.
 */
const OVERRIDABLE: readonly (readonly [object, readonly string[]])[] = [
  [Object.prototype, ["hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "toString", "valueOf"]],
  [Error.prototype, ["message", "name", "toString"]],
  [Function.prototype, ["toString"]],
  [Array.prototype, ["toString", "toLocaleString"]],
];

function tameOverride(proto: object, key: string): void {
  const desc = $getOwnPropertyDescriptor(proto, key);
  if (desc === undefined || !("value" in desc) || !desc.configurable) return;
  const value: unknown = desc.value;
  $defineProperty(proto, key, {
    get: function () {
      return value;
    },
    set: function (this: unknown, next: unknown) {
      if (this === proto) throw new $TypeError(`Cannot assign to read only property '${key}' of a built-in prototype (built-ins are frozen while notebooks are graded).`);
      if ((typeof this !== "object" && typeof this !== "function") || this === null) {
        throw new $TypeError(`Cannot create property '${key}' on ${typeof this}.`);
      }
      $defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
    },
    enumerable: desc.enumerable,
    // Stryker disable next-line BooleanLiteral: equivalent, every prototype tamed here is frozen right after, which makes this false anyway.
    configurable: false,
  });
}

/**
 * Freezes the built-in prototypes and namespaces (not the Error constructor: tslab's
 * TypeScript writes Error.stackTraceLimit). For graded runs only; see the comment at
 * the top. Idempotent; returns the names of what it froze.
 */
export function freezeIntrinsics(): readonly string[] {
  if (intrinsicsFrozen !== undefined) return intrinsicsFrozen;
  const g = globalThis as Record<string, unknown>;
  for (let i = 0; i < OVERRIDABLE.length; i++) {
    const [proto, keys] = OVERRIDABLE[i]!;
    for (let j = 0; j < keys.length; j++) tameOverride(proto, keys[j]!);
  }
  // Prototypes of these are frozen; the constructors too where listed in `statics`.
  const names = [
    "Object", "Array", "Function", "String", "Number", "Boolean", "Symbol", "BigInt", "Promise", "RegExp", "Map", "Set",
    "WeakMap", "WeakSet", "Date", "ArrayBuffer", "DataView", "Uint8Array", "Float32Array", "Float64Array", "Int32Array", "Buffer",
  ];
  // Buffer's statics too: Node's own code looks Buffer.from up when it runs (createHmac
  // with a string key did, and a learner's replacement read the key).
  const statics = ["Object", "Array", "Function", "String", "Number", "Promise", "Buffer"];
  const done: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const ctor = g[name] as unknown;
    if (typeof ctor !== "function") continue;
    // Function.prototype is itself a function, and is frozen like the others: without it,
    // `apply` and `call` stay writable.
    $freeze((ctor as { prototype?: unknown }).prototype);
    for (let j = 0; j < statics.length; j++) if (statics[j] === name) $freeze(ctor);
    pinGlobal(name);
    done[done.length] = `${name}.prototype`;
  }
  $freeze(Object.getPrototypeOf(Uint8Array.prototype) as object);
  $freeze(Object.getPrototypeOf(Uint8Array) as object);
  $freeze(Error.prototype);
  for (const ctor of [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) {
    tameOverride(ctor.prototype, "name");
    tameOverride(ctor.prototype, "message");
    $freeze(ctor.prototype);
  }
  // The prototypes that no global names: iterators (TypeScript's compiler loops with them
  // while it compiles a test cell), generators and async functions.
  for (const proto of hiddenIntrinsics()) $freeze(proto);
  done[done.length] = "iterator, generator and async function prototypes";
  // Built-in modules that tslab and its TypeScript call while they compile and run a cell
  // (crypto.createHash versions each cell's source; fs reads modules as they load).
  for (const name of ["crypto", "fs", "path", "vm"]) {
    $freeze(require(name) as object);
    done[done.length] = `the ${name} module`;
  }
  const namespaces = ["JSON", "Math", "Reflect"];
  for (let i = 0; i < namespaces.length; i++) {
    $freeze(g[namespaces[i]!]);
    pinGlobal(namespaces[i]!);
    done[done.length] = namespaces[i]!;
  }
  intrinsicsFrozen = $freeze(done);
  return intrinsicsFrozen;
}

/** %IteratorPrototype% and its kin, %GeneratorFunction.prototype% and its kin: reachable only through instances. */
function hiddenIntrinsics(): object[] {
  const protoOf = (value: unknown) => Object.getPrototypeOf(value) as object;
  // Stryker disable next-line ArrayDeclaration: equivalent, any array's iterator has this prototype.
  const arrayIterator = protoOf([][Symbol.iterator]());
  const generatorFunction = protoOf(function* () {});
  const asyncGeneratorFunction = protoOf(async function* () {});
  const found = [
    arrayIterator,
    protoOf(arrayIterator), // %IteratorPrototype%
    protoOf(new Map()[Symbol.iterator]()),
    protoOf(new Set()[Symbol.iterator]()),
    // Stryker disable next-line StringLiteral: equivalent, any string's iterator has this prototype.
    protoOf(""[Symbol.iterator]()),
    // Stryker disable next-line StringLiteral: equivalent, as above.
    protoOf(/a/[Symbol.matchAll]("")),
    generatorFunction,
    (generatorFunction as { prototype: object }).prototype,
    asyncGeneratorFunction,
    (asyncGeneratorFunction as { prototype: object }).prototype,
    protoOf((asyncGeneratorFunction as { prototype: object }).prototype), // %AsyncIteratorPrototype%
    protoOf(async function () {}),
  ];
  // Stryker disable next-line all: equivalent in Node, where none of these is null, Object.prototype or Function.prototype; the filter guards other hosts.
  return found.filter((p) => p !== null && p !== Object.prototype && p !== Function.prototype);
}

function sealModuleExports(key: string, stayWritable: readonly string[]): void {
  const exports = pinCacheEntry(key);
  if ((typeof exports !== "object" && typeof exports !== "function") || exports === null) return;
  const names = $getOwnPropertyNames(exports);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    let writable = false;
    for (let j = 0; j < stayWritable.length; j++) if (stayWritable[j] === name) writable = true;
    pin(exports, name, writable);
    const desc = $getOwnPropertyDescriptor(exports, name);
    const value = desc !== undefined && "value" in desc ? desc.value : undefined;
    if (typeof value === "function") freezeClass(value as { prototype?: unknown });
  }
}

/** Freezes a class's prototype chain up to (not including) the built-in prototypes. */
function freezeClass(fn: { prototype?: unknown }): void {
  let proto = fn.prototype;
  while (typeof proto === "object" && proto !== null && proto !== Object.prototype && proto !== Error.prototype && proto !== Function.prototype) {
    const names = $getOwnPropertyNames(proto);
    if (names.length <= 1) break; // a plain function's prototype: only `constructor`
    $freeze(proto);
    proto = Object.getPrototypeOf(proto);
  }
}
