/**
 * Finds a dataset's files on disk: first the project's download cache, then a
 * system-wide copy such as Debian's dataset-fashion-mnist package.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  DatasetError,
  dataCacheDir,
  manifestDataset,
  readManifest,
  systemDatasetsDir,
  type DatasetEntry,
  type DatasetFileEntry,
  type DatasetManifest,
} from "./manifest";

export interface LocatedFile {
  dataset: DatasetEntry;
  entry: DatasetFileEntry;
  path: string;
  /** "cache": the project's download cache; "system": a Debian dataset package. */
  source: "cache" | "system";
}

/** Where the cache keeps a dataset file: <cache>/<dataset>/<file>. */
export function cachedFilePath(dataset: string, file: string): string {
  return path.join(dataCacheDir(), dataset, file);
}

/** The system copy of a dataset file (e.g. /usr/share/datasets/fashion-mnist/<file>), if the dataset has one. */
export function systemFilePath(dataset: DatasetEntry, file: string): string | undefined {
  return dataset.system ? path.join(systemDatasetsDir(), dataset.system.dir, file) : undefined;
}

/** The command that fetches a dataset, as the error messages print it. */
export function fetchCommand(dataset: string): string {
  return `npx course data fetch ${dataset}`;
}

/** The fix line for a missing or damaged dataset. */
export function fetchAdvice(dataset: DatasetEntry, force = false): string {
  const f = force ? " --force" : "";
  const debian = dataset.system ? ` (or install Debian's ${dataset.system.debianPackage} package)` : "";
  return (
    `run \`${fetchCommand(dataset.name)}${f}\` in the course folder to download it, ` +
    `or \`${fetchCommand(dataset.name)}${f} --from DIR\` to copy it from an offline copy${debian}.`
  );
}

/** Locates one file of a dataset; a missing file says which command fetches it. */
export function locateDatasetFile(datasetName: string, fileName: string, manifest: DatasetManifest = readManifest()): LocatedFile {
  const dataset = manifestDataset(datasetName, manifest);
  const entry = dataset.files.find((f) => f.name === fileName);
  if (!entry) {
    throw new DatasetError(`dataset "${datasetName}" has no file "${fileName}" (it has: ${dataset.files.map((f) => f.name).join(", ")}).`);
  }
  const cached = cachedFilePath(dataset.name, entry.name);
  if (fs.existsSync(cached)) return { dataset, entry, path: cached, source: "cache" };
  const system = systemFilePath(dataset, entry.name);
  if (system && fs.existsSync(system)) return { dataset, entry, path: system, source: "system" };
  const looked = [cached, system].filter((p): p is string => p !== undefined).join(" and ");
  throw new DatasetError(`the ${dataset.title} file ${entry.name} is not on this machine (looked in ${looked}).`, fetchAdvice(dataset), "missing");
}
