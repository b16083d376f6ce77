/**
 * The TensorFlow.js backend ladder: use the fastest backend that actually works here.
 *
 *   1. "tensorflow" from @tensorflow/tfjs-node-gpu  (native libtensorflow with CUDA)
 *   2. "tensorflow" from @tensorflow/tfjs-node      (native libtensorflow on the CPU)
 *   3. "wasm"  from @tensorflow/tfjs-backend-wasm  (WebAssembly with SIMD; the default install)
 *   4. "cpu"   built into @tensorflow/tfjs         (plain JavaScript, always there)
 *
 * The native packages download libtensorflow when they install, so the default install
 * leaves them out; where the network allows, `npx course tf install node` (or `gpu`,
 * which also needs CUDA 11.2 and cuDNN 8.1) adds them and this ladder picks them up. Set NNCOURSE_TF_BACKEND to gpu, node, wasm or cpu to force one rung.
 */
import path from "node:path";
import fs from "node:fs";

export type RungName = "gpu" | "node" | "wasm" | "cpu";

export interface RungReport {
  rung: RungName;
  /** What the rung is, for people. */
  label: string;
  status: "in use" | "not installed" | "failed" | "skipped" | "not tried";
  detail?: string;
}

export interface BackendReport {
  /** The rung in use. */
  rung: RungName;
  /** tf.getBackend() after selection: "tensorflow", "wasm" or "cpu". */
  backend: string;
  forced: boolean;
  rungs: RungReport[];
}

type Tf = typeof import("@tensorflow/tfjs");

const LABELS: Record<RungName, string> = {
  gpu: "@tensorflow/tfjs-node-gpu (CUDA)",
  node: "@tensorflow/tfjs-node (native CPU)",
  wasm: "@tensorflow/tfjs-backend-wasm (WebAssembly SIMD)",
  cpu: "plain JavaScript cpu backend",
};
const ORDER: RungName[] = ["gpu", "node", "wasm", "cpu"];

/**
 * Whether a native tfjs package is really installed. The project's npm overrides alias
 * `@tensorflow/tfjs-node` to plain `@tensorflow/tfjs` (danfojs-node depends on the
 * native package, which cannot install offline), so resolving the name is not enough:
 * the package.json found must carry the native package's own name.
 */
function nativePackageInstalled(name: string): boolean {
  try {
    const pkg = JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { name?: string };
    return pkg.name === name;
  } catch {
    return false;
  }
}

function forcedRung(): RungName | undefined {
  const value = process.env.NNCOURSE_TF_BACKEND?.trim().toLowerCase();
  if (!value) return undefined;
  if ((ORDER as string[]).includes(value)) return value as RungName;
  throw new Error(
    `NNCOURSE_TF_BACKEND is "${process.env.NNCOURSE_TF_BACKEND}"; use one of ${ORDER.join(", ")}, or unset it to pick automatically.`,
  );
}

async function tryRung(tf: Tf, rung: RungName): Promise<void> {
  if (rung === "gpu" || rung === "node") {
    const name = rung === "gpu" ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
    if (!nativePackageInstalled(name)) throw Object.assign(new Error(`${name} is not installed`), { notInstalled: true });
    require(name); // registers the "tensorflow" backend; throws when libtensorflow or CUDA is missing
    if (!(await tf.setBackend("tensorflow"))) throw new Error("the tensorflow backend did not initialise");
    return;
  }
  if (rung === "wasm") {
    let wasm: typeof import("@tensorflow/tfjs-backend-wasm");
    try {
      wasm = require("@tensorflow/tfjs-backend-wasm");
    } catch {
      throw Object.assign(new Error("@tensorflow/tfjs-backend-wasm is not installed"), { notInstalled: true });
    }
    // In Node the .wasm files are read from disk, from the package's own dist folder.
    const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
    wasm.setWasmPaths(dist + path.sep);
    if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend did not initialise");
    return;
  }
  if (!(await tf.setBackend("cpu"))) throw new Error("the cpu backend did not initialise");
}

let selected: Promise<BackendReport> | undefined;

/**
 * Picks the backend once per process (later calls return the same report) and makes
 * it tf's current backend.
 */
export function useBestBackend(): Promise<BackendReport> {
  selected ??= selectBackend();
  return selected;
}

async function selectBackend(): Promise<BackendReport> {
  const tf: Tf = require("@tensorflow/tfjs");
  const forced = forcedRung();
  const rungs: RungReport[] = [];
  const candidates = forced ? [forced] : ORDER;
  for (const rung of ORDER) {
    if (!candidates.includes(rung)) {
      rungs.push({ rung, label: LABELS[rung], status: "skipped", detail: `NNCOURSE_TF_BACKEND=${forced}` });
    }
  }
  for (const rung of candidates) {
    try {
      await tryRung(tf, rung);
      rungs.push({ rung, label: LABELS[rung], status: "in use" });
      for (const later of ORDER.slice(ORDER.indexOf(rung) + 1)) {
        if (!rungs.some((r) => r.rung === later)) rungs.push({ rung: later, label: LABELS[later], status: "not tried" });
      }
      rungs.sort((a, b) => ORDER.indexOf(a.rung) - ORDER.indexOf(b.rung));
      return { rung, backend: tf.getBackend(), forced: forced !== undefined, rungs };
    } catch (error) {
      const e = error as Error & { notInstalled?: boolean };
      rungs.push({ rung, label: LABELS[rung], status: e.notInstalled ? "not installed" : "failed", detail: e.message.split("\n")[0] });
    }
  }
  const why = rungs.map((r) => `${r.label}: ${r.status}${r.detail ? ` (${r.detail})` : ""}`).join("; ");
  throw new Error(`no TensorFlow.js backend could start: ${why}`);
}

/** One line per rung, for reports: what is in use, and why each faster rung is not. */
export function describeBackendReport(report: BackendReport): string {
  return report.rungs
    .map((r) => `${r.status === "in use" ? "→" : " "} ${r.label}: ${r.status}${r.detail ? ` — ${r.detail}` : ""}`)
    .join("\n");
}
