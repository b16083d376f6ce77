/**
 * The course's packages, visible from a notebook in any folder.
 *
 * Jupyter starts a kernel in the notebook's own folder, and both halves of tslab look
 * for packages from there: TypeScript resolves `import … from "nncourse"` by walking up
 * through node_modules folders, and the compiled cell's `require` does the same. A
 * notebook downloaded to ~/Downloads has no course above it, so every cell failed with
 * "Cannot find module 'nncourse'". The kernel therefore adds the course's own
 * node_modules as a last resort for both: Node's NODE_PATH for `require`, and for the
 * compiler a view of the file system in which a package missing from the notebook's
 * folder is read from the course. A package the notebook's folder does have (a learner's
 * own project) still wins, as it would in plain Node.
 */
import Module from "node:module";
import path from "node:path";

/** The file-system functions TypeScript's module resolution goes through (ts.sys). */
export interface CompilerFileSystem {
  fileExists(file: string): boolean;
  readFile(file: string, encoding?: string): string | undefined;
  directoryExists(dir: string): boolean;
  getDirectories(dir: string): string[];
  realpath?(file: string): string;
  readDirectory(
    dir: string,
    extensions?: readonly string[],
    exclude?: readonly string[],
    include?: readonly string[],
    depth?: number,
  ): string[];
}

/**
 * Maps `<notebook folder>/node_modules/<package>/…` to `<course>/node_modules/<package>/…`
 * when the notebook's folder has no such package and the course has. Everything else
 * is returned unchanged. Paths use "/" (TypeScript normalizes them so).
 */
export function courseFallback(notebookDir: string, courseModules: string, exists: (dir: string) => boolean): (file: string) => string {
  const local = toSlashes(path.join(notebookDir, "node_modules")) + "/";
  const course = toSlashes(courseModules) + "/";
  if (local === course) return (file) => file;
  return (file) => {
    if (!file.startsWith(local)) return file;
    const rest = file.slice(local.length);
    const parts = rest.split("/");
    const packageName = parts[0]!.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
    if (packageName === "" || exists(local + packageName)) return file;
    return exists(course + packageName) ? course + rest : file;
  };
}

/**
 * Routes TypeScript's file reads through `map` (see courseFallback). It patches the
 * compiler's `sys` object in place because tslab's converter reads through it and takes
 * no compiler host of ours.
 */
export function redirectCompilerReads(sys: CompilerFileSystem, map: (file: string) => string): void {
  const original = {
    fileExists: sys.fileExists.bind(sys),
    readFile: sys.readFile.bind(sys),
    directoryExists: sys.directoryExists.bind(sys),
    getDirectories: sys.getDirectories.bind(sys),
    realpath: sys.realpath?.bind(sys),
    readDirectory: sys.readDirectory.bind(sys),
  };
  sys.fileExists = (file) => original.fileExists(map(file));
  sys.readFile = (file, encoding) => original.readFile(map(file), encoding);
  sys.directoryExists = (dir) => original.directoryExists(map(dir));
  sys.getDirectories = (dir) => original.getDirectories(map(dir));
  sys.readDirectory = (dir, extensions, exclude, include, depth) => original.readDirectory(map(dir), extensions, exclude, include, depth);
  // The real path of a redirected file is the course's: the compiler then sees one copy
  // of each package, wherever the notebook is.
  if (original.realpath) {
    const realpath = original.realpath;
    sys.realpath = (file) => realpath(map(file));
  }
}

/** Adds `courseModules` to the folders `require` searches last (NODE_PATH), for this process and its children. */
export function addRequireFallback(courseModules: string): void {
  const current = (process.env.NODE_PATH ?? "").split(path.delimiter).filter(Boolean);
  if (current.includes(courseModules)) return;
  process.env.NODE_PATH = [...current, courseModules].join(path.delimiter);
  // Node reads NODE_PATH once at start-up; this makes it read it again.
  (Module as unknown as { _initPaths(): void })._initPaths();
}

function toSlashes(file: string): string {
  return file.split(path.sep).join("/");
}
