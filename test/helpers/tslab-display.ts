/**
 * A stand-in for tslab's jupyter module, put in the module cache under tslab's path before
 * the grading library loads (import this first): the library looks for the kernel's
 * display writer there when it loads, as it does in a real kernel, and sends its grade
 * records through whatever `lastWriteDisplayData` holds when a record is made.
 */
import Module from "node:module";
import path from "node:path";

export const tslabJupyter: { lastWriteDisplayData: unknown } = { lastWriteDisplayData: null };

const file = path.resolve(path.sep, "stand-in", "node_modules", "tslab", "dist", "jupyter.js");
const entry = new Module(file);
entry.filename = file;
entry.loaded = true;
entry.exports = tslabJupyter;
(Module as unknown as { _cache: Record<string, Module> })._cache[file] = entry;
