/**
 * "Ours beside the source's": a table for worked examples, with each quantity as our
 * code computes it next to the value a source printed, and a verdict per row. A printed
 * value is only as precise as its digits, so 0.7858 matches anything that rounds to it;
 * a row that does not match is marked, and the notebook says why.
 */
import { displayHtml } from "../notebook/display";
import { escapeHtml } from "./html";
import { htmlTable, textTable, type Cell } from "./table";

export interface TraceRow {
  /** The quantity, e.g. "a₁ = σ(z₁)" or "∂E/∂w5". */
  name: string;
  /** What our code computed. */
  value: number | string;
  /** What the source printed, if it printed one. */
  source?: number | string;
  /** The older name of `source`, still accepted (`source` wins when both are given). */
  seed?: number | string;
  /** A short remark shown in the last column. */
  note?: string;
}

export interface TraceOptions {
  caption?: string;
  /** Digits after the decimal point for our values (default 6). */
  digits?: number;
  /** Largest difference that still counts as a match (default: half a unit of the source's last printed digit). */
  tolerance?: number;
  /** The printed values' column header, best the source's name, e.g. "MSA 8650 slides" (default "source"). */
  sourceLabel?: string;
  /** The older name of `sourceLabel`, still accepted (`sourceLabel` wins when both are given). */
  seedLabel?: string;
}

/** The printed value of a row, under either name. */
export function printedValue(row: TraceRow): number | string | undefined {
  return row.source ?? row.seed;
}

/** Decimal places a number was printed with: 0.7858 → 4, 121 → 0, 1.5e-3 → 4. */
export function printedDecimals(value: number): number {
  const text = String(value);
  const exp = /e([+-]\d+)$/i.exec(text);
  const mantissa = exp ? text.slice(0, exp.index) : text;
  const dot = mantissa.indexOf(".");
  const decimals = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, decimals - (exp ? Number(exp[1]) : 0));
}

/** Whether our value agrees with the source's printed one (see TraceOptions.tolerance). */
export function matchesSource(value: number | string, printed: number | string, tolerance?: number): boolean {
  if (typeof value === "number" && typeof printed === "number") {
    const tol = tolerance ?? 0.5 * 10 ** -printedDecimals(printed) * (1 + 1e-9);
    return Math.abs(value - printed) <= tol;
  }
  return String(value).trim() === String(printed).trim();
}

/** The older name of `matchesSource`. */
export const matchesSeed = matchesSource;

/** Whether a row has a printed value and ours differs from it. */
function differs(row: TraceRow, tolerance?: number): boolean {
  const printed = printedValue(row);
  return printed !== undefined && !matchesSource(row.value, printed, tolerance);
}

function verdict(row: TraceRow, tolerance?: number): string {
  if (printedValue(row) === undefined) return "";
  return differs(row, tolerance) ? "✗ differs" : "✓ matches";
}

/** The printed values' column header. */
function sourceHeader(options: TraceOptions): string {
  return options.sourceLabel ?? options.seedLabel ?? "source";
}

function rowsOf(rows: readonly TraceRow[], options: TraceOptions): { headers: string[]; cells: Cell[][] } {
  const hasPrinted = rows.some((r) => printedValue(r) !== undefined);
  const hasNote = rows.some((r) => r.note);
  const headers = ["quantity", "ours", ...(hasPrinted ? [sourceHeader(options), "check"] : []), ...(hasNote ? ["note"] : [])];
  // Ours to `digits` places without trailing zeros; the source's exactly as it printed it.
  const ours = (v: number | string) => (typeof v === "number" ? String(Number(v.toFixed(options.digits ?? 6))) : v);
  const cells = rows.map((r) => [
    r.name,
    ours(r.value),
    ...(hasPrinted ? [printedValue(r) === undefined ? "" : String(printedValue(r)), verdict(r, options.tolerance)] : []),
    ...(hasNote ? [r.note ?? ""] : []),
  ]);
  return { headers, cells };
}

/** The rows that do not match their printed value (none when everything agrees). */
export function traceMismatches(rows: readonly TraceRow[], tolerance?: number): TraceRow[] {
  return rows.filter((r) => differs(r, tolerance));
}

/** Shows the table: HTML in a notebook, with differing rows highlighted; aligned text elsewhere. */
export function showTrace(rows: readonly TraceRow[], options: TraceOptions = {}): void {
  if (rows.length === 0) throw new RangeError("showTrace: no rows to show.");
  const { headers, cells } = rowsOf(rows, options);
  const digits = options.digits ?? 6;
  let html = htmlTable(headers, cells, { caption: options.caption, digits });
  // Tint the rows whose value differs from the source's, so that an erratum stands out.
  const bad = new Set(rows.flatMap((r, i) => (differs(r, options.tolerance) ? [i] : [])));
  if (bad.size > 0) {
    let i = -1;
    html = html.replace(/<tr>(?=<td)/g, () => (bad.has(++i) ? '<tr style="background:#fdecea">' : "<tr>"));
  }
  const mismatches =
    bad.size > 0
      ? `<div style="color:#a33;font-size:90%">${escapeHtml(`${bad.size} value${bad.size === 1 ? "" : "s"} differ${bad.size === 1 ? "s" : ""} from the ${sourceHeader(options)} column.`)}</div>`
      : "";
  displayHtml(html + mismatches, textTable(headers, cells, { caption: options.caption, digits }));
}
