/**
 * Cell outputs as static HTML, choosing among each output's MIME types the way Jupyter
 * does (the richest one the page can show). Plotly figures stay interactive: a plotly
 * JSON output becomes a figure drawn by the page's one copy of plotly.js, and HTML
 * outputs that draw with plotly keep their scripts but lose any copy of plotly.js they
 * carry or fetch from a CDN (the page loads the local copy once, before any output).
 */
import type { JsonObject, Output } from "../notebook/model";
import { joinText } from "../notebook/text";
import { escapeHtml, scriptJson, stripAnsi } from "./html";
import { renderMarkdown, type MarkdownOptions } from "./markdown";
import { extractMath, restoreMath, typesetTex } from "./math";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** Richest first; a MIME type not listed here is not shown (Jupyter skips them too). */
export const MIME_ORDER = [
  PLOTLY_MIME,
  "text/html",
  "image/svg+xml",
  "image/png",
  "image/jpeg",
  "image/gif",
  "text/markdown",
  "text/latex",
  "application/json",
  "text/plain",
] as const;

/** Calls that draw a plotly figure; an HTML output draws one figure per call. */
const PLOTLY_CALL = /\bPlotly\.(?:newPlot|react|plot)\s*\(/g;

/** The MIME type an output is shown as, or undefined if none can be shown. */
export function chooseMime(data: JsonObject): string | undefined {
  return MIME_ORDER.find((mime) => data[mime] !== undefined);
}

/** How many plotly figures one output draws. */
export function plotlyFigureCount(output: Output): number {
  if (output.output_type !== "display_data" && output.output_type !== "execute_result") return 0;
  const mime = chooseMime(output.data);
  if (mime === PLOTLY_MIME) return 1;
  if (mime === "text/html") return (joinText(output.data[mime] as string | string[]).match(PLOTLY_CALL) ?? []).length;
  return 0;
}

/**
 * An HTML output without its own plotly.js: <script src=".../plotly...js"> tags (a CDN
 * the offline page cannot reach) and inline scripts that are the plotly.js bundle
 * itself (megabytes, loaded once per page instead).
 */
export function withoutPlotlyLibrary(html: string): string {
  return html.replace(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi, (whole, attributes: string, body: string) => {
    if (/\bsrc\s*=\s*["']?[^"'\s>]*plotly[^"'\s>]*\.js/i.test(attributes)) return "<!-- plotly.js: the page's local copy is used -->";
    if (body.length > 200_000 && /plotly/i.test(body.slice(0, 2000))) return "<!-- plotly.js: the page's local copy is used -->";
    return whole;
  });
}

let figureCounter = 0;

/** One output as HTML. */
export function renderOutput(output: Output, options: MarkdownOptions = {}): string {
  switch (output.output_type) {
    case "stream": {
      const text = stripAnsi(joinText(output.text));
      return `<div class="output output-stream output-${output.name}"><pre>${escapeHtml(text)}</pre></div>`;
    }
    case "error": {
      const trace = output.traceback.length > 0 ? output.traceback.join("\n") : `${output.ename}: ${output.evalue}`;
      return `<div class="output output-error"><pre>${escapeHtml(stripAnsi(trace))}</pre></div>`;
    }
    case "display_data":
    case "execute_result":
      return renderData(output.data, options);
  }
}

function renderData(data: JsonObject, options: MarkdownOptions): string {
  const mime = chooseMime(data);
  if (mime === undefined) return "";
  const value = data[mime];
  const text = () => joinText(value as string | string[]);
  const wrap = (body: string, extra = "") => `<div class="output output-data" data-mime="${escapeHtml(mime)}"${extra}>${body}</div>`;
  switch (mime) {
    case PLOTLY_MIME: {
      const id = `plotly-figure-${++figureCounter}`;
      return wrap(
        `<div class="plotly-figure" id="${id}"></div><script type="application/json" class="plotly-spec" data-for="${id}">${scriptJson(value)}</script>`,
        ' data-figures="1"',
      );
    }
    case "text/html": {
      const html = withoutPlotlyLibrary(text());
      const figures = (html.match(PLOTLY_CALL) ?? []).length;
      return wrap(html, figures > 0 ? ` data-figures="${figures}"` : "");
    }
    case "image/svg+xml":
      return wrap(text());
    case "image/png":
    case "image/jpeg":
    case "image/gif":
      return wrap(`<img alt="" src="data:${mime};base64,${text().replace(/\s+/g, "")}">`);
    case "text/markdown":
      return wrap(renderMarkdown(text(), options));
    case "text/latex":
      return wrap(renderLatex(text(), options));
    case "application/json":
      return wrap(`<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`);
    default:
      return wrap(`<pre>${escapeHtml(stripAnsi(text()))}</pre>`);
  }
}

/** text/latex holds TeX with its own delimiters ($$…$$ as a rule), or bare TeX. */
function renderLatex(tex: string, options: MarkdownOptions): string {
  const { text, math } = extractMath(tex);
  if (math.length === 0) return typesetTex(tex, true, options);
  return restoreMath(escapeHtml(text).replace(/\n/g, " "), math, options);
}

/** Restarts figure numbering, so that building the same site twice writes the same bytes. */
export function resetFigureIds(): void {
  figureCounter = 0;
}
