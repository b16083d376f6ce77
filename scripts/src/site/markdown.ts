/**
 * Markdown cells as HTML: GitHub-flavoured Markdown (as Jupyter renders it), math
 * typeset by KaTeX, links to other course notebooks pointed at their exported pages,
 * and headings given anchors so that sections can be linked to.
 */
import { Marked, type Tokens } from "marked";
import { extractMath, restoreMath, type TypesetOptions } from "./math";
import { escapeHtml } from "./html";

export interface MarkdownOptions extends TypesetOptions {
  /** Maps a link target ("02-perceptron.ipynb#x") to the page it should open, or undefined to keep it. */
  rewriteLink?: (href: string) => string | undefined;
}

/** A heading's anchor, as Jupyter makes it: the text with spaces turned into dashes. */
export function headingId(text: string): string {
  return text
    .trim()
    .replace(/<[^>]*>/g, "")
    .replace(/\s+/g, "-");
}

export function renderMarkdown(source: string, options: MarkdownOptions = {}): string {
  const { text, math } = extractMath(source);
  const marked = new Marked({ gfm: true, breaks: false });
  marked.use({
    walkTokens(token) {
      if (token.type === "link" && options.rewriteLink) {
        const link = token as Tokens.Link;
        link.href = options.rewriteLink(link.href) ?? link.href;
      }
    },
    renderer: {
      heading(this: { parser: { parseInline(tokens: Tokens.Generic[]): string } }, token: Tokens.Heading) {
        const inner = this.parser.parseInline(token.tokens);
        const id = headingId(token.text.replace(/@@\d+@@/g, ""));
        return `<h${token.depth} id="${escapeHtml(id)}">${inner}<a class="anchor" href="#${escapeHtml(id)}" aria-label="link to this section">¶</a></h${token.depth}>\n`;
      },
    },
  });
  const html = marked.parse(text, { async: false }) as string;
  return restoreMath(html, math, options);
}
