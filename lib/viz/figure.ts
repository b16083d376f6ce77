/**
 * Plotly figures in notebooks, offline.
 *
 * A figure is plain plotly JSON ({ data, layout }, plus `frames` for an animation).
 * `show(figure)` sends it to the notebook in two forms at once, and the front end picks
 * the one it can draw:
 *
 *   - application/vnd.plotly.v1+json: the figure itself, for front ends with a plotly
 *     renderer (VS Code, JupyterLab with the plotly extension) and for `course export`,
 *     whose pages load one local copy of plotly.js;
 *   - text/html: a <div> and a small script that draws it with window.Plotly, for
 *     classic Notebook and plain JupyterLab.
 *
 * plotly.js itself (about 5 MB) is sent once per kernel session, as the HTML output
 * that comes before the first figure: it is saved with the notebook, so a trusted
 * notebook draws its figures again when it is reopened, with no network. Figure
 * scripts wait for it (output order does not matter) and say what to do if it never
 * comes. Headless runs (`course run`, the grader) set NNCOURSE_PLOTLY=omit: their
 * outputs are read by our own tools, which bring their own plotly.js, and five
 * megabytes per notebook would only hit the output caps.
 */
import fs from "node:fs";
import { displayData, inNotebook } from "../notebook/display";
import { escapeHtml } from "./html";

/** Plotly's figure format. The fields are plotly's own; see plotly.com/javascript/reference. */
export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
  /**
   * Animation frames (plotly's own `frames`: each `{ name, data, traces?, layout? }`),
   * played by a slider or play button in the layout. Both outputs of `show` carry them.
   */
  frames?: Record<string, unknown>[];
}

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** Width and height that read well in a notebook column. */
export const DEFAULT_SIZE = { width: 720, height: 440 } as const;

/** Options every chart takes. */
export interface ChartOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** A logarithmic y axis (for losses that fall over orders of magnitude). */
  logY?: boolean;
  width?: number;
  height?: number;
}

/**
 * A logarithmic axis labelled in powers of ten (10⁻⁴, 10⁻⁸). Plotly's default labels
 * log axes with SI prefixes ("100µ", "10n"), which read badly for gradients and losses.
 */
export const LOG_AXIS = { type: "log", exponentformat: "power", showexponent: "all" } as const;

/** The layout every chart starts from: a title, labelled axes and a readable size. */
export function baseLayout(options: ChartOptions, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: options.title ?? "" },
    width: options.width ?? DEFAULT_SIZE.width,
    height: options.height ?? DEFAULT_SIZE.height,
    margin: { l: 70, r: 30, t: options.title ? 60 : 30, b: 60 },
    xaxis: { title: { text: options.xTitle ?? "" }, zeroline: false },
    yaxis: { title: { text: options.yTitle ?? "" }, zeroline: false, ...(options.logY ? LOG_AXIS : {}) },
    legend: { orientation: "v" },
    ...extra,
  };
}

/** The comment that opens the inline copy of plotly.js, so that tools can tell it from a figure. */
export const PLOTLY_BUNDLE_MARK = "/* plotly.js for nncourse figures */";

let bundleSent = false;
let figureCount = 0;

function plotlyMode(): "embed" | "omit" {
  return process.env.NNCOURSE_PLOTLY?.trim().toLowerCase() === "omit" ? "omit" : "embed";
}

/**
 * plotly.js as one inline script. Classic Notebook has require.js: plotly's UMD wrapper
 * would then register itself as an anonymous AMD module (an error there) instead of
 * setting window.Plotly, so the bundle runs with `define`, `module` and `exports`
 * hidden. The comment at the top lets tools recognise the bundle.
 */
function bundleHtml(): string | undefined {
  let source: string;
  try {
    source = fs.readFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), "utf8");
  } catch {
    return undefined;
  }
  const body = source.replace(/<\/script/gi, "<\\/script");
  return `<script type="text/javascript">${PLOTLY_BUNDLE_MARK}\nif (!window.Plotly) { (function (define, module, exports) {\n${body}\n}).call(window); }\n</script>`;
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

function figureHtml(figure: Figure, id: string): string {
  const width = Number(figure.layout.width ?? DEFAULT_SIZE.width);
  const height = Number(figure.layout.height ?? DEFAULT_SIZE.height);
  const config = { responsive: false, displaylogo: false, ...figure.config };
  const missing = escapeHtml("This figure needs plotly.js, which is not in this page. Run the notebook's cells again to draw it.");
  return (
    `<div id="${id}" class="nncourse-figure" style="width:${width}px;height:${height}px"></div>\n` +
    `<script type="text/javascript">(function () {\n` +
    `  var spec = ${scriptJson({ data: figure.data, layout: figure.layout, config, ...(figure.frames ? { frames: figure.frames } : {}) })};\n` +
    `  var tries = 0;\n` +
    `  function draw() {\n` +
    `    var el = document.getElementById(${JSON.stringify(id)});\n` +
    `    if (!el) return;\n` +
    `    if (window.Plotly) {\n` +
    `      var drawn = window.Plotly.newPlot(el, spec.data, spec.layout, spec.config);\n` +
    `      if (spec.frames) drawn.then(function () { return window.Plotly.addFrames(el, spec.frames); });\n` +
    `      return;\n` +
    `    }\n` +
    `    if (tries++ < 150) { setTimeout(draw, 100); return; }\n` +
    `    el.style.height = "auto"; el.textContent = ${JSON.stringify(missing)};\n` +
    `  }\n` +
    `  draw();\n` +
    `})();</script>`
  );
}

/** One line describing a figure, for places without a notebook (scripts, tests). */
export function describeFigure(figure: Figure): string {
  const layoutTitle = figure.layout.title as { text?: string } | string | undefined;
  const title = typeof layoutTitle === "string" ? layoutTitle : layoutTitle?.text;
  const names = figure.data.map((t) => t.name).filter((n): n is string => typeof n === "string" && n !== "");
  const frames = figure.frames?.length ? `, ${figure.frames.length} animation frame${figure.frames.length === 1 ? "" : "s"}` : "";
  return `[figure${title ? `: ${title}` : ""}] ${figure.data.length} trace${figure.data.length === 1 ? "" : "s"}${names.length ? ` (${names.join(", ")})` : ""}${frames}`;
}

/**
 * The figure with its numbers cut to 5 significant digits: nobody reads a plot to more,
 * and full doubles make a decision boundary or an activation grid several times bigger
 * in the saved notebook. Animation frames are kept, their numbers cut the same way.
 */
export function compactFigure(figure: Figure): Figure {
  const round = (value: unknown): unknown => {
    if (typeof value === "number") return Number.isFinite(value) && !Number.isInteger(value) ? Number(value.toPrecision(5)) : value;
    if (Array.isArray(value)) return value.map(round);
    return value;
  };
  const compactTraces = (traces: Record<string, unknown>[]) =>
    traces.map((trace) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(trace)) out[key] = Array.isArray(value) ? round(value) : value;
      return out;
    });
  const data = compactTraces(figure.data);
  if (!figure.frames) return { ...figure, data };
  // Frames keep everything but have their traces' numbers cut the same way.
  const frames = figure.frames.map((frame) =>
    Array.isArray(frame.data) ? { ...frame, data: compactTraces(frame.data as Record<string, unknown>[]) } : { ...frame },
  );
  return { ...figure, data, frames };
}

/** Shows a figure in the notebook; prints a one-line description anywhere else. */
export function show(figure: Figure): void {
  if (!inNotebook()) {
    console.log(describeFigure(figure));
    return;
  }
  figure = compactFigure(figure);
  const id = `nncourse-figure-${process.pid}-${++figureCount}`;
  if (!bundleSent && plotlyMode() === "embed") {
    const bundle = bundleHtml();
    if (bundle) displayData({ "text/html": bundle });
    bundleSent = true;
  }
  displayData({
    [PLOTLY_MIME]: {
      data: figure.data,
      layout: figure.layout,
      ...(figure.config ? { config: figure.config } : {}),
      ...(figure.frames ? { frames: figure.frames } : {}),
    },
    "text/html": figureHtml(figure, id),
    "text/plain": describeFigure(figure),
  });
}
