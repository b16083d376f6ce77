/**
 * Adversarial tests of the grading library: each scenario runs in a fresh node process
 * that mimics a tslab kernel (a `globalThis.__tslab__` handing cells their `require`,
 * cells run through vm.runInThisContext). The master's setup cell loads the library,
 * a "student cell" attacks, then a "test cell" re-imports the checks the way test cells
 * do and checks a wrong answer. The wrong answer must still fail, with the learner's
 * message; a right answer must still pass. Where an attack aims at something the checks
 * do not use (the kernel's reply path, the module loader's hooks), the stand-in also
 * reports whether it still holds what it held before the student cell.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { mutationEnv } from "../helpers/mutation-env";

const root = join(__dirname, "..", "..");
const lib = join(root, "lib", "dist", "grading", "index.js");
const libDir = dirname(lib);
// The package's main module, which a master's setup cell loads for the library itself.
const libMain = join(root, "lib", "dist", "index.js");

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
const laterCode = process.env.LATER_CODE;
const isFrozen = Object.isFrozen;
const FunctionCtor = Function;
const kernelMode = process.env.WITH_TSLAB;
let originals = null;
// What tslab's display writer was handed, cell by cell: tslab's own front sets a writer
// afresh for every cell; the course's kernel sets one once, when it starts.
const shown = [];
const withTslab = kernelMode === "1" || kernelMode === "tslab";
const tslabJupyter = withTslab ? require(require.resolve("tslab/dist/jupyter", { paths: [root] })) : null;
const zeromq = withTslab ? require(require.resolve("zeromq", { paths: [root] })) : null;
if (kernelMode === "1") {
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
  tslabJupyter.lastWriteDisplayData = (content) => shown.push({ cell: "kernel", record: content.data["application/vnd.nncourse.grade+json"] });
}
function startCell(name) {
  if (kernelMode !== "tslab") return;
  const writer = (content) => shown.push({ cell: name, record: content.data["application/vnd.nncourse.grade+json"] });
  tslabJupyter.lastWriteDisplayData = writer;
}
globalThis.__tslab__ = { exports: {}, require: Module.createRequire(path.join(root, "notebooks", "cell.js")) };

// The locked setup cell, which loads the library itself first when the scenario says so.
startCell("setup");
if (process.env.SETUP_MAIN) globalThis.__tslab__.require(process.env.SETUP_MAIN);
const grading = globalThis.__tslab__.require(lib);
if (process.env.FREEZE === "1") grading.freezeIntrinsics();

// What the scenario watches, looked up now through the objects the stand-in holds: each
// probe is an expression over these names, compared with its value after the test cells.
const roots = {
  Module,
  vm,
  JSON,
  globalThis,
  grading,
  isFrozen,
  getDesc,
  cache: Module._cache,
  main: process.env.SETUP_MAIN ? globalThis.__tslab__.require(process.env.SETUP_MAIN) : null,
  jupyter: tslabJupyter,
  zeromq,
  wire: originals ? originals.wire : null,
};
const rootNames = Object.keys(roots);
const rootValues = rootNames.map((name) => roots[name]);
function probe(expression) {
  try {
    return FunctionCtor(...rootNames, "return (" + expression + ");")(...rootValues);
  } catch (e) {
    return "probe threw " + String(e);
  }
}
const probes = JSON.parse(process.env.PROBES || "[]");
const states = JSON.parse(process.env.STATE || "[]");
const before = probes.map(probe);

function runCell(code) {
  // As tslab does: wrap, look vm.runInThisContext and __tslab__ up at call time.
  const wrapped = "(function(exports, require) { " + code + "\n})(__tslab__.exports, __tslab__.require)";
  return vm.runInThisContext(wrapped);
}

// The student cell: every statement on its own, so one refused attack does not stop the rest.
startCell("student");
const attackErrors = [];
for (const statement of attack) {
  try {
    runCell(statement);
  } catch (e) {
    attackErrors.push(String(getDesc(e, "message") ? getDesc(e, "message").value : e));
  }
}

const result = { attackErrors };
startCell("test");
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
  startCell("pass");
  try {
    runCell(passCode);
    result.passed = true;
  } catch (e) {
    const message = e && getDesc(e, "message");
    result.passed = false;
    result.passMessage = message ? message.value : "?";
  }
}
if (laterCode) {
  startCell("later");
  try {
    runCell(laterCode);
  } catch (e) {
    result.laterError = String(e);
  }
}
result.changed = probes.filter((expression, i) => probe(expression) !== before[i]);
result.state = states.map(probe);
result.shown = shown.map((s) => s.cell + ": " + (s.record ? s.record.label + " " + s.record.fraction : "no record"));
if (process.env.REPORT === "1") result.report = [...grading.sealGrading()];
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
  /** The probes whose value the student cell changed. */
  changed: string[];
  /** Each grade record tslab's display writer was handed: "cell: label fraction". */
  shown: string[];
  laterError?: string;
  report?: string[];
  /** The values of the scenario's state expressions at the end. */
  state: unknown[];
}

interface Scenario {
  /** tslab and the course's kernel loaded (the grader's kernel), or tslab alone with its own front. */
  kernel?: "course" | "tslab";
  /** The package's main module loaded by the setup cell before the checks. */
  setupMain?: boolean;
  /** The grader's freezeIntrinsics() cell right after the setup cell. */
  freeze?: boolean;
  /** Expressions over the stand-in's objects (Module, vm, JSON, globalThis, grading, cache, main, jupyter, zeromq, wire, isFrozen, getDesc), compared before and after. */
  probes?: string[];
  /** A cell run after the test cells. */
  later?: string;
  /** Expressions over the same objects, evaluated at the end. */
  state?: string[];
  /** Report what sealGrading() says it sealed. */
  report?: boolean;
}

function attackThenTest(attack: string[], testCode: string, passCode?: string, scenario: Scenario = {}): Outcome {
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
      LATER_CODE: scenario.later ?? "",
      WITH_TSLAB: scenario.kernel === "course" ? "1" : scenario.kernel === "tslab" ? "tslab" : "0",
      SETUP_MAIN: scenario.setupMain ? libMain : "",
      FREEZE: scenario.freeze ? "1" : "0",
      PROBES: JSON.stringify(scenario.probes ?? []),
      STATE: JSON.stringify(scenario.state ?? []),
      REPORT: scenario.report ? "1" : "0",
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

// Files a student cell can point the loader at, and files a test cell loads afresh: a
// module of fake checks, a helper module of the master's that re-exports the checks, and
// the expected values of a test kept as data.
const fixtures = mkdtempSync(join(tmpdir(), "grading-attacks-"));
const fakeChecks = join(fixtures, "fake-checks.js");
const testHelper = join(fixtures, "test-helper.js");
const expectedValues = join(fixtures, "expected.json");
writeFileSync(fakeChecks, "exports.check = { close() {}, equal() {}, test() {} };\n");
writeFileSync(testHelper, `module.exports = require(${JSON.stringify(lib)});\n`);
writeFileSync(expectedValues, JSON.stringify({ sigmoidPrime0: 0.25 }));
test.after(() => rmSync(fixtures, { recursive: true, force: true }));

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

test("the inspector, which could read the run's nonce, is refused once sealed, by each of its names", () => {
  const names = ["inspector", "node:inspector", "inspector/promises", "node:inspector/promises"];
  const outcome = attackThenTest(
    [
      `globalThis.__probe = ""; for (const name of ${JSON.stringify(names)}) { try { globalThis.__probe += name + ": " + typeof require(name).Session + "; "; } catch (e) { globalThis.__probe += name + ": refused; "; } }`,
      'try { require("inspector"); } catch (e) { globalThis.__refusal = e.message; }',
    ],
    'const { check } = require(LIB); check.equal(globalThis.__probe, "", "the inspector");',
    undefined,
    { state: ["globalThis.__refusal"] },
  );
  assertFailsWith(
    outcome,
    /^the inspector should be "" but your code gave "inspector: refused; node:inspector: refused; inspector\/promises: refused; node:inspector\/promises: refused; "\.$/,
  );
  assert.deepEqual(outcome.state, ['require("inspector") is disabled while notebooks are graded.']);
});

test("pointing module resolution or the module cache at a fake reaches no test cell, not even one that names the library afresh", () => {
  const fake = JSON.stringify(fakeChecks);
  const checks = JSON.stringify(lib);
  const main = JSON.stringify(libMain);
  // A request the setup cell never made, the library's folder, is resolved afresh. The
  // expected value comes from the library's own sigmoid, as a test that trusts it would.
  const testCell = (answer: number) =>
    `const { check } = require(${JSON.stringify(libDir)}); const { sigmoid } = require(${main}); check.close(${answer}, sigmoid.df(0), "sigmoidPrime(0)");`;
  const outcome = attackThenTest(
    [
      `const M = require("module"); const resolve = M._resolveFilename; M._resolveFilename = function (request, ...rest) { return String(request).includes("grading") ? ${fake} : resolve.call(this, request, ...rest); };`,
      `const M = require("module"); const find = M._findPath; M._findPath = function (request, ...rest) { return String(request).includes("grading") ? ${fake} : find.call(this, request, ...rest); };`,
      `const M = require("module"); M._cache = Object.assign(Object.create(null), M._cache, { [${checks}]: { id: ${checks}, filename: ${checks}, loaded: true, exports: require(${fake}) } });`,
      `require.cache[${main}].exports = { sigmoid: { df: () => 0.5 } };`,
      `Object.defineProperty(require.cache[${main}], "exports", { value: { sigmoid: { df: () => 0.5 } } });`,
      `const M = require("module"); M._nodeModulePaths = () => []; M.createRequire = () => () => ({}); M._initPaths = () => undefined;`,
    ],
    testCell(0.5),
    testCell(0.25),
    {
      setupMain: true,
      probes: [
        "Module._resolveFilename",
        "Module._findPath",
        "Module._cache",
        "cache[" + main + "].exports",
        "Module._nodeModulePaths",
        "Module.createRequire",
        "Module._initPaths",
      ],
      // Loading the checks freezes their API all the way down and pins the modules'
      // cache entries; the course library's own classes, which a notebook may extend,
      // stay as they are.
      state: [
        "isFrozen(grading.check.equal)",
        "isFrozen(grading.CheckFailure.prototype)",
        "isFrozen(main.Matrix.prototype)",
        "getDesc(cache[" + main + '], "loaded").configurable',
      ],
      report: true,
    },
  );
  assertFailsWith(outcome, sigmoidMessage);
  assert.deepEqual(outcome.changed, []);
  assert.deepEqual(outcome.state, [true, true, false, false]);
  assert.ok(outcome.report?.includes("nncourse"), "the package's main module is pinned");
});

test("hooking how modules load does not swap a helper module or a data file that a test cell loads afterwards", () => {
  const helper = JSON.stringify(testHelper);
  const fakeExports = "{ check: { close() {}, equal() {} } }";
  const fakeData = "{ sigmoidPrime0: 0.5 }";
  const testCell = (answer: number) =>
    `const { check } = require(${helper}); check.close(${answer}, require(${JSON.stringify(expectedValues)}).sigmoidPrime0, "sigmoidPrime(0)");`;
  const outcome = attackThenTest(
    [
      `const M = require("module"); const js = M._extensions[".js"]; M._extensions[".js"] = function (module, filename) { if (filename === ${helper}) { module.exports = ${fakeExports}; return; } return js.call(this, module, filename); };`,
      `const M = require("module"); M._extensions[".json"] = (module) => { module.exports = ${fakeData}; };`,
      `const M = require("module"); M._extensions[".node"] = (module) => { module.exports = {}; };`,
      `const M = require("module"); M._extensions = Object.assign(Object.create(null), M._extensions, { ".js": (module) => { module.exports = ${fakeExports}; }, ".json": (module) => { module.exports = ${fakeData}; } });`,
      `const M = require("module"); const load = M.prototype.load; M.prototype.load = function (filename) { if (filename === ${helper}) { this.exports = ${fakeExports}; this.loaded = true; return; } return load.call(this, filename); };`,
      `const M = require("module"); const compile = M.prototype._compile; M.prototype._compile = function (content, filename) { if (filename === ${helper}) { this.exports = ${fakeExports}; return; } return compile.call(this, content, filename); };`,
    ],
    testCell(0.5),
    testCell(0.25),
    {
      probes: [
        "Module._extensions",
        'Module._extensions[".js"]',
        'Module._extensions[".json"]',
        'Module._extensions[".node"]',
        "Module.prototype.load",
        "Module.prototype._compile",
      ],
    },
  );
  assertFailsWith(outcome, sigmoidMessage);
  assert.deepEqual(outcome.changed, []);
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
      // The course's kernel hands tslab's display writer the grade records: a cell that
      // swapped it could rewrite a failing record or drop it.
      'const j = require("tslab/dist/jupyter"); j.lastWriteDisplayData = () => {};',
      // The kernel's sockets send the replies: a patched send could turn "error" into "ok".
      'const z = require("zeromq"); z.Socket.prototype.send = async () => {};',
      'const z = require("zeromq"); z.Router.prototype.connect = () => {};',
      'const z = require("zeromq"); Object.defineProperty(z, "Socket", { value: class {} });',
      "JSON.parse = () => ({});",
    ],
    wrongSigmoid,
    rightSigmoid,
    {
      kernel: "course",
      later: 'const { check } = require(LIB); check.test("recorded", () => check.close(0.5, 0.25));'.replaceAll("LIB", JSON.stringify(lib)),
      probes: [
        "jupyter.lastWriteDisplayData",
        "zeromq.Socket",
        "zeromq.Socket.prototype.send",
        "zeromq.Router.prototype.connect",
        "JSON.parse",
      ],
      // Sealing leaves the built-ins the notebook shares unfrozen (freezeIntrinsics is a step of its own).
      state: [
        "isFrozen(Object.prototype)",
        "isFrozen(Function.prototype)",
        "isFrozen(Error.prototype)",
        "grading.sealGrading() === grading.sealGrading()",
        // zeromq's exports are getters: pinned, they still give the classes.
        "typeof zeromq.Socket",
      ],
      report: true,
    },
  );
  assertFailsWith(outcome, sigmoidMessage);
  assert.deepEqual(outcome.changed, []);
  assert.equal(outcome.laterError, undefined);
  assert.deepEqual(outcome.shown, ["kernel: recorded 0"], "the record reached the kernel's own writer, failing as it was");
  assert.deepEqual(outcome.state, [false, false, false, true, "function"]);
  // What sealGrading says it sealed: the loader, the hand-over, the kernel's modules, vm and JSON.
  const report = outcome.report ?? [];
  assert.deepEqual(
    report.filter((entry) => !/^(kernel|tslab|zeromq)\//.test(entry)),
    [
      ...["_load", "_resolveFilename", "_cache", "_extensions", "_findPath", "_nodeModulePaths", "createRequire", "wrap", "_initPaths"].map(
        (s) => `Module.${s}`,
      ),
      ...["require", "load", "_compile"].map((s) => `Module.prototype.${s}`),
      "globalThis.__tslab__",
      "vm",
      "JSON",
    ],
  );
  for (const module of [
    "kernel/server.js",
    "kernel/iopub.js",
    "kernel/wire.js",
    "tslab/jupyter.js",
    "tslab/util.js",
    "zeromq/index.js",
    "zeromq/native.js",
  ]) {
    assert.ok(report.includes(module), module);
  }
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

test("under tslab's own front, which sets its display writer afresh for every cell, the writer stays a plain field", () => {
  const record = 'const { check } = require(LIB); check.test("recorded", () => check.close(0.5, 0.25));'.replaceAll(
    "LIB",
    JSON.stringify(lib),
  );
  const outcome = attackThenTest(
    [
      'const j = require("tslab/dist/jupyter"); Object.defineProperty(j, "lastWriteDisplayData", { get: () => () => {} });',
      // Allowed, and harmless: tslab hands the next cell a writer of its own.
      'const j = require("tslab/dist/jupyter"); j.lastWriteDisplayData = () => {};',
      // Only the writer stays writable.
      'const j = require("tslab/dist/jupyter"); j.JupyterHandlerImpl = class {};',
    ],
    record,
    undefined,
    {
      kernel: "tslab",
      probes: [
        'getDesc(jupyter, "lastWriteDisplayData").writable',
        'typeof getDesc(jupyter, "lastWriteDisplayData").get',
        "jupyter.JupyterHandlerImpl",
      ],
    },
  );
  assert.equal(outcome.threw, false);
  assert.deepEqual(outcome.shown, ["test: recorded 0"], "the test cell's record went to the test cell's writer");
  assert.deepEqual(outcome.changed, []);
});

test("once frozen, the Buffer the kernel encodes its replies with cannot be swapped to turn an error into ok", () => {
  // Node defines the global Buffer with a getter and a setter: pinned as it was, the
  // setter still took a replacement, and the kernel's wire code looks Buffer up when it
  // encodes a reply, before signing it.
  const reply = '{ header: {}, parent_header: {}, metadata: {}, content: { status: "error" }, buffers: [] }';
  const outcome = attackThenTest(
    [
      'const Real = Buffer; globalThis.Buffer = { from: (value, encoding) => Real.from(typeof value === "string" ? value.replace(\'"status":"error"\', \'"status":"ok"\') : value, encoding) };',
    ],
    wrongSigmoid,
    rightSigmoid,
    {
      kernel: "course",
      freeze: true,
      probes: ["globalThis.Buffer"],
      state: [`String(wire.encodeMessage(${reply}, "connection key")[5])`],
    },
  );
  assertFailsWith(outcome, sigmoidMessage);
  assert.deepEqual(outcome.state, ['{"status":"error"}'], "the reply as the kernel encodes it");
  assert.deepEqual(outcome.changed, []);
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
