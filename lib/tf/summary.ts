/**
 * A model summary as a table: each layer's name and type, output shape and number of
 * parameters, with the totals, like Keras's model.summary() but as HTML in a notebook
 * (tfjs's own summary prints fixed-width text to the console).
 */
import { showTable } from "../viz/table";

type LayersModel = import("@tensorflow/tfjs").LayersModel;

export interface SummaryRow {
  name: string;
  type: string;
  outputShape: string;
  params: number;
  trainable: boolean;
}

export interface ModelSummary {
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
}

function shapeText(shape: unknown): string {
  const one = (s: unknown) => `[${(s as (number | null)[]).map((d) => (d === null ? "batch" : String(d))).join(", ")}]`;
  if (Array.isArray(shape) && Array.isArray(shape[0])) return (shape as unknown[]).map(one).join(", ");
  return Array.isArray(shape) ? one(shape) : String(shape);
}

function count(weights: readonly { shape: readonly (number | null)[] }[]): number {
  return weights.reduce((n, w) => n + w.shape.reduce<number>((a, d) => a * (d ?? 1), 1), 0);
}

/** The summary of a layers model (Sequential or functional). */
export function modelSummary(model: LayersModel): ModelSummary {
  const rows = model.layers.map((layer) => {
    let outputShape: string;
    try {
      outputShape = shapeText(layer.outputShape);
    } catch {
      outputShape = "(multiple)";
    }
    return { name: layer.name, type: layer.getClassName(), outputShape, params: layer.countParams(), trainable: layer.trainable };
  });
  const trainableParams = count(model.trainableWeights.map((w) => ({ shape: w.shape })));
  const nonTrainableParams = count(model.nonTrainableWeights.map((w) => ({ shape: w.shape })));
  return { rows, totalParams: trainableParams + nonTrainableParams, trainableParams, nonTrainableParams };
}

/** Shows the summary as a table (HTML in a notebook, text elsewhere). */
export function showModelSummary(model: LayersModel, caption = `Model "${model.name}"`): ModelSummary {
  const summary = modelSummary(model);
  const rows = summary.rows.map((r) => [r.name, r.type, r.outputShape, r.params.toLocaleString("en-US")]);
  rows.push(["total", "", "", summary.totalParams.toLocaleString("en-US")]);
  if (summary.nonTrainableParams > 0) rows.push(["not trainable", "", "", summary.nonTrainableParams.toLocaleString("en-US")]);
  showTable(["layer", "type", "output shape", "parameters"], rows, { caption });
  return summary;
}
