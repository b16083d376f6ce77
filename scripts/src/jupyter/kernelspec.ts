import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Jupyter kernel specs, written and read without Python.
 *
 * `tslab install` would do this through Python's jupyter_client, which a learner may
 * not have yet (VS Code, for one, reads kernel specs without any Jupyter install). A
 * kernel spec is just a folder with a kernel.json in one of Jupyter's data folders,
 * so we write it ourselves, in the places jupyter_client looks.
 */

export const KERNEL_NAME = "tslab";

/**
 * How Jupyter knows the course's kernel, in one place: the kernel spec's folder (name),
 * the entry in its kernel menu (display_name) and the language. `course setup` writes
 * the last two into kernel.json; Jupyter copies all three into a notebook's
 * metadata.kernelspec, so the notebooks we write carry them too (kernel-metadata.ts).
 */
export const COURSE_KERNELSPEC = Object.freeze({
  display_name: "TypeScript (nncourse)",
  language: "typescript",
  name: KERNEL_NAME,
});

export interface KernelJson {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode?: "signal" | "message";
  metadata?: Record<string, unknown>;
}

/** The per-user Jupyter data folder, as jupyter_core's jupyter_data_dir() computes it. */
export function userDataDir(env = process.env, platform = process.platform): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  const home = os.homedir();
  if (platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (platform === "win32") return path.join(env.APPDATA ?? path.join(home, "AppData", "Roaming"), "jupyter");
  return path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter");
}

/** Every folder Jupyter searches for kernels, most specific first (JUPYTER_PATH, user, system). */
export function kernelSearchDirs(env = process.env, platform = process.platform): string[] {
  const dataDirs = [
    ...(env.JUPYTER_PATH ? env.JUPYTER_PATH.split(path.delimiter).filter(Boolean) : []),
    userDataDir(env, platform),
    ...(platform === "win32"
      ? [path.join(env.PROGRAMDATA ?? "C:\\ProgramData", "jupyter")]
      : ["/usr/local/share/jupyter", "/usr/share/jupyter"]),
  ];
  return [...new Set(dataDirs.map((d) => path.join(d, "kernels")))];
}

/** Where `course setup` writes: the user's data folder, or PREFIX/share/jupyter. */
export function kernelsDirFor(target: { prefix?: string }, env = process.env): string {
  return target.prefix ? path.join(path.resolve(target.prefix), "share", "jupyter", "kernels") : path.join(userDataDir(env), "kernels");
}

/**
 * The kernel.json for this project's own kernel (lib/kernel, on tslab's engine). The
 * node binary and the kernel's script are absolute, so the kernel starts even when neither is on PATH (e.g. Jupyter started
 * from a desktop launcher).
 */
export function kernelJsonFor(nodeBinary: string, kernelScript: string): KernelJson {
  return {
    argv: [nodeBinary, kernelScript, "--config-path", "{connection_file}"],
    display_name: COURSE_KERNELSPEC.display_name,
    language: COURSE_KERNELSPEC.language,
    interrupt_mode: "signal",
    metadata: { nncourse: true },
  };
}

export interface FoundKernelSpec {
  dir: string;
  file: string;
  spec?: KernelJson;
  error?: string;
}

/** The first kernel spec named `name` along Jupyter's search path, as Jupyter would pick it. */
export function findKernelSpec(name = KERNEL_NAME, env = process.env): FoundKernelSpec | undefined {
  for (const kernels of kernelSearchDirs(env)) {
    const dir = path.join(kernels, name);
    const file = path.join(dir, "kernel.json");
    if (!fs.existsSync(file)) continue;
    try {
      const spec: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
      if (typeof spec !== "object" || spec === null || Array.isArray(spec)) return { dir, file, error: `${file} is not a JSON object` };
      return { dir, file, spec: spec as KernelJson };
    } catch (error) {
      return { dir, file, error: `cannot read ${file}: ${(error as Error).message}` };
    }
  }
  return undefined;
}

export type InstallOutcome = "created" | "updated" | "unchanged";

/** Writes the kernel spec (idempotent); returns what changed and where. */
export function installKernelSpec(
  kernelsDir: string,
  spec: KernelJson,
  name = KERNEL_NAME,
): { outcome: InstallOutcome; file: string; previous?: KernelJson } {
  const dir = path.join(kernelsDir, name);
  const file = path.join(dir, "kernel.json");
  const text = JSON.stringify(spec, null, 1) + "\n";
  let previous: KernelJson | undefined;
  const existed = fs.existsSync(file);
  if (existed) {
    const old = fs.readFileSync(file, "utf8");
    if (old === text) return { outcome: "unchanged", file };
    try {
      previous = JSON.parse(old) as KernelJson;
    } catch {
      previous = undefined;
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  // Written beside and renamed, so Jupyter never reads a half-written spec.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
  return { outcome: existed ? "updated" : "created", file, previous };
}

/** Problems that keep a kernel spec from starting this project's kernel, as readable sentences. */
export function kernelSpecProblems(spec: KernelJson): string[] {
  // kernel.json is a file anyone may have edited, so its argv is checked, not trusted: an
  // entry that is not a string would make the path checks below throw.
  const argv: unknown = spec.argv;
  if (!Array.isArray(argv) || argv.length < 2) return ["its argv is empty"];
  if (!isCommandLine(argv)) return [`its argv ${JSON.stringify(argv)} holds something other than strings`];
  const [program, script] = argv;
  const problems: string[] = [];
  if (path.isAbsolute(program) && !fs.existsSync(program)) problems.push(`its program ${program} does not exist`);
  if (path.isAbsolute(script) && /\.js$|[\\/]bin[\\/]tslab$/.test(script) && !fs.existsSync(script))
    problems.push(`its kernel script ${script} does not exist`);
  if (!argv.includes("{connection_file}")) problems.push("its argv lacks {connection_file}");
  return problems;
}

/** A program and at least one argument, all strings. */
function isCommandLine(argv: unknown[]): argv is [string, string, ...string[]] {
  return argv.length >= 2 && argv.every((arg) => typeof arg === "string");
}
