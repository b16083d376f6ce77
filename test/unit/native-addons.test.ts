// A native addon built for another Node release is reported as such, with the command
// that rebuilds it, by course doctor, the gradebook and the `course` command itself;
// any other error keeps its own message. The mismatch is produced for real: a tiny addon
// compiled here declares another release's NODE_MODULE_VERSION, and this Node refuses it
// with the same error it gives a better-sqlite3 built for another release.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { courseBin } from "../helpers/cli";
import { describeAbi, diagnoseAddonError, parseAbiMismatch, rebuildCommand, tryLoadAddon } from "../../scripts/src/node/addons";
import { openFailure } from "../../scripts/src/gradebook/gradebook";
import { CourseError, EXIT } from "../../scripts/src/errors";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "native-addons-test-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

const runningAbi = Number(process.versions.modules);
/** An ABI that is not this Node's: Node 20's, or Node 22's when this is Node 20. */
const otherAbi = runningAbi === 115 ? 127 : 115;

const haveCompiler = spawnSync("cc", ["--version"], { stdio: "ignore" }).status === 0;
const noCompiler = haveCompiler ? false : "no C compiler (cc) to build the test addon";

/**
 * Compiles an addon that registers itself with NODE_MODULE_VERSION `abi`, the way every
 * addon built against that release's headers does, at `file`.
 */
function compileAddon(file: string, abi: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const source = path.join(work, `addon-${abi}.c`);
  fs.writeFileSync(
    source,
    `struct node_module { int nm_version; unsigned int nm_flags; void* nm_dso_handle; const char* nm_filename;
  void* nm_register_func; void* nm_context_register_func; const char* nm_modname; void* nm_priv; struct node_module* nm_link; };
extern void node_module_register(void*);
static struct node_module m = { ${abi}, 0, 0, "addon.c", 0, 0, "addon", 0, 0 };
static void __attribute__((constructor)) init(void) { node_module_register(&m); }
`,
  );
  const cc = spawnSync("cc", ["-shared", "-fPIC", "-o", file, source], { encoding: "utf8" });
  assert.equal(cc.status, 0, `cc failed: ${cc.stderr}`);
}

/** The error this Node throws for `file`. */
function loadError(file: string): Error {
  try {
    require(file);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`${file} loaded, but it was built to be refused`);
}

describe("Node's error for an addon built for another release", () => {
  // What Node 22, 24 and 26 print for a better-sqlite3 built for Node 20.
  const printed = (required: number) =>
    `The module '/home/ann/course/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION ${required}. Please try re-compiling or re-installing\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).`;

  test("gives both ABIs, as printed by Node 22, 24 and 26", () => {
    for (const required of [127, 137, 147]) assert.deepEqual(parseAbiMismatch(printed(required)), { builtFor: 115, required });
    assert.equal(parseAbiMismatch("SqliteError: file is not a database"), undefined);
    assert.equal(parseAbiMismatch("libzmq.so.5: cannot open shared object file"), undefined);
  });

  test("names the release of a known ABI", () => {
    assert.equal(describeAbi(137), "Node 24 (NODE_MODULE_VERSION 137)");
    assert.equal(describeAbi(999), "NODE_MODULE_VERSION 999");
  });

  test("this Node's own wording is understood", { skip: noCompiler }, () => {
    const file = path.join(work, "wording", "addon.node");
    compileAddon(file, otherAbi);
    assert.deepEqual(parseAbiMismatch(loadError(file).message), { builtFor: otherAbi, required: runningAbi });
  });
});

describe("diagnosing a load failure", () => {
  const project = path.join(work, "project");
  const sqliteAddon = path.join(project, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node");
  before(() => {
    if (haveCompiler) compileAddon(sqliteAddon, otherAbi);
  });

  test(
    "a better-sqlite3 built for another Node: both releases and the rebuild command, run where it is installed",
    { skip: noCompiler },
    () => {
      const failure = diagnoseAddonError(loadError(sqliteAddon), { projectDir: "/elsewhere" });
      assert.ok(failure, "recognised as an addon that cannot load");
      assert.equal(failure.addon, "better-sqlite3");
      assert.deepEqual(failure.mismatch, { builtFor: otherAbi, required: runningAbi });
      assert.ok(failure.problem.includes(`built for ${describeAbi(otherAbi)}`), failure.problem);
      assert.ok(failure.problem.includes(`Node.js ${process.version}`), failure.problem);
      assert.ok(failure.fix.includes(`cd ${project} && `), failure.fix);
      assert.match(failure.fix, /npm rebuild better-sqlite3\b/);
    },
  );

  test("other errors are not addon failures, even when thrown from inside the package", () => {
    const sqliteError = new Error("file is not a database");
    sqliteError.stack = `SqliteError: file is not a database\n    at new Database (/p/node_modules/better-sqlite3/lib/database.js:69:26)`;
    assert.equal(diagnoseAddonError(sqliteError, { projectDir: "/p" }), undefined);
    assert.equal(diagnoseAddonError(new Error("unable to open database file"), { projectDir: "/p" }), undefined);
  });

  test("a missing binary is a load failure too, without a release mismatch", () => {
    const missing = new Error("Could not locate the bindings file. Tried:\n → /p/node_modules/better-sqlite3/build/better_sqlite3.node");
    const failure = diagnoseAddonError(missing, { projectDir: "/p" });
    assert.equal(failure?.mismatch, undefined);
    assert.match(failure?.fix ?? "", /cd \/p && .*npm rebuild better-sqlite3/);
  });

  test("an addon that loads is no failure", () => {
    assert.equal(
      tryLoadAddon("better-sqlite3", { projectDir: project }, () => {}),
      undefined,
    );
    const failure = tryLoadAddon("zeromq", { projectDir: project }, () => {
      throw new Error("something odd");
    });
    assert.match(failure?.problem ?? "", /zeromq cannot be loaded: something odd/);
  });

  test("the gradebook says it is the addon, not the file, and exits as for a missing part", { skip: noCompiler }, () => {
    const error = openFailure(loadError(sqliteAddon), "grades.sqlite");
    assert.ok(error instanceof CourseError);
    assert.equal(error.exitCode, EXIT.missing);
    assert.match(error.message, /cannot open the gradebook grades\.sqlite: the native addon better-sqlite3 was built for/);
    assert.match(error.fix ?? "", /npm rebuild better-sqlite3/);
    assert.doesNotMatch(error.fix ?? "", /made by `course grade`/);
    const notAddon = openFailure(new Error("unable to open database file"), "grades.sqlite");
    assert.match(notAddon.fix ?? "", /made by `course grade`/);
  });

  test("course itself reports a zeromq that cannot load, before any command runs", { skip: noCompiler }, () => {
    const zeromqAddon = path.join(project, "node_modules", "zeromq", "build", "addon.node");
    compileAddon(zeromqAddon, otherAbi);
    // Stands in for zeromq's loader: requiring "zeromq" loads the refused binary.
    const preload = path.join(work, "broken-zeromq.js");
    fs.writeFileSync(
      preload,
      `const Module = require("node:module"); const load = Module._load;\nModule._load = function (request, ...rest) { return load.call(this, request === "zeromq" ? ${JSON.stringify(zeromqAddon)} : request, ...rest); };\n`,
    );
    const result = spawnSync(process.execPath, ["--require", preload, courseBin, "doctor"], { encoding: "utf8" });
    assert.equal(result.status, EXIT.missing, result.stderr);
    assert.match(result.stderr, /course: the native addon zeromq was built for .*\nFix: .*npm rebuild zeromq/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  });
});

describe("the rebuild command", () => {
  /** A Node installed at `prefix` (bin/node, with its headers when `headers`). */
  function fakeNode(prefix: string, headers: boolean): string {
    const node = path.join(prefix, "bin", "node");
    fs.mkdirSync(path.dirname(node), { recursive: true });
    fs.writeFileSync(node, "#!/bin/sh\n", { mode: 0o755 });
    if (headers) {
      fs.mkdirSync(path.join(prefix, "include", "node"), { recursive: true });
      fs.writeFileSync(path.join(prefix, "include", "node", "node_version.h"), "");
    }
    return node;
  }

  test("names this Node's headers, so an npmrc nodedir for another release does not win", () => {
    const node = fakeNode(path.join(work, "node-24"), true);
    const command = rebuildCommand(["better-sqlite3"], { node, projectDir: "/p", env: { PATH: path.dirname(node) } });
    assert.equal(command, `cd /p && npm rebuild better-sqlite3 --nodedir=${path.join(work, "node-24")}`);
  });

  test("puts this Node first on PATH when another node is found first", () => {
    const node = fakeNode(path.join(work, "node-26"), false);
    const other = fakeNode(path.join(work, "node-20"), false);
    const command = rebuildCommand(["better-sqlite3", "zeromq"], { node, projectDir: "/p", env: { PATH: path.dirname(other) } });
    assert.equal(command, `cd /p && PATH=${path.dirname(node)}:"$PATH" npm rebuild better-sqlite3 zeromq`);
  });

  test("quotes folders with spaces", () => {
    const node = fakeNode(path.join(work, "my node"), false);
    const command = rebuildCommand(["zeromq"], { node, projectDir: "/home/ann/my course", env: { PATH: path.dirname(node) } });
    assert.equal(command, `cd '/home/ann/my course' && npm rebuild zeromq`);
  });
});
