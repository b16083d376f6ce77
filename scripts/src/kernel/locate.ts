/**
 * Finding the kernel to start: the course's own entry point (lib/kernel/main.ts, built
 * into the library's dist/kernel), which runs tslab's engine. tslab itself is found for
 * its version and its own command line.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { CourseError, EXIT } from "../errors";

export interface TslabLocation {
  /** tslab's command-line script (tslab/bin/tslab). */
  script: string;
  version: string;
}

export interface KernelLocation {
  /** The kernel's entry point, run as `node SCRIPT --config-path FILE`. */
  script: string;
}

export function locateTslab(fromDir: string): TslabLocation {
  let manifest: string;
  try {
    manifest = require.resolve("tslab/package.json", { paths: [fromDir, __dirname] });
  } catch {
    throw new CourseError(
      `the tslab kernel is not installed (looked from ${fromDir} and from the course tools).`,
      "run `npm install` in the project folder; tslab is one of its dependencies.",
      EXIT.missing,
    );
  }
  const script = join(dirname(manifest), "bin", "tslab");
  if (!existsSync(script)) {
    throw new CourseError(
      `tslab's start script ${script} is missing; the installation looks broken.`,
      "run `npm install` again in the project folder.",
      EXIT.missing,
    );
  }
  const version = (require(manifest) as { version?: string }).version ?? "unknown";
  return { script, version };
}

/** The course's kernel, from the library the course tools use (the project's own). */
export function locateKernel(): KernelLocation {
  let manifest: string;
  try {
    manifest = require.resolve("nncourse/package.json");
  } catch {
    throw new CourseError(
      "the course library nncourse is not installed next to the course tools.",
      "run `npm install` in the project folder.",
      EXIT.missing,
    );
  }
  // Always the built kernel (dist), also when the tools themselves run from source.
  const script = join(dirname(manifest), "dist", "kernel", "main.js");
  if (!existsSync(script)) {
    throw new CourseError(
      `the course's kernel ${script} is not built.`,
      "run `npm run build` in the project folder (`npm install` builds it too).",
      EXIT.missing,
    );
  }
  return { script };
}
