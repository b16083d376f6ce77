/**
 * `course data fetch`: brings each dataset file into the cache, from the first source
 * that has it: the cache itself (already verified: skipped), an offline mirror given
 * with --from, Debian's dataset package, or the official URL. Every copy is verified
 * before it gets its final name.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  cachedFilePath,
  fetchAdvice,
  type DatasetEntry,
  type DatasetFileEntry,
} from "nncourse";
import { checkFile, removeIfPresent, writeAtomically } from "./check";
import { DownloadError, downloadToPart } from "./download";
import type { Outcome } from "./outcome";
import { findBundled, findInMirror, findSystemCopy, mirrorCandidates } from "./places";
import { createProgress, formatBytes } from "./progress";
import { sha256Hex } from "nncourse";

export interface FetchOptions {
  /** Offline mirror folder (DIR/<dataset>/<file> or DIR/<file>). */
  from?: string;
  /** Fetch again even when the cache holds a verified copy. */
  force?: boolean;
  /** Download attempts for a file whose transfer is cut off (each resumes the last). */
  attempts?: number;
}

const NO_NETWORK_FIX = "no network? use `course data fetch --from DIR` with an offline copy of the datasets, or install Debian's dataset-fashion-mnist package for Fashion-MNIST.";

export async function fetchFile(dataset: DatasetEntry, entry: DatasetFileEntry, options: FetchOptions): Promise<Outcome> {
  const base = { dataset: dataset.name, file: entry.name };
  const ok = (message: string): Outcome => ({ ...base, status: "ok", message });

  if (entry.package) {
    const found = findBundled(entry);
    if (!found.ok) return { ...base, status: "missing", message: found.reason, fix: "run `npm install` in the course folder." };
    const check = checkFile(found.path, entry);
    if (!check.ok) return { ...base, status: "mismatch", message: check.reason, fix: `reinstall the package: \`npm install ${entry.package.name}@${entry.package.version}\`.` };
    return ok(`bundled in ${entry.package.name}@${found.version}, verified; nothing to fetch.`);
  }

  const dest = cachedFilePath(dataset.name, entry.name);
  if (!options.force && fs.existsSync(dest)) {
    const check = checkFile(dest, entry);
    if (check.ok) return ok("already in the cache and verified; skipped.");
    console.error(`${dataset.name}/${entry.name}: the cached copy is bad (${check.reason}); fetching it again.`);
    removeIfPresent(dest);
  }

  if (options.from !== undefined) return copyFromMirror(dataset, entry, options.from, dest);

  const system = findSystemCopy(dataset, entry);
  if (system) {
    const check = checkFile(system, entry);
    if (check.ok) return ok(`found in Debian's ${dataset.system?.debianPackage} package (${system}), verified; used from there.`);
    console.error(`${dataset.name}/${entry.name}: ignoring ${system}: ${check.reason}`);
  }

  if (!entry.url) return { ...base, status: "missing", message: "the manifest gives no download address.", fix: fetchAdvice(dataset) };
  return download(dataset, entry, dest, options.attempts ?? 3);
}

function copyFromMirror(dataset: DatasetEntry, entry: DatasetFileEntry, dir: string, dest: string): Outcome {
  const base = { dataset: dataset.name, file: entry.name };
  const source = findInMirror(dir, dataset, entry);
  if (!source) {
    return {
      ...base,
      status: "missing",
      message: `not in ${dir} (looked for ${mirrorCandidates(dir, dataset, entry).join(", ")}).`,
      fix: `point --from at a folder laid out as DIR/${dataset.name}/${entry.name}.`,
    };
  }
  const check = checkFile(source, entry);
  if (!check.ok) return { ...base, status: "mismatch", message: check.reason, fix: `replace ${source} with a good copy, or fetch without --from.` };
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  // A tar.gz archive in the mirror is stored as its extracted member, like a download.
  const bytes = entry.compression === "tar.gz" ? check.payload : fs.readFileSync(source);
  writeAtomically(dest, bytes);
  return { ...base, status: "ok", message: `copied from ${source}, verified.` };
}

async function download(dataset: DatasetEntry, entry: DatasetFileEntry, dest: string, attempts: number): Promise<Outcome> {
  const base = { dataset: dataset.name, file: entry.name };
  const url = entry.url as string;
  // An archive downloads under its own name; its member is then extracted to `dest`.
  const part = path.join(path.dirname(dest), `${entry.archive ?? entry.name}.part`);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const progress = createProgress(entry.archive ?? entry.name);
  let resumed = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await downloadToPart(url, part, {
        onProgress: (received, total) => progress.update(received, total ?? entry.size ?? undefined),
        onNote: (line) => console.error(`  ${entry.archive ?? entry.name}: ${line}`),
      });
      resumed = result.resumedFrom;
      break;
    } catch (error) {
      if (!(error instanceof DownloadError)) {
        progress.done();
        throw error;
      }
      if (error.kind === "cutoff" && attempt < attempts) {
        console.error(`  ${error.message} Resuming (attempt ${attempt + 1} of ${attempts}).`);
        continue;
      }
      progress.done();
      const fix =
        error.kind === "cutoff"
          ? `run the same command again: it resumes from ${part}.`
          : error.kind === "network"
            ? NO_NETWORK_FIX
            : `check the address, or ${NO_NETWORK_FIX.replace(/^no network\? /, "")}`;
      return { ...base, status: "missing", message: error.message, fix };
    }
  }
  progress.done();

  const failFix = `run \`course data fetch ${dataset.name}\` again; if it keeps failing, the server sent a different file: use --from DIR with a verified copy.`;
  if (entry.compression === "tar.gz" && entry.sha256) {
    const actual = sha256Hex(fs.readFileSync(part));
    if (actual !== entry.sha256) {
      removeIfPresent(part);
      return {
        ...base,
        status: "mismatch",
        message: `checksum mismatch for ${entry.archive} (downloaded from ${url}): expected sha256 ${entry.sha256}, got ${actual}. The bad file was deleted.`,
        fix: failFix,
      };
    }
  }
  const check = checkFile(part, entry);
  if (!check.ok) {
    removeIfPresent(part);
    return { ...base, status: "mismatch", message: `${check.reason.replace(part, `${entry.archive ?? entry.name} (downloaded from ${url})`)} The bad file was deleted.`, fix: failFix };
  }
  if (entry.compression === "tar.gz") {
    writeAtomically(dest, check.payload);
    removeIfPresent(part);
  } else {
    fs.renameSync(part, dest);
  }
  const size = fs.statSync(dest).size;
  return { ...base, status: "ok", message: `downloaded${resumed > 0 ? ` (resumed after ${formatBytes(resumed)})` : ""} and verified, ${formatBytes(size)}.` };
}
