/**
 * Code cells highlighted when the site is built (highlight.js, TypeScript grammar):
 * pages need no script for it, and read the same with scripts off.
 */
import hljs from "highlight.js/lib/core";
import typescript from "highlight.js/lib/languages/typescript";
import { escapeHtml } from "./html";

hljs.registerLanguage("typescript", typescript);

/** The code as highlighted HTML (to go inside <pre><code class="hljs">). */
export function highlightCode(source: string, language = "typescript"): string {
  if (!hljs.getLanguage(language)) return escapeHtml(source);
  try {
    return hljs.highlight(source, { language, ignoreIllegals: true }).value;
  } catch {
    // A grammar failure must not lose the code: fall back to plain, escaped text.
    return escapeHtml(source);
  }
}
