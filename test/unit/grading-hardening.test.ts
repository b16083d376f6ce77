/**
 * Adversarial tests of the grading library: each scenario runs in a fresh node process
 * that mimics a tslab kernel (a `globalThis.__tslab__` handing cells their `require`,
 * cells run through vm.runInThisContext). The master's setup cell loads the library,
 * a "student cell" attacks, then a "test cell" re-imports the checks the way test cells
 * do and checks a wrong answer. The wrong answer must still fail, with the learner's
 * message; a right answer must still pass.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { mutationEnv } from "../helpers/mutation-env";

const root = join(__dirname, "..", "..");
const lib = join(root, "lib", "dist", "grading", "index.js");

// The kernel stand-in. Everything it needs after the attack is captured first, as the
// real grader keeps its judging outside the kernel.
const harness = String.raw`
const vm = require("node:vm");
const Module = require("node:module");
const path = require("node:path");
const write = process.stdout.write.bind(process.stdout);
const stringify = JSON.stringify;
const getDesc = Object.getOwnPropertyDescriptor;
const root = process.env.ROOT;
const lib = process.env.LIB;
const attack = JSON.parse(process.env.ATTACK);
const testCode = process.env.TEST_CODE;
const passCode = process.env.PASS_CODE;
let originals = null;
if (process.env.WITH_TSLAB === "1") {
  const tslabJupyter = require(require.resolve("tslab/dist/jupyter", { paths: [root] }));
  const tslabUtil = require(require.resolve("tslab/dist/util", { paths: [root] }));
  originals = {
    jupyter: tslabJupyter,
    JupyterHandlerImpl: tslabJupyter.JupyterHandlerImpl,
    handleExecute: tslabJupyter.JupyterHandlerImpl.prototype.handleExecute,
    util: tslabUtil,
    add: tslabUtil.TaskQueue.prototype.add,
    runInThisContext: vm.runInThisContext,
    stringify: JSON.stringify,
  };
  // The course's kernel, which sends the replies in a real graded run.
  const kernelDir = path.join(path.dirname(lib), "..", "kernel");
  const server = require(path.join(kernelDir, "server.js"));
  const iopub = require(path.join(kernelDir, "iopub.js"));
  const wire = require(path.join(kernelDir, "wire.js"));
  Object.assign(originals, {
    server,
    execute: server.KernelServer.prototype.execute,
    reply: server.KernelServer.prototype.reply,
    publish: iopub.IopubQueue.prototype.publish,
    wire,
    encodeMessage: wire.encodeMessage,
  });
}
globalThis.__tslab__ = { exports: {}, require: Module.createRequire(path.join(root, "notebooks", "cell.js")) };

// The locked setup cell.
globalThis.__tslab__.require(lib);

function runCell(code) {
  // As tslab does: wrap, look vm.runInThisContext and __tslab__ up at call time.
  const wrapped = "(function(exports, require) { " + code + "\n})(__tslab__.exports, __tslab__.require)";
  return vm.runInThisContext(wrapped);
}

// The student cell: every statement on its own, so one refused attack does not stop the rest.
const attackErrors = [];
for (const statement of attack) {
  try {
    runCell(statement);
  } catch (e) {
    attackErrors.push(String(getDesc(e, "message") ? getDesc(e, "message").value : e));
  }
}

const result = { attackErrors };
try {
  runCell(testCode);
  result.threw = false;
} catch (e) {
  result.threw = true;
  const name = e && getDesc(e, "name");
  const message = e && getDesc(e, "message");
  result.name = name ? name.value : null;
  result.message = message ? message.value : String(e);
}
if (passCode) {
  try {
    runCell(passCode);
    result.passed = true;
  } catch (e) {
    const message = e && getDesc(e, "message");
    result.passed = false;
    result.passMessage = message ? message.value : "?";
  }
}
if (originals) {
  const j = require(require.resolve("tslab/dist/jupyter", { paths: [root] }));
  result.intact = {
    module: j === originals.jupyter,
    JupyterHandlerImpl: j.JupyterHandlerImpl === originals.JupyterHandlerImpl,
    handleExecute: originals.JupyterHandlerImpl.prototype.handleExecute === originals.handleExecute,
    add: originals.util.TaskQueue.prototype.add === originals.add,
    runInThisContext: vm.runInThisContext === originals.runInThisContext,
    stringify: JSON.stringify === originals.stringify,
    execute: originals.server.KernelServer.prototype.execute === originals.execute,
    reply: originals.server.KernelServer.prototype.reply === originals.reply,
    publish: require(path.join(path.dirname(lib), "..", "kernel", "iopub.js")).IopubQueue.prototype.publish === originals.publish,
    encodeMessage: originals.wire.encodeMessage === originals.encodeMessage,
  };
}
write("RESULT " + stringify(result) + "\n");
`;

interface Outcome {
  attackErrors: string[];
  threw: boolean;
  name?: string | null;
  message?: string;
  passed?: boolean;
  passMessage?: string;
  intact?: Record<string, boolean>;
}

function attackThenTest(attack: string[], testCode: string, passCode?: string, withTslab = false): Outcome {
  const r = spawnSync(process.execPath, ["-e", harness], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    env: {
      ...mutationEnv(),
      PATH: process.env.PATH,
      ROOT: root,
      LIB: lib,
      ATTACK: JSON.stringify(attack),
      TEST_CODE: testCode.replaceAll("LIB", JSON.stringify(lib)),
      PASS_CODE: (passCode ?? "").replaceAll("LIB", JSON.stringify(lib)),
      WITH_TSLAB: withTslab ? "1" : "0",
    },
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  assert.ok(line, `the harness printed no result (exit ${r.status})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return JSON.parse(line.slice("RESULT ".length)) as Outcome;
}

function assertFailsWith(outcome: Outcome, message: RegExp): void {
  assert.equal(outcome.threw, true, `the wrong answer passed; attack errors: ${outcome.attackErrors.join(" | ")}`);
  assert.equal(outcome.name, "CheckFailure", `threw ${outcome.name}: ${outcome.message}`);
  assert.match(outcome.message ?? "", message);
  if (outcome.passed !== undefined) assert.equal(outcome.passed, true, `the right answer failed: ${outcome.passMessage}`);
}

const wrongSigmoid = 'const { check } = require(LIB); check.close(0.5, 0.25, "sigmoidPrime(0)");';
const rightSigmoid = 'const { check } = require(LIB); check.close(0.25, 0.25, "sigmoidPrime(0)");';
const sigmoidMessage = /^sigmoidPrime\(0\) should be 0\.25 \(within .*\) but your code gave 0\.5\.$/;

test.before(() => {
  assert.ok(existsSync(lib), `${lib} is missing: run \`npm run build\` first`);
});

test("redefining Error, TypeError and RangeError does not stop a failing check", () => {
  const outcome = attackThenTest(
    [
      'globalThis.Error = function Error(m) { return { name: "Fine", message: "all good" }; };',
      "globalThis.TypeError = globalThis.Error; globalThis.RangeError = globalThis.Error;",
      "Error.prototype.name = 'NotAFailure';",
    ],
    wrongSigmoid,
    rightSigmoid,
  );
  assertFailsWith(outcome, sigmoidMessage);
});

test("replacing Math functions does not change closeness or truth tables", () => {
  const outcome = attackThenTest(
    [
      "Math.abs = () => 0;",
      "Math.max = () => Infinity;",
      "Math.min = () => -Infinity;",
      "Math.round = () => 0;",
      "Math.log2 = () => 2;",
      "globalThis.Math = { abs: () => 0 };",
    ],
    'const { check } = require(LIB); check.truthTable((x) => x[0] | x[1], [0, 0, 0, 1], "your AND unit");',
    rightSigmoid,
  );
  assertFailsWith(outcome, /your AND unit gets 2 of 4 rows/);
  assertFailsWith(attackThenTest(["Math.abs = () => 0;"], wrongSigmoid, rightSigmoid), sigmoidMessage);
});

test("patching Object and Object.prototype does not make unequal objects equal", () => {
  const outcome = attackThenTest(
    [
      "Object.prototype.toString = () => 'same';",
      "Object.prototype.valueOf = () => 1;",
      "Object.is = () => true;",
      "Object.keys = () => [];",
      "Object.hasOwn = () => true;",
      "Object.getOwnPropertyDescriptor = () => undefined;",
      "Object.freeze = (o) => o;",
      "Object.prototype.atol = 1e9; Object.prototype.rtol = 1e9; Object.prototype.tol = 1e9;",
      "Object.prototype.label = 'fooled';",
    ],
    'const { check } = require(LIB); check.equal({ w: [1, 2], b: 0 }, { w: [1, 3], b: 0 }, "params");',
    'const { check } = require(LIB); check.equal({ w: [1, 2] }, { w: [1, 2] }, "params"); check.close(1, 1 + 1e-12);',
  );
  assertFailsWith(outcome, /^params\.w\[1\] should be 3 but is 2\.$/);
  assertFailsWith(attackThenTest(["Object.prototype.atol = 1e9; Object.prototype.tol = 1e9;"], wrongSigmoid, rightSigmoid), sigmoidMessage);
});

test("patching Array, its prototype and its iterator does not hide a wrong entry", () => {
  const outcome = attackThenTest(
    [
      "Array.prototype.every = () => true;",
      "Array.prototype.some = () => false;",
      "Array.prototype.map = function () { return []; };",
      "Array.prototype.forEach = () => undefined;",
      "Array.prototype.reduce = () => 0;",
      "Array.prototype.indexOf = () => 0; Array.prototype.includes = () => true;",
      "Array.prototype.push = () => 0; Array.prototype.join = () => '';",
      "Array.prototype[Symbol.iterator] = function* () {};",
      "Array.isArray = () => false;",
    ],
    'const { check } = require(LIB); check.close([[1, 2], [3, 4]], [[1, 2], [3, 5]], "W");',
    "const { check } = require(LIB); check.equal([1, [2, 3]], [1, [2, 3]]); check.shape([[1, 2, 3]], [1, 3]);",
  );
  assertFailsWith(outcome, /^W\[1\]\[1\] should be 5 \(within .*\) but is 4/);
});

test("setters planted on Array.prototype indexes do not empty the lists the checks build", () => {
  const attack = [
    "for (let i = 0; i < 16; i++) Object.defineProperty(Array.prototype, i, { set() {}, get() { return 0; }, configurable: true });",
  ];
  assertFailsWith(
    attackThenTest(
      attack,
      'const { check } = require(LIB); check.tensor({ shape: [2], dataSync: () => Float32Array.from([1, 2]) }, [5, 6], "out");',
    ),
    /^out\[0\] should be 5/,
  );
  assertFailsWith(
    attackThenTest(attack, 'const { check } = require(LIB); check.truthTable((x) => x[0] | x[1], [0, 0, 0, 1], "your AND unit");'),
    /your AND unit gets 2 of 4 rows/,
  );
});

test("replacing Function.prototype.call, apply and bind does not skip the gate under test", () => {
  const outcome = attackThenTest(
    [
      "Function.prototype.call = function () { return 1; };",
      "Function.prototype.apply = function () { return 1; };",
      "Function.prototype.bind = function () { return () => 1; };",
      "Reflect.apply = () => 1;",
    ],
    'const { check } = require(LIB); check.truthTable({ fire: (x) => x[0] | x[1] }, [0, 0, 0, 1], "your AND unit");',
    "const { check } = require(LIB); check.truthTable((x) => x[0] & x[1], [0, 0, 0, 1]);",
  );
  assertFailsWith(outcome, /your AND unit gets 2 of 4 rows/);
});

test("silencing console and stdout does not make a failing check pass", () => {
  const outcome = attackThenTest(
    [
      "console.log = () => {}; console.error = () => {};",
      "globalThis.console = { log() {}, error() {} };",
      "process.stdout.write = () => true;",
    ],
    wrongSigmoid,
    rightSigmoid,
  );
  assertFailsWith(outcome, sigmoidMessage);
});

test("patching Number, RegExp and String methods does not fool check.close or check.throws", () => {
  const attack = [
    "Number.isNaN = () => false; Number.isFinite = () => true; Number.isInteger = () => true;",
    "RegExp.prototype.exec = () => ['']; RegExp.prototype.test = () => true;",
    "String.prototype.indexOf = () => 0; String.prototype.includes = () => true; String.prototype.slice = () => '';",
  ];
  assertFailsWith(
    attackThenTest(attack, 'const { check } = require(LIB); check.close(NaN, 1, "loss");'),
    /loss should be close to 1 but is NaN/,
  );
  assertFailsWith(
    attackThenTest(
      attack,
      'const { check } = require(LIB); check.throws(() => { throw new Error("wrong"); }, /inputs must be 0 or 1/, "fire([2])");',
    ),
    /fire\(\[2\]\) threw as it should, but its message "wrong" does not match/,
  );
  assertFailsWith(
    attackThenTest(attack, 'const { check } = require(LIB); check.throws(() => { throw new Error("wrong"); }, "0 or 1", "fire([2])");'),
    /does not mention "0 or 1"/,
  );
});

test("mutating the exported check object, the module's exports or its internal modules fails", () => {
  const outcome = attackThenTest(
    [
      "const g = require(LIB_PATH); g.check.equal = () => {}; g.check.close = () => {};",
      "const g = require(LIB_PATH); Object.defineProperty(g.check, 'close', { value: () => {} });",
      "const g = require(LIB_PATH); g.check = { close() {}, equal() {} };",
      "const g = require(LIB_PATH); Object.defineProperty(g, 'check', { value: { close() {} } });",
      "const g = require(LIB_PATH); Object.setPrototypeOf(g.check, { close() {} });",
      "const i = require(LIB_DIR + '/intrinsics.js'); i.$call = () => undefined; i.$abs = () => 0;",
      "const c = require(LIB_DIR + '/check.js'); c.check = { close() {} };",
      "const r = require(LIB_DIR + '/record.js'); r.noteCheck = () => {};",
      "const d = require(LIB_DIR + '/describe.js'); d.formatNumber = () => '0.25';",
      "require(LIB_PATH).CheckFailure.prototype.name = 'Passed';",
    ].map((s) => s.replaceAll("LIB_PATH", JSON.stringify(lib)).replaceAll("LIB_DIR", JSON.stringify(join(lib, "..")))),
    wrongSigmoid,
    rightSigmoid,
  );
  assertFailsWith(outcome, sigmoidMessage);
});

test("deleting or replacing require.cache entries and hooking the module loader fails", () => {
  const fake = "({ check: { close() {}, equal() {} } })";
  const outcome = attackThenTest(
    [
      `for (const key of Object.keys(require.cache)) if (key.includes("grading")) delete require.cache[key];`,
      `for (const key of Object.keys(require.cache)) if (key.includes("grading")) require.cache[key] = { exports: ${fake}, loaded: true };`,
      `const M = require("module"); const key = require.resolve(${JSON.stringify(lib)}); M._cache[key] = { exports: ${fake} };`,
      `const M = require("module"); M._cache = {};`,
      `const M = require("module"); M.prototype.require = () => ${fake};`,
      `const M = require("module"); M._load = () => ${fake};`,
      `const M = require("module"); M._resolveFilename = () => "/tmp/fake-grading.js";`,
      `require.cache[require.resolve(${JSON.stringify(lib)})].exports = ${fake};`,
    ],
    wrongSigmoid,
    rightSigmoid,
  );
  assertFailsWith(outcome, sigmoidMessage);
});

test("replacing the kernel's require hand-over (globalThis.__tslab__) fails", () => {
  const fake = "({ check: { close() {}, equal() {} } })";
  const outcome = attackThenTest(
    [
      `globalThis.__tslab__ = { exports: {}, require: () => ${fake} };`,
      `Object.defineProperty(globalThis, "__tslab__", { value: { exports: {}, require: () => ${fake} } });`,
      `globalThis.__tslab__.require = () => ${fake};`,
    ],
    wrongSigmoid,
    rightSigmoid,
  );
  assertFailsWith(outcome, sigmoidMessage);
});

test("student code cannot restart a graded run with a nonce of its own", () => {
  const outcome = attackThenTest(
    [
      // The grader's own first cell, before any student code.
      'require(LIB_PATH).beginGradingRun("grader-nonce-0123456789");'.replaceAll("LIB_PATH", JSON.stringify(lib)),
    ],
    'const g = require(LIB); let problem = ""; try { g.beginGradingRun("student-nonce-0123456789"); } catch (e) { problem = e.message; } g.check.equal(problem, "", "a second beginGradingRun");',
  );
  assertFailsWith(outcome, /a graded run has already started in this kernel/);
});

test("the inspector, which could read the run's nonce, is refused once sealed", () => {
  const outcome = attackThenTest(
    ['try { globalThis.__probe = typeof require("inspector").Session; } catch (e) { globalThis.__probe = "refused: " + e.message; }'],
    'const { check } = require(LIB); check.equal(globalThis.__probe, "function", "the inspector");',
  );
  assertFailsWith(outcome, /refused: require\(\\"inspector\\"\) is disabled while notebooks are graded/);
});

test("the kernel's reply path (the course's and tslab's), vm.runInThisContext and JSON cannot be patched", () => {
  const outcome = attackThenTest(
    [
      'const j = require("tslab/dist/jupyter"); j.JupyterHandlerImpl.prototype.handleExecute = async () => ({ status: "ok" });',
      'const j = require("tslab/dist/jupyter"); j.JupyterHandlerImpl = class {};',
      'const u = require("tslab/dist/util"); u.TaskQueue.prototype.add = async () => ({ count: 1 });',
      'require("vm").runInThisContext = () => undefined;',
      'JSON.stringify = () => "{\\"status\\":\\"ok\\"}";',
      'globalThis.JSON = { stringify: () => "{}", parse: () => ({}) };',
      'const M = require("module"); const k = Object.keys(M._cache).find((k) => k.endsWith("/tslab/dist/jupyter.js")); delete M._cache[k];',
      'const j = require("tslab/dist/jupyter"); Object.defineProperty(j, "lastWriteDisplayData", { get: () => () => {} });',
      'const s = require(require("path").join(process.env.LIB, "..", "..", "kernel", "server.js")); s.KernelServer.prototype.execute = async () => {};',
      'const s = require(require("path").join(process.env.LIB, "..", "..", "kernel", "server.js")); s.KernelServer.prototype.reply = async () => {};',
      'const s = require(require("path").join(process.env.LIB, "..", "..", "kernel", "server.js")); s.KernelServer = class {};',
      'const q = require(require("path").join(process.env.LIB, "..", "..", "kernel", "iopub.js")); q.IopubQueue.prototype.publish = () => {};',
      'const w = require(require("path").join(process.env.LIB, "..", "..", "kernel", "wire.js")); w.encodeMessage = () => [];',
      'const M = require("module"); const k = Object.keys(M._cache).find((k) => k.endsWith("/kernel/iopub.js")); delete M._cache[k];',
    ],
    wrongSigmoid,
    rightSigmoid,
    true,
  );
  assertFailsWith(outcome, sigmoidMessage);
  assert.deepEqual(outcome.intact, {
    module: true,
    JupyterHandlerImpl: true,
    handleExecute: true,
    add: true,
    runInThisContext: true,
    stringify: true,
    execute: true,
    reply: true,
    publish: true,
    encodeMessage: true,
  });
});

test("once frozen, what tslab and its compiler call while a test cell compiles and runs cannot be replaced", () => {
  // Each of these, left writable, gave a submission full marks or the hidden tests:
  // Function.prototype.apply (tslab's require wrapper), the array iterator's next
  // (TypeScript's emit loop), crypto.createHash (the compiler's cell versions).
  const script = `
const { freezeIntrinsics } = require(${JSON.stringify(lib)});
freezeIntrinsics();
const targets = {
  "Function.prototype.apply": [Function.prototype, "apply"],
  "Function.prototype.call": [Function.prototype, "call"],
  "%ArrayIteratorPrototype%.next": [Object.getPrototypeOf([][Symbol.iterator]()), "next"],
  "%IteratorPrototype%[Symbol.iterator]": [Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())), Symbol.iterator],
  "%GeneratorPrototype%.next": [Object.getPrototypeOf(function* () {}).prototype, "next"],
  "%MapIteratorPrototype%.next": [Object.getPrototypeOf(new Map()[Symbol.iterator]()), "next"],
  "TypeError.prototype.toString": [TypeError.prototype, "toString"],
  "crypto.createHash": [require("crypto"), "createHash"],
  "fs.readFileSync": [require("fs"), "readFileSync"],
  "vm.runInThisContext": [require("vm"), "runInThisContext"],
};
const replaced = [];
for (const [name, [obj, key]] of Object.entries(targets)) {
  const before = obj[key];
  try { obj[key] = function fake() {}; } catch {}
  try { Object.defineProperty(obj, key, { value: function fake() {} }); } catch {}
  if (obj[key] !== before) replaced.push(name);
}
// Overriding on an instance still works (libraries do it), through the tamed accessors.
const f = function () {}; f.toString = () => "own"; const e = new TypeError("x"); e.name = "Own";
process.stdout.write(JSON.stringify({ replaced, instance: [f.toString(), e.name] }));`;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { replaced: string[]; instance: string[] };
  assert.deepEqual(out.replaced, [], "these could still be replaced after freezeIntrinsics()");
  assert.deepEqual(out.instance, ["own", "Own"]);
});
