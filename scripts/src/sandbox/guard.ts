/**
 * The preload every graded kernel starts with (`node --require guard.js`), before tslab.
 *
 * This is the innermost of the grader's layers, there to keep the grade honest inside
 * the kernel, not to contain it: the operating system does that (bubblewrap.ts), and
 * Node's permission model (sandbox.ts) refuses files outside the sandbox, child
 * processes, workers and `process.binding` as a second layer.
 *
 * Two built-in modules read the process's own memory without touching a file, and with
 * it the run's nonce that keys the grade records: `v8` (heap snapshots) and
 * `inspector`. This preload refuses both, through `require` and through
 * `process.getBuiltinModule`. The network modules (net, http, dns, …, and Node's
 * internal _http_* and _tls_* modules, which `require` also reaches) load as stand-ins
 * whose every use throws, and fetch is removed. Native addons load only from the
 * runtime's node_modules, which no kernel can write. Module._load stays writable here
 * on purpose: the grading library seals (pins) it once it loads, in the grader's first
 * cell, before any student code runs.
 */
export const GUARD_SOURCE = `"use strict";
const Module = require("module");
const path = require("path");
const fs = require("fs");
const addonDir = path.join(__dirname, "node_modules") + path.sep;
const blocked = new Set(["v8", "inspector", "inspector/promises", "trace_events"]);
const network = new Set([
  "net", "tls", "http", "https", "http2", "dgram", "dns", "dns/promises", "undici",
  "_http_agent", "_http_client", "_http_common", "_http_incoming", "_http_outgoing", "_http_server",
  "_tls_common", "_tls_wrap",
]);
const bare = (request) => (request.startsWith("node:") ? request.slice(5) : request);
const isBlocked = (request) => typeof request === "string" && blocked.has(bare(request));
const isNetwork = (request) => typeof request === "string" && network.has(bare(request));
const refuse = (request) => { throw new Error('require("' + request + '") is disabled while notebooks are graded.'); };
// The network modules load, as stand-ins that refuse every use: packages such as
// danfojs-node require http at load time (for downloads a notebook never makes), and
// must still load; any call, construction or nested member call throws.
const offlineStubs = new Map();
const offline = (name) => {
  const refuseUse = () => { throw new Error("the network is disabled while notebooks are graded (" + name + ")."); };
  const member = (where) => new Proxy(function () {}, {
    get(target, key) {
      if (key === "prototype") return target.prototype;
      if (typeof key === "symbol" || key === "then" || key === "__esModule") return undefined;
      return member(where + "." + key);
    },
    set: refuseUse, defineProperty: refuseUse, apply: refuseUse, construct: refuseUse,
  });
  if (!offlineStubs.has(name)) offlineStubs.set(name, member(name));
  return offlineStubs.get(name);
};
const load = Module._load;
let watchersOff = false;
const noWatcher = { close() {} };
Module._load = function _load(request, parent, isMain) {
  if (isBlocked(request)) refuse(request);
  if (isNetwork(request)) return offline(bare(request));
  const exports = Reflect.apply(load, this, [request, parent, isMain]);
  if (!watchersOff && request === "@tslab/typescript-for-tslab" && exports && exports.sys) {
    watchersOff = true;
    exports.sys.watchFile = () => noWatcher;
    exports.sys.watchDirectory = () => noWatcher;
  }
  return exports;
};
for (const name of ["fetch", "WebSocket", "EventSource"]) {
  if (name in globalThis) Object.defineProperty(globalThis, name, { value: undefined, writable: false, enumerable: false, configurable: false });
}
const rawDlopen = process.dlopen;
const ownDlopen = function dlopen(module, filename, flags) {
  let real;
  try {
    real = fs.realpathSync(filename);
  } catch {
    real = String(filename);
  }
  if (!real.startsWith(addonDir)) throw new Error("native addons load only from the course's packages while notebooks are graded.");
  return Reflect.apply(rawDlopen, process, flags === undefined ? [module, filename] : [module, filename, flags]);
};
Object.defineProperty(process, "dlopen", { value: ownDlopen, writable: false, enumerable: false, configurable: false });
const rawKill = process._kill;
const ownKill = function _kill(pid, signal) {
  if (pid !== process.pid) {
    const error = new Error("a graded notebook may only signal its own process (process.kill(process.pid, ...)).");
    error.code = "EPERM";
    throw error;
  }
  return Reflect.apply(rawKill, process, [pid, signal]);
};
Object.defineProperty(process, "_kill", { value: ownKill, writable: false, enumerable: false, configurable: false });
// Without the operating system's sandbox, the kernel ends itself once its grader is gone.
// The grader names itself: a kernel whose grader died before this line ran already has
// another parent, and reading process.ppid here would take that one for the grader.
// (In the sandbox the grader is out of sight, and the sandbox dies with it.)
const graderPid = Number(process.env.NNCOURSE_GRADER_PID);
if (graderPid > 0) {
  const SIGKILL = require("os").constants.signals.SIGKILL; // process._kill takes the signal's number
  const endIfOrphaned = () => {
    if (process.ppid !== graderPid) Reflect.apply(rawKill, process, [process.pid, SIGKILL]);
  };
  setInterval(endIfOrphaned, 250).unref();
  // Another watcher may call process.exit first; exit handlers run before zeromq's teardown hangs.
  process.on("exit", endIfOrphaned);
}
if (typeof process.getBuiltinModule === "function") {
  const getBuiltin = process.getBuiltinModule;
  const guarded = function getBuiltinModule(id) {
    if (isBlocked(id)) refuse(id);
    if (isNetwork(id)) return offline(bare(id));
    return Reflect.apply(getBuiltin, process, [id]);
  };
  Object.defineProperty(process, "getBuiltinModule", { value: guarded, writable: false, enumerable: true, configurable: false });
}
`;
