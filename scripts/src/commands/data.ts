import * as fs from "node:fs";
import * as path from "node:path";
import { dataCacheDir, manifestPath, readManifest, type DatasetEntry, type DatasetManifest } from "nncourse";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { CourseError, EXIT, UsageError } from "../errors";
import { fetchFile } from "../data/fetch";
import { listDatasets } from "../data/list";
import { exitCodeFor, report, type Outcome } from "../data/outcome";
import { verifyFile } from "../data/verify";

const HELP = `usage: course data <list|fetch|verify> [options]

Datasets of the course (Fashion-MNIST, California housing, iris), described with their
official URLs and checksums in data/manifest.json. Checksums are taken over the
decompressed data, so a re-compressed copy of the same data still verifies.

  course data list
      Lists the datasets, their licenses and whether they are on this machine.

  course data fetch [NAME...] [--from DIR] [--force]
      Fetches the named datasets (default: all) into the cache and verifies them.
      Downloads from the official URL with a progress bar; an interrupted download
      resumes from its .part file. Uses Debian's dataset-fashion-mnist package when it
      is installed. Verified files already in the cache are skipped.
        --from DIR   copy from an offline copy laid out as DIR/<dataset>/<file>
                     (or DIR/<file>) instead of downloading
        --force      fetch again even when the cache holds a verified copy

  course data verify [NAME...] [--from DIR]
      Checks the checksums of the cached files (or the Debian package copy that is used
      instead), or with --from, of the files in DIR. Changes nothing.

Options for all three:
  --manifest FILE    use another manifest (default: data/manifest.json)

The cache is data/cache in the course folder; set NNCOURSE_DATA_DIR to move it.
Exit codes: 0 ok, 1 a checksum did not match, 2 wrong command line,
3 files missing or the network unreachable (no network? use --from DIR).
When checksums fail and files are missing in one run, the exit code is 1.`;

const SUBCOMMANDS = ["list", "fetch", "verify"] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

function loadManifest(file: string | undefined): DatasetManifest {
  try {
    return readManifest(file === undefined ? manifestPath() : path.resolve(file));
  } catch (error) {
    const e = error as { problem?: string; message: string; fix?: string };
    throw new CourseError(e.problem ?? e.message, e.fix ?? "check the manifest file (see `course data --help`).", EXIT.missing);
  }
}

function selectDatasets(manifest: DatasetManifest, names: string[]): DatasetEntry[] {
  if (names.length === 0) return manifest.datasets;
  const known = manifest.datasets.map((d) => d.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown dataset${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `"${n}"`).join(", ")}.`,
      `use one of: ${known.join(", ")} (see \`course data list\`).`,
    );
  }
  return manifest.datasets.filter((d) => names.includes(d.name));
}

/** The --from folder, resolved against the current directory; it must exist. */
function mirrorDir(from: string | undefined): string | undefined {
  if (from === undefined) return undefined;
  if (from === "") throw new UsageError("--from needs a folder.", "see `course data --help`.");
  const dir = path.resolve(from);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new CourseError(
      `the --from folder ${dir} does not exist.`,
      "give the folder that holds the offline copy (DIR/<dataset>/<file>).",
      EXIT.missing,
    );
  }
  return dir;
}

function finish(outcomes: Outcome[], verb: string): number {
  const code = exitCodeFor(outcomes);
  const bad = outcomes.filter((o) => o.status !== "ok").length;
  if (bad === 0) console.log(outcomes.length === 1 ? `1 file ${verb}.` : `All ${outcomes.length} files ${verb}.`);
  else console.error(`${bad} of ${outcomes.length} files failed (see above).`);
  return code;
}

export const dataCommand: Command = {
  name: "data",
  summary: "list, fetch and verify the course datasets (--from DIR for an offline copy)",
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === undefined) throw new UsageError("say what to do: list, fetch or verify.", "see `course data --help`.");
    if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new UsageError(`unknown subcommand "${sub}"; use list, fetch or verify.`, "see `course data --help`.");
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      console.log(HELP);
      return EXIT.ok;
    }
    const name = `data ${sub}`;
    switch (sub as Subcommand) {
      case "list": {
        const { positionals, values } = parseCommandArgs(name, rest, { manifest: { type: "string" } });
        if (positionals.length > 0)
          throw new UsageError(`list takes no dataset names (got ${positionals.join(" ")}).`, "see `course data --help`.");
        const manifest = loadManifest(values.manifest);
        console.log(listDatasets(manifest.datasets));
        console.log(`\nCache: ${dataCacheDir()}`);
        return EXIT.ok;
      }
      case "fetch": {
        const { positionals, values } = parseCommandArgs(name, rest, {
          from: { type: "string" },
          force: { type: "boolean" },
          manifest: { type: "string" },
        });
        const manifest = loadManifest(values.manifest);
        const datasets = selectDatasets(manifest, positionals);
        const from = mirrorDir(values.from);
        const outcomes: Outcome[] = [];
        for (const d of datasets) {
          for (const f of d.files) {
            const outcome = await fetchFile(d, f, { from, force: values.force });
            report(outcome);
            outcomes.push(outcome);
          }
        }
        return finish(outcomes, "fetched and verified");
      }
      case "verify": {
        const { positionals, values } = parseCommandArgs(name, rest, {
          from: { type: "string" },
          manifest: { type: "string" },
        });
        const manifest = loadManifest(values.manifest);
        const datasets = selectDatasets(manifest, positionals);
        const from = mirrorDir(values.from);
        const outcomes = datasets.flatMap((d) => d.files.map((f) => verifyFile(d, f, from)));
        outcomes.forEach(report);
        return finish(outcomes, "verified");
      }
    }
  },
};
