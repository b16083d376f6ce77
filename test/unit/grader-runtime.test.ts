// The sandbox's runtime and scratch folders, and the trust rules for grade records.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { canonicalJson, recordTag, type PartialRecord } from "nncourse/dist/grading";
import { dependencyClosure, ensureRuntime } from "../../scripts/src/grader/runtime";
import { createSandbox, sandboxPath } from "../../scripts/src/grader/sandbox";
import { RecordCollector } from "../../scripts/src/grader/records";
import type { Kernel } from "../../scripts/src/kernel/kernel";
import type { JupyterMessage } from "../../scripts/src/kernel/messages";

const cache = fs.mkdtempSync(path.join(os.tmpdir(), "grader-runtime-test-"));
after(() => fs.rmSync(cache, { recursive: true, force: true }));

function walk(dir: string, visit: (file: string, stat: fs.Stats) => void): void {
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = fs.lstatSync(full);
    visit(full, stat);
    if (stat.isDirectory()) walk(full, visit);
  }
}

describe("the sandbox runtime", () => {
  test("holds tslab, the library and their dependencies as real files: no links, no project paths, nothing else", () => {
    const runtime = ensureRuntime(projectRoot, cache);
    assert.deepEqual(fs.readdirSync(runtime.dir).sort(), [".complete", "data", "guard.js", "node_modules"]);
    // The datasets that are fetched here come along, so that graded notebooks can load them.
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(runtime.dir, "data", "manifest.json"), "utf8")), JSON.parse(fs.readFileSync(path.join(projectRoot, "data", "manifest.json"), "utf8")));
    const fetched = path.join(projectRoot, "data", "cache", "fashion-mnist", "t10k-labels-idx1-ubyte.gz");
    if (fs.existsSync(fetched)) {
      const linked = path.join(runtime.dir, "data", "cache", "fashion-mnist", "t10k-labels-idx1-ubyte.gz");
      assert.ok(fs.readFileSync(linked).equals(fs.readFileSync(fetched)), "a fetched dataset file is in the runtime");
    }
    let links = 0;
    walk(runtime.dir, (file, stat) => {
      if (stat.isSymbolicLink()) links++;
    });
    assert.equal(links, 0, "a link could lead out of the runtime past a path-prefix check");
    for (const name of ["tslab", "zeromq", "@tensorflow/tfjs", "nncourse"]) assert.ok(fs.existsSync(path.join(runtime.nodeModules, name, "package.json")), name);
    assert.ok(fs.existsSync(path.join(runtime.nodeModules, "nncourse", "dist", "grading", "index.js")));
    assert.ok(!fs.existsSync(path.join(runtime.nodeModules, "nncourse", "grading")), "only the library's build, not its sources");
    for (const name of ["better-sqlite3", "nncourse-scripts", "tsx"]) assert.ok(!fs.existsSync(path.join(runtime.nodeModules, name)), `${name} is not needed in a kernel`);
    assert.equal(ensureRuntime(projectRoot, cache).dir, runtime.dir, "cached");
  });

  test("the guard: network modules load as stand-ins that refuse every use; memory readers do not load", () => {
    const runtime = ensureRuntime(projectRoot, cache);
    const script = `
const out = [];
const tryIt = (label, fn) => { try { fn(); out.push(label + ": ran"); } catch (e) { out.push(label + ": " + e.message); } };
const http = require("http");
out.push("http loads: " + (typeof http));
tryIt("http.get", () => http.get("http://127.0.0.1:9/"));
tryIt("new https.Agent", () => new (require("node:https").Agent)());
tryIt("class extends http.Agent", () => { class A extends http.Agent {} return A; });
tryIt("dns.promises.lookup", () => require("dns").promises.lookup("localhost"));
tryIt("net.Socket.prototype.write = …", () => { require("net").Socket.prototype.write; require("net").connect = () => 0; });
tryIt("getBuiltinModule net", () => process.getBuiltinModule("net").createConnection(9));
tryIt("require v8", () => require("v8"));
out.push("fetch: " + typeof fetch);
process.stdout.write(out.join("\\n"));`;
    const r = spawnSync(process.execPath, ["--require", runtime.guard, "-e", script], { encoding: "utf8", env: { ...process.env, NNCOURSE_GRADER_PID: String(process.pid) } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.split("\n"), [
      "http loads: function",
      "http.get: the network is disabled while notebooks are graded (http).",
      "new https.Agent: the network is disabled while notebooks are graded (https).",
      "class extends http.Agent: ran",
      "dns.promises.lookup: the network is disabled while notebooks are graded (dns).",
      "net.Socket.prototype.write = …: the network is disabled while notebooks are graded (net).",
      "getBuiltinModule net: the network is disabled while notebooks are graded (net).",
      'require v8: require("v8") is disabled while notebooks are graded.',
      "fetch: undefined",
    ]);
  });

  test("the sandbox PATH drops folders inside the project or any node_modules, keeps the rest", () => {
    const entries = [path.join(projectRoot, "node_modules", ".bin"), projectRoot, "/usr/lib/node_modules/npm/bin/node-gyp-bin", "/usr/local/bin", "/usr/bin"];
    assert.equal(sandboxPath(entries.join(path.delimiter), projectRoot), ["/usr/local/bin", "/usr/bin"].join(path.delimiter));
    assert.equal(sandboxPath(undefined, projectRoot), undefined);
  });

  test("the dependency closure follows node's lookup and keeps outermost folders only", () => {
    const dirs = dependencyClosure(projectRoot, ["tslab"]).map((d) => path.relative(projectRoot, d));
    assert.ok(dirs.includes(path.join("node_modules", "tslab")));
    assert.ok(dirs.includes(path.join("node_modules", "zeromq")));
    assert.ok(!dirs.some((d) => d.startsWith(path.join("node_modules", "tslab", "node_modules"))), "nested folders come with their parent");
    assert.throws(() => dependencyClosure(projectRoot, ["no-such-package-xyz"]), /not installed/);
  });

  test("a scratch folder: empty but for the runtime link, with an environment and flags that name no project path", () => {
    const runtime = ensureRuntime(projectRoot, cache);
    // As under `npm test`: npm puts the project's node_modules/.bin folders first on PATH.
    const savedPath = process.env.PATH;
    process.env.PATH = [path.join(projectRoot, "node_modules", ".bin"), "/opt/tool/node_modules/.bin", savedPath].join(path.delimiter);
    let sandbox: ReturnType<typeof createSandbox>;
    try {
      sandbox = createSandbox(runtime, cache, "Zoë/../../x", { memoryMb: 321 });
    } finally {
      process.env.PATH = savedPath;
    }
    try {
      assert.ok(sandbox.env.PATH && sandbox.env.PATH.includes("/usr/bin"), `the system folders stay on PATH: ${sandbox.env.PATH}`);
      assert.ok(sandbox.dir.startsWith(cache + path.sep));
      assert.ok(!path.basename(sandbox.dir).includes("/"));
      assert.deepEqual(fs.readdirSync(sandbox.dir).sort(), ["node_modules", "tmp"]);
      assert.equal(fs.realpathSync(path.join(sandbox.dir, "node_modules")), runtime.nodeModules);
      const visible = JSON.stringify([sandbox.env, sandbox.nodeFlags]);
      assert.ok(!visible.includes(projectRoot), visible);
      assert.ok(sandbox.nodeFlags.includes("--experimental-permission"));
      assert.ok(sandbox.nodeFlags.includes("--max-old-space-size=321"));
      assert.ok(sandbox.nodeFlags.includes(`--allow-fs-write=${sandbox.dir}`));
      assert.ok(!sandbox.nodeFlags.some((f) => f.startsWith("--allow-child-process") || f.startsWith("--allow-worker")));
      assert.equal(sandbox.env.HOME, sandbox.dir);
    } finally {
      sandbox.dispose();
    }
    assert.ok(!fs.existsSync(sandbox.dir));
  });
});

describe("grade records", () => {
  function feed(nonce: string, records: unknown[]): RecordCollector {
    const collector = new RecordCollector(nonce);
    let listener: (m: JupyterMessage) => void = () => {};
    collector.attach({ onAnyIopub: (l: (m: JupyterMessage) => void) => ((listener = l), () => {}) } as unknown as Kernel);
    records.forEach((record, i) => {
      collector.cellStarted(i);
      listener({ header: { msg_type: "display_data" }, content: { data: { "application/vnd.nncourse.grade+json": record } } } as unknown as JupyterMessage);
      collector.cellEnded();
    });
    return collector;
  }
  const nonce = "n".repeat(64);
  function signed(body: Omit<PartialRecord, "tag">, key = nonce): PartialRecord {
    return { ...body, tag: recordTag(key, body) };
  }
  const body = (seq: number, fraction = 1): Omit<PartialRecord, "tag"> => ({ version: 1, kind: "partial", fraction, earned: fraction, possible: 1, label: "t", messages: [], seq });

  test("records are trusted only with the run's tag and in sequence", () => {
    const collector = feed(nonce, [signed(body(1)), signed(body(2, 0.5), "other key"), { ...signed(body(2)), fraction: 0.1 }, signed(body(2)), signed(body(2)), signed(body(4))]);
    assert.deepEqual(
      collector.records.map((r) => [r.cellIndex, r.authentic, r.inSequence]),
      [
        [0, true, true],
        [1, false, false], // signed with another key
        [2, false, false], // altered after signing
        [3, true, true],
        [4, true, false], // replayed
        [5, true, false], // one missing before it
      ],
    );
    assert.equal(collector.inCell(3).length, 1);
    assert.ok(canonicalJson(body(1)).startsWith('{"earned":1'));
  });
});
