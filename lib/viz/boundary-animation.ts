/**
 * A decision boundary that forms while you watch: a network is trained, and every few
 * epochs its predictions on a grid over the plane are recorded; the recording becomes
 * one plotly figure with animation frames, a slider (one step per frame) and a
 * play/pause button. Everything lives in the figure, so it plays in any Jupyter
 * client and in the exported site, with no kernel behind it.
 *
 *   const moons = makeMoons(200, { noise: 0.15, seed: 1 });
 *   const net = new Network([2, 8, 1], ["tanh", "sigmoid"], { seed: 1 });
 *   const run = recordBoundaryTraining(net, moons.X, moons.y, { epochs: 200, learningRate: 0.3 });
 *   showBoundaryAnimation(run, moons.X, moons.y, { title: "moons, 2-8-1" });
 *
 * For two classes a frame shows the probability of class 1 (shaded from class 0's
 * colour through white at 0.5 to class 1's); for more classes it shows the predicted
 * class. The grid is coarse (40 × 40) and the figure carries probabilities as whole
 * percentages, so that a figure of about 20 frames stays small in the saved notebook.
 */
import { argmaxRows } from "../core/ops";
import type { History } from "../nn/history";
import type { Network, TrainOptions } from "../nn/network";
import type { Inputs, Targets } from "../nn/network-inputs";
import { boundaryGrid, PALETTE, type BoundaryGridOptions } from "./charts";

export { boundaryGrid, type BoundaryGridOptions };
import { baseLayout, show, type ChartOptions, type Figure } from "./figure";

/** The network's view of the plane at one moment of training. */
export interface BoundarySnapshot {
  /** Epochs trained so far (0: before training). */
  epoch: number;
  /**
   * One row per grid y (ys[j]), one value per grid x (xs[i]): the probability of class 1
   * for two classes, the predicted class for more.
   */
  z: number[][];
  /** Mean training loss of that epoch (absent before training). */
  loss?: number;
  /** Training accuracy of that epoch (absent before training). */
  accuracy?: number;
}

/** Snapshots of one training run, on one grid. */
export interface BoundaryRecording {
  /** Grid coordinates along x₁ and x₂. */
  xs: number[];
  ys: number[];
  /** Number of classes: 2 means `z` holds probabilities, more means class labels. */
  classes: number;
  snapshots: BoundarySnapshot[];
  /** The training history, when the recording came from `recordBoundaryTraining`. */
  history?: History;
}

export interface RecordBoundaryOptions extends TrainOptions, BoundaryGridOptions {
  /** Epochs between snapshots (default: epochs / 20, rounded up, so about 20 frames). */
  every?: number;
  /** Decimals kept of each probability (default 2). */
  digits?: number;
}

/**
 * The grid values a network gives: P(class 1) for one sigmoid output or two outputs,
 * the predicted class for three or more outputs.
 */
export function boundaryValues(net: Network, points: number[][], digits = 2): number[] {
  const out = net.predict(points);
  if (out.cols >= 3) return argmaxRows(out);
  const p = 10 ** digits;
  const col = out.cols === 1 ? 0 : 1;
  return Array.from({ length: out.rows }, (_, r) => Math.round(out.get(r, col) * p) / p);
}

/**
 * Trains `net` on (X, y) with `net.train` and the given options, and records its
 * predictions on a grid before training and every `every` epochs (and after the last
 * epoch). Returns the recording, with the training history.
 */
export function recordBoundaryTraining(
  net: Network,
  X: readonly (readonly number[])[],
  y: Targets,
  options: RecordBoundaryOptions = {},
): BoundaryRecording {
  const { resolution, padding, every: everyOption, digits = 2, ...train } = options;
  const epochs = train.epochs ?? 100;
  const every = everyOption ?? Math.max(1, Math.ceil(epochs / 20));
  if (!Number.isInteger(every) || every < 1)
    throw new RangeError(`recordBoundaryTraining: every must be a whole number ≥ 1, got ${every}.`);
  if (!Number.isInteger(digits) || digits < 0)
    throw new RangeError(`recordBoundaryTraining: digits must be a whole number ≥ 0, got ${digits}.`);
  if (net.sizes[0] !== 2)
    throw new RangeError(`recordBoundaryTraining: the network has ${net.sizes[0]} inputs; a boundary in the plane needs 2.`);
  const { xs, ys, points } = boundaryGrid(X, { resolution, padding });
  const rows = (values: number[]) => ys.map((_, j) => values.slice(j * xs.length, (j + 1) * xs.length));
  const outputs = net.sizes[net.depth];
  const classes = outputs === 1 ? 2 : outputs;
  const snapshots: BoundarySnapshot[] = [{ epoch: 0, z: rows(boundaryValues(net, points, digits)) }];
  const userCallback = train.onEpochEnd;
  const history = net.train(X as Inputs, y, {
    ...train,
    epochs,
    onEpochEnd: (record, trained) => {
      if (record.epoch % every === 0 || record.epoch === epochs) {
        snapshots.push({
          epoch: record.epoch,
          z: rows(boundaryValues(trained, points, digits)),
          loss: record.loss,
          accuracy: record.accuracy,
        });
      }
      return userCallback?.(record, trained);
    },
  });
  // Training that stopped early ends with its last epoch on record.
  const last = history.epochs[history.epochs.length - 1];
  if (last && snapshots[snapshots.length - 1].epoch !== last.epoch) {
    snapshots.push({ epoch: last.epoch, z: rows(boundaryValues(net, points, digits)), loss: last.loss, accuracy: last.accuracy });
  }
  return { xs, ys, classes, snapshots, history };
}

export interface BoundaryAnimationOptions extends ChartOptions {
  /** Names of the classes, by label (default "class 0", "class 1", …). */
  classNames?: readonly string[];
  /** Milliseconds each frame stays on screen when playing (default 300). */
  frameMs?: number;
}

function checkRecording(recording: BoundaryRecording): void {
  const { xs, ys, snapshots, classes } = recording;
  if (!Array.isArray(snapshots) || snapshots.length === 0)
    throw new RangeError("boundaryAnimation: the recording has no snapshots to animate.");
  if (!Number.isInteger(classes) || classes < 2)
    throw new RangeError(`boundaryAnimation: classes must be a whole number ≥ 2, got ${classes}.`);
  snapshots.forEach((s, k) => {
    if (s.z.length !== ys.length || s.z.some((row) => row.length !== xs.length)) {
      throw new RangeError(
        `boundaryAnimation: snapshot ${k} (epoch ${s.epoch}) is not a ${ys.length} × ${xs.length} grid; every snapshot needs one row per y and one value per x.`,
      );
    }
    const bad = s.z.flat().find((v) => !Number.isFinite(v) || v < 0 || v > (classes === 2 ? 1 : classes - 1));
    if (bad !== undefined) {
      throw new RangeError(
        `boundaryAnimation: snapshot ${k} (epoch ${s.epoch}) holds ${bad}; values must be probabilities in [0, 1] (two classes) or class labels 0 … ${classes - 1}.`,
      );
    }
  });
}

/** The line above the plot that each frame rewrites: epoch, loss and training accuracy. */
function frameCaption(s: BoundarySnapshot): Record<string, unknown> {
  const parts = [`epoch ${s.epoch}`];
  if (s.loss !== undefined) parts.push(`loss ${s.loss.toFixed(3)}`);
  if (s.accuracy !== undefined) parts.push(`training accuracy ${(100 * s.accuracy).toFixed(1)}%`);
  return {
    text: parts.join(" · "),
    xref: "paper",
    yref: "paper",
    x: 0,
    y: 1,
    xanchor: "left",
    yanchor: "bottom",
    showarrow: false,
    font: { size: 13 },
  };
}

/**
 * The recording as an animated figure: the shaded grid (trace 0, the only trace that
 * frames change; probabilities as whole percentages, 0–100), the labelled points on top,
 * one frame per snapshot with its epoch, loss and accuracy above the plot, a slider with
 * one step per frame and a play/pause button.
 */
export function boundaryAnimation(
  recording: BoundaryRecording,
  X: readonly (readonly number[])[],
  y: readonly number[],
  options: BoundaryAnimationOptions = {},
): Figure {
  checkRecording(recording);
  if (X.length !== y.length)
    throw new RangeError(`boundaryAnimation: ${X.length} points but ${y.length} labels; give one label per point.`);
  const { xs, ys, classes, snapshots } = recording;
  const binary = classes === 2;
  const colour = (k: number) => PALETTE[k % PALETTE.length];
  let colorscale: [number, string][];
  if (binary) {
    colorscale = [
      [0, colour(0)],
      [0.5, "#ffffff"],
      [1, colour(1)],
    ];
  } else {
    colorscale = [];
    for (let k = 0; k < classes; k++) colorscale.push([k / classes, colour(k)], [(k + 1) / classes, colour(k)]);
  }
  // Probabilities travel as whole percentages ("37" instead of "0.37"): a third less to save.
  const values = (z: number[][]) => (binary ? z.map((row) => row.map((p) => Math.round(100 * p))) : z);
  const first = snapshots[0];
  const grid = {
    type: "heatmap",
    x: xs,
    y: ys,
    z: values(first.z),
    zmin: binary ? 0 : -0.5,
    zmax: binary ? 100 : classes - 0.5,
    colorscale,
    opacity: binary ? 0.6 : 0.35,
    // Probabilities blend smoothly between grid points; class labels must not (between 0 and 2 lies no class 1).
    ...(binary ? { zsmooth: "best" } : {}),
    showscale: binary,
    ...(binary
      ? {
          colorbar: {
            title: { text: `P(${options.classNames?.[1] ?? "class 1"})` },
            tickvals: [0, 25, 50, 75, 100],
            ticktext: ["0", "0.25", "0.5", "0.75", "1"],
            len: 0.6,
            thickness: 12,
          },
        }
      : {}),
    hoverinfo: "skip",
    name: binary ? "probability" : "predicted class",
  };
  const points: Record<string, unknown>[] = [];
  for (let k = 0; k < Math.max(classes, Math.max(...y) + 1); k++) {
    const idx = y.flatMap((label, i) => (label === k ? [i] : []));
    if (idx.length === 0) continue;
    points.push({
      type: "scatter",
      mode: "markers",
      name: options.classNames?.[k] ?? `class ${k}`,
      x: idx.map((i) => X[i][0]),
      y: idx.map((i) => X[i][1]),
      marker: { color: colour(k), size: 6, line: { color: "white", width: 0.5 } },
    });
  }
  const frameMs = options.frameMs ?? 300;
  const frames = snapshots.map((s) => ({
    name: String(s.epoch),
    data: [{ z: values(s.z) }],
    traces: [0],
    layout: { annotations: [frameCaption(s)] },
  }));
  const height = options.height ?? 520;
  const layout = baseLayout({ xTitle: "x₁", yTitle: "x₂", ...options, height }, {});
  layout.annotations = [frameCaption(first)];
  layout.margin = { l: 60, r: 30, t: options.title ? 90 : 60, b: 130 };
  layout.xaxis = { ...(layout.xaxis as object), range: [xs[0], xs[xs.length - 1]] };
  layout.yaxis = { ...(layout.yaxis as object), range: [ys[0], ys[ys.length - 1]] };
  layout.legend = { orientation: "h", x: 1, xanchor: "right", y: 1, yanchor: "bottom" };
  const jump = { mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 } };
  layout.sliders = [
    {
      active: 0,
      x: 0.1,
      len: 0.9,
      y: 0,
      yanchor: "top",
      pad: { t: 55 },
      currentvalue: { prefix: "epoch ", xanchor: "left" },
      steps: frames.map((f) => ({ label: f.name, method: "animate", args: [[f.name], jump] })),
    },
  ];
  layout.updatemenus = [
    {
      type: "buttons",
      direction: "left",
      showactive: false,
      x: 0.1,
      xanchor: "right",
      y: 0,
      yanchor: "top",
      pad: { t: 62, r: 10 },
      buttons: [
        {
          label: "▶ play",
          method: "animate",
          args: [null, { mode: "immediate", fromcurrent: true, frame: { duration: frameMs, redraw: true }, transition: { duration: 0 } }],
        },
        { label: "❚❚ pause", method: "animate", args: [[null], jump] },
      ],
    },
  ];
  return { data: [grid, ...points], layout, frames };
}

/** Shows `boundaryAnimation(recording, X, y, options)` in the notebook. */
export function showBoundaryAnimation(
  recording: BoundaryRecording,
  X: readonly (readonly number[])[],
  y: readonly number[],
  options: BoundaryAnimationOptions = {},
): void {
  show(boundaryAnimation(recording, X, y, options));
}
