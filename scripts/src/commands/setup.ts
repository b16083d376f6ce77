import path from "node:path";
import type { Command } from "../command";
import { parseCommandArgs } from "../args";
import { CourseError, EXIT } from "../errors";
import { projectRoot } from "../project";
import { locateKernel, locateTslab } from "../kernel/locate";
import { KERNEL_NAME, installKernelSpec, kernelJsonFor, kernelsDirFor } from "../jupyter/kernelspec";

export const setupCommand: Command = {
  name: "setup",
  summary: "register the TypeScript kernel (tslab) with Jupyter, Lab and VS Code",
  help: `usage: course setup [--user | --prefix DIR]

Registers a Jupyter kernel spec named "${KERNEL_NAME}" that starts this project's own
tslab with this node binary (absolute paths: nothing needs to be installed globally or
be on PATH). JupyterLab, Jupyter Notebook, nbconvert and VS Code all read kernel specs
from the same folders, so one registration serves them all. Running it again is safe:
it says whether it created, updated or left the spec unchanged.

options:
  --user         register for the current user (the default): the folder is
                 $JUPYTER_DATA_DIR, or ~/.local/share/jupyter on Linux,
                 ~/Library/Jupyter on macOS, %APPDATA%\\jupyter on Windows
  --prefix DIR   register under DIR/share/jupyter/kernels instead, e.g. a virtualenv
                 or conda environment's prefix that runs Jupyter
  -h, --help     show this help

exit codes: 0 registered, 2 wrong options, 3 tslab is not installed (run npm install)`,

  async run(argv) {
    const { values } = parseCommandArgs("setup", argv, { user: { type: "boolean" }, prefix: { type: "string" } }, { positionals: false });
    if (values.user && values.prefix) {
      throw new CourseError("--user and --prefix choose different places; give one of them.", "see `course setup --help`.", EXIT.usage);
    }
    registerKernel(values.prefix as string | undefined);
    return EXIT.ok;
  },
};

/** Registers (or refreshes) the kernel spec and says what it did. */
export function registerKernel(prefix?: string): void {
  const tslab = locateTslab(projectRoot());
  const kernel = locateKernel();
  const kernelsDir = kernelsDirFor({ prefix });
  const spec = kernelJsonFor(process.execPath, kernel.script);
  const result = installKernelSpec(kernelsDir, spec);
  const where = path.dirname(result.file);
  if (result.outcome === "unchanged") {
    console.log(`Kernel "${KERNEL_NAME}" is already registered at ${where}; nothing to do.`);
  } else if (result.outcome === "created") {
    console.log(`Registered kernel "${KERNEL_NAME}" at ${where}.`);
  } else {
    const before = result.previous ? result.previous.argv.slice(0, 2).join(" ") : "an unreadable kernel.json";
    console.log(`Updated kernel "${KERNEL_NAME}" at ${where} (it started ${before}).`);
  }
  console.log(
    `It runs the course's kernel (${kernel.script}) on tslab ${tslab.version}'s engine, with node ${process.version} (${process.execPath}).`,
  );
  console.log('In Jupyter or VS Code, pick the kernel "TypeScript (nncourse)".');
}
