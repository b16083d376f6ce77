/**
 * Shorter error traces in notebooks. When a cell throws, tslab prints the error's stack:
 * the learner's own frames (evalmachine.<anonymous>) and the library's, then half a dozen
 * frames of Node's vm module and of tslab's executor, with paths into node_modules, that
 * say nothing about the learner's code. Inside a tslab kernel the library drops those
 * last frames from every stack trace; everywhere else stack traces are left alone.
 */

import path from "node:path";

const INSTALLED = Symbol.for("nncourse.notebookStackTraces");
/** The course's own kernel (lib/kernel), whose frames are machinery too. */
const KERNEL_DIR = path.join(__dirname, "..", "kernel") + path.sep;

/** Frames that belong to the kernel's machinery, not to the notebook or the library. */
export function isKernelFrame(fileName: string | null | undefined): boolean {
  if (!fileName) return false;
  return (
    fileName.startsWith("node:") ||
    fileName.startsWith(KERNEL_DIR) ||
    /[\\/]node_modules[\\/]tslab[\\/]/.test(fileName) ||
    /[\\/]node_modules[\\/]@tslab[\\/]/.test(fileName)
  );
}

function headline(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return "Error";
  }
}

/** Installs the trimming once per process (a no-op when already installed). */
export function installNotebookStackTraces(): void {
  const registry = globalThis as Record<symbol, unknown>;
  if (registry[INSTALLED]) return;
  registry[INSTALLED] = true;
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    const kept = frames.filter((frame) => !isKernelFrame(frame.getFileName()));
    const shown = kept.length > 0 ? kept : frames;
    if (previous) return previous(error, shown);
    return headline(error) + shown.map((frame) => `\n    at ${frame}`).join("");
  };
}

/** True inside a tslab kernel (tslab defines this global for the cells it runs). */
export function inTslabKernel(): boolean {
  return typeof (globalThis as { __tslab__?: unknown }).__tslab__ === "object";
}
