// `course grade` against submissions that try everything: wrong answers, loops, crashes,
// tampering with the notebook and the kernel, snooping on the masters, floods of output
// and memory, broken files and odd names. Each must be graded right, nothing lost, and
// the batch must go on. The submissions are built here from the sample assignment's
// reference solution; expected scores come from the master's points.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { projectRoot, runCourse, type CliResult } from "../helpers/cli";
import { cellKind, gradeIdOf } from "../../scripts/src/notebook/master";
import type { SubmissionIssue, TestScore } from "../../scripts/src/grade/outcome";
import { Gradebook, type SubmissionRow } from "../../scripts/src/gradebook/gradebook";
import { newCodeCell, readNotebook, serializeNotebook, type Cell, type Notebook } from "../../scripts/src/notebook";

const NAME = "00-sample-assignment";
const master = readNotebook(path.join(projectRoot, "notebooks", `${NAME}.ipynb`));
const solution = readNotebook(path.join(projectRoot, "solutions", `${NAME}.ipynb`));
const exercise = readNotebook(path.join(projectRoot, "exercises", `${NAME}.ipynb`));

/**
 * Attacks found by trying to break the grader from outside, kept as they were written:
 * each is the student version (no exercise solved) with some answer cells replaced and
 * cells added after others, in test/integration/attacks/NAME.json.
 */
const ATTACKS = ["apply-hook", "iterator-hook", "hash-replay", "key-spy-rewrite"];
function attack(name: string): Notebook {
  const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "attacks", `${name}.json`), "utf8")) as {
    answers: Record<string, string>;
    after: Record<string, string[]>;
  };
  const nb = structuredClone(exercise);
  for (const [id, source] of Object.entries(spec.answers)) setSource(nb, id, source);
  for (const [id, sources] of Object.entries(spec.after)) for (const source of [...sources].reverse()) insertAfter(nb, id, source);
  return nb;
}
const points = new Map(
  master.cells
    .filter((c) => cellKind(c) === "test")
    .map((c) => [gradeIdOf(c)!, Number((c.metadata.nbgrader as { points: number }).points)]),
);
const FULL = [...points.values()].reduce((a, b) => a + b, 0);
const pts = (id: string) => points.get(id)!;

const work = fs.mkdtempSync(path.join(os.tmpdir(), "grader-adversarial-"));
const submissions = path.join(work, "submissions");
const gradebookFile = path.join(work, "gradebook.sqlite");
after(() => fs.rmSync(work, { recursive: true, force: true }));

function variant(edit: (nb: Notebook) => void): Notebook {
  const nb = structuredClone(solution);
  edit(nb);
  return nb;
}
function indexOf(nb: Notebook, id: string): number {
  const i = nb.cells.findIndex((c) => gradeIdOf(c) === id);
  assert.ok(i >= 0, `no cell ${id}`);
  return i;
}
function setSource(nb: Notebook, id: string, source: string): void {
  nb.cells[indexOf(nb, id)]!.source = source;
}
function insertAfter(nb: Notebook, id: string, source: string): void {
  nb.cells.splice(indexOf(nb, id) + 1, 0, newCodeCell(source));
}
function put(relative: string, content: Notebook | string): void {
  const file = path.join(submissions, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof content === "string" ? content : serializeNotebook(content));
}

const WRONG_NOR = "function makeNor(): McCullochPittsUnit {\n  return mcpOr();\n}\n";
const WRONG_MAJORITY =
  'function makeMajority(): McCullochPittsUnit {\n  return new McCullochPittsUnit({ name: "any", excitatory: [1, 1, 1], threshold: 1 });\n}\n';

/** A server on this machine's loopback: no graded kernel may reach it. */
let loopbackHits = 0;
const loopback = net.createServer((socket) => {
  loopbackHits++;
  socket.destroy();
});
const loopbackReady = new Promise<number>((ok) => loopback.listen(0, "127.0.0.1", () => ok((loopback.address() as net.AddressInfo).port)));
after(() => loopback.close());

/** What a snooping submission tries to read; it fails its own answer if anything leaks. */
function snoopCode(port: number): string {
  const targets = [
    path.join(projectRoot, "notebooks", `${NAME}.ipynb`),
    path.join(projectRoot, "solutions", `${NAME}.ipynb`),
    path.join(projectRoot, "package.json"),
    gradebookFile,
    "/proc/self/environ",
    "/proc/self/cmdline",
    "/proc/self/mem",
  ];
  return `const fs: any = require("fs");
const leaks: string[] = [];
const root = ${JSON.stringify(projectRoot)};
const targets: string[] = ${JSON.stringify(targets)};
for (let d = 0; d < 9; d++) {
  const up = "../".repeat(d);
  targets.push(up + "notebooks/${NAME}.ipynb", up + "solutions/${NAME}.ipynb", "node_modules/nncourse/" + up + "notebooks/${NAME}.ipynb", "node_modules/" + up + "gradebook.sqlite");
}
for (const t of targets) {
  try {
    const text = fs.readFileSync(t, "latin1");
    if (/HIDDEN TESTS|BEGIN SOLUTION|SQLite format|nncourse-kit/.test(text) || text.includes(root)) leaks.push("read " + t);
  } catch {}
}
try { fs.readdirSync("/"); leaks.push("listed /"); } catch {}
try { require("v" + "8"); leaks.push("loaded v8"); } catch {}
try { (process as any).getBuiltinModule("node:inspector"); leaks.push("loaded inspector"); } catch {}
try { require("n" + "et").connect(9, "127.0.0.1"); leaks.push("opened a socket"); } catch {}
try { require("ht" + "tp").get("http://127.0.0.1:9/"); leaks.push("made an HTTP request"); } catch {}
try { new (require("ht" + "tps").Agent)(); leaks.push("made an HTTPS agent"); } catch {}
try { require("d" + "ns").promises.lookup("localhost"); leaks.push("looked up a name"); } catch {}
try { (process as any).getBuiltinModule("node:net").createConnection(9); leaks.push("opened a socket through getBuiltinModule"); } catch {}
const port = ${port};
try { require("n" + "et").connect(port, "127.0.0.1"); leaks.push("connected to the grader's loopback"); } catch {}
try { new (require("_http_" + "client").ClientRequest)("http://127.0.0.1:" + port + "/"); leaks.push("made a request through _http_client"); } catch {}
try { new (require("_http_" + "agent").Agent)(); leaks.push("made an agent through _http_agent"); } catch {}
try { require("_tls_" + "wrap").connect(port, "127.0.0.1"); leaks.push("opened TLS through _tls_wrap"); } catch {}
try { (process as any).binding("tcp_" + "wrap"); leaks.push("reached tcp_wrap"); } catch {}
try { (require("dgram") as any).createSocket("udp4").send("x", port, "127.0.0.1"); leaks.push("sent UDP"); } catch {}
if (typeof (globalThis as any).fetch === "function") leaks.push("fetch is there");
try { process.kill(process.ppid, 0); leaks.push("can signal the grader"); } catch {}
try { const out = require("child_process").execSync("cat " + targets[0]).toString(); if (out.includes("HIDDEN")) leaks.push("ran cat"); } catch {}
const visible = JSON.stringify([process.env, process.argv, process.execArgv, process.cwd(), require.resolve("nncourse")]);
if (visible.includes(root) || visible.includes(${JSON.stringify(path.basename(gradebookFile))})) leaks.push("environment or paths name the project: " + visible.slice(0, 400));
`;
}

/** Files of the project a kernel could change if the runtime were writable: hashed before and after. */
const guarded = [
  path.join(projectRoot, "lib", "dist", "grading", "index.js"),
  path.join(projectRoot, "lib", "dist", "index.js"),
  path.join(projectRoot, "node_modules", "tslab", "package.json"),
  path.join(projectRoot, "node_modules", "tslab", "dist", "executor.js"),
  path.join(projectRoot, "data", "manifest.json"),
  ...["fashion-mnist", "california-housing"].flatMap((d) => {
    const dir = path.join(projectRoot, "data", "cache", d);
    return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : [];
  }),
];
const hashAll = () => guarded.map((f) => (fs.existsSync(f) ? createHash("sha256").update(fs.readFileSync(f)).digest("hex") : "missing"));
const hashesBefore = hashAll();
const MARKER = `nncourse-poison-${process.pid}`;

/**
 * A submission with right answers that, before them, tries to change what later kernels
 * load (the checks, the library, the guard, tslab, the datasets) by every path it can
 * name, to leave files for later submissions, and to start processes that outlive it.
 */
function poisonCode(): string {
  return `const fs: any = require("fs");
const os: any = require("os");
const done: string[] = [];
const write = (p: string) => { try { fs.writeFileSync(p, "POISON ${MARKER}"); done.push(p); } catch {} };
const lib = require.resolve("nncourse/dist/grading");
const targets = [lib, require.resolve("nncourse"), require.resolve("tslab/package.json"), "/course/guard.js", "/course/data/manifest.json", "/course/bin/node"];
try { targets.push(require("nncourse").locateDatasetFile("fashion-mnist", "t10k-labels-idx1-ubyte.gz").path); } catch {}
for (const t of [...targets]) targets.push("/proc/self/root" + t, "/proc/1/root" + t, "../" + t, process.cwd() + "/../.." + t);
for (const t of targets) write(t);
for (const dir of [process.cwd(), os.homedir(), os.tmpdir(), "/tmp", "/dev/shm", "/course", "/course/kernel"]) write(dir + "/${MARKER}");
try { fs.symlinkSync(lib, "lib-link"); write("lib-link"); } catch {}
try { fs.linkSync(lib, "lib-hard"); write("lib-hard"); } catch {}
try { require("child_" + "process").spawn("/bin/sleep", ["300", "${MARKER}"], { detached: true, stdio: "ignore" }).unref(); done.push("spawned"); } catch {}
try { new (require("worker_" + "threads").Worker)("setInterval(() => {}, 1000)", { eval: true }); done.push("started a worker"); } catch {}
`;
}

/** A later submission that fails its own answer if anything of the poison reached it. */
function victimCode(): string {
  return `const fs: any = require("fs");
const os: any = require("os");
const found: string[] = [];
for (const dir of [process.cwd(), os.homedir(), os.tmpdir()]) { try { fs.readFileSync(dir + "/${MARKER}"); found.push(dir); } catch {} }
for (const f of [require.resolve("nncourse/dist/grading"), require.resolve("nncourse")]) { if (fs.readFileSync(f, "utf8").includes("POISON")) found.push(f); }
`;
}
const FAIL_NOR_IF_FOUND =
  'function makeNor(): McCullochPittsUnit {\n  if (found.length > 0) throw new Error("POISONED: " + found.join("; "));\n  return new McCullochPittsUnit({ name: "NOR", excitatory: [0, 0], inhibitory: [true, true], threshold: 0 });\n}\n';

before(async () => {
  const port = await loopbackReady;
  put(`correct/${NAME}.ipynb`, solution);
  for (const name of ATTACKS) put(`${name}/${NAME}.ipynb`, attack(name));
  put(
    `caller-leak/${NAME}.ipynb`,
    variant((nb) =>
      // A learner's function reads its caller: in a sloppy test cell, that is the compiled cell, hidden tests and all.
      setSource(
        nb,
        "nor",
        'function makeNor(): McCullochPittsUnit {\n  const caller = String((makeNor as any).caller);\n  if (/nncourse-grader-end|check\\./.test(caller)) throw new Error("LEAKED: " + caller.slice(0, 200));\n  return new McCullochPittsUnit({ name: "NOR", excitatory: [0, 0], inhibitory: [true, true], threshold: 0 });\n}\n',
      ),
    ),
  );
  put(
    `poison/${NAME}.ipynb`,
    variant((nb) => insertAfter(nb, "setup", poisonCode())),
  );
  put(
    `zz-victim/${NAME}.ipynb`,
    variant((nb) => {
      insertAfter(nb, "setup", victimCode());
      setSource(nb, "nor", FAIL_NOR_IF_FOUND);
    }),
  );
  put(
    `partial/${NAME}.ipynb`,
    variant((nb) => {
      setSource(nb, "majority", WRONG_MAJORITY);
      // Trains, but never stops early: the "stopping" part of the partial-credit test fails.
      setSource(
        nb,
        "perceptron-train",
        `function trainPerceptron(X: number[][], y: number[], lr: number, maxEpochs: number): { w: number[]; b: number; epochs: number } {
  let w: number[] = new Array(X[0].length).fill(0);
  let b = 0;
  let epochs = 0;
  while (epochs < maxEpochs) {
    epochs++;
    for (let i = 0; i < X.length; i++) ({ w, b } = perceptronStep(w, b, X[i], y[i], lr));
  }
  return { w, b, epochs };
}
`,
      );
    }),
  );
  put(
    `loop/${NAME}.ipynb`,
    variant((nb) => setSource(nb, "nor", "function makeNor(): McCullochPittsUnit {\n  while (true) {}\n}\n")),
  );
  put(
    `exception/${NAME}.ipynb`,
    variant((nb) =>
      setSource(
        nb,
        "xor",
        'const andNot = mcpAndNot();\nconst or = mcpOr();\nfunction xor(a: number, b: number): number {\n  throw new Error("boom");\n}\n',
      ),
    ),
  );
  put(
    `deleted-test/${NAME}.ipynb`,
    variant((nb) => nb.cells.splice(indexOf(nb, "nor-tests"), 1)),
  );
  put(
    `edited/${NAME}.ipynb`,
    variant((nb) => {
      setSource(nb, "majority", WRONG_MAJORITY);
      setSource(nb, "majority-tests", "// every test passes, trust me\n");
      setSource(nb, "setup", `${nb.cells[indexOf(nb, "setup")]!.source}\nconst extra = 1;\n`);
      const xorTests = nb.cells[indexOf(nb, "xor-tests")]!;
      nb.cells[indexOf(nb, "xor-tests")] = {
        cell_type: "markdown",
        id: "retyped1",
        metadata: xorTests.metadata,
        source: "no tests here",
      } as Cell;
      const copy = structuredClone(nb.cells[indexOf(nb, "perceptron-step-tests")]!);
      copy.source = "// a second copy";
      nb.cells.push(copy);
    }),
  );
  put(
    `redefine/${NAME}.ipynb`,
    variant((nb) => {
      setSource(nb, "nor", WRONG_NOR);
      insertAfter(
        nb,
        "nor",
        `const g: any = globalThis;
const grading: any = require("nncourse/dist/grading");
const noop = () => {};
for (const name of ["equal", "close", "truthTable", "that", "shape"]) {
  try { grading.check[name] = noop; } catch {}
  try { (check as any)[name] = noop; } catch {}
}
try { Object.defineProperty(grading, "check", { value: { equal: noop, truthTable: noop, that: noop } }); } catch {}
try { delete require.cache[require.resolve("nncourse/dist/grading")]; } catch {}
// Each attempt on its own: built-ins are frozen for graded runs, so most assignments throw.
// (Math.max = () => Infinity would make the library's own loops endless: a time-out, not a pass.)
try { Math.abs = () => 0; } catch {}
try { Math.round = () => 0; } catch {}
try { (Object.prototype as any).tol = 1e9; } catch {}
try { (Object.prototype as any).atol = 1e9; } catch {}
try { Array.prototype.every = function () { return true; }; } catch {}
try { g.console = { log: noop, error: noop, warn: noop }; } catch {}
try { g.Error = function FakeError() { return {}; }; } catch {}
`,
      );
    }),
  );
  put(
    `exit/${NAME}.ipynb`,
    variant((nb) => insertAfter(nb, "majority-tests", "process.exit(0);\n")),
  );
  put(
    `parent-kill/${NAME}.ipynb`,
    variant((nb) =>
      insertAfter(
        nb,
        "nor",
        'for (const signal of ["SIGKILL", "SIGTERM"]) {\n  try { process.kill(process.ppid, signal); } catch {}\n  try { process.kill(-process.ppid, signal); } catch {}\n  try { (process as any)._kill(process.ppid, 9); } catch {}\n}\n',
      ),
    ),
  );
  put(
    `kill/${NAME}.ipynb`,
    variant((nb) =>
      setSource(nb, "xor", 'function xor(a: number, b: number): number {\n  process.kill(process.pid, "SIGKILL");\n  return 0;\n}\n'),
    ),
  );
  put(
    `snoop/${NAME}.ipynb`,
    variant((nb) => {
      insertAfter(nb, "setup", snoopCode(port));
      setSource(
        nb,
        "nor",
        'function makeNor(): McCullochPittsUnit {\n  if (leaks.length > 0) throw new Error("LEAKED: " + leaks.join("; "));\n  return new McCullochPittsUnit({ name: "NOR", excitatory: [0, 0], inhibitory: [true, true], threshold: 0 });\n}\n',
      );
    }),
  );
  put(
    `fake/${NAME}.ipynb`,
    variant((nb) => {
      // A wrong training loop that prints "passed" and forges a full-marks grade record.
      setSource(
        nb,
        "perceptron-train",
        `function trainPerceptron(X: number[][], y: number[], lr: number, maxEpochs: number): { w: number[]; b: number; epochs: number } {
  const cache: any = require.cache;
  for (const key of Object.keys(cache)) {
    if (!key.endsWith("tslab/dist/jupyter.js")) continue;
    const record = { version: 1, kind: "partial", fraction: 1, earned: 3, possible: 3, label: "trainPerceptron on AND", messages: [], seq: 1, tag: "0".repeat(64) };
    cache[key].exports.lastWriteDisplayData({ data: { "application/vnd.nncourse.grade+json": record, "text/plain": "trainPerceptron on AND: 3 of 3 (100%)" }, metadata: {}, transient: {} }, false);
  }
  console.log("perceptron-train-tests: passed ✓ 3/3");
  return { w: [0, 0], b: 0, epochs: 1 };
}
`,
      );
      insertAfter(nb, "perceptron-train-tests", 'console.log("All tests passed! Score: 8/8");\n');
    }),
  );
  put(
    `flood/${NAME}.ipynb`,
    variant((nb) => insertAfter(nb, "nor", 'const line = "y".repeat(1 << 20);\nfor (let i = 0; i < 100; i++) console.log(line);\n')),
  );
  put(
    `memory/${NAME}.ipynb`,
    variant((nb) => insertAfter(nb, "nor-tests", "const hog: number[][] = [];\nwhile (true) hog.push(new Array(1 << 20).fill(1.5));\n")),
  );
  put(`malformed/${NAME}.ipynb`, '{ "cells": [ { "cell_type": "code", ');
  put(`nbformat3/${NAME}.ipynb`, JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [] }));
  put(
    `no-metadata/${NAME}.ipynb`,
    (() => {
      const nb = structuredClone(solution) as Partial<Notebook>;
      delete nb.metadata;
      return JSON.stringify(nb);
    })(),
  );
  put(`unknown/99-no-such-assignment.ipynb`, solution);
  put(`Zoë Ångström (2nd try)/${NAME}.ipynb`, solution);
  put(`Jürgen Müller_${NAME}.ipynb`, solution); // a file named <student>_<assignment>
  put(`müllerjürgen_12345_67890_${NAME}.ipynb`, solution); // Canvas's download name: the student is user 12345
  put(`Jürgen Müller_12345_attempt_${NAME}.ipynb`, solution); // looks like Blackboard's (no time): never read as a student
  put(`notes about the course.ipynb`, solution);
});

interface Graded {
  row: SubmissionRow;
  scores: Map<string, TestScore>;
  issues: SubmissionIssue[];
}

describe("course grade: the adversarial batch", { concurrency: 1 }, () => {
  let run: CliResult;
  const graded = new Map<string, Graded>();
  let rejected: Array<{ path: string; reason: string }> = [];
  let truncatedStudents: string[] = [];

  before(async () => {
    run = await runCourse(
      [
        "grade",
        submissions,
        "--gradebook",
        gradebookFile,
        "-j",
        "2",
        "--timeout",
        "8",
        "--notebook-timeout",
        "120",
        "--memory",
        "400",
        "--output-cap",
        "200000",
      ],
      { timeoutMs: 540_000 },
    );
    const gradebook = Gradebook.open(gradebookFile, { create: false });
    for (const row of gradebook.submissions()) {
      graded.set(row.student, {
        row,
        scores: new Map(gradebook.scores(row.id).map((s) => [s.gradeId, s])),
        issues: gradebook.issues(row.id),
      });
    }
    rejected = gradebook.rejectedFiles();
    truncatedStudents = (
      gradebook.database
        .prepare(
          "SELECT DISTINCT st.name FROM cell_runs c JOIN submissions s ON s.id = c.submission_id JOIN students st ON st.id = s.student_id WHERE c.truncated = 1",
        )
        .all() as Array<{ name: string }>
    ).map((r) => r.name);
    gradebook.close();
  });

  function get(student: string): Graded {
    const g = graded.get(student);
    assert.ok(g, `no gradebook entry for ${student}; course grade printed:\n${run.stdout}\n${run.stderr}`);
    return g;
  }
  function expectScore(student: string, expected: number, failing: string[]): Graded {
    const g = get(student);
    const detail = [...g.scores.values()]
      .map((s) => `${s.gradeId}: ${s.status} ${s.earned}/${s.points} ${s.message.slice(0, 300)}`)
      .join("\n");
    assert.equal(g.row.status, "graded", `${student}: ${g.row.message}`);
    assert.equal(g.row.score, expected, `${student}:\n${detail}`);
    for (const [id, s] of g.scores) {
      if (failing.includes(id)) assert.ok(s.earned < s.points, `${student}: ${id} should lose points\n${detail}`);
      else assert.equal(s.earned, s.points, `${student}: ${id} should earn its points\n${detail}`);
    }
    return g;
  }

  test("the run finishes, processes every file and says so", () => {
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /2 rejected file\(s\)/);
    assert.equal(graded.size, 28, [...graded.keys()].join(", "));
    assert.match(run.stdout, /sandbox: bubblewrap/, "graded in the operating-system sandbox");
  });

  test("a correct submission earns every point; a partly correct one earns its share, partial credit included", () => {
    expectScore("correct", FULL, []);
    const g = expectScore("partial", FULL - pts("majority-tests") - pts("perceptron-train-tests") / 3, [
      "majority-tests",
      "perceptron-train-tests",
    ]);
    assert.equal(g.scores.get("perceptron-train-tests")!.status, "partial");
    assert.match(g.scores.get("perceptron-train-tests")!.message, /stopping/);
  });

  test("an endless loop times out in its cell and the rest is graded", () => {
    const g = expectScore("loop", FULL - pts("nor-tests"), ["nor-tests"]);
    assert.equal(g.scores.get("nor-tests")!.status, "timeout");
  });

  test("an exception fails only its exercise, with its message", () => {
    const g = expectScore("exception", FULL - pts("xor-tests"), ["xor-tests"]);
    assert.match(g.scores.get("xor-tests")!.message, /boom/);
  });

  test("deleted, edited, retyped and duplicated graded cells are restored and reported", () => {
    const deleted = expectScore("deleted-test", FULL, []);
    assert.ok(
      deleted.issues.some((i) => i.kind === "deleted" && i.gradeId === "nor-tests"),
      JSON.stringify(deleted.issues),
    );
    const edited = expectScore("edited", FULL - pts("majority-tests"), ["majority-tests"]);
    const kinds = edited.issues.map((i) => `${i.kind}:${i.gradeId}`);
    for (const expected of ["edited:majority-tests", "edited:setup", "retyped:xor-tests", "duplicated:perceptron-step-tests"])
      assert.ok(kinds.includes(expected), `${expected} in ${kinds.join(", ")}`);
  });

  test("redefining the checks, Error, Math, Object.prototype and console does not make a wrong answer pass", () => {
    expectScore("redefine", FULL - pts("nor-tests"), ["nor-tests"]);
  });

  test("process.exit and a killed kernel end the run; the tests after them earn nothing", () => {
    const exit = expectScore("exit", pts("nor-tests") + pts("majority-tests"), [
      "xor-tests",
      "perceptron-step-tests",
      "perceptron-train-tests",
    ]);
    assert.equal(exit.scores.get("xor-tests")!.status, "not-run");
    const kill = expectScore("kill", pts("nor-tests") + pts("majority-tests"), [
      "xor-tests",
      "perceptron-step-tests",
      "perceptron-train-tests",
    ]);
    assert.equal(kill.scores.get("xor-tests")!.status, "kernel-died");
  });

  test("a submission that signals the grader cannot stop the batch", () => {
    expectScore("parent-kill", FULL, []);
  });

  test("the masters, solutions and gradebook are out of reach from disk, paths and environment variables; no network, no memory readers", () => {
    // The submission fails its own NOR exercise with "LEAKED: ..." if any attempt worked.
    const g = expectScore("snoop", FULL, []);
    assert.equal(g.row.review, 1, "reading course files is flagged for review");
    assert.equal(loopbackHits, 0, "a kernel reached a server on the grader's loopback");
  });

  test("attacks on what tslab and its compiler call (Function.prototype.apply, the array iterator, crypto.createHash, Buffer.from, the display writer) earn nothing", () => {
    for (const name of ATTACKS) {
      const g = get(name);
      const detail = [...g.scores.values()].map((s) => `${s.gradeId}: ${s.status} ${s.earned}/${s.points}`).join(", ");
      assert.equal(g.row.score, 0, `${name} earned marks for exercises it did not solve: ${detail}`);
    }
  });

  test("a learner's function cannot read the test cell that calls it (test cells run in strict mode)", () => {
    expectScore("caller-leak", FULL, []);
  });

  test("a submission that tries to poison the runtime, the datasets, later submissions and later runs changes nothing", async () => {
    expectScore("poison", FULL, []);
    assert.deepEqual(hashAll(), hashesBefore, "a file of the project changed during grading");
    // Nothing it started lives on, and nothing it wrote is on this machine's disk.
    const survivors = fs.readdirSync("/proc").filter(
      (pid) =>
        /^\d+$/.test(pid) &&
        (() => {
          try {
            return fs.readFileSync(`/proc/${pid}/cmdline`, "latin1").includes(MARKER);
          } catch {
            return false;
          }
        })(),
    );
    assert.deepEqual(survivors, [], "a process started by a graded kernel outlived it");
    const planted: string[] = [];
    const search = (dir: string, depth: number) => {
      let names: fs.Dirent[] = [];
      try {
        names = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of names) {
        if (entry.name.includes(MARKER)) planted.push(path.join(dir, entry.name));
        if (entry.isDirectory() && depth > 0) search(path.join(dir, entry.name), depth - 1);
      }
    };
    search(os.tmpdir(), 4);
    assert.deepEqual(planted, [], "a graded kernel left a file on this machine");
    // A later submission of the same run found nothing of it…
    expectScore("zz-victim", FULL, []);
    // …nor does one in the next run.
    const next = path.join(work, "next-run");
    fs.mkdirSync(path.join(next, "victim"), { recursive: true });
    fs.copyFileSync(path.join(submissions, "zz-victim", `${NAME}.ipynb`), path.join(next, "victim", `${NAME}.ipynb`));
    const again = await runCourse(["grade", next, "--gradebook", path.join(work, "next.sqlite"), "--timeout", "8"], { timeoutMs: 120_000 });
    assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
    assert.match(again.stdout, new RegExp(`victim · ${NAME}: ${FULL}/${FULL}`), again.stdout);
  });

  test("fake 'passed' output and a forged grade record earn nothing and flag the submission", () => {
    // Its loop returns the untrained zero start, which earns none of the test's parts.
    const g = expectScore("fake", FULL - pts("perceptron-train-tests"), ["perceptron-train-tests"]);
    assert.ok(
      g.issues.some((i) => i.kind === "integrity" && /invalid tag/.test(i.message)),
      JSON.stringify(g.issues),
    );
    assert.equal(g.row.review, 1);
  });

  test("100 MB of output is cut at the cap and the answers are still graded", () => {
    expectScore("flood", FULL, []);
    assert.ok(truncatedStudents.includes("flood"), `truncated: ${truncatedStudents.join(", ")}`);
  });

  test("unbounded memory kills the kernel at the cap; tests before it keep their points", () => {
    const g = expectScore("memory", pts("nor-tests"), ["majority-tests", "xor-tests", "perceptron-step-tests", "perceptron-train-tests"]);
    assert.ok(["kernel-died", "not-run", "timeout"].includes(g.scores.get("majority-tests")!.status));
  });

  test("broken files are recorded as invalid with the reason, not skipped", () => {
    for (const [student, reason] of [
      ["malformed", /not valid JSON/],
      ["nbformat3", /nbformat/],
      ["no-metadata", /metadata/],
    ] as const) {
      const g = get(student);
      assert.equal(g.row.status, "invalid", student);
      assert.match(g.row.message, reason, student);
      assert.equal(g.row.score, 0);
    }
  });

  test("a notebook for an unknown assignment is recorded as such", () => {
    const g = get("unknown");
    assert.equal(g.row.status, "unknown-assignment");
    assert.equal(g.row.assignment, "99-no-such-assignment");
    assert.match(g.row.message, /no master notebook/);
  });

  test("odd names: spaces and unicode in folders and LMS file names; unmatched files are reported", () => {
    expectScore("Zoë Ångström (2nd try)", FULL, []);
    expectScore("Jürgen Müller", FULL, []);
    expectScore("12345", FULL, []);
    assert.deepEqual(rejected.map((r) => r.path).sort(), [`Jürgen Müller_12345_attempt_${NAME}.ipynb`, "notes about the course.ipynb"]);
    const notes = rejected.find((r) => r.path === "notes about the course.ipynb")!;
    assert.match(notes.reason, /_<assignment>\.ipynb/);
    const blackboard = rejected.find((r) => r.path !== "notes about the course.ipynb")!;
    assert.match(blackboard.reason, /Blackboard/);
  });

  test("feedback pages show scores and messages but no hidden test or solution source; the CSV has every student", async () => {
    const out = path.join(work, "feedback");
    const feedback = await runCourse(["feedback", "--gradebook", gradebookFile, "--out", out]);
    assert.equal(feedback.code, 0, feedback.stderr);
    const pages = (fs.readdirSync(out, { recursive: true }) as string[]).filter((f) => f.endsWith(".html"));
    // A page per submission and each student's own index; the instructor's index is beside the folder.
    assert.equal(pages.filter((f) => path.basename(f) !== "index.html").length, graded.size);
    assert.ok(fs.existsSync(`${out}-index.html`));
    const hidden = master.cells
      .filter((c) => cellKind(c) === "test" || cellKind(c) === "answer")
      .flatMap((c) => (Array.isArray(c.source) ? c.source.join("") : c.source).split("\n"))
      .map((l) => l.trim())
      .filter((l) => l.length > 20 && !l.startsWith("//") && !l.startsWith("import"));
    for (const page of pages) {
      const html = fs.readFileSync(path.join(out, page), "utf8");
      for (const line of hidden)
        assert.ok(
          !html.includes(
            line.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;"),
          ),
          `${page} shows source: ${line}`,
        );
      assert.ok(!/BEGIN (HIDDEN TESTS|SOLUTION)/.test(html), page);
    }
    const partialPage = fs.readFileSync(path.join(out, "partial", `${NAME}.html`), "utf8");
    assert.match(partialPage, /majority unit/);
    const csv = await runCourse(["export", "--csv", "--gradebook", gradebookFile, "--out", "-"]);
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trim().split("\r\n");
    assert.equal(lines.length, graded.size + 1);
    // Read by the columns' names: the plain layout has student, name, the assignment, total, max, …
    const header = lines[0]!.split(",");
    const row = lines.find((l) => l.startsWith("correct,"))?.split(",");
    assert.ok(row, csv.stdout);
    assert.equal(row[header.indexOf("total")], String(FULL), csv.stdout);
    assert.equal(row[header.findIndex((h) => h.startsWith("max"))], String(FULL), csv.stdout);
  });
});
