/**
 * JSON text exactly as Python's `json.dumps(value, sort_keys=True, indent=1,
 * ensure_ascii=False, separators=(",", ": "))` writes it, which is how nbformat (and so
 * Jupyter Notebook, JupyterLab and nbconvert) saves a notebook.
 *
 * JSON.stringify agrees on strings, indentation and empty containers, but not on two
 * things a notebook's outputs are full of:
 *   - numbers: Python writes a fraction as `repr(float)`, 1e-05 where JavaScript writes
 *     0.00001, and 1e+16 where JavaScript writes 10000000000000000 (but Python writes
 *     an integer as its digits);
 *   - key order: Python sorts by code point, JavaScript's sort by UTF-16 unit.
 * A notebook we write in JavaScript's form is rewritten by the first save in Jupyter,
 * so merely opening it shows a modified file in git.
 *
 * Which numbers are integers: the text in the file decides for Python (no ".", "e"),
 * but a JavaScript number has lost that; here an integral number below 1e21 is an
 * integer. That is also what Jupyter's own front end sends back when it saves (it
 * parses the notebook in the browser and serializes it with JSON.stringify).
 */

/** The text of `value`, in nbformat's layout (no final newline; the writer adds it). */
export function pythonJson(value: unknown): string {
  return write(value, 0) ?? "null";
}

/** `undefined` for what JSON.stringify leaves out of an object (undefined, functions, symbols). */
function write(value: unknown, depth: number): string | undefined {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return pythonNumber(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      return undefined;
  }
  const inner = " ".repeat(depth + 1);
  const outer = " ".repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((item) => inner + (write(item, depth + 1) ?? "null"));
    return `[\n${items.join(",\n")}\n${outer}]`;
  }
  const entries: string[] = [];
  for (const key of Object.keys(value).sort(byCodePoint)) {
    const text = write((value as Record<string, unknown>)[key], depth + 1);
    if (text !== undefined) entries.push(`${inner}${JSON.stringify(key)}: ${text}`);
  }
  if (entries.length === 0) return "{}";
  return `{\n${entries.join(",\n")}\n${outer}}`;
}

/** A number as Python's json writes it: an int's digits, or repr() of a float. */
export function pythonNumber(x: number): string {
  // JSON has no NaN or infinities; JSON.stringify writes null for them, and so do we
  // (Python would write NaN, which no JSON reader, ours included, accepts).
  if (!Number.isFinite(x)) return "null";
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return String(x === 0 ? 0 : x);
  // The shortest digits that read back as x: the same in both languages.
  const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  // Where the decimal point goes: x = 0.DIGITS × 10^point.
  const point = Number(exponent) + 1;
  let text: string;
  if (point <= -4 || point > 16) {
    // repr() switches to an exponent outside 1e-4 <= |x| < 1e16, with a sign and at least two digits.
    const e = point - 1;
    text = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ""}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  } else if (point <= 0) {
    text = `0.${"0".repeat(-point)}${digits}`;
  } else {
    // Not integral (those were written above), so there are digits after the point.
    text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  return negative ? `-${text}` : text;
}

/** Python's string order: by code point (JavaScript's default sort compares UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
