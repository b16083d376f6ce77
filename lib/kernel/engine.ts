/**
 * tslab's engine, with outcomes instead of console text.
 *
 * tslab compiles a cell with TypeScript, runs it with `vm`, and reports by calling a
 * console it is given: `console.error` with each diagnostic or with the thrown value,
 * `console.log` with the value of the cell's last expression. Its own Jupyter front
 * writes those to stdout and stderr; this engine hands tslab a console that records
 * them instead, so that the kernel can send what Jupyter expects: an `error` message
 * with ename, evalue and traceback, and an `execute_result` for the last value.
 */
import { format } from "node:util";
import { createConverter, isCompleteCode, type Converter } from "tslab/dist/converter";
import { createExecutor, type ConverterSet } from "tslab/dist/executor";
import { printQuickInfo } from "tslab/dist/inspect";
import { describeDiagnostics, describeThrown, type CellError, type CompileDiagnostic } from "./errors";

export type CellOutcome =
  /** `value` is set when the cell ended with an expression whose value is not null or undefined. */
  { status: "ok"; value?: { of: unknown }; warnings: string[] } | { status: "error"; error: CellError };

export interface Completion {
  start: number;
  end: number;
  matches: string[];
}

export interface Engine {
  execute(code: string): Promise<CellOutcome>;
  complete(code: string, cursor: number): Completion;
  /** The type and documentation at the cursor, as text; undefined when there is nothing there. */
  inspect(code: string, cursor: number): string | undefined;
  isComplete(code: string): { status: "complete" } | { status: "incomplete"; indent: string };
  /** Stops the running cell (an awaiting one; a blocking one stops by SIGINT itself). */
  interrupt(): void;
  close(): void;
}

/** The shape in which tslab prints a diagnostic: `console.error("%s%d:%d - %s", file, line, column, text)`. */
const DIAGNOSTIC_FORMAT = "%s%d:%d - %s";

/** Starts tslab's TypeScript converter (several hundred milliseconds) in the current folder. */
export function createEngine(rootDir: string): Engine {
  const converters = lazyConverters();
  void converters.node; // compile-ready before the first cell, as tslab does
  let run: { diagnostics: CompileDiagnostic[]; thrown?: { value: unknown }; value?: { of: unknown } } = { diagnostics: [] };
  const executor = createExecutor(rootDir, converters, {
    log: (value: unknown) => {
      run.value = { of: value };
    },
    error: (...args: unknown[]) => {
      if (args[0] === DIAGNOSTIC_FORMAT && args.length === 5) {
        const [, file, line, character, text] = args as [string, string, number, number, string];
        run.diagnostics.push({ fileName: file.trim() || undefined, line: line - 1, character: character - 1, messageText: String(text) });
      } else if (args.length === 1) {
        run.thrown = { value: args[0] };
      } else {
        run.thrown = { value: new Error(format(...args)) };
      }
    },
  });

  return {
    async execute(code) {
      run = { diagnostics: [] };
      const ok = await executor.execute(code);
      const { diagnostics, thrown, value } = run;
      run = { diagnostics: [] };
      if (ok) {
        // A %module cell is registered even when it has errors; those come as warnings.
        return {
          status: "ok",
          ...(value ? { value } : {}),
          warnings: diagnostics.length > 0 ? describeDiagnostics(diagnostics).traceback : [],
        };
      }
      if (diagnostics.length > 0) return { status: "error", error: describeDiagnostics(diagnostics) };
      if (thrown) return { status: "error", error: describeThrown(thrown.value) };
      return {
        status: "error",
        error: {
          ename: "Error",
          evalue: "the cell failed without an error to show.",
          traceback: ["Error: the cell failed without an error to show."],
        },
      };
    },
    complete(code, cursor) {
      const info = executor.complete(code, cursor);
      // TypeScript offers every name that matches in any case ("Math.sqr" gives SQRT2
      // too); the exact-case matches are what was meant whenever there are some.
      const typed = code.slice(info.start, cursor);
      const exact = info.candidates.filter((name) => name.startsWith(typed));
      return { start: info.start, end: info.end, matches: exact.length > 0 ? exact : info.candidates };
    },
    inspect(code, cursor) {
      const info = executor.inspect(code, cursor);
      return info ? printQuickInfo(info) : undefined;
    },
    isComplete(code) {
      const result = isCompleteCode(code);
      return result.completed ? { status: "complete" } : { status: "incomplete", indent: result.indent ?? "" };
    },
    interrupt: () => executor.interrupt(),
    close: () => executor.close(),
  };
}

/** tslab's two converters (Node and browser cells), each made on first use. */
function lazyConverters(): ConverterSet {
  let node: Converter | undefined;
  let browser: Converter | undefined;
  return {
    get node() {
      return (node ??= createConverter({ isJS: false, isBrowser: false }));
    },
    get browser() {
      return (browser ??= createConverter({ isJS: false, isBrowser: true }));
    },
    close() {
      node?.close();
      browser?.close();
    },
  };
}
