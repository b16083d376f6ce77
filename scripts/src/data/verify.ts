/**
 * `course data verify`: checks the payload checksum of each dataset file, in the cache
 * (or the Debian package copy the library would use), or in a mirror given with --from.
 * Read-only: a bad file is reported, never changed.
 */
import * as fs from "node:fs";
import { cachedFilePath, fetchAdvice, type DatasetEntry, type DatasetFileEntry } from "nncourse";
import { checkFile } from "./check";
import type { Outcome } from "./outcome";
import { findBundled, findInMirror, findSystemCopy, mirrorCandidates } from "./places";

export function verifyFile(dataset: DatasetEntry, entry: DatasetFileEntry, from?: string): Outcome {
  const base = { dataset: dataset.name, file: entry.name };
  let file: string;
  let where: string;
  if (entry.package) {
    const found = findBundled(entry);
    if (!found.ok) return { ...base, status: "missing", message: found.reason, fix: "run `npm install` in the course folder." };
    file = found.path;
    where = `bundled in ${entry.package.name}@${found.version}${from !== undefined ? " (not looked for in the mirror)" : ""}`;
  } else if (from !== undefined) {
    const found = findInMirror(from, dataset, entry);
    if (!found) {
      return { ...base, status: "missing", message: `not in ${from} (looked for ${mirrorCandidates(from, dataset, entry).join(", ")}).` };
    }
    file = found;
    where = found;
  } else {
    const cached = cachedFilePath(dataset.name, entry.name);
    const system = fs.existsSync(cached) ? undefined : findSystemCopy(dataset, entry);
    if (!fs.existsSync(cached) && !system) {
      return { ...base, status: "missing", message: `not fetched yet (no ${cached}).`, fix: fetchAdvice(dataset).replace(/npx course/g, "course") };
    }
    file = system ?? cached;
    where = system ? `Debian's ${dataset.system?.debianPackage} at ${system}` : cached;
  }
  const check = checkFile(file, entry);
  if (!check.ok) {
    const fix = entry.package
      ? `reinstall the package: \`npm install ${entry.package.name}@${entry.package.version}\`.`
      : from !== undefined
        ? `replace ${file} with a good copy.`
        : `run \`course data fetch ${dataset.name} --force\` to fetch it again.`;
    return { ...base, status: "mismatch", message: check.reason, fix };
  }
  return { ...base, status: "ok", message: `ok (${where}, sha256 ${check.sha256.slice(0, 12)}…, ${check.size} bytes of data).` };
}
