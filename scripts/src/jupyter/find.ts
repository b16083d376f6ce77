import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** The full path of an executable on PATH, or undefined. */
export function which(name: string, env = process.env): string | undefined {
  const exts = process.platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Runs a program and returns its trimmed stdout, or undefined if it fails or times out. */
export function versionOf(program: string, args = ["--version"], timeoutMs = 15000): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(program, args, { timeout: timeoutMs }, (error, stdout) => {
      resolve(error ? undefined : stdout.toString().trim().split("\n").pop());
    });
  });
}

export interface JupyterFrontends {
  lab?: string;
  notebook?: string;
  nbconvert?: string;
}

/**
 * The Jupyter front ends on PATH. Each is its own executable (`jupyter lab` runs
 * `jupyter-lab`), so looking for those finds them without starting Python.
 */
export function findJupyter(env = process.env): JupyterFrontends {
  return { lab: which("jupyter-lab", env), notebook: which("jupyter-notebook", env), nbconvert: which("jupyter-nbconvert", env) };
}

export const HOW_TO_GET_JUPYTER = [
  "pip install jupyterlab            (any Python 3.8+)",
  "conda install -c conda-forge jupyterlab",
  "sudo apt install jupyter-notebook  (Debian/Ubuntu: the classic Notebook)",
  'or VS Code with its Jupyter extension: open a notebook and pick the kernel "TypeScript (nncourse)"',
].join("\n       ");
