/**
 * What a graded kernel may load: node, tslab, the library and their dependencies, and
 * the datasets, laid out as one small tree that names nothing of the project.
 *
 *   bin/node                      the node that runs the course tools
 *   node_modules/<package>        the dependency closure of tslab and the library
 *   node_modules/nncourse/        the library: its package.json and compiled dist/
 *   data/manifest.json            the dataset manifest
 *   data/cache/<dataset>/<file>   every dataset file found on this machine
 *   guard.js                      the kernel's preload (guard.ts)
 *
 * The layout is a list of (file or folder on this machine, place in the tree). The
 * bubblewrap sandbox mounts each entry read-only at its place under /course, so nothing
 * is copied and nothing a kernel does can change the project: the mounts are read-only
 * and the kernel runs as another user. Without the sandbox (`course grade
 * --unsandboxed`), the tree is copied, never hard-linked, into the run's own folder,
 * fresh for every run and removed after it, so a run never inherits what an earlier one
 * may have changed.
 *
 * Why a tree of its own rather than the project's node_modules: module paths are
 * visible to a notebook (`require.resolve("nncourse")`, `process.argv`), and the
 * project's own tree would name the project's folder, links into lib/ included.
 */
import fs from "node:fs";
import path from "node:path";
import { CourseError, EXIT } from "../errors";
import { builtToolFile } from "../built-files";
import { locateDatasetFile, readManifest } from "nncourse";

/** One entry of the runtime: `source` on this machine appears at `target` (relative, "/"-separated). */
export interface RuntimeEntry {
  source: string;
  target: string;
}

export interface Runtime {
  entries: RuntimeEntry[];
}

/** The runtime's entry points, relative to its root. */
export const RUNTIME_PATHS = {
  node: "bin/node",
  nodeModules: "node_modules",
  data: "data",
  guard: "guard.js",
  /** The course's kernel (lib/kernel), inside the library. */
  kernel: "node_modules/nncourse/dist/kernel/main.js",
} as const;

/** Packages the sandbox never needs, even when the project lists them as dependencies. */
const EXCLUDED = new Set(["better-sqlite3", "nncourse-scripts"]);

/**
 * The runtime of the project at `root`. The guard preload (built from guard.ts) is
 * copied into `workDir`, the grading run's private folder, so that every kernel of the
 * run gets the guard as it was when the run began, whatever a rebuild does meanwhile.
 */
export function describeRuntime(root: string, workDir: string): Runtime {
  const dist = path.join(root, "lib", "dist");
  if (!fs.existsSync(path.join(dist, "index.js"))) {
    throw new CourseError("the library is not built (lib/dist/index.js is missing).", "run `npm run build`.", EXIT.missing);
  }
  const guard = path.join(workDir, "guard.js");
  fs.writeFileSync(guard, fs.readFileSync(builtToolFile("sandbox/guard.js")), { mode: 0o644 });
  const entries: RuntimeEntry[] = [
    { source: runningNode(), target: RUNTIME_PATHS.node },
    { source: guard, target: RUNTIME_PATHS.guard },
  ];
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  const roots = ["tslab", ...Object.keys(manifest.dependencies ?? {})].filter((name) => !EXCLUDED.has(name));
  for (const dir of dependencyClosure(root, roots)) {
    entries.push({ source: dir, target: toPosix(path.relative(root, dir)) });
  }
  entries.push(
    { source: path.join(root, "lib", "package.json"), target: "node_modules/nncourse/package.json" },
    { source: dist, target: "node_modules/nncourse/dist" },
  );
  entries.push(...datasetEntries(root));
  return { entries };
}

/** The node binary running the course tools, by its real path: the sandbox mounts it as bin/node. */
function runningNode(): string {
  try {
    return fs.realpathSync(process.execPath);
  } catch (error) {
    throw new CourseError(
      `the Node running the course tools (${process.execPath}) cannot be read by this user (${(error as NodeJS.ErrnoException).code ?? String(error)}), so the sandbox cannot run it.`,
      "install Node where this user can read it, or grade as the user who installed it.",
      EXIT.missing,
    );
  }
}

/**
 * The datasets a notebook may load: data/manifest.json and every dataset file found on
 * this machine (the project's download cache or a system copy), as
 * data/cache/<dataset>/<file>. The library finds its data folder by walking up from its
 * own files, so in the runtime it finds this one. A dataset that is not fetched is left
 * out, and a notebook that loads it fails with the library's usual "fetch it with …".
 */
function datasetEntries(root: string): RuntimeEntry[] {
  const manifestFile = path.join(root, "data", "manifest.json");
  if (!fs.existsSync(manifestFile)) return [];
  const entries: RuntimeEntry[] = [{ source: manifestFile, target: "data/manifest.json" }];
  const manifest = readManifest(manifestFile);
  for (const dataset of manifest.datasets) {
    for (const file of dataset.files) {
      try {
        const source = fs.realpathSync(locateDatasetFile(dataset.name, file.name, manifest).path);
        entries.push({ source, target: `data/cache/${dataset.name}/${file.name}` });
      } catch {
        // not fetched (or bundled in a package, as iris is): nothing to add
      }
    }
  }
  return entries;
}

/**
 * Copies the runtime into `dest` (for runs without the sandbox): real copies, never
 * links, symbolic links replaced by what they point to. Source maps stay behind: they
 * are half the packages' size (TensorFlow.js ships one per bundle) and no kernel reads
 * them.
 */
export function copyRuntime(runtime: Runtime, dest: string): void {
  const wanted = (file: string) => !file.endsWith(".tsbuildinfo") && !file.endsWith(".js.map");
  for (const { source, target } of runtime.entries) {
    const to = path.join(dest, ...target.split("/"));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.cpSync(source, to, { recursive: true, dereference: true, filter: wanted });
  }
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
      throw new CourseError(
        `the package "${name}" (needed by ${path.relative(root, from) || "the project"}) is not installed.`,
        "run `npm install`.",
        EXIT.missing,
      );
    }
    if (found.has(dir)) continue;
    found.add(dir);
    let pkg: {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    try {
      pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    } catch {
      continue;
    }
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false });
    for (const dep of Object.keys({ ...pkg.optionalDependencies, ...pkg.peerDependencies }))
      queue.push({ name: dep, from: dir, optional: true });
  }
  // Keep only outermost folders: a package inside another's node_modules comes with it.
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

function toPosix(relative: string): string {
  return relative.split(path.sep).join("/");
}
