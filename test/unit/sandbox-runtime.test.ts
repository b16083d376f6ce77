// The sandbox's runtime, the kernel's inner layer (guard and Node's permission flags),
// what a submission's kernel is started with, and the trust rules for grade records.
// The operating-system boundary itself is attacked in test/integration/sandbox.test.ts.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { canonicalJson, recordTag, type PartialRecord } from "nncourse/dist/grading";
import { copyRuntime, dependencyClosure, describeRuntime, RUNTIME_PATHS } from "../../scripts/src/sandbox/runtime";
import { builtToolFile } from "../../scripts/src/built-files";
import { GradingSandbox, sandboxPath } from "../../scripts/src/sandbox/sandbox";
import { bubblewrapArgs, findSandboxTools, SANDBOX_ROOT, type SandboxSpec } from "../../scripts/src/sandbox/bubblewrap";
import { permissionFlags, relaxedSimdFlags } from "../../scripts/src/kernel/node-flags";
import { MAX_RECORD_BYTES, MAX_RECORDS, RecordCollector } from "../../scripts/src/grade/records";
import type { Kernel } from "../../scripts/src/kernel/kernel";
import type { JupyterMessage } from "../../scripts/src/kernel/messages";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "grader-runtime-test-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function walk(dir: string, visit: (file: string, stat: fs.Stats) => void): void {
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = fs.lstatSync(full);
    visit(full, stat);
    if (stat.isDirectory()) walk(full, visit);
  }
}

const runtime = describeRuntime(projectRoot, work);
const targets = new Map(runtime.entries.map((e) => [e.target, e.source]));

describe("the sandbox runtime", () => {
  test("lists node, tslab, the library, their dependencies and the fetched datasets, under names that say nothing of the project", () => {
    assert.equal(targets.get(RUNTIME_PATHS.node), fs.realpathSync(process.execPath));
    assert.equal(targets.get(RUNTIME_PATHS.guard), path.join(work, "guard.js"));
    assert.ok(
      fs.readFileSync(path.join(work, "guard.js")).equals(fs.readFileSync(builtToolFile("sandbox/guard.js"))),
      "the run's guard is a copy of the built guard.ts",
    );
    for (const name of ["tslab", "zeromq", "@tensorflow/tfjs", "mathjs"])
      assert.equal(targets.get(`node_modules/${name}`), path.join(projectRoot, "node_modules", name), name);
    assert.equal(targets.get("node_modules/nncourse/dist"), path.join(projectRoot, "lib", "dist"), "the library's build, not its sources");
    assert.equal(targets.get("node_modules/nncourse/package.json"), path.join(projectRoot, "lib", "package.json"));
    assert.ok(
      ![...targets.keys()].some((t) => t.startsWith("node_modules/nncourse/") && !/^node_modules\/nncourse\/(dist|package\.json)$/.test(t)),
    );
    for (const name of ["better-sqlite3", "nncourse-scripts", "tsx", "typescript", "playwright-core"])
      assert.ok(!targets.has(`node_modules/${name}`), `${name} is not needed in a kernel`);
    assert.equal(targets.get("data/manifest.json"), path.join(projectRoot, "data", "manifest.json"));
    const fetched = path.join(projectRoot, "data", "cache", "fashion-mnist", "t10k-labels-idx1-ubyte.gz");
    if (fs.existsSync(fetched))
      assert.equal(
        targets.get("data/cache/fashion-mnist/t10k-labels-idx1-ubyte.gz"),
        fs.realpathSync(fetched),
        "a fetched dataset file is in the runtime",
      );
    for (const target of targets.keys()) {
      assert.ok(!target.includes(projectRoot) && !target.startsWith("/") && !target.split("/").includes(".."), target);
    }
  });

  test("copied without the sandbox: real files, no links of either kind, so writing the copy cannot change the project", () => {
    const dest = path.join(work, "copy");
    const small = {
      entries: runtime.entries.filter(
        (e) =>
          [
            "node_modules/tslab",
            "node_modules/nncourse/dist",
            "node_modules/nncourse/package.json",
            "data/manifest.json",
            RUNTIME_PATHS.guard,
          ].includes(e.target) || e.target.startsWith("data/cache/"),
      ),
    };
    copyRuntime(small, dest);
    let symbolic = 0;
    let hard = 0;
    walk(dest, (_file, stat) => {
      if (stat.isSymbolicLink()) symbolic++;
      if (stat.isFile() && stat.nlink > 1) hard++;
    });
    assert.equal(symbolic, 0, "a link could lead out of the runtime");
    assert.equal(hard, 0, "a hard link would let a kernel change the project's own file");
    const copied = path.join(dest, "node_modules", "tslab", "package.json");
    const original = fs.readFileSync(path.join(projectRoot, "node_modules", "tslab", "package.json"));
    fs.appendFileSync(copied, "tampered");
    assert.ok(fs.readFileSync(path.join(projectRoot, "node_modules", "tslab", "package.json")).equals(original));
    assert.ok(fs.existsSync(path.join(dest, "node_modules", "nncourse", "dist", "grading", "index.js")));
    const dist = fs.readdirSync(path.join(dest, "node_modules", "nncourse", "dist"), { recursive: true }) as string[];
    assert.ok(!dist.some((f) => f.endsWith(".tsbuildinfo") || f.endsWith(".js.map")), "build info and source maps stay behind");
  });

  test("the dependency closure follows node's lookup and keeps outermost folders only", () => {
    const dirs = dependencyClosure(projectRoot, ["tslab"]).map((d) => path.relative(projectRoot, d));
    assert.ok(dirs.includes(path.join("node_modules", "tslab")));
    assert.ok(dirs.includes(path.join("node_modules", "zeromq")));
    assert.ok(!dirs.some((d) => d.startsWith(path.join("node_modules", "tslab", "node_modules"))), "nested folders come with their parent");
    assert.throws(() => dependencyClosure(projectRoot, ["no-such-package-xyz"]), /not installed/);
  });
});

describe("the kernel's inner layer", () => {
  test("the guard: network modules, Node's internal ones included, load as stand-ins that refuse every use; memory readers do not load", () => {
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
tryIt("_http_client", () => new (require("_http_client").ClientRequest)("http://127.0.0.1:9/"));
tryIt("_http_agent", () => new (require("_http_agent").Agent)());
tryIt("_tls_wrap", () => require("_tls_wrap").connect(9));
tryIt("_http_server", () => require("_http_server").Server);
tryIt("require v8", () => require("v8"));
out.push("fetch: " + typeof fetch);
process.stdout.write(out.join("\\n"));`;
    const r = spawnSync(process.execPath, ["--require", targets.get(RUNTIME_PATHS.guard)!, "-e", script], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const refused = (what: string) => `the network is disabled while notebooks are graded (${what}).`;
    assert.deepEqual(r.stdout.split("\n"), [
      "http loads: function",
      `http.get: ${refused("http")}`,
      `new https.Agent: ${refused("https")}`,
      "class extends http.Agent: ran",
      `dns.promises.lookup: ${refused("dns")}`,
      `net.Socket.prototype.write = …: ${refused("net")}`,
      `getBuiltinModule net: ${refused("net")}`,
      `_http_client: ${refused("_http_client")}`,
      `_http_agent: ${refused("_http_agent")}`,
      `_tls_wrap: ${refused("_tls_wrap")}`,
      "_http_server: ran", // the stand-in itself; using it throws, as above
      'require v8: require("v8") is disabled while notebooks are graded.',
      "fetch: undefined",
    ]);
  });

  test(
    "the guard loads native addons only from the runtime's node_modules, not from a kernel's own folders",
    { skip: process.platform === "linux" ? false : "reads /proc" },
    () => {
      // The addon zeromq really loads on this machine (the package ships many), read from the memory map.
      const probe = `require("zeromq"); process.stdout.write(require("fs").readFileSync("/proc/self/maps", "utf8").split("\\n").map((l) => l.split(/\\s+/)[5]).find((p) => p && p.endsWith(".node")) || "")`;
      const addon = spawnSync(process.execPath, ["-e", probe], { cwd: projectRoot, encoding: "utf8" }).stdout;
      assert.ok(addon, "zeromq ships a native addon for this machine");
      // A runtime tree as a kernel sees it: guard.js beside node_modules, a scratch folder beside both.
      const tree = path.join(work, "addon-tree");
      fs.mkdirSync(path.join(tree, "node_modules", "x"), { recursive: true });
      fs.mkdirSync(path.join(tree, "work"), { recursive: true });
      fs.copyFileSync(targets.get(RUNTIME_PATHS.guard)!, path.join(tree, "guard.js"));
      fs.copyFileSync(addon!, path.join(tree, "node_modules", "x", "addon.node"));
      fs.copyFileSync(addon!, path.join(tree, "work", "mine.node"));
      const load = (file: string) =>
        spawnSync(
          process.execPath,
          [
            "--require",
            path.join(tree, "guard.js"),
            "-e",
            `try { require(${JSON.stringify(file)}); console.log("loaded") } catch (e) { console.log(e.message) }`,
          ],
          { encoding: "utf8" },
        ).stdout.trim();
      assert.equal(load(path.join(tree, "node_modules", "x", "addon.node")), "loaded");
      assert.match(load(path.join(tree, "work", "mine.node")), /native addons load only from the course's packages/);
    },
  );

  test("the permission model's flag is spelled as the running Node wants it; Node 25+ also refuses the network", () => {
    const node20 = new Set(["--experimental-permission", "--allow-fs-read"]);
    const node22 = new Set(["--experimental-permission", "--permission", "--allow-fs-read"]);
    const node24 = new Set(["--permission", "--allow-fs-read"]);
    const node26 = new Set(["--permission", "--allow-fs-read", "--allow-net"]);
    assert.deepEqual(permissionFlags(node20), { enable: "--experimental-permission", coversNetwork: false });
    assert.deepEqual(permissionFlags(node22), { enable: "--permission", coversNetwork: false });
    assert.deepEqual(permissionFlags(node24), { enable: "--permission", coversNetwork: false });
    assert.deepEqual(permissionFlags(node26), { enable: "--permission", coversNetwork: true });
    // And the running Node accepts what we pick.
    const r = spawnSync(
      process.execPath,
      [permissionFlags().enable, "--no-warnings", "-e", "process.stdout.write(String(process.permission.has('fs.read', '/')))"],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "false");
  });

  test("Node 20 kernels start with relaxed SIMD turned on, which later Nodes have by default (and would refuse as a bad option)", () => {
    assert.deepEqual(relaxedSimdFlags("20.19.0"), ["--experimental-wasm-relaxed-simd"]);
    for (const version of ["22.13.0", "24.11.1", "26.0.0", "200.0.0"]) assert.deepEqual(relaxedSimdFlags(version), [], version);
    // And the running Node accepts what we pick, and has relaxed SIMD with it.
    const r = spawnSync(
      process.execPath,
      [...relaxedSimdFlags(), "--import", "tsx", "-e", 'process.stdout.write(String(require("./lib/core").relaxedSimdAvailable()))'],
      { cwd: projectRoot, encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "true");
  });

  test("the sandbox PATH drops folders inside the project or any node_modules, keeps the rest", () => {
    const entries = [
      path.join(projectRoot, "node_modules", ".bin"),
      projectRoot,
      "/usr/lib/node_modules/npm/bin/node-gyp-bin",
      "/usr/local/bin",
      "/usr/bin",
    ];
    assert.equal(sandboxPath(entries.join(path.delimiter), projectRoot), ["/usr/local/bin", "/usr/bin"].join(path.delimiter));
    assert.equal(sandboxPath(undefined, projectRoot), undefined);
  });
});

describe("a submission's kernel", () => {
  const limits = { memoryMb: 321, lifetimeMs: 60_000, scratchMb: 64 };
  const tools = findSandboxTools();

  test(
    "in the sandbox: a private folder with the connection file, and a command, flags and environment that name no host path",
    { skip: tools.ok ? false : "bubblewrap is not installed" },
    async () => {
      const sandbox = await GradingSandbox.open({ kind: "bubblewrap", projectRoot, hide: [] });
      try {
        assert.equal(fs.statSync(sandbox.runFolder).mode & 0o777, 0o700, "only the grader opens the run's folder");
        const kernel = sandbox.kernelFor("Zoë/../../x", limits);
        const folders = fs.readdirSync(sandbox.runFolder).filter((f) => fs.statSync(path.join(sandbox.runFolder, f)).isDirectory());
        assert.equal(folders.length, 1);
        assert.match(folders[0]!, /^Zoe_/, "a tidy name");
        const connection = path.join(sandbox.runFolder, folders[0]!, "connection.json");
        const info = JSON.parse(fs.readFileSync(connection, "utf8")) as { transport: string; ip: string; key: string };
        assert.equal(info.transport, "ipc", "the kernel has no network: Unix sockets only");
        assert.ok(info.ip.startsWith(`${SANDBOX_ROOT}/`));
        assert.equal(info.key.length, 64);
        assert.equal(kernel.cwd, `${SANDBOX_ROOT}/work`);
        assert.ok(kernel.launch, "started through the sandbox");
        const visible = JSON.stringify(kernel.env);
        assert.ok(!visible.includes(projectRoot) && !visible.includes(os.tmpdir() + "/"), visible);
        assert.equal(kernel.env.HOME, `${SANDBOX_ROOT}/work`);
        kernel.dispose();
        assert.ok(!fs.existsSync(path.dirname(connection)));
      } finally {
        sandbox.close();
      }
      assert.ok(!fs.existsSync(sandbox.runFolder));
    },
  );

  test(
    "bwrap covers the masters, submissions and gradebook with an empty folder when they sit inside a system folder, and only then",
    { skip: tools.ok ? false : "bubblewrap is not installed" },
    () => {
      if (!tools.ok) return;
      const inside = "/usr/share"; // stands for a project kept under /usr/local/src, say
      const spec: SandboxSpec = {
        tools: tools.tools,
        runtime,
        connectionFile: path.join(work, "c.json"),
        hide: [inside, work, "/no/such/folder"],
        limits: { dataMb: 1, scratchMb: 1, cpuSeconds: 1, processes: 1, files: 1 },
        command: ["true"],
      };
      const args = bubblewrapArgs(spec);
      const covered = args.flatMap((a, i) => (a === "--tmpfs" ? [args[i + 1]!] : []));
      assert.ok(covered.includes(inside), args.join(" "));
      assert.ok(
        !covered.includes(work) && !covered.includes("/no/such/folder"),
        "folders outside the system folders are not in view anyway",
      );
      assert.ok(args.indexOf("--remount-ro") > args.lastIndexOf("--ro-bind"), "read-only after everything is mounted");
    },
  );

  test("without the sandbox: a scratch folder beside the runtime copy, the only place the kernel may write", async () => {
    const sandbox = await GradingSandbox.open({ kind: "none", projectRoot, hide: [] });
    try {
      const kernel = sandbox.kernelFor("amy", limits);
      const runtimeDir = path.join(sandbox.runFolder, "runtime");
      assert.equal(path.dirname(kernel.cwd), runtimeDir);
      assert.ok(fs.existsSync(path.join(runtimeDir, "node_modules", "tslab", "package.json")));
      assert.ok(!fs.existsSync(path.join(runtimeDir, "bin", "node")), "the grader's own node runs unsandboxed kernels");
      assert.deepEqual(
        kernel.nodeFlags.filter((f) => f.startsWith("--allow-fs-write")),
        [`--allow-fs-write=${kernel.cwd}`],
      );
      assert.ok(kernel.nodeFlags.includes(permissionFlags().enable));
      assert.ok(kernel.nodeFlags.includes("--max-old-space-size=321"));
      assert.ok(!kernel.nodeFlags.some((f) => f.startsWith("--allow-child-process") || f.startsWith("--allow-worker")));
      assert.ok(
        !kernel.nodeFlags.some((f) => f === `--allow-fs-read=${runtimeDir}`),
        "not the whole runtime folder: other submissions' folders are in it",
      );
      assert.equal(kernel.launch, undefined);
      const visible = JSON.stringify([kernel.env, kernel.nodeFlags]);
      assert.ok(!visible.includes(projectRoot), visible);
      kernel.dispose();
      assert.ok(!fs.existsSync(kernel.cwd));
    } finally {
      sandbox.close();
    }
  });
});

describe("grade records", () => {
  function feed(nonce: string, records: unknown[]): RecordCollector {
    const collector = new RecordCollector(nonce);
    let listener: (m: JupyterMessage) => void = () => {};
    collector.attach({ onAnyIopub: (l: (m: JupyterMessage) => void) => ((listener = l), () => {}) } as unknown as Kernel);
    records.forEach((record, i) => {
      collector.cellStarted(i);
      listener({
        header: { msg_type: "display_data" },
        content: { data: { "application/vnd.nncourse.grade+json": record } },
      } as unknown as JupyterMessage);
      collector.cellEnded();
    });
    return collector;
  }
  const nonce = "n".repeat(64);
  function signed(body: Omit<PartialRecord, "tag">, key = nonce): PartialRecord {
    return { ...body, tag: recordTag(key, body) };
  }
  const body = (seq: number, fraction = 1): Omit<PartialRecord, "tag"> => ({
    version: 1,
    kind: "partial",
    fraction,
    earned: fraction,
    possible: 1,
    label: "t",
    messages: [],
    seq,
  });

  test("a flood of records, or a huge one, is left out and counted, not kept in the grader's memory", () => {
    const flood = Array.from({ length: MAX_RECORDS + 500 }, (_, i) => ({ kind: "partial", seq: i, tag: "0".repeat(64) }));
    const collector = feed(nonce, [{ kind: "partial", seq: 1, tag: "x", payload: "y".repeat(MAX_RECORD_BYTES) }, ...flood]);
    assert.equal(collector.records.length, MAX_RECORDS);
    assert.equal(collector.dropped, 501);
  });

  test("records are trusted only with the run's tag and in sequence", () => {
    const collector = feed(nonce, [
      signed(body(1)),
      signed(body(2, 0.5), "other key"),
      { ...signed(body(2)), fraction: 0.1 },
      signed(body(2)),
      signed(body(2)),
      signed(body(4)),
    ]);
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
