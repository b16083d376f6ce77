/**
 * Figure builders for the course: each returns a plotly Figure (see figure.ts), and each
 * has a `show…` twin that displays it, so that a notebook draws a chart in one line:
 *
 *   showLineChart({ name: "loss", y: losses }, { title: "Training loss", xTitle: "epoch" });
 *   showDecisionBoundary((P) => net.predictClasses(P), X, y, { title: "2-8-1 tanh net" });
 */
import { getActivation, type ActivationName, type ElementwiseActivation } from "../nn/activations";
import { linspace } from "../core/linspace";
import type { EpochMetrics } from "../nn/history";
import { baseLayout, show, type ChartOptions, type Figure } from "./figure";

/** Plotly's default colours, so that class k has the same colour in every figure. */
export const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

export type { ChartOptions } from "./figure";

function colour(i: number): string {
  return PALETTE[i % PALETTE.length];
}

function needFiniteNumbers(where: string, name: string, values: readonly number[]): void {
  if (values.length === 0) throw new RangeError(`${where}: "${name}" has no values to plot.`);
  const bad = values.findIndex((v) => typeof v !== "number" || Number.isNaN(v));
  if (bad >= 0) throw new TypeError(`${where}: "${name}" has ${String(values[bad])} at index ${bad}; every value must be a number.`);
}

// ---------------------------------------------------------------------------------------
// Line charts

export interface Series {
  name: string;
  y: readonly number[];
  /** The x values (default 1, 2, 3, …: epochs). */
  x?: readonly number[];
  /** A dashed line (validation curves, derivatives). */
  dash?: boolean;
  mode?: "lines" | "markers" | "lines+markers";
  /** A colour for the line (default: the next of the palette). */
  color?: string;
}

function seriesTrace(s: Series, i: number, where: string): Record<string, unknown> {
  needFiniteNumbers(where, s.name, s.y);
  if (s.x && s.x.length !== s.y.length) {
    throw new RangeError(`${where}: "${s.name}" has ${s.x.length} x values but ${s.y.length} y values; give one x per y.`);
  }
  return {
    type: "scatter",
    mode: s.mode ?? "lines",
    name: s.name,
    x: s.x ? [...s.x] : s.y.map((_, k) => k + 1),
    y: [...s.y],
    line: { color: s.color ?? colour(i), ...(s.dash ? { dash: "dash" } : {}) },
  };
}

/** One or more lines on one chart: losses, metrics, several runs side by side. */
export function lineChart(series: Series | readonly Series[], options: ChartOptions = {}): Figure {
  const list = Array.isArray(series) ? (series as readonly Series[]) : [series as Series];
  if (list.length === 0) throw new RangeError("lineChart: no series to plot; pass { name, y } or a list of them.");
  return {
    data: list.map((s, i) => seriesTrace(s, i, "lineChart")),
    layout: baseLayout({ xTitle: "epoch", ...options }),
  };
}

export function showLineChart(series: Series | readonly Series[], options: ChartOptions = {}): void {
  show(lineChart(series, options));
}

/**
 * Training histories (Network.train's, or tf's through epochRecord), one colour per
 * run: the training curve solid, the validation curve (when the run has one) dashed in
 * the same colour.
 */
export function historyChart(
  runs: Readonly<Record<string, { epochs: readonly EpochMetrics[] }>>,
  options: ChartOptions & { metric?: "loss" | "accuracy" } = {},
): Figure {
  const metric = options.metric ?? "loss";
  const names = Object.keys(runs);
  if (names.length === 0) throw new RangeError("historyChart: no runs to plot; pass { runName: history }.");
  const series: Series[] = [];
  names.forEach((name, i) => {
    const epochs = runs[name].epochs;
    if (!epochs || epochs.length === 0) throw new RangeError(`historyChart: the run "${name}" has no epochs (was it trained?).`);
    const x = epochs.map((e) => e.epoch);
    const train = epochs.map((e) => (metric === "loss" ? e.loss : e.accuracy));
    if (train.some((v) => v === undefined)) {
      throw new RangeError(
        `historyChart: the run "${name}" has no ${metric} in its epochs; accuracy is only recorded for classification losses.`,
      );
    }
    series.push({ name: names.length === 1 ? `training ${metric}` : name, x, y: train as number[], color: colour(i) });
    const val = epochs.map((e) => (metric === "loss" ? e.valLoss : e.valAccuracy));
    if (val.every((v) => v !== undefined)) {
      series.push({
        name: names.length === 1 ? `validation ${metric}` : `${name} (validation)`,
        x,
        y: val as number[],
        color: colour(i),
        dash: true,
      });
    }
  });
  return lineChart(series, { title: metric === "loss" ? "Learning curves" : "Accuracy", yTitle: metric, ...options });
}

export function showHistory(
  runs: Readonly<Record<string, { epochs: readonly EpochMetrics[] }>>,
  options: ChartOptions & { metric?: "loss" | "accuracy" } = {},
): void {
  show(historyChart(runs, options));
}

// ---------------------------------------------------------------------------------------
// Activation functions beside their derivatives

const ACTIVATION_ALIASES: Record<string, ActivationName> = { step: "heaviside" };

function elementwise(spec: ActivationName | "step" | ElementwiseActivation): ElementwiseActivation {
  if (typeof spec !== "string") return spec;
  const act = getActivation(ACTIVATION_ALIASES[spec] ?? (spec as ActivationName)) as Partial<ElementwiseActivation>;
  if (typeof act.f !== "function" || typeof act.df !== "function") {
    throw new RangeError(
      `activationGrid: "${spec}" does not act on each number separately (softmax mixes a whole row), so it has no curve to draw; plot it with lineChart instead.`,
    );
  }
  return act as ElementwiseActivation;
}

/**
 * A grid of small charts, one per activation: φ(z) solid and φ'(z) dashed on the same
 * axes, so that saturation (φ' near 0) shows where it happens.
 */
export function activationGrid(
  list: readonly (ActivationName | "step" | ElementwiseActivation)[],
  options: { range?: [number, number]; title?: string; columns?: number; points?: number } = {},
): Figure {
  if (list.length === 0) throw new RangeError('activationGrid: no activations given; e.g. activationGrid(["sigmoid", "tanh", "relu"]).');
  const [lo, hi] = options.range ?? [-5, 5];
  if (!(hi > lo)) throw new RangeError(`activationGrid: range [${lo}, ${hi}] is empty; give [low, high] with low < high.`);
  const points = options.points ?? 121;
  const columns = Math.min(options.columns ?? 3, list.length);
  const rows = Math.ceil(list.length / columns);
  const z = linspace(lo, hi, points);
  const data: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {};
  list.forEach((spec, i) => {
    const act = elementwise(spec);
    const axis = i === 0 ? "" : String(i + 1);
    const common = { type: "scatter", mode: "lines", x: z, xaxis: `x${axis}`, yaxis: `y${axis}`, legendgroup: i === 0 ? "f" : undefined };
    data.push({ ...common, name: "φ(z)", y: z.map((v) => act.f(v)), line: { color: colour(0) }, showlegend: i === 0 });
    data.push({ ...common, name: "φ′(z)", y: z.map((v) => act.df(v)), line: { color: colour(3), dash: "dash" }, showlegend: i === 0 });
    const col = i % columns;
    const row = Math.floor(i / columns);
    const gap = 0.08;
    const w = (1 - gap * (columns - 1)) / columns;
    const h = (1 - gap * 1.5 * (rows - 1)) / rows;
    const x0 = col * (w + gap);
    const y1 = 1 - row * (h + gap * 1.5);
    layout[`xaxis${axis}`] = { domain: [x0, x0 + w], anchor: `y${axis}`, zeroline: true, zerolinecolor: "#ccc" };
    layout[`yaxis${axis}`] = { domain: [y1 - h, y1], anchor: `x${axis}`, zeroline: true, zerolinecolor: "#ccc" };
    annotations.push({
      text: `<b>${act.name}</b>`,
      showarrow: false,
      xref: "paper",
      yref: "paper",
      x: x0 + w / 2,
      y: y1 + 0.01,
      xanchor: "center",
      yanchor: "bottom",
    });
  });
  return {
    data,
    layout: {
      title: { text: options.title ?? "Activation functions (solid) and their derivatives (dashed)" },
      width: Math.max(720, columns * 260),
      height: 90 + rows * 240,
      margin: { l: 50, r: 20, t: 80, b: 40 },
      annotations,
      legend: { orientation: "h", x: 0.5, xanchor: "center", y: -0.08 },
      ...layout,
    },
  };
}

export function showActivations(
  list: readonly (ActivationName | "step" | ElementwiseActivation)[],
  options: { range?: [number, number]; title?: string; columns?: number } = {},
): void {
  show(activationGrid(list, options));
}

// ---------------------------------------------------------------------------------------
// Points and decision regions in two dimensions

export interface ScatterOptions extends ChartOptions {
  /** Names of the classes, by label (default "class 0", "class 1", …). */
  classNames?: readonly string[];
}

function checkPoints(where: string, X: readonly (readonly number[])[], y: readonly number[]): void {
  if (X.length === 0) throw new RangeError(`${where}: there are no points to plot.`);
  if (X.length !== y.length) throw new RangeError(`${where}: ${X.length} points but ${y.length} labels; give one label per point.`);
  X.forEach((p, i) => {
    if (p.length < 2) throw new RangeError(`${where}: point ${i} has ${p.length} coordinate(s); a 2-D plot needs two (x and y).`);
  });
  y.forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0)
      throw new RangeError(`${where}: label ${i} is ${label}; labels must be class numbers 0, 1, 2, …`);
  });
}

function pointTraces(X: readonly (readonly number[])[], y: readonly number[], classNames?: readonly string[]): Record<string, unknown>[] {
  const classes = Math.max(...y) + 1;
  const traces: Record<string, unknown>[] = [];
  for (let k = 0; k < classes; k++) {
    const idx = y.flatMap((label, i) => (label === k ? [i] : []));
    if (idx.length === 0) continue;
    traces.push({
      type: "scatter",
      mode: "markers",
      name: classNames?.[k] ?? `class ${k}`,
      x: idx.map((i) => X[i][0]),
      y: idx.map((i) => X[i][1]),
      marker: { color: colour(k), size: 7, line: { color: "white", width: 0.5 } },
    });
  }
  return traces;
}

/** Labelled 2-D points, one colour per class. */
export function scatterClasses(X: readonly (readonly number[])[], y: readonly number[], options: ScatterOptions = {}): Figure {
  checkPoints("scatterClasses", X, y);
  return { data: pointTraces(X, y, options.classNames), layout: baseLayout({ xTitle: "x₁", yTitle: "x₂", ...options }) };
}

export function showScatter(X: readonly (readonly number[])[], y: readonly number[], options: ScatterOptions = {}): void {
  show(scatterClasses(X, y, options));
}

export interface DecisionBoundaryOptions extends ScatterOptions {
  /** Grid cells along each axis (default 80). */
  resolution?: number;
  /** Margin around the points, as a fraction of their spread (default 0.1). */
  padding?: number;
}

export interface BoundaryGridOptions {
  /** Grid points along each axis (default 40). */
  resolution?: number;
  /** Margin around the points, as a fraction of their spread (default 0.1). */
  padding?: number;
}

/** The grid over the points' bounding box (with a margin): xs, ys and the points row by row (y outer, x inner). */
export function boundaryGrid(
  X: readonly (readonly number[])[],
  options: BoundaryGridOptions = {},
): { xs: number[]; ys: number[]; points: number[][] } {
  const n = options.resolution ?? 40;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`boundaryGrid: resolution must be a whole number ≥ 2, got ${n}.`);
  if (X.length === 0) throw new RangeError("boundaryGrid: there are no points to span.");
  const pad = options.padding ?? 0.1;
  const span = (d: 0 | 1) => {
    const vs = X.map((p) => p[d]);
    const lo = Math.min(...vs);
    const hi = Math.max(...vs);
    const m = (hi - lo || 1) * pad;
    return linspace(lo - m, hi + m, n);
  };
  const xs = span(0);
  const ys = span(1);
  const points: number[][] = [];
  for (const gy of ys) for (const gx of xs) points.push([gx, gy]);
  return { xs, ys, points };
}

/**
 * The regions where a classifier predicts each class, shaded, with the points on top.
 * `predict` receives the grid as one batch of 2-D points (fast for networks) and returns
 * one class label per point; any classifier fits: `(P) => net.predictClasses(P)`.
 */
export function decisionBoundary(
  predict: (points: number[][]) => readonly number[],
  X: readonly (readonly number[])[],
  y: readonly number[],
  options: DecisionBoundaryOptions = {},
): Figure {
  checkPoints("decisionBoundary", X, y);
  const n = options.resolution ?? 80;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`decisionBoundary: resolution must be a whole number ≥ 2, got ${n}.`);
  const { xs, ys, points: grid } = boundaryGrid(X, { resolution: n, padding: options.padding });
  const [x0, x1] = [xs[0], xs[n - 1]];
  const [y0, y1] = [ys[0], ys[n - 1]];
  const labels = predict(grid);
  if (!labels || labels.length !== grid.length) {
    throw new RangeError(
      `decisionBoundary: predict returned ${labels?.length ?? "nothing"} labels for ${grid.length} points; it must return one class label per point.`,
    );
  }
  const bad = labels.findIndex((l) => !Number.isInteger(l) || l < 0);
  if (bad >= 0) {
    throw new RangeError(
      `decisionBoundary: predict returned ${labels[bad]} for point [${grid[bad].map((v) => v.toFixed(2))}]; it must return class labels 0, 1, 2, … (round probabilities first).`,
    );
  }
  const classes = Math.max(Math.max(...labels), Math.max(...y)) + 1;
  const z = ys.map((_, j) => xs.map((_, i) => labels[j * n + i]));
  // A stepped colour scale: class k gets exactly its palette colour.
  const scale: [number, string][] = [];
  for (let k = 0; k < classes; k++) {
    const lo = classes === 1 ? 0 : k / classes;
    const hi = classes === 1 ? 1 : (k + 1) / classes;
    scale.push([lo, colour(k)], [hi, colour(k)]);
  }
  const regions = {
    type: "heatmap",
    x: xs,
    y: ys,
    z,
    zmin: -0.5,
    zmax: classes - 0.5,
    colorscale: scale,
    opacity: 0.3,
    showscale: false,
    hoverinfo: "skip",
    name: "predicted class",
  };
  // The axes end where the grid does, so that the regions fill the plot.
  const layout = baseLayout({ xTitle: "x₁", yTitle: "x₂", ...options });
  layout.xaxis = { ...(layout.xaxis as object), range: [x0, x1] };
  // A log axis (baseLayout gives it powers-of-ten labels) takes its range in log10 units.
  const yRange = !options.logY ? { range: [y0, y1] } : y0 > 0 ? { range: [Math.log10(y0), Math.log10(y1)] } : {};
  layout.yaxis = { ...(layout.yaxis as object), ...yRange };
  return { data: [regions, ...pointTraces(X, y, options.classNames)], layout };
}

export function showDecisionBoundary(
  predict: (points: number[][]) => readonly number[],
  X: readonly (readonly number[])[],
  y: readonly number[],
  options: DecisionBoundaryOptions = {},
): void {
  show(decisionBoundary(predict, X, y, options));
}

// ---------------------------------------------------------------------------------------
// Images and confusion matrices

export interface ImageGridOptions {
  /** Pixels per row of an image (default 28). */
  width?: number;
  /** Rows of an image (default 28). */
  height?: number;
  /** Images per row of the grid (default up to 8). */
  columns?: number;
  title?: string;
  /** Size of each image on screen, in pixels (default 96). */
  cellSize?: number;
}

/**
 * Grayscale images in a grid, each with its label underneath: for a look at the data
 * or at a model's mistakes. Pixels are row-major, 0–255 or 0–1; dark is ink.
 */
export function imageGrid(images: readonly ArrayLike<number>[], labels: readonly string[], options: ImageGridOptions = {}): Figure {
  const { width = 28, height = 28, title, cellSize = 96 } = options;
  if (images.length === 0) throw new RangeError("imageGrid: no images to show.");
  if (labels.length !== images.length)
    throw new RangeError(`imageGrid: ${images.length} images but ${labels.length} labels; give one label per image.`);
  images.forEach((img, i) => {
    if (img.length !== width * height) {
      throw new RangeError(
        `imageGrid: image ${i} has ${img.length} pixels, not ${width}×${height} = ${width * height}; pass width and height if your images have another size.`,
      );
    }
  });
  const columns = Math.min(options.columns ?? 8, images.length);
  const rows = Math.ceil(images.length / columns);
  const max = Math.max(...images.map((img) => Math.max(...Array.from(img))));
  const scale = max > 1 ? 255 : 1;
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const gapX = 0.02;
  // Room under each image for a label of up to two lines.
  const gapY = 0.22 / rows;
  const w = (1 - gapX * (columns - 1)) / columns;
  const h = (1 - gapY * rows) / rows;
  images.forEach((img, i) => {
    const axis = i === 0 ? "" : String(i + 1);
    const col = i % columns;
    const row = Math.floor(i / columns);
    const z: number[][] = [];
    for (let r = 0; r < height; r++) z.push(Array.from({ length: width }, (_, c) => img[r * width + c] / scale));
    data.push({
      type: "heatmap",
      z,
      xaxis: `x${axis}`,
      yaxis: `y${axis}`,
      colorscale: [
        [0, "#ffffff"],
        [1, "#000000"],
      ],
      zmin: 0,
      zmax: 1,
      showscale: false,
      hovertemplate: `${labels[i].replace(/%/g, "%%")}<extra></extra>`,
    });
    const x0 = col * (w + gapX);
    const y1 = 1 - row * (h + gapY);
    layout[`xaxis${axis}`] = { domain: [x0, x0 + w], anchor: `y${axis}`, visible: false };
    layout[`yaxis${axis}`] = { domain: [y1 - h, y1], anchor: `x${axis}`, visible: false, autorange: "reversed", scaleanchor: `x${axis}` };
    annotations.push({
      text: labels[i],
      showarrow: false,
      xref: "paper",
      yref: "paper",
      x: x0 + w / 2,
      y: y1 - h,
      xanchor: "center",
      yanchor: "top",
      font: { size: 11 },
    });
  });
  return {
    data,
    layout: {
      title: { text: title ?? "" },
      width: Math.max(320, columns * (cellSize + 12) + 40),
      height: rows * (cellSize + 48) + (title ? 70 : 30),
      margin: { l: 20, r: 20, t: title ? 60 : 20, b: 20 },
      annotations,
      ...layout,
    },
  };
}

export function showImages(images: readonly ArrayLike<number>[], labels: readonly string[], options: ImageGridOptions = {}): void {
  show(imageGrid(images, labels, options));
}

/**
 * A confusion matrix as a heatmap: rows are the true classes, columns the predicted
 * ones, every cell labelled with its count; the diagonal is what the model got right.
 */
export function confusionHeatmap(
  matrix: readonly (readonly number[])[],
  classNames: readonly string[],
  options: { title?: string; width?: number; height?: number } = {},
): Figure {
  const k = matrix.length;
  if (k === 0) throw new RangeError("confusionHeatmap: the matrix is empty.");
  matrix.forEach((row, i) => {
    if (row.length !== k)
      throw new RangeError(`confusionHeatmap: row ${i} has ${row.length} counts; a confusion matrix of ${k} classes is ${k}×${k}.`);
  });
  if (classNames.length !== k)
    throw new RangeError(`confusionHeatmap: ${classNames.length} class names for ${k} classes; give one name per class.`);
  const total = matrix.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  const correct = matrix.reduce((s, row, i) => s + row[i], 0);
  const max = Math.max(...matrix.flat());
  const annotations = matrix.flatMap((row, i) =>
    row.map((count, j) => ({
      x: classNames[j],
      y: classNames[i],
      text: String(count),
      showarrow: false,
      font: { color: count > max / 2 ? "white" : "black", size: 11 },
    })),
  );
  const size = Math.max(420, 60 * k + 160);
  return {
    data: [
      {
        type: "heatmap",
        x: [...classNames],
        y: [...classNames],
        z: matrix.map((r) => [...r]),
        colorscale: "Blues",
        reversescale: true,
        showscale: true,
        hovertemplate: "true %{y}, predicted %{x}: %{z}<extra></extra>",
      },
    ],
    layout: {
      title: { text: options.title ?? `Confusion matrix (accuracy ${((100 * correct) / Math.max(total, 1)).toFixed(1)}%)` },
      width: options.width ?? size + 80,
      height: options.height ?? size,
      margin: { l: 110, r: 30, t: 60, b: 110 },
      xaxis: { title: { text: "predicted class" }, side: "bottom", tickangle: -40 },
      yaxis: { title: { text: "true class" }, autorange: "reversed" },
      annotations,
    },
  };
}

export function showConfusionMatrix(
  matrix: readonly (readonly number[])[],
  classNames: readonly string[],
  options: { title?: string } = {},
): void {
  show(confusionHeatmap(matrix, classNames, options));
}
