/**
 * Files of the course tools' own build that are not imported but handed to another node
 * process as a preload (`node --require FILE`): the guard of a graded kernel
 * (sandbox/guard.ts) and the parent watch of every kernel (kernel/parent-watch.ts).
 * Another process runs JavaScript only, so it is always the built file in scripts/dist,
 * also when the tools themselves run from source (the tests run them through tsx), as
 * with the built kernel (kernel/locate.ts).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CourseError, EXIT } from "./errors";

/** scripts/dist: one folder up from this file and into dist/, whether it runs from src/ or from dist/ itself. */
const BUILD_DIR = join(__dirname, "..", "dist");

/** The built file at `relative` in scripts/dist ("sandbox/guard.js"); throws, naming the fix, when it is not built. */
export function builtToolFile(relative: string): string {
  const file = join(BUILD_DIR, ...relative.split("/"));
  if (!existsSync(file)) {
    throw new CourseError(
      `the course tools' ${file} is not built.`,
      "run `npm run build` in the project folder (`npm install` builds it too).",
      EXIT.missing,
    );
  }
  return file;
}
