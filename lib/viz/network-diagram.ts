/**
 * A drawing of a small network for the worked examples: layers of nodes left to right,
 * each node with its label and value, each edge with its weight, biases under the nodes.
 *
 * Written by hand as SVG rather than with plotly: plotly has no layout for graphs like
 * this, and an SVG of circles, lines and text shows in every front end (and in the
 * exported pages) without any script.
 */
import { displayHtml } from "../notebook/display";
import { escapeHtml } from "./html";

export interface DiagramNode {
  label: string;
  /** Shown inside the node under its label (an activation, an input value). */
  value?: number | string;
}

export interface DiagramLayer {
  /** Shown above the layer, e.g. "input", "hidden", "output". */
  name?: string;
  nodes: readonly DiagramNode[];
}

export interface NetworkDiagramSpec {
  layers: readonly DiagramLayer[];
  /**
   * weights[l][j][k]: the weight from node k of layer l to node j of layer l + 1 (the
   * layout of W in z = W·a + b). Without it the edges are drawn unlabelled.
   */
  weights?: readonly (readonly (readonly (number | string)[])[])[];
  /** biases[l][j]: the bias of node j of layer l + 1, written under the node ("b = 0.35" for a number, a string as it is). */
  biases?: readonly (readonly (number | string)[])[];
  title?: string;
  /** Digits after the decimal point for numbers (default 3; whole numbers stay whole). */
  digits?: number;
}

function format(v: number | string | undefined, digits: number): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  if (Number.isInteger(v)) return String(v);
  return Number(v.toFixed(digits)).toString();
}

function checkSpec(spec: NetworkDiagramSpec): void {
  const { layers, weights, biases } = spec;
  if (layers.length < 1) throw new RangeError("networkDiagram: a network needs at least one layer of nodes.");
  layers.forEach((layer, l) => {
    if (layer.nodes.length === 0) throw new RangeError(`networkDiagram: layer ${l} has no nodes.`);
  });
  if (weights) {
    if (weights.length !== layers.length - 1) {
      throw new RangeError(
        `networkDiagram: ${layers.length} layers need ${layers.length - 1} weight matrices, but ${weights.length} were given.`,
      );
    }
    weights.forEach((W, l) => {
      const [rows, cols] = [layers[l + 1].nodes.length, layers[l].nodes.length];
      if (W.length !== rows || W.some((r) => r.length !== cols)) {
        throw new RangeError(
          `networkDiagram: weights[${l}] must be ${rows}×${cols} (one row per node of layer ${l + 1}, one column per node of layer ${l}), but it is ${W.length}×${W[0]?.length ?? 0}.`,
        );
      }
    });
  }
  if (biases) {
    if (biases.length !== layers.length - 1)
      throw new RangeError(
        `networkDiagram: ${layers.length} layers need ${layers.length - 1} bias vectors, but ${biases.length} were given.`,
      );
    biases.forEach((b, l) => {
      if (b.length !== layers[l + 1].nodes.length)
        throw new RangeError(`networkDiagram: biases[${l}] has ${b.length} values for ${layers[l + 1].nodes.length} nodes.`);
    });
  }
}

/** The diagram as an SVG document (a string). */
export function networkDiagramSvg(spec: NetworkDiagramSpec): string {
  checkSpec(spec);
  const digits = spec.digits ?? 3;
  const r = 30;
  const dx = 230;
  const dy = 110;
  const tallest = Math.max(...spec.layers.map((l) => l.nodes.length));
  const top = spec.title ? 64 : 40;
  // Wide enough for the title too (about 9 px a character at 16 px bold).
  const width = Math.max(80 + dx * (spec.layers.length - 1) + 2 * r, spec.title ? spec.title.length * 9 + 40 : 0);
  const height = top + tallest * dy + 20;
  const left = (width - (dx * (spec.layers.length - 1) + 2 * r)) / 2;
  const pos = spec.layers.map((layer, l) =>
    layer.nodes.map((_, j) => {
      const offset = ((tallest - layer.nodes.length) * dy) / 2;
      return { x: left + r + l * dx, y: top + dy / 2 + offset + j * dy };
    }),
  );
  const parts: string[] = [];
  const text = (x: number, y: number, s: string, attrs = "") =>
    `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${escapeHtml(s)}</text>`;
  if (spec.title) parts.push(text(width / 2, 26, spec.title, 'text-anchor="middle" font-size="16" font-weight="bold"'));
  // Edges first, so that nodes sit on top of them.
  for (let l = 0; l + 1 < spec.layers.length; l++) {
    const from = pos[l];
    const to = pos[l + 1];
    to.forEach((b, j) => {
      from.forEach((a, k) => {
        parts.push(
          `<line x1="${(a.x + r).toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${(b.x - r).toFixed(1)}" y2="${b.y.toFixed(1)}" stroke="#8a9bb0" stroke-width="1.4"/>`,
        );
        const w = spec.weights?.[l][j][k];
        if (w !== undefined) {
          // Label near the start of the edge, where edges from one node have fanned out.
          const t = 0.3;
          const lx = a.x + r + (b.x - r - (a.x + r)) * t;
          const ly = a.y + (b.y - a.y) * t;
          const label = format(w, digits);
          parts.push(
            `<rect x="${(lx - 4 * label.length - 4).toFixed(1)}" y="${(ly - 9).toFixed(1)}" width="${(8 * label.length + 8).toFixed(1)}" height="16" rx="3" fill="white" fill-opacity="0.9"/>`,
          );
          parts.push(text(lx, ly + 4, label, 'text-anchor="middle" font-size="12" fill="#2b4a6f"'));
        }
      });
    });
  }
  spec.layers.forEach((layer, l) => {
    if (layer.name) parts.push(text(pos[l][0].x, top - 8, layer.name, 'text-anchor="middle" font-size="13" fill="#555"'));
    layer.nodes.forEach((node, j) => {
      const { x, y } = pos[l][j];
      parts.push(`<circle cx="${x}" cy="${y}" r="${r}" fill="${l === 0 ? "#eef5ff" : "#fff7e6"}" stroke="#34495e" stroke-width="1.6"/>`);
      const value = format(node.value, digits);
      parts.push(text(x, value ? y - 3 : y + 5, node.label, 'text-anchor="middle" font-size="14" font-weight="bold"'));
      if (value) parts.push(text(x, y + 14, value, 'text-anchor="middle" font-size="12" fill="#a0522d"'));
      const b = l > 0 ? spec.biases?.[l - 1][j] : undefined;
      // A number is labelled "b = …"; a string is the whole label (e.g. "b1 = 0.35").
      if (b !== undefined)
        parts.push(
          text(x, y + r + 15, typeof b === "number" ? `b = ${format(b, digits)}` : b, 'text-anchor="middle" font-size="12" fill="#555"'),
        );
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">${parts.join("")}</svg>`;
}

/** A text version: one line per layer and per weight matrix (for places without a notebook). */
export function networkDiagramText(spec: NetworkDiagramSpec): string {
  checkSpec(spec);
  const digits = spec.digits ?? 3;
  const lines: string[] = spec.title ? [spec.title] : [];
  spec.layers.forEach((layer, l) => {
    lines.push(
      `${layer.name ?? `layer ${l}`}: ${layer.nodes.map((n) => (n.value === undefined ? n.label : `${n.label}=${format(n.value, digits)}`)).join(", ")}`,
    );
    if (l + 1 < spec.layers.length && spec.weights) {
      lines.push(
        `  weights to layer ${l + 1}: ${spec.weights[l].map((row) => `[${row.map((w) => format(w, digits)).join(", ")}]`).join(" ")}`,
      );
    }
  });
  return lines.join("\n");
}

/** Draws the network in the notebook (text elsewhere). */
export function showNetworkDiagram(spec: NetworkDiagramSpec): void {
  displayHtml(networkDiagramSvg(spec), networkDiagramText(spec));
}
