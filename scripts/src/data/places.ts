/**
 * Where a dataset file can come from besides a download: an offline mirror given with
 * --from, Debian's dataset packages, or an npm package that bundles the data.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { systemFilePath, type DatasetEntry, type DatasetFileEntry } from "nncourse";
import { projectRoot } from "../project";

/**
 * Candidate paths of a file in a mirror laid out as DIR/<dataset>/<file> or DIR/<file>.
 * For a tar.gz member, the extracted member comes first, then the archive itself.
 */
export function mirrorCandidates(dir: string, dataset: DatasetEntry, entry: DatasetFileEntry): string[] {
  const names = [entry.name, ...(entry.archive ? [entry.archive] : [])];
  return names.flatMap((name) => [path.join(dir, dataset.name, name), path.join(dir, name)]);
}

export function findInMirror(dir: string, dataset: DatasetEntry, entry: DatasetFileEntry): string | undefined {
  return mirrorCandidates(dir, dataset, entry).find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
}

/** The Debian package copy of a file, when the dataset has one and it is installed. */
export function findSystemCopy(dataset: DatasetEntry, entry: DatasetFileEntry): string | undefined {
  const p = systemFilePath(dataset, entry.name);
  return p && fs.existsSync(p) ? p : undefined;
}

export type BundledLookup = { ok: true; path: string; version: string } | { ok: false; reason: string };

/** The data file inside an installed npm package, checking the package version. */
export function findBundled(entry: DatasetFileEntry): BundledLookup {
  const pkg = entry.package;
  if (!pkg) return { ok: false, reason: `${entry.name} is not bundled in a package.` };
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${pkg.name}/package.json`, { paths: [projectRoot()] });
  } catch {
    return { ok: false, reason: `the npm package ${pkg.name} is not installed.` };
  }
  const version = (JSON.parse(fs.readFileSync(pkgJson, "utf8")) as { version: string }).version;
  const file = path.join(path.dirname(pkgJson), pkg.path);
  if (!fs.existsSync(file)) return { ok: false, reason: `${pkg.name}@${version} has no ${pkg.path}.` };
  // A different version is not an error by itself: the checksum decides.
  return { ok: true, path: file, version };
}
