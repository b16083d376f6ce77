/**
 * Where and how each submission's kernel runs during one grading run.
 *
 * The boundary is the operating system's (bubblewrap.ts): a kernel sees a read-only
 * runtime, a scratch folder of its own that vanishes with it, no network, no other
 * process, and nothing of the project. Inside it, as a second layer, the kernel runs
 * under Node's permission model (reads limited to the runtime and its own folders,
 * writes to its scratch folder, no child processes, workers or addons from elsewhere)
 * and the guard preload (guard.ts); the second layer is a seat belt, not the boundary.
 *
 * Without bubblewrap, an instructor may grade `--unsandboxed` on purpose: the kernel
 * then runs with the second layer only, from a fresh copy of the runtime in this run's
 * folder, in a scratch folder inside it, connected over loopback TCP. Such runs are
 * marked as such in the summary, the gradebook and the CSV export.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CourseError, EXIT } from "../errors";
import { writeConnectionFile, type ConnectionInfo } from "../kernel/connection";
import { scrubbedEnv } from "../kernel/environment";
import type { KernelLauncher } from "../kernel/kernel";
import { permissionFlags, QUIET_PERMISSION_WARNING, relaxedSimdFlags } from "../kernel/node-flags";
import { projectRoot } from "../project";
import {
  closeInheritedDescriptors,
  findSandboxTools,
  probeSandbox,
  SANDBOX_KERNEL,
  SANDBOX_ROOT,
  SANDBOX_WORK,
  sandboxLauncher,
  type SandboxLimits,
  type SandboxTools,
} from "./bubblewrap";
import { copyRuntime, describeRuntime, RUNTIME_PATHS, type Runtime } from "./runtime";

export type SandboxKind = "bubblewrap" | "none";

export interface KernelLimits {
  /** V8's heap limit in MB. */
  memoryMb: number;
  /** The longest the kernel may live, in ms (start and every cell): it bounds its CPU time. */
  lifetimeMs: number;
  /** The scratch folder's size in MB (the sandbox only). */
  scratchMb: number;
}

/** What runNotebook needs to start one submission's kernel, and how to clean up after it. */
export interface KernelPlan {
  cwd: string;
  env: NodeJS.ProcessEnv;
  nodeFlags: string[];
  /** The kernel's script, when runNotebook starts the kernel itself (no `launch`). */
  kernelScript?: string;
  launch?: KernelLauncher;
  dispose(): void;
}

export interface GradingSandboxOptions {
  kind: SandboxKind;
  projectRoot: string;
  /** Folders no kernel may see even if they lie inside a system folder (masters, submissions, gradebook). */
  hide: string[];
}

export class GradingSandbox {
  private constructor(
    readonly kind: SandboxKind,
    /** This run's private folder (0700): the guard, connection files, and the runtime copy without the sandbox. */
    readonly runFolder: string,
    private readonly runtime: Runtime,
    private readonly tools: SandboxTools | undefined,
    private readonly hide: string[],
  ) {}

  /**
   * Prepares a grading run. With bubblewrap, starts one empty sandbox first, so that a
   * machine where it cannot work fails here, once, with the reason.
   */
  static async open(options: GradingSandboxOptions): Promise<GradingSandbox> {
    let tools: SandboxTools | undefined;
    if (options.kind === "bubblewrap") {
      const found = findSandboxTools();
      if (!found.ok) throw new CourseError(found.problem, found.fix, EXIT.missing);
      tools = found.tools;
      closeInheritedDescriptors();
    }
    const runFolder = createRunFolder();
    try {
      const runtime = describeRuntime(options.projectRoot, runFolder);
      if (tools) {
        const probe = await probeSandbox(tools, runtime, runFolder);
        if (!probe.ok) {
          throw new CourseError(
            `the grading sandbox (bubblewrap ${tools.version}) does not work on this machine: ${probe.problem}`,
            "run `course doctor` for details; a container may need to allow user namespaces, or run the grader as root.",
            EXIT.missing,
          );
        }
      } else {
        copyRuntime({ entries: runtime.entries.filter((e) => e.target !== RUNTIME_PATHS.node) }, path.join(runFolder, "runtime"));
      }
      const hide = [...options.hide, options.projectRoot, os.homedir()];
      return new GradingSandbox(options.kind, runFolder, runtime, tools, hide);
    } catch (error) {
      fs.rmSync(runFolder, { recursive: true, force: true });
      throw error;
    }
  }

  /** The sandbox in one line, for the grading summary. */
  get description(): string {
    return this.tools ? `bubblewrap ${this.tools.version}` : "NONE (--unsandboxed: the kernels ran with Node's permission model only)";
  }

  /** A kernel for one submission; `name` only makes its folder easy to recognize. */
  kernelFor(name: string, limits: KernelLimits): KernelPlan {
    return this.tools ? this.sandboxedKernel(this.tools, name, limits) : this.unsandboxedKernel(name, limits);
  }

  private sandboxedKernel(tools: SandboxTools, name: string, limits: KernelLimits): KernelPlan {
    const dir = fs.mkdtempSync(path.join(this.runFolder, `${safeName(name)}-`));
    const connectionFile = path.join(dir, "connection.json");
    const kernelSide: ConnectionInfo = {
      transport: "ipc",
      ip: `${SANDBOX_KERNEL}/k`,
      shell_port: 1,
      iopub_port: 2,
      stdin_port: 3,
      control_port: 4,
      hb_port: 5,
      key: randomBytes(32).toString("hex"),
      signature_scheme: "hmac-sha256",
    };
    // Readable by the sandbox user through its mount; the folder around it is the grader's alone.
    writeConnectionFile(connectionFile, kernelSide, 0o644);
    const runtimeFile = (relative: string) => `${SANDBOX_ROOT}/${relative}`;
    const nodeFlags = innerLayerFlags(limits.memoryMb, {
      // Not /tmp, although it leads to the scratch folder: TMPDIR names the folder itself,
      // and with /tmp in this list Node 20's permission model lets every path be read.
      read: [
        runtimeFile(RUNTIME_PATHS.nodeModules),
        runtimeFile(RUNTIME_PATHS.data),
        runtimeFile(RUNTIME_PATHS.guard),
        SANDBOX_KERNEL,
        SANDBOX_WORK,
      ],
      write: [SANDBOX_WORK],
      guard: runtimeFile(RUNTIME_PATHS.guard),
    });
    const sandboxLimits: SandboxLimits = {
      // V8's heap, plus WebAssembly memories and buffers (TensorFlow.js keeps tensors there).
      dataMb: limits.memoryMb + 2048,
      scratchMb: limits.scratchMb,
      cpuSeconds: 2 * (limits.lifetimeMs / 1000) + 30,
      processes: 1024,
      files: 4096,
    };
    const env = scrubbedEnv({
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: SANDBOX_WORK,
      TMPDIR: SANDBOX_WORK,
      TEMP: SANDBOX_WORK,
      TMP: SANDBOX_WORK,
    });
    const command = [
      runtimeFile(RUNTIME_PATHS.node),
      ...nodeFlags,
      runtimeFile(RUNTIME_PATHS.kernel),
      "--config-path",
      `${SANDBOX_KERNEL}/connection.json`,
    ];
    const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
    const launch = sandboxLauncher(
      { tools, runtime: this.runtime, connectionFile, hide: this.hide, limits: sandboxLimits, command },
      kernelSide,
      dispose,
    );
    return { cwd: SANDBOX_WORK, env, nodeFlags: [], launch, dispose };
  }

  private unsandboxedKernel(name: string, limits: KernelLimits): KernelPlan {
    const runtimeDir = path.join(this.runFolder, "runtime");
    // Right inside the runtime folder, so that node and tslab find its node_modules one
    // level up (a folder in between would be one the permission model refuses to look in).
    const dir = fs.mkdtempSync(path.join(runtimeDir, `work-${safeName(name)}-`));
    fs.mkdirSync(path.join(dir, "tmp"));
    const env = scrubbedEnv({
      PATH: sandboxPath(process.env.PATH),
      HOME: dir,
      TMPDIR: path.join(dir, "tmp"),
      TEMP: path.join(dir, "tmp"),
      TMP: path.join(dir, "tmp"),
      // For the guard's orphan check (guard.ts); the kernel may only signal itself anyway.
      NNCOURSE_GRADER_PID: String(process.pid),
    });
    const inRuntime = (relative: string) => path.join(runtimeDir, ...relative.split("/"));
    const nodeFlags = innerLayerFlags(limits.memoryMb, {
      // The kernel client's connection file and parent-watch preload are in a folder with a
      // random name under the grader's temp folder, hence a pattern (a kernel cannot list
      // the temp folder to find other kernels' files).
      read: [
        inRuntime(RUNTIME_PATHS.nodeModules),
        inRuntime(RUNTIME_PATHS.data),
        inRuntime(RUNTIME_PATHS.guard),
        dir,
        path.join(os.tmpdir(), "nncourse-kernel-*"),
      ],
      write: [dir],
      guard: inRuntime(RUNTIME_PATHS.guard),
    });
    return {
      cwd: dir,
      env,
      nodeFlags,
      kernelScript: inRuntime(RUNTIME_PATHS.kernel),
      dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }

  /** Removes the run's folder. */
  close(): void {
    fs.rmSync(this.runFolder, { recursive: true, force: true });
  }
}

/**
 * Node's permission model and the guard, as flags: read only `read`, write only `write`,
 * no child processes, workers, WASI or (Node 25+) network; addons are allowed because
 * zeromq, tslab's transport, is one (the guard limits them to the runtime).
 */
function innerLayerFlags(memoryMb: number, access: { read: string[]; write: string[]; guard: string }): string[] {
  return [
    `--max-old-space-size=${memoryMb}`,
    ...relaxedSimdFlags(),
    permissionFlags().enable,
    "--allow-addons",
    ...access.read.map((p) => `--allow-fs-read=${p}`),
    // cmake-ts (zeromq's loader) asks whether this file exists; Node 20 throws instead of answering no.
    "--allow-fs-read=/etc/alpine-release",
    ...access.write.map((p) => `--allow-fs-write=${p}`),
    QUIET_PERMISSION_WARNING,
    "--require",
    access.guard,
  ];
}

/**
 * A private parent folder for one grading run, marked with the grader's process id. A
 * run that is killed cannot remove its folder; the next run does.
 */
export function createRunFolder(): string {
  removeStaleRunFolders();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-grade-"));
  fs.writeFileSync(path.join(dir, "grader.pid"), String(process.pid));
  return dir;
}

function removeStaleRunFolders(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const dir = path.join(os.tmpdir(), name);
    // Earlier versions kept a runtime cache here, which nothing uses any more.
    if (name.startsWith("nncourse-grader-runtime-")) fs.rmSync(dir, { recursive: true, force: true });
    if (!name.startsWith("nncourse-grade-")) continue;
    try {
      const pid = Number(fs.readFileSync(path.join(dir, "grader.pid"), "utf8"));
      if (pid > 0 && !isAlive(pid)) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // not ours, or being created right now: leave it
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The PATH an unsandboxed kernel gets: ours, less every folder inside the project or
 * inside a node_modules folder. npm prepends such folders (node_modules/.bin up the
 * tree, its own node-gyp-bin) when it runs a script like `npm test`, and each names
 * where the project lives, which a submission must not learn.
 */
export function sandboxPath(pathValue: string | undefined, root = projectRoot()): string | undefined {
  if (pathValue === undefined) return undefined;
  const inside = (dir: string) => {
    const rel = path.relative(root, path.resolve(dir));
    return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
  };
  return pathValue
    .split(path.delimiter)
    .filter((dir) => dir !== "" && !inside(dir) && !dir.split(/[\\/]/).includes("node_modules"))
    .join(path.delimiter);
}

/** A folder-name-safe, short form of a submission's name (the folder name is not secret, just tidy). */
export function safeName(name: string): string {
  const ascii = name
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+/, "");
  return (ascii || "submission").slice(0, 40);
}
