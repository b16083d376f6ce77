// The relaxed kernels run on every supported Node: Node 22 and later have relaxed SIMD
// on by default, and the library turns on Node 20's flag for it (kernels.ts).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { Matrix, configureKernels, kernelsReady, relaxedSimdAvailable, type DType } from "../../lib/core";
import { gemmModuleBytes } from "../../lib/core/wasm/gemm-module";
import { checkAll, operands, prng, product, type Variant } from "../helpers/products";
import { byDesign } from "../helpers/skip";

after(() => {
  configureKernels();
});

const projectRoot = path.resolve(__dirname, "../..");

function bits(m: Matrix): string {
  return createHash("sha256")
    .update(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength))
    .digest("hex");
}

test("the relaxed-SIMD kernels are used by default where the engine has them, and NNCOURSE_RELAXED_SIMD=0 turns them off", () => {
  assert.equal(relaxedSimdAvailable(), true, "every supported Node validates relaxed SIMD (Node 20 once the library has set its flag)");
  const saved = process.env.NNCOURSE_RELAXED_SIMD;
  try {
    delete process.env.NNCOURSE_RELAXED_SIMD;
    assert.equal(configureKernels({ threads: 1 }).relaxedSimd, true);
    process.env.NNCOURSE_RELAXED_SIMD = "0";
    assert.equal(configureKernels({ threads: 1 }).relaxedSimd, false);
    process.env.NNCOURSE_RELAXED_SIMD = "yes";
    assert.throws(() => configureKernels({ threads: 1 }), /NNCOURSE_RELAXED_SIMD is "yes"; set it to 0 or 1/);
    assert.equal(configureKernels({ threads: 1, relaxedSimd: true }).relaxedSimd, true, "an explicit option wins over the variable");
    assert.equal(configureKernels({ backend: "js", relaxedSimd: true }).relaxedSimd, false, "the JavaScript kernels never use it");
  } finally {
    if (saved === undefined) delete process.env.NNCOURSE_RELAXED_SIMD;
    else process.env.NNCOURSE_RELAXED_SIMD = saved;
  }
});

test("relaxed-SIMD products match the triple loop: one thread", () => {
  assert.equal(configureKernels({ threads: 1, relaxedSimd: true }).relaxedSimd, true);
  checkAll("relaxed, 1 thread");
});

test("relaxed-SIMD products match the triple loop: helper threads", async () => {
  configureKernels({ threads: 3, relaxedSimd: true });
  assert.equal((await kernelsReady()).relaxedSimd, true);
  checkAll("relaxed, 3 threads");
});

test("each kernel gives the same bits on every call and on any thread count (seeded results repeat exactly)", async () => {
  // Shapes of the benchmark network's products, big enough to be shared between threads.
  const cases: [Variant, number, number, number][] = [
    ["nn", 128, 300, 784],
    ["tn", 784, 300, 128],
    ["nt", 128, 300, 100],
    ["nn", 130, 37, 90],
  ];
  for (const relaxedSimd of [false, true]) {
    for (const dtype of ["float32", "float64"] as DType[]) {
      const rand = prng(21);
      const inputs = cases.map(([v, m, n, k]) => operands(v, m, n, k, dtype, rand));
      const run = () => cases.map(([v], i) => bits(product[v](...inputs[i]!)));
      configureKernels({ threads: 1, relaxedSimd });
      const firstCall = run(); // the engine's first compile tier
      for (let r = 0; r < 20; r++) run();
      const warm = run(); // after tier-up
      configureKernels({ threads: 3, relaxedSimd });
      await kernelsReady();
      const shared = run();
      const label = `${relaxedSimd ? "relaxed" : "plain"} ${dtype}`;
      assert.deepEqual(warm, firstCall, `${label}: the first call and later calls differ`);
      assert.deepEqual(shared, firstCall, `${label}: one thread and three threads differ`);
    }
  }
});

/**
 * Operands whose first product entry is 2^-24 (float32) or 2^-53 (float64) when each
 * multiply-add rounds once, and exactly 0 when the product is rounded before the add:
 * the entry sums -(1 + 2e) + (1 + e)², and (1 + e)² = 1 + 2e + e² loses its e² when
 * rounded on its own (e = 2^-12 for float32, 2^-27 for float64). For nt the two terms
 * sit 4 apart along k, so that they meet in the same lane of a vector accumulator.
 */
function fusionProbe(variant: Variant, dtype: DType): [Matrix, Matrix, number] {
  const e = dtype === "float32" ? 2 ** -12 : 2 ** -27;
  const m = 16,
    n = 16,
    k = 8;
  const second = variant === "nt" ? (dtype === "float32" ? 4 : 2) : 1;
  const a = Matrix.zeros(variant === "tn" ? k : m, variant === "tn" ? m : k, dtype);
  const b = Matrix.zeros(variant === "nt" ? n : k, variant === "nt" ? k : n, dtype);
  const setA = (p: number, v: number) => (variant === "tn" ? a.set(p, 0, v) : a.set(0, p, v));
  const setB = (p: number, v: number) => (variant === "nt" ? b.set(0, p, v) : b.set(p, 0, v));
  setA(0, -(1 + 2 * e));
  setB(0, 1);
  setA(second, 1 + e);
  setB(second, 1 + e);
  return [a, b, e * e];
}

/** Whether this CPU has fused multiply-add, where that can be told (Linux on x64; arm64 always has it). */
function cpuHasFma(): boolean | undefined {
  if (process.arch === "arm64") return true;
  if (process.arch !== "x64" || process.platform !== "linux") return undefined;
  const flags = /^flags\s*:(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1];
  return flags === undefined ? undefined : flags.split(/\s+/).includes("fma");
}

test("the relaxed kernels fuse multiply and add where the CPU can; the plain kernels never do", () => {
  const fma = cpuHasFma();
  for (const dtype of ["float32", "float64"] as DType[]) {
    for (const variant of ["nn", "tn", "nt"] as Variant[]) {
      const [a, b, fused] = fusionProbe(variant, dtype);
      configureKernels({ threads: 1, relaxedSimd: false });
      assert.equal(product[variant](a, b).get(0, 0), 0, `plain ${variant} ${dtype} must round each product`);
      configureKernels({ threads: 1, relaxedSimd: true });
      const got = product[variant](a, b).get(0, 0);
      if (fma === undefined) assert.ok(got === 0 || got === fused, `relaxed ${variant} ${dtype}: ${got}`);
      else assert.equal(got, fma ? fused : 0, `relaxed ${variant} ${dtype} on a CPU ${fma ? "with" : "without"} FMA`);
    }
  }
});

test("the relaxed-SIMD module differs from the plain one only where it may: it needs the extension", () => {
  const memory = { initialPages: 1, maxPages: 1, shared: false };
  const relaxed = gemmModuleBytes(memory, { relaxedSimd: true });
  const plain = gemmModuleBytes(memory);
  const madd = Buffer.from([0xfd, 0x85, 0x02]); // f32x4.relaxed_madd
  assert.ok(Buffer.from(relaxed).includes(madd), "the relaxed module has f32x4.relaxed_madd");
  assert.ok(!Buffer.from(plain).includes(madd), "the plain module does not");
});

test(
  "asking for relaxed SIMD where the engine lacks it names the Node version and the ways out",
  { skip: Number(process.versions.node.split(".")[0]) >= 22 && byDesign("Node 22 and later always have relaxed SIMD") },
  () => {
    const script = 'require("./lib/core").configureKernels({ relaxedSimd: true });';
    // Node 20 started with the flag turned off: the library leaves it so.
    const r = spawnSync(process.execPath, ["--no-experimental-wasm-relaxed-simd", "--import", "tsx", "-e", script], {
      cwd: projectRoot,
      encoding: "utf8",
    });
    assert.notEqual(r.status, 0);
    assert.match(
      r.stderr,
      /has no WebAssembly relaxed SIMD \(Node 20\.[0-9.]+\); use Node 22 or later, start Node 20 with --experimental-wasm-relaxed-simd, or ask for relaxedSimd: false/,
    );
  },
);
