import { displayHtml } from "../notebook/display";
import { escapeHtml } from "./html";
import type { McCullochPittsUnit } from "../neurons/mcculloch-pitts";
import { allInputCombinations } from "../neurons/mcculloch-pitts";

export type Cell = string | number | boolean | null | undefined;

export interface TableOptions {
  caption?: string;
  /**
   * Most digits after the decimal point (default 4). A column's numbers share one format:
   * as many decimals as the column's most precise number needs, up to this many.
   */
  digits?: number;
  /** Columns (by index) to highlight, e.g. the output of a truth table. */
  highlightColumns?: number[];
}

/** Decimals a number needs when shown with at most `digits` of them: 0.5 → 1, 2 → 0, 1/3 → digits. */
function decimalsNeeded(value: number, digits: number): number {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return 0;
  const fixed = value.toFixed(digits);
  const dot = fixed.indexOf(".");
  return dot < 0 ? 0 : fixed.slice(dot + 1).replace(/0+$/, "").length;
}

/**
 * The decimals each column's numbers are shown with: as many as its most precise number
 * needs, at most `digits`. One column then reads in one format (-4.0, 0.5, 2.0, not
 * -4, 0.50000000, 2), and a column of whole numbers stays whole.
 */
export function columnDecimals(rows: readonly (readonly Cell[])[], columns: number, digits: number): number[] {
  const decimals = new Array<number>(columns).fill(0);
  for (const row of rows) {
    row.forEach((value, i) => {
      if (typeof value === "number") decimals[i] = Math.max(decimals[i], decimalsNeeded(value, digits));
    });
  }
  return decimals;
}

function formatCell(value: Cell, decimals: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return String(value);
    const text = value.toFixed(decimals);
    // A value that rounds to zero shows no minus sign ("-0.0" reads like a value below zero).
    return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
  }
  return String(value);
}

/** Every cell as text, each column's numbers with that column's decimals (see columnDecimals). */
export function formatRows(headers: readonly string[], rows: readonly (readonly Cell[])[], digits = 4): string[][] {
  checkShape(headers, rows);
  const decimals = columnDecimals(rows, headers.length, digits);
  return rows.map((row) => row.map((value, i) => formatCell(value, decimals[i])));
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
  const text = formatRows(headers, rows, digits);
  const head = headers.map((h, i) => `<th style="${style(i)}">${escapeHtml(h)}</th>`).join("");
  const body = rows
    .map((row, r) => `<tr>${row.map((v, i) => `<td style="${style(i, v)}">${escapeHtml(text[r][i])}</td>`).join("")}</tr>`)
    .join("");
  if (!caption) return `<table style="border-collapse:collapse;margin:6px 0"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
  // The caption is a block above the table, not a <caption>: a <caption> is as narrow as
  // its table, and a two-column table would fold a sentence into a column of words.
  return (
    `<figure style="margin:6px 0"><figcaption style="font-weight:bold;padding:4px 0;max-width:48em">${escapeHtml(caption)}</figcaption>` +
    `<table style="border-collapse:collapse;margin:0"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></figure>`
  );
}

/** The same table as plain text, aligned in columns (what a terminal or a test sees). */
export function textTable(headers: readonly string[], rows: readonly (readonly Cell[])[], options: TableOptions = {}): string {
  const cells = [headers.map(String), ...formatRows(headers, rows, options.digits ?? 4)];
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
