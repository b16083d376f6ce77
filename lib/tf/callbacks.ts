/**
 * Callbacks for `model.fit` / `model.fitDataset`:
 *
 *   liveProgress()        a live notebook display: epoch and batch progress, the latest
 *                         metrics and a learning curve, updated in place
 *   bestWeights()         early stopping that puts back the weights of the best epoch
 *                         (tfjs's own tf.callbacks.earlyStopping cannot restore them)
 *   bestCheckpoint(dir)   saves the model to a folder whenever the monitored metric improves
 *   runLogger(name)       writes each epoch's metrics to runs/<name>.jsonl, so that runs can
 *                         be compared on one chart later (readRuns → showHistory)
 *   tensorBoard(dir)      TensorBoard logs, on the native backends (tfjs-node) only
 *
 * tfjs loads only when one of them is made, so they are built by functions rather than
 * exported as classes.
 */
import fs from "node:fs";
import path from "node:path";
import { LiveTraining } from "../viz/live-training";
import type { EpochMetrics } from "../nn/history";
import { fileSystem } from "./file-io";
import { tfjs } from "./tfjs";

type Tf = typeof import("@tensorflow/tfjs");
type Logs = Record<string, number | import("@tensorflow/tfjs").Scalar>;
type LayersModel = import("@tensorflow/tfjs").LayersModel;
type Tensor = import("@tensorflow/tfjs").Tensor;

/** A callback object as model.fit accepts it. */
export type FitCallback = import("@tensorflow/tfjs").Callback;

async function resolveLogs(logs: Logs | undefined): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(logs ?? {})) out[key] = typeof value === "number" ? value : (await value.data())[0];
  return out;
}

/** Keras log names (loss, val_loss, acc, val_acc, accuracy, …) as an epoch's metrics, the shape Network.train reports. */
export function epochRecord(epoch: number, logs: Record<string, number>): EpochMetrics & Record<string, number> {
  const pick = (...names: string[]) => names.map((n) => logs[n]).find((v) => v !== undefined);
  const record: EpochMetrics & Record<string, number> = { ...logs, epoch, loss: logs.loss };
  const accuracy = pick("acc", "accuracy");
  const valLoss = pick("val_loss");
  const valAccuracy = pick("val_acc", "val_accuracy");
  if (accuracy !== undefined) record.accuracy = accuracy;
  if (valLoss !== undefined) record.valLoss = valLoss;
  if (valAccuracy !== undefined) record.valAccuracy = valAccuracy;
  return record;
}

/** Subclasses of tf.Callback, made once tfjs is loaded. */
function callbackBase(tf: Tf): new () => FitCallback {
  return tf.Callback as unknown as new () => FitCallback;
}

export interface LiveProgressOptions {
  title?: string;
  /** Least time between redraws (default 250 ms). */
  minIntervalMs?: number;
}

/**
 * A live display for fit: progress through the epochs and the batches of the current
 * one, the latest metrics, and the loss curve (validation dashed).
 */
export function liveProgress(options: LiveProgressOptions = {}): FitCallback & { live(): LiveTraining | undefined } {
  const tf = tfjs();
  class LiveProgress extends callbackBase(tf) {
    private display: LiveTraining | undefined;
    private epochIndex = 0;
    /** Batches per epoch when fit does not say (fitDataset, fitSeeded): counted in the first epoch. */
    private counted = 0;
    private batchesSeen = 0;
    live(): LiveTraining | undefined {
      return this.display;
    }
    override async onTrainBegin(): Promise<void> {
      const epochs = Number(this.params.epochs) || 1;
      this.display = new LiveTraining({ title: options.title, epochs, minIntervalMs: options.minIntervalMs });
    }
    override async onEpochBegin(epoch: number): Promise<void> {
      if (this.epochIndex > 0 && this.counted === 0) this.counted = this.batchesSeen;
      this.epochIndex = epoch + 1;
      this.batchesSeen = 0;
    }
    override async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
      this.batchesSeen++;
      const steps = Number(this.params.steps) || Math.ceil(Number(this.params.samples) / Number(this.params.batchSize)) || this.counted;
      if (!this.display || steps <= 0) return;
      const loss = logs?.loss;
      this.display.updateBatch({
        epoch: this.epochIndex,
        batch: batch + 1,
        batches: steps,
        loss: typeof loss === "number" ? loss : undefined,
      });
    }
    override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
      this.display?.update(epochRecord(epoch + 1, await resolveLogs(logs)));
    }
    override async onTrainEnd(): Promise<void> {
      this.display?.finish();
    }
  }
  return new LiveProgress();
}

export interface MonitorOptions {
  /** The metric to watch (default "val_loss"). */
  monitor?: string;
  /** "min" for losses, "max" for accuracies (default: "max" when the name mentions acc). */
  mode?: "min" | "max";
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
}

function monitorOf(options: MonitorOptions): { monitor: string; better: (value: number, best: number) => boolean } {
  const monitor = options.monitor ?? "val_loss";
  const mode = options.mode ?? (/acc/.test(monitor) ? "max" : "min");
  const minDelta = Math.abs(options.minDelta ?? 0);
  return { monitor, better: mode === "min" ? (v, best) => v < best - minDelta : (v, best) => v > best + minDelta };
}

function monitored(monitor: string, logs: Record<string, number>): number {
  const value = logs[monitor];
  if (value === undefined) {
    const known = Object.keys(logs).join(", ") || "none";
    throw new Error(
      `the callback watches "${monitor}", but fit logged only: ${known}.` +
        (monitor.startsWith("val_")
          ? " Pass validationData or validationSplit to fit, or watch a training metric."
          : ' Check the metric\'s name (e.g. "loss", "val_acc").'),
    );
  }
  return value;
}

export interface BestWeightsOptions extends MonitorOptions {
  /** Epochs without improvement before training stops (default 10). */
  patience?: number;
  /** Put back the best epoch's weights when training ends (default true). */
  restoreBestWeights?: boolean;
}

export interface BestWeightsCallback extends FitCallback {
  /** The best epoch (1-based) and its value, once training has run. */
  readonly best: { epoch: number; value: number } | null;
  /** The epoch (1-based) after which training stopped early, or null when it ran to the end. */
  readonly stoppedAfter: number | null;
}

/**
 * Early stopping that keeps the best weights: stops when the monitored metric has not
 * improved for `patience` epochs, and when training ends (stopped or not) sets the
 * model's weights back to those of its best epoch.
 */
export function bestWeights(options: BestWeightsOptions = {}): BestWeightsCallback {
  const tf = tfjs();
  const { monitor, better } = monitorOf(options);
  const patience = options.patience ?? 10;
  if (!Number.isInteger(patience) || patience < 1)
    throw new RangeError(`bestWeights: patience must be a whole number of epochs ≥ 1, got ${patience}.`);
  const restore = options.restoreBestWeights ?? true;
  class BestWeights extends callbackBase(tf) {
    best: { epoch: number; value: number } | null = null;
    stoppedAfter: number | null = null;
    private saved: Tensor[] | null = null;
    private wait = 0;
    override async onTrainBegin(): Promise<void> {
      this.best = null;
      this.stoppedAfter = null;
      this.wait = 0;
      this.dispose();
    }
    override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
      const value = monitored(monitor, await resolveLogs(logs));
      if (this.best === null || better(value, this.best.value)) {
        this.best = { epoch: epoch + 1, value };
        this.wait = 0;
        if (restore) {
          this.dispose();
          this.saved = (this.model as LayersModel).getWeights().map((w) => w.clone());
        }
      } else if (++this.wait >= patience) {
        this.stoppedAfter = epoch + 1;
        (this.model as LayersModel).stopTraining = true;
      }
    }
    override async onTrainEnd(): Promise<void> {
      if (restore && this.saved) (this.model as LayersModel).setWeights(this.saved);
      this.dispose();
    }
    private dispose(): void {
      this.saved?.forEach((t) => t.dispose());
      this.saved = null;
    }
  }
  return new BestWeights();
}

export interface CheckpointCallback extends FitCallback {
  readonly best: { epoch: number; value: number } | null;
  /** How many times the model was saved. */
  readonly saves: number;
}

/** Saves the model into `dir` (model.json + weights.bin) each time the monitored metric improves. */
export function bestCheckpoint(dir: string, options: MonitorOptions = {}): CheckpointCallback {
  const tf = tfjs();
  const { monitor, better } = monitorOf(options);
  class BestCheckpoint extends callbackBase(tf) {
    best: { epoch: number; value: number } | null = null;
    saves = 0;
    override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
      const value = monitored(monitor, await resolveLogs(logs));
      if (this.best !== null && !better(value, this.best.value)) return;
      this.best = { epoch: epoch + 1, value };
      await (this.model as LayersModel).save(fileSystem(dir), { includeOptimizer: false });
      this.saves++;
    }
  }
  return new BestCheckpoint();
}

/** Where run logs go by default: runs/ in the current folder (the notebook's). */
export const DEFAULT_RUNS_DIR = "runs";

function runFile(dir: string, name: string): string {
  if (!/^[\w.-]+$/.test(name))
    throw new RangeError(`runLogger: the run name "${name}" may only have letters, digits, "-", "_" and "."; it becomes a file name.`);
  return path.join(dir, `${name}.jsonl`);
}

/**
 * Writes one JSON line per epoch to DIR/NAME.jsonl (DIR defaults to runs/), starting the
 * file afresh when training begins, so that runs can be compared later with readRuns.
 */
export function runLogger(name: string, options: { dir?: string; params?: Record<string, unknown> } = {}): FitCallback {
  const tf = tfjs();
  const dir = options.dir ?? DEFAULT_RUNS_DIR;
  const file = runFile(dir, name);
  class RunLogger extends callbackBase(tf) {
    override async onTrainBegin(): Promise<void> {
      fs.mkdirSync(dir, { recursive: true });
      const header = {
        run: name,
        started: new Date().toISOString(),
        params: options.params ?? {},
        fit: { epochs: this.params.epochs, batchSize: this.params.batchSize, samples: this.params.samples },
      };
      fs.writeFileSync(file, JSON.stringify({ header }) + "\n");
    }
    override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
      fs.appendFileSync(file, JSON.stringify(epochRecord(epoch + 1, await resolveLogs(logs))) + "\n");
    }
  }
  return new RunLogger();
}

export interface LoggedRun {
  name: string;
  params: Record<string, unknown>;
  epochs: (EpochMetrics & Record<string, number>)[];
}

/** Every run logged in DIR (default runs/), by name, ready for showHistory. */
export function readRuns(dir: string = DEFAULT_RUNS_DIR, names?: readonly string[]): Record<string, LoggedRun> {
  if (!fs.existsSync(dir)) throw new Error(`there are no logged runs in ${dir}: train with the callback runLogger("name") first.`);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort();
  const runs: Record<string, LoggedRun> = {};
  for (const f of files) {
    const name = f.slice(0, -".jsonl".length);
    if (names && !names.includes(name)) continue;
    const lines = fs
      .readFileSync(path.join(dir, f), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "");
    const run: LoggedRun = { name, params: {}, epochs: [] };
    lines.forEach((line, i) => {
      let value: { header?: { params?: Record<string, unknown> } } & Record<string, unknown>;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error(
          `${path.join(dir, f)} line ${i + 1} is not JSON; the run's log is damaged (delete the file and train the run again).`,
        );
      }
      if (value.header) run.params = value.header.params ?? {};
      else run.epochs.push(value as never);
    });
    runs[name] = run;
  }
  const missing = (names ?? []).filter((n) => !runs[n]);
  if (missing.length > 0)
    throw new Error(
      `no logged run named ${missing.map((n) => `"${n}"`).join(", ")} in ${dir} (there are: ${Object.keys(runs).join(", ") || "none"}).`,
    );
  return runs;
}

/**
 * TensorBoard logs for fit. Only the native backends write them (tfjs-node's
 * tf.node.tensorBoard); elsewhere this says so, and runLogger is the portable choice.
 */
export function tensorBoard(logDir: string): FitCallback {
  const tf = tfjs() as Tf & { node?: { tensorBoard(dir: string): FitCallback } };
  if (tf.node?.tensorBoard) return tf.node.tensorBoard(logDir);
  throw new Error(
    "TensorBoard logs need the native backend (@tensorflow/tfjs-node or -gpu), which is not loaded here. " +
      "Install it where the network allows (npx course tf install node), or use runLogger(name) and showHistory(readRuns()) to compare runs.",
  );
}
