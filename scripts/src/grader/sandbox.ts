/**
 * Where and how one submission's kernel runs.
 *
 *  - A scratch folder of its own, outside the project, that holds only a `node_modules`
 *    link to the runtime (runtime.ts) and an empty tmp/ folder. The notebook itself is
 *    never written there: the grader sends its cells from memory.
 *  - A scrubbed environment: PATH and locale only, HOME and TMPDIR inside the scratch
 *    folder, so no variable names the project, the masters or the gradebook.
 *  - Node's permission model: the kernel may read its scratch folder, the runtime and
 *    its own connection file, and write only its scratch folder; child processes,
 *    workers and process.binding are refused. The project, the masters, the solutions,
 *    the gradebook, other submissions' folders and /proc/self/mem are all out of reach,
 *    whatever path a student tries.
 *  - A heap cap (--max-old-space-size) and the guard preload (guard.ts).
 *
 * Why the runtime's parent is safe to link to: a path-prefix check lets
 * `scratch/node_modules/x/../..` through, and the OS then walks the real path, up to
 * the runtime folder at most, which holds nothing but packages and the guard.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { scrubbedEnv } from "../kernel/environment";
import { projectRoot } from "../project";
import type { Runtime } from "./runtime";

export interface SandboxLimits {
  /** The kernel's V8 heap limit in MB. */
  memoryMb: number;
}

export interface Sandbox {
  dir: string;
  env: NodeJS.ProcessEnv;
  nodeFlags: string[];
  /** Removes the scratch folder. */
  dispose(): void;
}

/**
 * A parent folder for the scratch folders of one grading run, marked with the grader's
 * process id. A run that is killed cannot remove its folder; the next run does.
 */
export function createRunFolder(): string {
  removeStaleRunFolders();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-grade-"));
  fs.writeFileSync(path.join(dir, "grader.pid"), String(process.pid));
  return dir;
}

function removeStaleRunFolders(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith("nncourse-grade-")) continue;
    const dir = path.join(os.tmpdir(), name);
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
 * The PATH a graded kernel gets: ours, less every folder inside the project or inside a
 * node_modules folder. npm prepends such folders (node_modules/.bin up the tree, its own
 * node-gyp-bin) when it runs a script like `npm test`, and each names where the project
 * lives, which a submission must not learn.
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

export function createSandbox(runtime: Runtime, runFolder: string, name: string, limits: SandboxLimits): Sandbox {
  const dir = fs.mkdtempSync(path.join(runFolder, `${safeName(name)}-`));
  fs.mkdirSync(path.join(dir, "tmp"));
  fs.symlinkSync(runtime.nodeModules, path.join(dir, "node_modules"), "dir");
  const env = scrubbedEnv({
    PATH: sandboxPath(process.env.PATH),
    HOME: dir,
    TMPDIR: path.join(dir, "tmp"),
    TEMP: path.join(dir, "tmp"),
    TMP: path.join(dir, "tmp"),
    // For the guard's orphan check (guard.ts); the kernel may only signal itself anyway.
    NNCOURSE_GRADER_PID: String(process.pid),
  });
  // The kernel's connection file and its parent-watch preload live in a folder the
  // kernel client makes in the grader's temp folder; its name is random, so a pattern
  // is allowed (the kernel cannot list the temp folder to find other kernels' files).
  const kernelFiles = path.join(os.tmpdir(), "nncourse-kernel-*");
  const nodeFlags = [
    `--max-old-space-size=${limits.memoryMb}`,
    "--experimental-permission",
    "--allow-addons", // zeromq, tslab's transport, is a native addon
    `--allow-fs-read=${dir}`,
    `--allow-fs-read=${runtime.dir}`,
    `--allow-fs-read=${kernelFiles}`,
    // cmake-ts (zeromq's loader) asks whether this file exists; Node 20 throws instead of answering no.
    "--allow-fs-read=/etc/alpine-release",
    `--allow-fs-write=${dir}`,
    "--no-warnings=ExperimentalWarning",
    "--require",
    runtime.guard,
  ];
  return {
    dir,
    env,
    nodeFlags,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A folder-name-safe, short form of a submission's name (the folder name is not secret, just tidy). */
export function safeName(name: string): string {
  const ascii = name.normalize("NFKD").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "");
  return (ascii || "submission").slice(0, 40);
}
