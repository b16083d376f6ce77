import { displayHtml } from "./display";
import type { McCullochPittsUnit } from "../neurons/mcculloch-pitts";
import { allInputCombinations } from "../neurons/mcculloch-pitts";

export type Cell = string | number | boolean | null | undefined;

export interface TableOptions {
  caption?: string;
  /** Digits after the decimal point for non-integer numbers (default 4). */
  digits?: number;
  /** Columns (by index) to highlight, e.g. the output of a truth table. */
  highlightColumns?: number[];
}

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for safe use inside HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]);
}

function formatCell(value: Cell, digits: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(digits);
  return String(value);
}

function checkShape(headers: readonly string[], rows: readonly (readonly Cell[])[]): void {
  rows.forEach((row, i) => {
    if (row.length !== headers.length) {
      throw new RangeError(`table: row ${i} has ${row.length} cells but there are ${headers.length} headers (${headers.join(", ")}).`);
    }
  });
}

/** An HTML table with a header row; numbers are right-aligned. */
export function htmlTable(headers: readonly string[], rows: readonly (readonly Cell[])[], options: TableOptions = {}): string {
  checkShape(headers, rows);
  const { caption, digits = 4, highlightColumns = [] } = options;
  const style = (i: number, value?: Cell) => {
    const parts = ["padding:2px 10px", "border:1px solid #ccc"];
    if (typeof value === "number") parts.push("text-align:right", "font-family:monospace");
    if (highlightColumns.includes(i)) parts.push("background:#eef5ff", "font-weight:bold");
    return parts.join(";");
  };
  const head = headers.map((h, i) => `<th style="${style(i)}">${escapeHtml(h)}</th>`).join("");
  const body = rows
    .map((row) => `<tr>${row.map((v, i) => `<td style="${style(i, v)}">${escapeHtml(formatCell(v, digits))}</td>`).join("")}</tr>`)
    .join("");
  const cap = caption ? `<caption style="caption-side:top;font-weight:bold;padding:4px">${escapeHtml(caption)}</caption>` : "";
  return `<table style="border-collapse:collapse;margin:6px 0">${cap}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The same table as plain text, aligned in columns (what a terminal or a test sees). */
export function textTable(headers: readonly string[], rows: readonly (readonly Cell[])[], options: TableOptions = {}): string {
  checkShape(headers, rows);
  const digits = options.digits ?? 4;
  const cells = [headers.map(String), ...rows.map((r) => r.map((v) => formatCell(v, digits)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i])).join("  ");
  const out = [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)];
  return (options.caption ? options.caption + "\n" : "") + out.join("\n");
}

/** Displays a table: HTML in a notebook, aligned text elsewhere. */
export function showTable(headers: readonly string[], rows: readonly (readonly Cell[])[], options: TableOptions = {}): void {
  displayHtml(htmlTable(headers, rows, options), textTable(headers, rows, options));
}

/** The rows of a truth table for any boolean function of n inputs. */
export function truthTableRows(fn: (inputs: number[]) => number, arity: number): number[][] {
  return allInputCombinations(arity).map((inputs) => [...inputs, fn(inputs)]);
}

/**
 * Displays the truth table of a McCulloch-Pitts unit (or any 0/1 function), with the
 * output column highlighted.
 */
export function showTruthTable(
  unitOrFn: McCullochPittsUnit | ((inputs: number[]) => number),
  inputNames: readonly string[],
  outputName = "out",
  caption?: string,
): void {
  const fn = typeof unitOrFn === "function" ? unitOrFn : (x: number[]) => unitOrFn.fire(x);
  const title = caption ?? (typeof unitOrFn === "function" ? undefined : unitOrFn.name);
  showTable([...inputNames, outputName], truthTableRows(fn, inputNames.length), {
    caption: title,
    highlightColumns: [inputNames.length],
  });
}
