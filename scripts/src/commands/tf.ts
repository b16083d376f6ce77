/**
 * `course tf`: which TensorFlow.js backend the notebooks get, and installing the native
 * ones where the network allows.
 *
 * Why a command and not just `npm install @tensorflow/tfjs-node`: the project's npm
 * overrides alias @tensorflow/tfjs-node to plain @tensorflow/tfjs (danfojs-node
 * depends on the native package, which cannot install offline), and npm refuses to
 * install a package that an override replaces ("Override … conflicts with direct
 * dependency"). Installing it for real means pointing that override at the direct
 * dependency ("$@tensorflow/tfjs-node") in the same step; this command does both, and
 * puts package.json back if npm fails.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import type { Command } from "../command";
import { parseCommandArgs } from "../args";
import { EXIT, UsageError } from "../errors";
import { projectPath } from "../project";

/** The version of the native packages: the one matching the installed @tensorflow/tfjs. */
export const NATIVE_VERSION = "4.22.0";

export const NATIVE_PACKAGES = {
  node: "@tensorflow/tfjs-node",
  gpu: "@tensorflow/tfjs-node-gpu",
} as const;

type Rung = keyof typeof NATIVE_PACKAGES;

interface PackageJson {
  dependencies?: Record<string, string>;
  overrides?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * package.json as it must be for `npm install` to add the native package: the package
 * among the dependencies and, for tfjs-node, its override pointing at that dependency.
 */
export function withNativePackage(pkg: PackageJson, rung: Rung, version = NATIVE_VERSION): PackageJson {
  const name = NATIVE_PACKAGES[rung];
  const next: PackageJson = { ...pkg, dependencies: { ...pkg.dependencies, [name]: version } };
  if (pkg.overrides && name in pkg.overrides) next.overrides = { ...pkg.overrides, [name]: `$${name}` };
  return next;
}

function readPackageJson(file: string): { text: string; pkg: PackageJson } {
  const text = fs.readFileSync(file, "utf8");
  return { text, pkg: JSON.parse(text) as PackageJson };
}

export const tfCommand: Command = {
  name: "tf",
  summary: "install the native TensorFlow.js backends (tfjs-node, tfjs-node-gpu) where the network allows",
  help: `usage: course tf install node|gpu [--dry-run]

The notebooks use the fastest TensorFlow.js backend that works: tfjs-node-gpu (CUDA),
then tfjs-node (native CPU), then WebAssembly (the default install), then plain
JavaScript. \`course doctor\` shows which one is in use and why the faster ones are not.

  install node   adds ${NATIVE_PACKAGES.node}@${NATIVE_VERSION} (native libtensorflow for the CPU)
  install gpu    adds ${NATIVE_PACKAGES.gpu}@${NATIVE_VERSION} (CUDA; needs an NVIDIA driver,
                 CUDA 11.2 and cuDNN 8.1 on the machine)

Both download libtensorflow from Google's servers while they install, so they need the
network; the default install never does. The command updates package.json (the native
package, and the npm override that otherwise replaces tfjs-node) and runs npm install;
if npm fails, package.json is put back as it was.

options:
  --dry-run      show what would change and run npm install --dry-run
  -h, --help     show this help

exit codes: 0 installed, 1 npm failed, 2 wrong command line`,

  async run(argv) {
    const { values, positionals } = parseCommandArgs("tf", argv, { "dry-run": { type: "boolean" } });
    const [action, rung] = positionals;
    if (action !== "install" || (rung !== "node" && rung !== "gpu") || positionals.length !== 2) {
      throw new UsageError(
        positionals.length === 0 ? "say what to install." : `expected "install node" or "install gpu", got "${positionals.join(" ")}".`,
        "write `course tf install node` or `course tf install gpu` (see `course tf --help`).",
      );
    }
    const file = projectPath("package.json");
    const { text, pkg } = readPackageJson(file);
    const next = withNativePackage(pkg, rung);
    const name = NATIVE_PACKAGES[rung];
    const dryRun = values["dry-run"] === true;
    console.log(
      `${dryRun ? "Would add" : "Adding"} ${name}@${NATIVE_VERSION}${next.overrides?.[name] ? ` (and point the override of ${name} at it)` : ""}.`,
    );
    // npm reads package.json from disk, the dry run too: write the change, and put the
    // original back after a dry run or a failure.
    fs.writeFileSync(file, JSON.stringify(next, null, 2) + "\n");
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    // Named explicitly: the alias already installed under the same name and version
    // would otherwise count as "up to date".
    const args = ["install", "--no-audit", "--no-fund", ...(dryRun ? ["--dry-run", "--ignore-scripts"] : []), `${name}@${NATIVE_VERSION}`];
    const result = spawnSync(npm, args, { cwd: projectPath(), stdio: "inherit" });
    if (dryRun || result.status !== 0) fs.writeFileSync(file, text);
    if (result.status !== 0) {
      console.error(
        `\nnpm could not install ${name} (exit ${result.status ?? result.signal}); package.json is as it was.\n` +
          `It downloads libtensorflow while it installs: check the network (and, for gpu, CUDA 11.2 and cuDNN 8.1). The notebooks keep using the WebAssembly backend.`,
      );
      return EXIT.failed;
    }
    console.log(
      dryRun
        ? "\nDry run: nothing changed."
        : `\nInstalled. \`course doctor\` shows the backend the notebooks now get; NNCOURSE_TF_BACKEND=${rung} forces it.`,
    );
    return EXIT.ok;
  },
};
