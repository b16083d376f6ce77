/** `course data list`: the manifest's datasets and whether each is on this machine. */
import * as fs from "node:fs";
import { cachedFilePath, type DatasetEntry, type DatasetFileEntry } from "nncourse";
import { formatBytes } from "./progress";
import { findBundled, findSystemCopy } from "./places";

/** Where a file is now, judged by presence only (run verify to check contents). */
function presence(dataset: DatasetEntry, entry: DatasetFileEntry): "cache" | "debian" | "bundled" | "missing" {
  if (entry.package) return findBundled(entry).ok ? "bundled" : "missing";
  if (fs.existsSync(cachedFilePath(dataset.name, entry.name))) return "cache";
  return findSystemCopy(dataset, entry) ? "debian" : "missing";
}

export function listDatasets(datasets: DatasetEntry[]): string {
  const lines: string[] = [];
  for (const d of datasets) {
    const places = d.files.map((f) => presence(d, f));
    const missing = places.filter((p) => p === "missing").length;
    const where = [...new Set(places.filter((p) => p !== "missing"))].join(" + ");
    const state = missing === 0 ? `present (${where})` : missing === d.files.length ? "not fetched" : `${missing} of ${d.files.length} files missing`;
    const size = d.files.reduce((s, f) => s + f.payload.size, 0);
    lines.push(`${d.name}  ${d.title}`);
    lines.push(`  ${d.files.length} file${d.files.length === 1 ? "" : "s"}, ${formatBytes(size)} of data; ${state}`);
    lines.push(`  license: ${d.license}`);
    lines.push(`  source:  ${d.homepage}`);
    lines.push("");
  }
  lines.push("`course data fetch NAME` downloads a dataset, `course data verify` checks the files' checksums.");
  return lines.join("\n");
}
