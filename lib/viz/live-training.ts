/**
 * A live training display: a progress bar, the latest metrics and a loss curve, all in
 * one output that is replaced in place while training runs, so a learner watches the
 * network learn instead of waiting for a wall of numbers.
 *
 *   const live = new LiveTraining({ title: "2-8-1 on circles", epochs: 300 });
 *   net.train(X, y, { epochs: 300, onEpochEnd: live.callback() });
 *   live.finish();
 *
 * Redraws are rate-limited (at most one per `minIntervalMs`, default 250 ms) because
 * each one is a message to the front end; the last epoch is always drawn by finish().
 * The curve is a small inline SVG rather than a plotly figure: it is resent on every
 * update, and an SVG of a few hundred points is a few kilobytes that need no script.
 * Outside a notebook, a line is printed every tenth of the run instead.
 */
import { UpdatableDisplay, inNotebook } from "../notebook/display";
import { escapeHtml } from "./html";
import { PALETTE } from "./charts";
import type { EpochMetrics } from "../nn/history";

export interface LiveTrainingOptions {
  title?: string;
  /** The number of epochs the run will take (for the progress bar). */
  epochs: number;
  /** The least time between two redraws (default 250 ms). */
  minIntervalMs?: number;
  /** Clock for tests (default Date.now). */
  now?: () => number;
}

function fmt(v: number | undefined, digits = 4): string {
  return v === undefined ? "" : Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(digits);
}

/** A polyline chart of one or two curves, as SVG. */
export function sparklineSvg(
  curves: { values: readonly number[]; color: string; dash?: boolean }[],
  width = 420,
  height = 150,
  xMax?: number,
): string {
  const all = curves.flatMap((c) => c.values.filter(Number.isFinite));
  const pad = { l: 48, r: 8, t: 8, b: 20 };
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"></svg>`;
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const span = hi - lo || Math.abs(hi) || 1;
  const n = Math.max(xMax ?? 0, ...curves.map((c) => c.values.length), 2);
  const px = (i: number) => pad.l + ((width - pad.l - pad.r) * i) / (n - 1);
  const py = (v: number) => pad.t + (height - pad.t - pad.b) * (1 - (v - lo) / span);
  const lines = curves
    .map((c) => {
      const pts = c.values
        .map((v, i) => (Number.isFinite(v) ? `${px(i).toFixed(1)},${py(v).toFixed(1)}` : ""))
        .filter(Boolean)
        .join(" ");
      return `<polyline fill="none" stroke="${c.color}" stroke-width="1.8"${c.dash ? ' stroke-dasharray="5,3"' : ""} points="${pts}"/>`;
    })
    .join("");
  const axis =
    `<line x1="${pad.l}" y1="${height - pad.b}" x2="${width - pad.r}" y2="${height - pad.b}" stroke="#999"/>` +
    `<line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${height - pad.b}" stroke="#999"/>` +
    `<text x="${pad.l - 4}" y="${pad.t + 10}" font-size="10" text-anchor="end">${escapeHtml(fmt(hi, 3))}</text>` +
    `<text x="${pad.l - 4}" y="${height - pad.b}" font-size="10" text-anchor="end">${escapeHtml(fmt(lo, 3))}</text>` +
    `<text x="${width - pad.r}" y="${height - 5}" font-size="10" text-anchor="end">epoch ${n}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">${axis}${lines}</svg>`;
}

export class LiveTraining {
  readonly records: EpochMetrics[] = [];
  private readonly display = new UpdatableDisplay();
  private readonly minInterval: number;
  private readonly now: () => number;
  private lastDraw = -Infinity;
  private lastPrinted = 0;
  private finished = false;
  private batch: { epoch: number; batch: number; batches: number; loss?: number } | null = null;
  /** How many times the display was drawn (for tests and curiosity). */
  draws = 0;

  constructor(readonly options: LiveTrainingOptions) {
    if (!Number.isInteger(options.epochs) || options.epochs < 1) {
      throw new RangeError(`LiveTraining: epochs must be the whole number of epochs the run will take (≥ 1), got ${options.epochs}.`);
    }
    this.minInterval = options.minIntervalMs ?? 250;
    this.now = options.now ?? Date.now;
  }

  /** Records one epoch and redraws if the last redraw is old enough. */
  update(record: EpochMetrics): void {
    if (!Number.isFinite(record.epoch) || typeof record.loss !== "number") {
      throw new TypeError("LiveTraining.update: a record needs a number epoch and loss, as Network.train's onEpochEnd gives.");
    }
    this.records.push({ ...record });
    this.drawIfDue();
  }

  /**
   * Reports progress inside an epoch (batch `batch` of `batches` of epoch `epoch`, 1-based),
   * for runs whose epochs take long enough to watch. Redraws under the same rate limit.
   */
  updateBatch(progress: { epoch: number; batch: number; batches: number; loss?: number }): void {
    this.batch = { ...progress };
    this.drawIfDue();
  }

  /** Redraws unless the last redraw is more recent than minIntervalMs. */
  private drawIfDue(): void {
    const t = this.now();
    if (t - this.lastDraw >= this.minInterval) {
      this.lastDraw = t;
      this.draw();
    }
  }

  /** An onEpochEnd callback for Network.train (or any loop that reports epochs). */
  callback(): (record: EpochMetrics) => void {
    return (record) => this.update(record);
  }

  /** Draws the final state; call it when training is over. */
  finish(): void {
    this.finished = true;
    this.draw();
  }

  /** The display as HTML (what the notebook shows). */
  html(): string {
    const last = this.records[this.records.length - 1];
    const total = this.options.epochs;
    const done = last ? Math.min(last.epoch, total) : 0;
    // Inside an epoch that has not ended yet, the bar also shows its batches.
    const inside = this.batch && this.batch.epoch > done && !this.finished ? this.batch : null;
    const percent = (100 * (done + (inside ? Math.min(inside.batch / inside.batches, 1) : 0))) / total;
    const metrics = last
      ? [
          ["loss", fmt(last.loss)],
          ["val loss", fmt(last.valLoss)],
          ["accuracy", last.accuracy === undefined ? "" : `${(100 * last.accuracy).toFixed(1)}%`],
          ["val accuracy", last.valAccuracy === undefined ? "" : `${(100 * last.valAccuracy).toFixed(1)}%`],
        ].filter(([, v]) => v !== "")
      : [];
    const state = this.finished ? "done" : "training…";
    const curves: { values: number[]; color: string; dash?: boolean }[] = [{ values: this.records.map((r) => r.loss), color: PALETTE[0] }];
    if (this.records.some((r) => r.valLoss !== undefined))
      curves.push({ values: this.records.map((r) => r.valLoss ?? NaN), color: PALETTE[1], dash: true });
    return (
      `<div class="nncourse-live" style="font-family:sans-serif;max-width:440px">` +
      (this.options.title ? `<div style="font-weight:bold;margin-bottom:4px">${escapeHtml(this.options.title)}</div>` : "") +
      `<div style="background:#e8e8e8;border-radius:4px;height:14px;overflow:hidden"><div style="background:${PALETTE[0]};height:14px;width:${percent.toFixed(1)}%"></div></div>` +
      `<div style="font-size:90%;margin:4px 0">epoch ${done} / ${total}${inside ? ` · epoch ${inside.epoch}: batch ${inside.batch} / ${inside.batches}${inside.loss === undefined ? "" : `, loss ${escapeHtml(fmt(inside.loss))}`}` : ""} · ${state}${metrics.length ? " · " + metrics.map(([k, v]) => `${k} <b>${escapeHtml(v)}</b>`).join(" · ") : ""}</div>` +
      sparklineSvg(curves, 420, 150, total) +
      `<div style="font-size:80%;color:#666">loss (solid)${curves.length > 1 ? ", validation loss (dashed)" : ""}</div>` +
      `</div>`
    );
  }

  /** The display as one line of text. */
  text(): string {
    const last = this.records[this.records.length - 1];
    if (!last) return `${this.options.title ?? "training"}: no epochs yet`;
    const parts = [`epoch ${last.epoch}/${this.options.epochs}`, `loss ${fmt(last.loss)}`];
    if (last.valLoss !== undefined) parts.push(`val loss ${fmt(last.valLoss)}`);
    if (last.accuracy !== undefined) parts.push(`accuracy ${(100 * last.accuracy).toFixed(1)}%`);
    if (last.valAccuracy !== undefined) parts.push(`val accuracy ${(100 * last.valAccuracy).toFixed(1)}%`);
    return `${this.options.title ? this.options.title + ": " : ""}${parts.join(", ")}`;
  }

  private draw(): void {
    this.draws++;
    if (inNotebook()) {
      this.display.set({ "text/html": this.html(), "text/plain": this.text() });
      return;
    }
    // Outside a notebook: a line at each tenth of the run, and at the end.
    const last = this.records[this.records.length - 1];
    const step = Math.max(1, Math.ceil(this.options.epochs / 10));
    if (last && (this.finished || last.epoch - this.lastPrinted >= step)) {
      if (this.finished && last.epoch === this.lastPrinted) return;
      this.lastPrinted = last.epoch;
      console.log(this.text());
    }
  }
}

/** Shorthand for `new LiveTraining(options)`. */
export function liveTraining(options: LiveTrainingOptions): LiveTraining {
  return new LiveTraining(options);
}
