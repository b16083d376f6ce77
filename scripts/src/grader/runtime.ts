/**
 * The packages (and the datasets) a graded notebook may load, copied out of the project.
 *
 * A submission must not reach the masters, the solutions or the gradebook. If the
 * kernel loaded tslab and "nncourse" from the project, every module path would point
 * into the project (`require.resolve("nncourse")`, `process.argv[1]`), and a symlinked
 * workspace (node_modules/nncourse -> ../lib) even lets `node_modules/nncourse/../notebooks`
 * through a path-prefix check. So the grader builds a runtime folder outside the
 * project that holds only the dependency closure of tslab and the library, as real
 * files (hard links where possible, so building it takes a second or two), with no
 * symbolic links at all, and "nncourse" itself as its package.json and compiled dist/.
 *
 * The runtime is cached under the system temp folder by a key of the lock file and
 * the library's build, and built into a temporary name then renamed, so concurrent
 * runs never see half a runtime.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CourseError, EXIT } from "../errors";
import { GUARD_SOURCE } from "./guard";
import { locateDatasetFile, readManifest } from "nncourse";

export interface Runtime {
  /** The runtime folder: node_modules/ and guard.js, nothing else. */
  dir: string;
  nodeModules: string;
  /** The preload for kernels (see guard.ts). */
  guard: string;
  /** tslab's entry script inside the runtime. */
  tslabScript: string;
}

/** Packages the sandbox never needs, even when the project lists them as dependencies. */
const EXCLUDED = new Set(["better-sqlite3", "nncourse-scripts"]);

/** Finds or builds the runtime for the project at `root`. */
export function ensureRuntime(root: string, cacheDir = os.tmpdir()): Runtime {
  const key = runtimeKey(root);
  const dir = path.join(cacheDir, `nncourse-grader-runtime-${key}`);
  const runtime: Runtime = {
    dir,
    nodeModules: path.join(dir, "node_modules"),
    guard: path.join(dir, "guard.js"),
    tslabScript: path.join(dir, "node_modules", "tslab", "bin", "tslab"),
  };
  if (fs.existsSync(path.join(dir, ".complete"))) return runtime;
  const building = `${dir}.building-${randomBytes(4).toString("hex")}`;
  try {
    buildRuntime(root, building);
    fs.writeFileSync(path.join(building, ".complete"), new Date().toISOString());
    try {
      fs.renameSync(building, dir);
    } catch (error) {
      // Another run finished the same runtime first: use theirs.
      if (!fs.existsSync(path.join(dir, ".complete"))) throw error;
      fs.rmSync(building, { recursive: true, force: true });
    }
  } catch (error) {
    fs.rmSync(building, { recursive: true, force: true });
    throw error;
  }
  return runtime;
}

/** A key that changes when the installed packages or the library build change. */
export function runtimeKey(root: string): string {
  const hash = createHash("sha256");
  for (const file of ["package-lock.json", "lib/package.json"]) {
    const full = path.join(root, file);
    hash.update(fs.existsSync(full) ? fs.readFileSync(full) : Buffer.from(file));
  }
  const dist = path.join(root, "lib", "dist");
  if (!fs.existsSync(path.join(dist, "index.js"))) {
    throw new CourseError("the library is not built (lib/dist/index.js is missing).", "run `npm run build`.", EXIT.missing);
  }
  for (const file of listFiles(dist)) {
    const stat = fs.statSync(path.join(dist, file));
    hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\0`);
  }
  hash.update(GUARD_SOURCE);
  // A dataset fetched (or fetched again) since the runtime was built needs a new one.
  for (const { dataset, file, from } of datasetFiles(root)) {
    const stat = fs.statSync(from);
    hash.update(`${dataset}/${file}\0${stat.size}\0${stat.mtimeMs}\0`);
  }
  return hash.digest("hex").slice(0, 16);
}

function buildRuntime(root: string, dest: string): void {
  const nodeModules = path.join(dest, "node_modules");
  fs.mkdirSync(nodeModules, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  const roots = ["tslab", ...Object.keys(manifest.dependencies ?? {})].filter((name) => !EXCLUDED.has(name));
  for (const dir of dependencyClosure(root, roots)) {
    const relative = path.relative(root, dir);
    copyTree(dir, path.join(dest, relative));
  }
  // The library: its manifest and its build, copied (not linked: a rebuild rewrites files in place).
  const lib = path.join(nodeModules, "nncourse");
  fs.mkdirSync(lib, { recursive: true });
  fs.copyFileSync(path.join(root, "lib", "package.json"), path.join(lib, "package.json"));
  fs.cpSync(path.join(root, "lib", "dist"), path.join(lib, "dist"), { recursive: true, dereference: true, filter: (src) => !src.endsWith(".tsbuildinfo") });
  fs.writeFileSync(path.join(dest, "guard.js"), GUARD_SOURCE);
  linkDatasets(root, dest);
}

/**
 * The datasets a notebook may load, inside the runtime: data/manifest.json and every
 * dataset file found on this machine (the project's download cache or a system copy),
 * as data/cache/<dataset>/<file>. The library finds its data folder by walking up from
 * its own files, so in the runtime it finds this one; the sandbox reads only the
 * runtime, so the project's own data folder (and its path) stays out of sight. A
 * dataset that is not fetched is left out, and a notebook that loads it fails with the
 * library's usual "fetch it with …" message.
 */
function linkDatasets(root: string, dest: string): void {
  const manifestFile = path.join(root, "data", "manifest.json");
  if (!fs.existsSync(manifestFile)) return;
  fs.mkdirSync(path.join(dest, "data", "cache"), { recursive: true });
  fs.copyFileSync(manifestFile, path.join(dest, "data", "manifest.json"));
  for (const { dataset, file, from } of datasetFiles(root)) {
    const to = path.join(dest, "data", "cache", dataset, file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    linkOrCopy(from, to);
  }
}

/** The dataset files of the manifest that are on this machine, where they are. */
function datasetFiles(root: string): Array<{ dataset: string; file: string; from: string }> {
  const manifestFile = path.join(root, "data", "manifest.json");
  if (!fs.existsSync(manifestFile)) return [];
  const manifest = readManifest(manifestFile);
  const found: Array<{ dataset: string; file: string; from: string }> = [];
  for (const dataset of manifest.datasets) {
    for (const entry of dataset.files) {
      try {
        found.push({ dataset: dataset.name, file: entry.name, from: fs.realpathSync(locateDatasetFile(dataset.name, entry.name, manifest).path) });
      } catch {
        // not fetched (or bundled in a package, as iris is): nothing to link
      }
    }
  }
  return found;
}

/**
 * The package folders (absolute, under root/node_modules) that `names` need, found the
 * way node does: each dependency from the folder of the package that asks for it,
 * walking up to root/node_modules. Nested node_modules come along with their parent.
 */
export function dependencyClosure(root: string, names: string[]): string[] {
  const top = path.join(root, "node_modules");
  const found = new Set<string>();
  const queue: Array<{ name: string; from: string; optional: boolean }> = names.map((name) => ({ name, from: root, optional: false }));
  while (queue.length > 0) {
    const { name, from, optional } = queue.shift()!;
    if (EXCLUDED.has(name) || name === "nncourse") continue;
    const dir = resolvePackageDir(name, from, root);
    if (dir === undefined) {
      if (optional) continue;
      throw new CourseError(`the package "${name}" (needed by ${path.relative(root, from) || "the project"}) is not installed.`, "run `npm install`.", EXIT.missing);
    }
    if (found.has(dir)) continue;
    found.add(dir);
    let pkg: { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    try {
      pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    } catch {
      continue;
    }
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false });
    for (const dep of Object.keys({ ...pkg.optionalDependencies, ...pkg.peerDependencies })) queue.push({ name: dep, from: dir, optional: true });
  }
  // Keep only outermost folders: a package inside another's node_modules is copied with it.
  const dirs = [...found].filter((dir) => dir.startsWith(top + path.sep)).sort();
  return dirs.filter((dir) => !dirs.some((other) => other !== dir && dir.startsWith(other + path.sep)));
}

function resolvePackageDir(name: string, from: string, root: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
    if (dir === root || path.dirname(dir) === dir) return undefined;
    dir = path.dirname(dir);
  }
}

/** Copies a folder as hard links (copies across file systems), turning symbolic links into real files. */
function copyTree(src: string, dest: string, depth = 0): void {
  if (depth > 64) throw new CourseError(`the folder ${src} is nested too deeply (a symbolic link loop?).`);
  fs.mkdirSync(dest, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, entry.name);
    const to = path.join(dest, entry.name);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(from); // follows links: the runtime holds their targets, never links
    } catch {
      continue; // a dangling link
    }
    if (stat.isDirectory()) copyTree(entry.isSymbolicLink() ? fs.realpathSync(from) : from, to, depth + 1);
    else if (stat.isFile()) linkOrCopy(entry.isSymbolicLink() ? fs.realpathSync(from) : from, to);
  }
}

function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}
