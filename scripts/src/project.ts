import fs from "node:fs";
import path from "node:path";

/**
 * The project's root folder: the one whose package.json has the workspaces `lib` and
 * `scripts`. Found from this file's own location, so the command works from any
 * working directory.
 */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(manifest, "utf8")) as { workspaces?: string[] };
        if (pkg.workspaces?.includes("lib")) return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the nncourse project root above ${__dirname}`);
    dir = parent;
  }
}

/** Absolute path inside the project. */
export function projectPath(...parts: string[]): string {
  return path.join(projectRoot(), ...parts);
}

/** The tslab package the project installed, or undefined when `npm install` has not run. */
export function localTslab(): { dir: string; script: string; version: string } | undefined {
  try {
    const pkgJson = require.resolve("tslab/package.json", { paths: [projectRoot()] });
    const dir = path.dirname(pkgJson);
    const version = (JSON.parse(fs.readFileSync(pkgJson, "utf8")) as { version: string }).version;
    return { dir, script: path.join(dir, "bin", "tslab"), version };
  } catch {
    return undefined;
  }
}
