/**
 * The library's package entry points: what `import ... from "nncourse/..."` reaches in a
 * notebook. Two resolvers matter and they disagree: node follows package.json
 * "exports" (and, once "exports" exists, refuses every path it does not list), while
 * tslab's TypeScript 5.0.4 resolves types the Node10 way, which ignores "exports" and
 * needs "typesVersions" for a subpath with no file of its own.
 *
 * The checks run against an installed-like copy: node_modules/nncourse holding only
 * package.json and dist/, which is also all the grader's sandbox mounts. In this
 * checkout node_modules/nncourse is a link to lib/, where TypeScript would find the
 * sources of lib/grading and hide a missing "typesVersions" entry.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../helpers/cli";

const libDir = path.join(projectRoot, "lib");
const distDir = path.join(libDir, "dist");

/** A folder with node_modules/nncourse = lib/package.json + a link to lib/dist. */
function installedCopy(): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-package-"));
  const pkg = path.join(dir, "node_modules", "nncourse");
  fs.mkdirSync(pkg, { recursive: true });
  fs.copyFileSync(path.join(libDir, "package.json"), path.join(pkg, "package.json"));
  fs.symlinkSync(distDir, path.join(pkg, "dist"), "dir");
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The TypeScript tslab compiles notebook cells with. */
function tslabTypeScript(): typeof import("typescript") {
  const tslab = path.dirname(require.resolve("tslab/package.json", { paths: [projectRoot] }));
  return require(require.resolve("@tslab/typescript-for-tslab", { paths: [tslab] })) as typeof import("typescript");
}

/** Where tslab's TypeScript finds the types of `specifier`, imported from a notebook in `dir`. */
function typesOf(ts: typeof import("typescript"), specifier: string, dir: string): string | undefined {
  const options = { moduleResolution: ts.ModuleResolutionKind.Node10, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 };
  const resolved = ts.resolveModuleName(specifier, path.join(dir, "notebook.ts"), options, ts.sys).resolvedModule?.resolvedFileName;
  return resolved === undefined ? undefined : fs.realpathSync(resolved);
}

test("tslab's TypeScript finds the types of nncourse/grading (and of the old nncourse/dist/grading) in the built declarations", () => {
  const ts = tslabTypeScript();
  const { dir, cleanup } = installedCopy();
  try {
    const declarations = fs.realpathSync(path.join(distDir, "grading", "index.d.ts"));
    assert.equal(
      typesOf(ts, "nncourse/grading", dir),
      declarations,
      'lib/package.json "typesVersions" maps "grading" to dist/grading/index.d.ts',
    );
    assert.equal(typesOf(ts, "nncourse/dist/grading", dir), declarations, "the path older notebooks use still has types");
    assert.equal(typesOf(ts, "nncourse", dir), fs.realpathSync(path.join(distDir, "index.d.ts")));
    // In this checkout too (a notebook in notebooks/): the declarations, not lib/grading's sources.
    assert.equal(typesOf(ts, "nncourse/grading", path.join(projectRoot, "notebooks")), declarations);
  } finally {
    cleanup();
  }
});

/** Every way a notebook or tool may name a module of the build: "nncourse/dist/x", "nncourse/dist/x.js", "nncourse/dist/dir". */
function distSpecifiers(): string[] {
  const specifiers: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(distDir, full).split(path.sep).join("/");
      if (entry.isDirectory()) {
        if (fs.existsSync(path.join(full, "index.js"))) specifiers.push(`nncourse/dist/${relative}`);
        walk(full);
      } else if (entry.name.endsWith(".js")) {
        specifiers.push(`nncourse/dist/${relative}`, `nncourse/dist/${relative.slice(0, -3)}`);
      }
    }
  };
  walk(distDir);
  return specifiers;
}

test('node loads nncourse/grading and every nncourse/dist/... path that worked before "exports" existed', () => {
  const { dir, cleanup } = installedCopy();
  try {
    const specifiers = ["nncourse", "nncourse/grading", "nncourse/package.json", ...distSpecifiers()];
    assert.ok(
      specifiers.includes("nncourse/dist/grading") && specifiers.includes("nncourse/dist/data/manifest"),
      "the walk sees the build",
    );
    // A plain node (no tsx, whose tsconfig paths would answer instead of "exports"), in the copy.
    const script = `
      const failed = [];
      for (const s of ${JSON.stringify(specifiers)}) { try { require.resolve(s); } catch (e) { failed.push(s + ": " + e.code); } }
      const same = require("nncourse/grading") === require("nncourse/dist/grading");
      console.log(JSON.stringify({ failed, same }));`;
    const run = spawnSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const { failed, same } = JSON.parse(run.stdout) as { failed: string[]; same: boolean };
    assert.deepEqual(
      failed,
      [],
      'list each folder of lib/dist with an index.js in lib/package.json "exports" ("./dist/NAME": "./dist/NAME/index.js")',
    );
    assert.equal(same, true, "both paths load one module instance (the checks are sealed once, in one place)");
  } finally {
    cleanup();
  }
});

test("the masters and the generated notebooks import the checks from nncourse/grading", () => {
  for (const folder of ["notebooks", "exercises", "solutions"]) {
    for (const name of fs.readdirSync(path.join(projectRoot, folder)).filter((f) => f.endsWith(".ipynb"))) {
      const text = fs.readFileSync(path.join(projectRoot, folder, name), "utf8");
      assert.doesNotMatch(text, /nncourse\/dist\//, `${folder}/${name} imports from the build folder`);
    }
  }
});
