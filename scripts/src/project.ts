import path from "node:path";
import { findProjectRoot } from "nncourse/dist/data/manifest";

/**
 * The project's root folder, found from this file's own location (so the command works
 * from any working directory) by the library's own search for data/manifest.json.
 * Imported from the manifest module alone, so commands don't load the whole library.
 */
export function projectRoot(): string {
  return findProjectRoot(__dirname);
}

/** Absolute path inside the project. */
export function projectPath(...parts: string[]): string {
  return path.join(projectRoot(), ...parts);
}
