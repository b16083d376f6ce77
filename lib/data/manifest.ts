/**
 * The dataset manifest (data/manifest.json at the project root) and where the
 * project keeps its downloaded files.
 *
 * The library finds the project by walking up from its own folder, not from the
 * current directory: notebooks run with their own folder as the working directory,
 * and the compiled library lives in lib/dist/data, so the walk works from both.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** How a file is stored at its source. */
export type DatasetCompression = "gzip" | "none" | "tar.gz";

export interface DatasetPayload {
  /** Size in bytes of the decompressed data. */
  size: number;
  /** sha256 (hex) of the decompressed data: what verification checks. */
  sha256: string;
}

export interface DatasetFileEntry {
  /** The file's name in the cache and in an offline mirror. */
  name: string;
  /** Official download address; absent for data that ships in an npm package. */
  url?: string;
  /** Bytes as stored at the URL (the archive for tar.gz), or null when not recorded. */
  size?: number | null;
  /** sha256 of the bytes as stored at the URL. Checked on download only for archives. */
  sha256?: string;
  compression: DatasetCompression;
  /** For tar.gz: the archive's file name and the member that holds the payload. */
  archive?: string;
  member?: string;
  /** For data bundled in an npm package: where it is inside the package. */
  package?: { name: string; version: string; path: string };
  payload: DatasetPayload;
  note?: string;
}

export interface DatasetEntry {
  name: string;
  title: string;
  description: string;
  license: string;
  homepage: string;
  citation: string;
  /** A system-wide copy (a Debian package's files), relative to the system datasets folder. */
  system?: { debianPackage: string; dir: string };
  files: DatasetFileEntry[];
}

export interface DatasetManifest {
  manifestVersion: number;
  about?: string;
  datasets: DatasetEntry[];
}

/** Environment variables that move the project's data folders (tests, CI, shared machines). */
export const DATA_ENV = {
  /** The download cache folder (default: data/cache in the project). */
  cacheDir: "NNCOURSE_DATA_DIR",
  /** Another manifest file (tests use a temporary one). */
  manifest: "NNCOURSE_MANIFEST",
  /** The system datasets folder where Debian's dataset packages put their files. */
  systemDir: "NNCOURSE_SYSTEM_DATASETS_DIR",
} as const;

export const DEFAULT_SYSTEM_DATASETS_DIR = "/usr/share/datasets";

/**
 * An error a learner can act on. The message carries the fix too, because a notebook
 * shows only the message; `problem` and `fix` stay apart for the command line.
 */
export class DatasetError extends Error {
  constructor(
    readonly problem: string,
    readonly fix?: string,
    readonly kind: "missing" | "corrupt" | "invalid" = "invalid",
  ) {
    super(fix ? `${problem}\nFix: ${fix}` : problem);
    this.name = "DatasetError";
  }
}

/** The folder holding data/manifest.json, found by walking up from `start`. */
export function findProjectRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, "data", "manifest.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new DatasetError(
        `could not find the project folder (one holding data/manifest.json) above ${start}.`,
        `run from inside the course project, or set ${DATA_ENV.cacheDir} and ${DATA_ENV.manifest}.`,
        "missing",
      );
    }
    dir = parent;
  }
}

/** Path of the manifest in use: $NNCOURSE_MANIFEST, else the project's data/manifest.json. */
export function manifestPath(): string {
  const override = process.env[DATA_ENV.manifest];
  return override ? path.resolve(override) : path.join(findProjectRoot(), "data", "manifest.json");
}

/** The download cache: $NNCOURSE_DATA_DIR, else data/cache in the project. */
export function dataCacheDir(): string {
  const override = process.env[DATA_ENV.cacheDir];
  return override ? path.resolve(override) : path.join(findProjectRoot(), "data", "cache");
}

/** Where Debian's dataset packages install (overridable for tests). */
export function systemDatasetsDir(): string {
  return process.env[DATA_ENV.systemDir] || DEFAULT_SYSTEM_DATASETS_DIR;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Reads and checks a manifest; a malformed one fails with the field at fault. */
export function readManifest(file: string = manifestPath()): DatasetManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new DatasetError(`cannot read the dataset manifest ${file}: ${(error as Error).message}`, undefined, "invalid");
  }
  validateManifest(raw, file);
  return raw;
}

function validateManifest(raw: unknown, file: string): asserts raw is DatasetManifest {
  const fail = (where: string, what: string): never => {
    throw new DatasetError(`the dataset manifest ${file} is invalid: ${where} ${what}.`, undefined, "invalid");
  };
  const m = raw as Partial<DatasetManifest>;
  if (typeof m !== "object" || m === null || !Array.isArray(m.datasets)) fail("the top level", "needs a \"datasets\" array");
  const names = new Set<string>();
  for (const [i, d] of (m.datasets as DatasetEntry[]).entries()) {
    const at = `datasets[${i}]`;
    for (const key of ["name", "title", "description", "license", "homepage", "citation"] as const) {
      if (typeof d[key] !== "string" || d[key].length === 0) fail(at, `needs a non-empty "${key}"`);
    }
    if (names.has(d.name)) fail(at, `repeats the name "${d.name}"`);
    names.add(d.name);
    if (!Array.isArray(d.files) || d.files.length === 0) fail(at, "needs a non-empty \"files\" array");
    for (const [j, f] of d.files.entries()) {
      const fat = `${at} (${d.name}) files[${j}]`;
      if (typeof f.name !== "string" || f.name.length === 0 || f.name.includes("/")) fail(fat, "needs a plain file \"name\"");
      if (!["gzip", "none", "tar.gz"].includes(f.compression)) fail(fat, "needs \"compression\" gzip, none or tar.gz");
      if (f.url === undefined && f.package === undefined) fail(fat, "needs a \"url\" or a \"package\"");
      if (f.url !== undefined && !/^https?:\/\//.test(f.url)) fail(fat, "needs an http(s) \"url\"");
      if (f.compression === "tar.gz" && (!f.archive || !f.member)) fail(fat, "is a tar.gz member and needs \"archive\" and \"member\"");
      if (f.sha256 !== undefined && !SHA256.test(f.sha256)) fail(fat, "has a \"sha256\" that is not 64 lowercase hex digits");
      if (f.size !== undefined && f.size !== null && !(Number.isInteger(f.size) && f.size >= 0)) fail(fat, "has a bad \"size\"");
      const p = f.payload;
      if (!p || !Number.isInteger(p.size) || p.size < 0 || !SHA256.test(p.sha256)) {
        fail(fat, "needs \"payload\" with a whole-number \"size\" and a 64-hex-digit \"sha256\"");
      }
    }
  }
}

/** One dataset of the manifest by name; an unknown name lists the known ones. */
export function manifestDataset(name: string, manifest: DatasetManifest = readManifest()): DatasetEntry {
  const entry = manifest.datasets.find((d) => d.name === name);
  if (!entry) {
    throw new DatasetError(
      `there is no dataset named "${name}".`,
      `use one of: ${manifest.datasets.map((d) => d.name).join(", ")}.`,
      "invalid",
    );
  }
  return entry;
}
