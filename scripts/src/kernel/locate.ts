/**
 * Finding the tslab kernel to start. A notebook uses the tslab of the project it lives
 * in (tslab itself does the same lookup from its working folder); the course tools'
 * own copy is the fallback.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { CourseError, EXIT } from "../errors";

export interface TslabLocation {
  /** The JavaScript entry point (tslab/bin/tslab), run with node directly so node flags apply. */
  script: string;
  version: string;
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
