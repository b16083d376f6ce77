/** Small helpers for writing HTML by hand. */

/** The library's escaping (& < > " '), so the site and the notebooks' own HTML escape alike. */
export { escapeHtml } from "nncourse/dist/viz/html";

/**
 * JSON that can sit inside a <script> element: "</script>" or "<!--" in a string would
 * otherwise end the element early, so "<" is written as its \u escape.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Terminal colour codes (tslab's error text has them) would show as garbage in a page. */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "");
}
