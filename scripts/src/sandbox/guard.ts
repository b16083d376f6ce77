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
 *
 * Built into scripts/dist/sandbox/guard.js, which the runtime copies into each grading
 * run (runtime.ts). It imports node's own modules only, as it is copied alone, without
 * the rest of the build.
 */
import Module from "node:module";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";

/** The parts of node's internals the guard replaces, which node's types leave out (or type too narrowly to wrap). */
interface ModuleInternals {
  _load(request: unknown, parent: unknown, isMain: boolean): unknown;
}
interface ProcessInternals {
  _kill(pid: number, signal: number): void;
  dlopen(module: object, filename: string, flags?: number): void;
  getBuiltinModule?: (id: string) => unknown;
}
const moduleInternals = Module as unknown as ModuleInternals;
const processInternals = process as unknown as ProcessInternals;

const addonDir = path.join(__dirname, "node_modules") + path.sep;
const blocked = new Set(["v8", "inspector", "inspector/promises", "trace_events"]);
// prettier-ignore
const network = new Set([
  "net", "tls", "http", "https", "http2", "dgram", "dns", "dns/promises", "undici",
  "_http_agent", "_http_client", "_http_common", "_http_incoming", "_http_outgoing", "_http_server",
  "_tls_common", "_tls_wrap",
]);
const bare = (request: string) => (request.startsWith("node:") ? request.slice(5) : request);
const isBlocked = (request: unknown): request is string => typeof request === "string" && blocked.has(bare(request));
const isNetwork = (request: unknown): request is string => typeof request === "string" && network.has(bare(request));
const refuse = (request: string): never => {
  throw new Error('require("' + request + '") is disabled while notebooks are graded.');
};
// The network modules load, as stand-ins that refuse every use: packages such as
// danfojs-node require http at load time (for downloads a notebook never makes), and
// must still load; any call, construction or nested member call throws.
const offlineStubs = new Map<string, unknown>();
const offline = (name: string): unknown => {
  const refuseUse = (): never => {
    throw new Error("the network is disabled while notebooks are graded (" + name + ").");
  };
  const member = (where: string): unknown =>
    new Proxy(function () {}, {
      get(target, key) {
        if (key === "prototype") return target.prototype;
        if (typeof key === "symbol" || key === "then" || key === "__esModule") return undefined;
        return member(where + "." + key);
      },
      set: refuseUse,
      defineProperty: refuseUse,
      apply: refuseUse,
      construct: refuseUse,
    });
  if (!offlineStubs.has(name)) offlineStubs.set(name, member(name));
  return offlineStubs.get(name);
};
const load = moduleInternals._load;
let watchersOff = false;
const noWatcher = { close() {} };
moduleInternals._load = function _load(this: unknown, request: unknown, parent: unknown, isMain: boolean): unknown {
  if (isBlocked(request)) refuse(request);
  if (isNetwork(request)) return offline(bare(request));
  const loaded = Reflect.apply(load, this, [request, parent, isMain]) as
    { sys?: { watchFile: unknown; watchDirectory: unknown } } | undefined;
  if (!watchersOff && request === "@tslab/typescript-for-tslab" && loaded && loaded.sys) {
    watchersOff = true;
    loaded.sys.watchFile = () => noWatcher;
    loaded.sys.watchDirectory = () => noWatcher;
  }
  return loaded;
};
for (const name of ["fetch", "WebSocket", "EventSource"]) {
  if (name in globalThis)
    Object.defineProperty(globalThis, name, { value: undefined, writable: false, enumerable: false, configurable: false });
}
const rawDlopen = processInternals.dlopen;
const ownDlopen = function dlopen(addon: object, filename: string, flags?: number): void {
  let real: string;
  try {
    real = fs.realpathSync(filename);
  } catch {
    real = String(filename);
  }
  if (!real.startsWith(addonDir)) throw new Error("native addons load only from the course's packages while notebooks are graded.");
  return Reflect.apply(rawDlopen, process, flags === undefined ? [addon, filename] : [addon, filename, flags]) as void;
};
Object.defineProperty(process, "dlopen", { value: ownDlopen, writable: false, enumerable: false, configurable: false });
const rawKill = processInternals._kill;
const ownKill = function _kill(pid: number, signal: number): void {
  if (pid !== process.pid) {
    const error: NodeJS.ErrnoException = new Error("a graded notebook may only signal its own process (process.kill(process.pid, ...)).");
    error.code = "EPERM";
    throw error;
  }
  return Reflect.apply(rawKill, process, [pid, signal]) as void;
};
Object.defineProperty(process, "_kill", { value: ownKill, writable: false, enumerable: false, configurable: false });
// Without the operating system's sandbox, the kernel ends itself once its grader is gone.
// The grader names itself: a kernel whose grader died before this line ran already has
// another parent, and reading process.ppid here would take that one for the grader.
// (In the sandbox the grader is out of sight, and the sandbox dies with it.)
const graderPid = Number(process.env.NNCOURSE_GRADER_PID);
if (graderPid > 0) {
  const SIGKILL = os.constants.signals.SIGKILL; // process._kill takes the signal's number
  const endIfOrphaned = () => {
    if (process.ppid !== graderPid) Reflect.apply(rawKill, process, [process.pid, SIGKILL]);
  };
  setInterval(endIfOrphaned, 250).unref();
  // Another watcher may call process.exit first; exit handlers run before zeromq's teardown hangs.
  process.on("exit", endIfOrphaned);
}
if (typeof processInternals.getBuiltinModule === "function") {
  const getBuiltin = processInternals.getBuiltinModule;
  const guarded = function getBuiltinModule(id: unknown): unknown {
    if (isBlocked(id)) refuse(id);
    if (isNetwork(id)) return offline(bare(id));
    return Reflect.apply(getBuiltin, process, [id]);
  };
  Object.defineProperty(process, "getBuiltinModule", { value: guarded, writable: false, enumerable: true, configurable: false });
}
