/**
 * The kernelspec and language_info metadata of the course's notebooks.
 *
 * When a notebook opens, Jupyter Notebook and JupyterLab replace its kernelspec with the
 * kernel's spec (kernel.json) and its language_info with what the kernel's kernel_info
 * reply says, and mark the notebook modified when either differs in any field: autosave
 * then rewrites a file the learner never touched. So the notebooks we write carry
 * exactly what the course kernel (lib/kernel/server.ts, registered by `course setup`)
 * reports, TypeScript version included.
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { COURSE_KERNELSPEC } from "../jupyter/kernelspec";
import type { JsonObject } from "./model";

/** What `course setup` registers, as Jupyter copies it into a notebook's metadata.kernelspec. */
export { COURSE_KERNELSPEC };

/** The version of the TypeScript that the kernel compiles cells with (tslab's own copy), which it reports. */
export function kernelTypeScriptVersion(): string {
  const paths = [__dirname];
  try {
    paths.unshift(dirname(require.resolve("tslab/package.json", { paths: [__dirname] })));
  } catch {
    // Without tslab the lookup from here is all there is; the error below says what to do.
  }
  try {
    const file = require.resolve("@tslab/typescript-for-tslab/package.json", { paths });
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    throw new Error("tslab's TypeScript (@tslab/typescript-for-tslab) is not installed; run `npm install` in the project folder.");
  }
}

let cached: JsonObject | undefined;

/** The language_info of the course kernel's kernel_info reply. A fresh copy each call. */
export function courseLanguageInfo(): JsonObject {
  cached ??= {
    codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
    file_extension: ".ts",
    mimetype: "text/typescript",
    name: "typescript",
    pygments_lexer: "typescript",
    version: kernelTypeScriptVersion(),
  };
  return structuredClone(cached);
}

/** Both, for a new notebook's metadata. */
export function courseNotebookMetadata(): JsonObject {
  return { kernelspec: { ...COURSE_KERNELSPEC }, language_info: courseLanguageInfo() };
}
