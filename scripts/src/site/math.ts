/**
 * Math in Markdown, found the way Jupyter Notebook finds it and typeset with KaTeX when
 * the site is built (no MathJax, no CDN: pages show equations offline and at once).
 *
 * Markdown and TeX disagree about backslashes, underscores and asterisks, so math is
 * cut out of the text before Markdown sees it and put back, typeset, afterwards. The
 * splitting follows Notebook's own `remove_math` (notebook/js/mathjaxutils.js): $…$,
 * $$…$$, \\(…\\), \\[…\\] and \begin{env}…\end{env}, with braces balanced, never across
 * a blank line, and never inside `code`. A notebook's equations therefore come out in
 * the export exactly where they appear in Jupyter.
 */
import katex from "katex";
import { escapeHtml } from "./html";

const MATH_SPLIT = /(\$\$?|\\(?:begin|end)\{[a-z]*\*?\}|\\[{}$]|[{}]|(?:\n\s*)+|@@\d+@@|\\\\(?:\(|\)|\[|\]))/i;

export interface ExtractedMath {
  /** The text with each math span replaced by a marker `@@N@@`. */
  text: string;
  /** The math spans, delimiters included, by marker number. */
  math: string[];
}

/** Cuts math out of Markdown text, leaving numbered markers behind. */
export function extractMath(source: string): ExtractedMath {
  const math: string[] = [];
  let text = source.replace(/\r\n?/g, "\n");
  // Dollars inside code spans and fenced blocks are not math: hide them for a while.
  const hasCode = text.includes("`");
  const hide = (whole: string) => whole.replace(/\$/g, "~D");
  if (hasCode) {
    text = text
      .replace(/~/g, "~T")
      .replace(/(^|[^\\])(`+)([^\n]*?[^`\n])\2(?!`)/gm, hide)
      .replace(/^\s{0,3}(`{3,})(.|\n)*?\1/gm, hide);
  }
  const unhide = (s: string) => (hasCode ? s.replace(/~([TD])/g, (_, c: string) => (c === "T" ? "~" : "$")) : s);

  let blocks = text.split(MATH_SPLIT);
  let start: number | undefined;
  let end: string | undefined;
  let last: number | undefined;
  let braces = 0;
  const close = (i: number, j: number) => {
    const span = blocks.slice(i, j + 1).join("");
    for (let k = j; k > i; k--) blocks[k] = "";
    blocks[i] = `@@${math.length}@@`;
    math.push(unhide(span));
  };
  for (let i = 1; i < blocks.length; i += 2) {
    const block = blocks[i]!;
    if (block.startsWith("@")) {
      // Text that looks like our markers is stored too, and comes back untouched.
      blocks[i] = `@@${math.length}@@`;
      math.push(block);
    } else if (start !== undefined) {
      if (block === end) {
        if (braces) {
          last = i;
        } else {
          close(start, i);
          start = end = last = undefined;
        }
      } else if (/\n.*\n/.test(block)) {
        // A blank line ends a paragraph, and unclosed math with it.
        if (last !== undefined) close(start, last);
        start = end = last = undefined;
        braces = 0;
      } else if (block === "{") {
        braces++;
      } else if (block === "}" && braces) {
        braces--;
      }
    } else if (block === "$" || block === "$$") {
      start = i;
      end = block;
      braces = 0;
    } else if (block === "\\\\(" || block === "\\\\[") {
      start = i;
      end = block.endsWith("(") ? "\\\\)" : "\\\\]";
      braces = 0;
    } else if (block.slice(1, 6) === "begin") {
      start = i;
      end = "\\end" + block.slice(6);
      braces = 0;
    }
  }
  if (start !== undefined && last !== undefined) close(start, last);
  blocks = blocks.map((b) => b ?? "");
  return { text: unhide(blocks.join("")), math };
}

export interface TypesetOptions {
  /** Called for math KaTeX cannot parse; the page shows the TeX source in red instead. */
  onError?: (tex: string, message: string) => void;
}

/** One math span (with its delimiters) as KaTeX HTML. */
export function typesetSpan(span: string, options: TypesetOptions = {}): string {
  let tex = span;
  let display = false;
  if (span.startsWith("$$") && span.endsWith("$$") && span.length >= 4) {
    tex = span.slice(2, -2);
    display = true;
  } else if (span.startsWith("$") && span.endsWith("$") && span.length >= 2) {
    tex = span.slice(1, -1);
  } else if (span.startsWith("\\\\(")) {
    tex = span.slice(3, -3);
  } else if (span.startsWith("\\\\[")) {
    tex = span.slice(3, -3);
    display = true;
  } else if (span.startsWith("\\begin")) {
    display = true; // the environment itself is TeX that KaTeX reads
  } else {
    return span; // a stored marker look-alike, not math
  }
  return typesetTex(tex, display, options);
}

/** TeX as KaTeX HTML, inline or displayed. */
export function typesetTex(tex: string, display: boolean, options: TypesetOptions = {}): string {
  try {
    return katex.renderToString(tex, { displayMode: display, throwOnError: true, strict: "ignore", output: "htmlAndMathml" });
  } catch (error) {
    const message = (error as Error).message;
    options.onError?.(tex, message);
    // Shown anyway (KaTeX marks what it could not read in red), inside a marker that
    // says why, so that a reader and the browser tests can find it.
    const shown = katex.renderToString(tex, { displayMode: display, throwOnError: false, strict: "ignore", output: "htmlAndMathml" });
    return `<span class="math-error" title="${escapeHtml(message)}">${shown}</span>`;
  }
}

/** Puts the math back into rendered HTML, typeset. */
export function restoreMath(html: string, math: string[], options: TypesetOptions = {}): string {
  return html.replace(/@@(\d+)@@/g, (whole, n: string) => {
    const span = math[Number(n)];
    return span === undefined ? whole : typesetSpan(span, options);
  });
}
