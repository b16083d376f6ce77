import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Command } from "../command";
import { parseCommandArgs } from "../args";
import { EXIT } from "../errors";
import { projectPath, projectRoot } from "../project";
import { locateKernel, locateTslab, type TslabLocation } from "../kernel/locate";
import { KERNEL_NAME, type FoundKernelSpec, findKernelSpec, kernelSpecProblems } from "../jupyter/kernelspec";
import { HOW_TO_GET_JUPYTER, findJupyter, versionOf } from "../jupyter/find";
import { readManifest } from "nncourse";
import { Kernel } from "../kernel/kernel";
import { verifyFile } from "../data/verify";
import { closeInheritedDescriptors, describeTools, findSandboxTools, probeSandbox } from "../sandbox/bubblewrap";
import { describeRuntime } from "../sandbox/runtime";
import { RECOMMENDED_NODE_MAJOR, nodeSupport, supportedList } from "../node/support";
import { NATIVE_ADDONS, tryLoadAddon } from "../node/addons";

type Level = "ok" | "warn" | "problem";

export interface Finding {
  level: Level;
  topic: string;
  message: string;
  fix?: string;
}

/** Which Node runs (the course's kernels and tools run on this one), and whether we support it. */
function checkNode(): Finding {
  const running = `Node.js ${process.version} (${process.execPath})`;
  const install = `install Node.js ${RECOMMENDED_NODE_MAJOR} LTS (nodejs.org, or your package manager), then \`npm install\` and \`npx course setup\` in the project folder.`;
  const support = nodeSupport(process.versions.node);
  switch (support.kind) {
    case "supported":
      return { level: "ok", topic: "node", message: `${running}, a supported release` };
    case "outdated":
      return {
        level: "problem",
        topic: "node",
        message: `${running} is too old: the course needs ${support.needs} or later of this release.`,
        fix: `update it to ${support.needs} or later, or ${install}`,
      };
    case "too-old":
      return {
        level: "problem",
        topic: "node",
        message: `${running} is too old: the course needs Node.js ${supportedList()}.`,
        fix: install,
      };
    case "untested":
      return {
        level: "warn",
        topic: "node",
        message: `${running} is not a release the course is tested on (Node.js ${supportedList()}); it may work.`,
        fix: `if something fails, ${install}`,
      };
  }
}

/**
 * Each native addon loaded as the course loads it. One built for another Node release
 * (Node upgraded after `npm install`, or the folder shared by two Nodes) fails here
 * with the command that rebuilds it, instead of later inside `course grade`.
 */
function checkNativeAddons(): Finding[] {
  return NATIVE_ADDONS.map((addon): Finding => {
    const failure = tryLoadAddon(addon, { projectDir: projectRoot() });
    return failure
      ? { level: "problem", topic: "addons", message: `${failure.problem}.`, fix: failure.fix }
      : { level: "ok", topic: "addons", message: `${addon} loads in Node.js ${process.version}` };
  });
}

function checkBuild(): Finding {
  const missing = [projectPath("lib", "dist", "index.js"), projectPath("lib", "dist", "index.d.ts")].filter((f) => !fs.existsSync(f));
  return missing.length === 0
    ? { level: "ok", topic: "library", message: "the nncourse library is built (lib/dist)" }
    : {
        level: "problem",
        topic: "library",
        message: `the nncourse library is not built: ${missing.map((f) => path.relative(projectPath(), f)).join(", ")} missing.`,
        fix: "run `npm run build` (or `npm install`) in the project folder.",
      };
}

/** This project's tslab, or undefined when it is not installed (checkTslab reports that). */
function projectTslab(): TslabLocation | undefined {
  try {
    return locateTslab(projectRoot());
  } catch {
    return undefined;
  }
}

async function checkTslab(tslab: TslabLocation | undefined): Promise<Finding> {
  if (!tslab)
    return {
      level: "problem",
      topic: "tslab",
      message: "tslab is not installed in this project.",
      fix: "run `npm install` in the project folder.",
    };
  const reported = await versionOf(process.execPath, [tslab.script, "--version"]);
  return reported
    ? { level: "ok", topic: "tslab", message: `tslab ${tslab.version} runs (${tslab.script})` }
    : {
        level: "problem",
        topic: "tslab",
        message: `tslab ${tslab.version} is installed but \`tslab --version\` failed.`,
        fix: "reinstall it: `rm -rf node_modules && npm install`.",
      };
}

/**
 * Starts the course's kernel the way Jupyter would (node plus the kernel's script) and
 * runs a cell that imports the library: proof that a notebook can run, not just that
 * files exist.
 */
async function checkKernelRuns(): Promise<Finding> {
  const fix =
    "run `npm install` again, then `npx course setup`; `npx course run notebooks/01-mcculloch-pitts.ipynb` shows the kernel's own error.";
  let kernel: Kernel | undefined;
  try {
    const started = Date.now();
    kernel = await Kernel.start({ cwd: projectPath("notebooks"), startTimeoutMs: 30_000 });
    const outcome = await kernel.execute(
      'import { mcpAnd } from "nncourse";\nconst ok: number = mcpAnd().fire([1, 1]);\nif (ok !== 1) throw new Error("AND(1, 1) should be 1");',
    );
    if (outcome.kind === "died")
      return {
        level: "problem",
        topic: "kernel",
        message: `the kernel died while running a test cell: ${outcome.exit.log.trim().split("\n").pop() ?? ""}`,
        fix,
      };
    const status = outcome.reply.status;
    if (status !== "ok")
      return {
        level: "problem",
        topic: "kernel",
        message: `the kernel could not run a cell that imports nncourse (reply: ${status}).`,
        fix,
      };
    return {
      level: "ok",
      topic: "kernel",
      message: `the kernel starts and runs a cell that imports nncourse (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    };
  } catch (error) {
    return { level: "problem", topic: "kernel", message: `the kernel did not start: ${(error as Error).message.split("\n")[0]}`, fix };
  } finally {
    await kernel?.shutdown().catch(() => kernel?.kill());
  }
}

/** The course's kernel script, or undefined when it is not built (checkKernelRuns reports that). */
function ourKernelScript(): string | undefined {
  try {
    return locateKernel().script;
  } catch {
    return undefined;
  }
}

function checkKernelSpec(found: FoundKernelSpec | undefined): Finding {
  const fix = "run `npx course setup` in the project folder.";
  if (!found)
    return {
      level: "problem",
      topic: "kernel",
      message: `no Jupyter kernel named "${KERNEL_NAME}" is registered, so Jupyter cannot run the notebooks.`,
      fix,
    };
  if (found.error || !found.spec)
    return { level: "problem", topic: "kernel", message: `the kernel spec is unreadable: ${found.error}`, fix };
  const problems = kernelSpecProblems(found.spec);
  if (problems.length > 0)
    return { level: "problem", topic: "kernel", message: `the kernel spec at ${found.dir} is broken: ${problems.join("; ")}.`, fix };
  const kernel = ourKernelScript();
  const ours = kernel !== undefined && found.spec.argv.includes(kernel);
  return ours
    ? { level: "ok", topic: "kernel", message: `kernel "${KERNEL_NAME}" is registered at ${found.dir} and starts this project's kernel` }
    : {
        level: "warn",
        topic: "kernel",
        message: `kernel "${KERNEL_NAME}" at ${found.dir} starts ${found.spec.argv.slice(0, 2).join(" ")}, not this project's kernel: notebooks there may not find the course or report their errors as Jupyter errors.`,
        fix: "run `npx course setup` to point it at this project.",
      };
}

async function checkJupyter(): Promise<Finding[]> {
  const found = findJupyter();
  const findings: Finding[] = [];
  if (found.lab)
    findings.push({
      level: "ok",
      topic: "jupyter",
      message: `JupyterLab ${(await versionOf(found.lab)) ?? "(version unknown)"} (${found.lab})`,
    });
  if (found.notebook)
    findings.push({
      level: "ok",
      topic: "jupyter",
      message: `Jupyter Notebook ${(await versionOf(found.notebook)) ?? "(version unknown)"} (${found.notebook})`,
    });
  if (!found.lab && !found.notebook) {
    findings.push({
      level: "warn",
      topic: "jupyter",
      message: "no Jupyter front end found (jupyter-lab or jupyter-notebook on PATH). `npm start` will run the course headless instead.",
      fix: `install one:\n       ${HOW_TO_GET_JUPYTER}`,
    });
  }
  if (found.nbconvert) findings.push({ level: "ok", topic: "jupyter", message: `nbconvert found (${found.nbconvert})` });
  return findings;
}

async function checkTensorFlow(): Promise<Finding[]> {
  try {
    const { useBestBackend } = require("nncourse/dist/tf/backend") as typeof import("nncourse/dist/tf/backend");
    const report = await useBestBackend();
    const findings: Finding[] = [
      {
        level: "ok",
        topic: "tfjs",
        message: `TensorFlow.js will use ${report.rungs.find((r) => r.rung === report.rung)?.label}${report.forced ? " (forced by NNCOURSE_TF_BACKEND)" : ""}`,
      },
    ];
    for (const r of report.rungs) {
      if (r.status === "failed") {
        findings.push({
          level: "warn",
          topic: "tfjs",
          message: `${r.label} is installed but failed to load: ${r.detail}`,
          fix:
            r.rung === "gpu"
              ? "it needs CUDA 11.2 and cuDNN 8.1 on the library path; or uninstall it to silence this."
              : "reinstall it where its libtensorflow download can run.",
        });
      }
    }
    const natives = report.rungs.filter((r) => (r.rung === "gpu" || r.rung === "node") && r.status === "not installed");
    if (natives.length === 2 && !report.forced) {
      findings.push({
        level: "ok",
        topic: "tfjs",
        message:
          "native backends are optional and not installed (they download libtensorflow at install time): `npx course tf install node` adds the faster CPU one where the network allows (`gpu` the CUDA one)",
      });
    }
    return findings;
  } catch (error) {
    return [
      {
        level: "problem",
        topic: "tfjs",
        message: `TensorFlow.js cannot start: ${(error as Error).message}`,
        fix: "run `npm install` again; if you set NNCOURSE_TF_BACKEND, unset it.",
      },
    ];
  }
}

/** Which kernels the library's from-scratch networks compute on here (lib/core/kernels.ts). */
export function checkCore(): Finding {
  const { kernelInfo, relaxedSimdAvailable } = require("nncourse/dist/core/kernels") as typeof import("nncourse/dist/core/kernels");
  const info = kernelInfo();
  const threads = `${info.threads} thread${info.threads > 1 ? "s" : ""}`;
  if (info.backend === "js") {
    return {
      level: "warn",
      topic: "core",
      message: `the from-scratch networks compute on the JavaScript fallback, about ten times slower: ${info.reason}`,
      fix: info.wasmSimd ? "unset NNCOURSE_KERNELS." : "use a Node.js release with WebAssembly SIMD (every supported one has it).",
    };
  }
  if (info.relaxedSimd) {
    return {
      level: "ok",
      topic: "core",
      message: `the from-scratch networks compute on WebAssembly SIMD with relaxed multiply-add, ${threads}`,
    };
  }
  const why = !relaxedSimdAvailable()
    ? `Node.js ${process.version} has no relaxed SIMD, with which Node 22 and later compute about 1.5 times faster (Node 20 has it with --experimental-wasm-relaxed-simd)`
    : process.env.NNCOURSE_RELAXED_SIMD?.trim() === "0"
      ? "NNCOURSE_RELAXED_SIMD=0 turns relaxed SIMD off"
      : "relaxed SIMD is turned off (configureKernels({ relaxedSimd: false }))";
  return { level: "ok", topic: "core", message: `the from-scratch networks compute on WebAssembly SIMD, ${threads}: ${why}` };
}

/**
 * Each dataset verified where the library would load it from. A dataset not fetched
 * yet is a warning (only the notebooks that use it need it); a bad checksum is a problem.
 */
function checkDatasets(): Finding[] {
  let datasets;
  try {
    datasets = readManifest().datasets;
  } catch (error) {
    return [
      {
        level: "problem",
        topic: "data",
        message: `the dataset manifest cannot be read: ${(error as Error).message}`,
        fix: "restore data/manifest.json from the repository (`git checkout data/manifest.json`).",
      },
    ];
  }
  return datasets.map((dataset): Finding => {
    const outcomes = dataset.files.map((entry) => verifyFile(dataset, entry));
    const bad = outcomes.find((o) => o.status === "mismatch");
    if (bad) return { level: "problem", topic: "data", message: `${dataset.name}: ${bad.file} ${bad.message}`, fix: bad.fix };
    const missing = outcomes.filter((o) => o.status === "missing");
    const [firstMissing] = missing;
    if (firstMissing !== undefined) {
      return {
        level: "warn",
        topic: "data",
        message: `${dataset.name}: ${missing.length} of ${outcomes.length} file(s) not fetched yet (${missing.map((o) => o.file).join(", ")}).`,
        fix: firstMissing.fix ?? `run \`npx course data fetch ${dataset.name}\`.`,
      };
    }
    return { level: "ok", topic: "data", message: `${dataset.name}: ${outcomes.length} file(s) present and verified` };
  });
}

/**
 * The grading sandbox: only `course grade` needs it (learners, `course check` and the
 * course itself do not), so its absence is a warning. Where bubblewrap is there, an
 * empty sandbox with the real runtime is started, as `course grade` does before its
 * first submission.
 */
async function checkSandbox(): Promise<Finding> {
  const found = findSandboxTools();
  if (!found.ok) return { level: "warn", topic: "sandbox", message: `${found.problem} Only \`course grade\` needs it.`, fix: found.fix };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-doctor-"));
  try {
    // As course grade does first: descriptors inherited from whatever started us stay out.
    closeInheritedDescriptors();
    const probe = await probeSandbox(found.tools, describeRuntime(projectRoot(), work), work);
    return probe.ok
      ? {
          level: "ok",
          topic: "sandbox",
          message: `course grade runs each kernel in a sandbox (${describeTools(found.tools)}), with no network and a read-only runtime`,
        }
      : {
          level: "problem",
          topic: "sandbox",
          message: `bubblewrap ${found.tools.version} is installed but cannot start a sandbox here: ${probe.problem}`,
          fix: "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 the AppArmor profile for bwrap), run the grader as root, or, in a container, give it the right to create namespaces.",
        };
  } catch (error) {
    return { level: "problem", topic: "sandbox", message: `the grading sandbox could not be checked: ${(error as Error).message}` };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Every check, in the order they are printed. */
export async function diagnose(): Promise<Finding[]> {
  const tslab = projectTslab();
  const found = findKernelSpec();
  // The checks that run the library (the kernel, TensorFlow.js, the datasets, the sandbox) need it built.
  const node = checkNode();
  const build = checkBuild();
  const findings: Finding[] = [node, build, await checkTslab(tslab), checkKernelSpec(found)];
  if (build.level === "ok" && ourKernelScript() !== undefined) findings.push(await checkKernelRuns());
  findings.push(...checkNativeAddons());
  findings.push(...(await checkJupyter()));
  if (build.level === "ok") findings.push(checkCore(), ...(await checkTensorFlow()), ...checkDatasets(), await checkSandbox());
  return findings;
}

const MARK: Record<Level, string> = { ok: "ok  ", warn: "warn", problem: "FAIL" };

export const doctorCommand: Command = {
  name: "doctor",
  summary: "check node, its native addons, the kernel, Jupyter, TensorFlow.js, the datasets and the grading sandbox, with fixes",
  help: `usage: course doctor

Checks everything the course needs and says how to fix what is wrong:
  node       which Node.js runs, and whether it is a supported release (${supportedList()})
  addons     the native addons (better-sqlite3, zeromq) load in this Node, or how to rebuild them
  library    the nncourse library is built
  tslab      the project's tslab runs
  kernel     a Jupyter kernel spec "${KERNEL_NAME}" is registered and starts this project's kernel
  jupyter    JupyterLab / Notebook / nbconvert found or not, and how to get them
  core       the kernels the library's own networks compute on (WebAssembly SIMD, relaxed or not, threads)
  tfjs       the TensorFlow.js backend that will be used, and why faster ones are not
  data       the datasets are present and their checksums verify
  sandbox    the operating-system sandbox course grade runs kernels in (bubblewrap)

exit codes: 0 no problems (warnings allowed), 1 at least one problem`,

  async run(argv) {
    parseCommandArgs("doctor", argv, {}, { positionals: false });
    const findings = await diagnose();
    for (const f of findings) {
      console.log(`[${MARK[f.level]}] ${f.topic.padEnd(8)} ${f.message}`);
      if (f.fix && f.level !== "ok") console.log(`       fix: ${f.fix}`);
    }
    const problems = findings.filter((f) => f.level === "problem").length;
    const warnings = findings.filter((f) => f.level === "warn").length;
    console.log(
      problems === 0
        ? `\nNo problems${warnings ? ` (${warnings} warning${warnings > 1 ? "s" : ""})` : ""}.`
        : `\n${problems} problem${problems > 1 ? "s" : ""} to fix.`,
    );
    return problems === 0 ? EXIT.ok : EXIT.failed;
  },
};
