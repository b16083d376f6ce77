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
