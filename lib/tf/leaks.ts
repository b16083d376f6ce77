/**
 * Tensors a cell forgot to dispose. TensorFlow.js frees a tensor's memory only when it
 * is disposed (or created inside tf.tidy); a cell that leaks a few tensors per run
 * grows the kernel's memory every time it is run again.
 *
 *   const guard = watchTensors("predict cell");
 *   ... work with tensors ...
 *   guard.report();            // "predict cell: 3 tensors (1.2 MB) are still alive …"
 *
 *   await checkTensors("one epoch", () => model.fit(x, y, { epochs: 1 }));  // throws on a leak
 */
import { displayHtml } from "../notebook/display";
import { escapeHtml } from "../viz/html";
import { tfjs } from "./tfjs";

export interface TensorCount {
  tensors: number;
  bytes: number;
}

export interface LeakReport {
  label: string;
  /** Tensors (and their bytes) created since the watch began and still alive. */
  leaked: TensorCount;
  ok: boolean;
  message: string;
}

function current(): TensorCount {
  const memory = tfjs().memory();
  return { tensors: memory.numTensors, bytes: memory.numBytes };
}

function megabytes(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

function reportOf(label: string, before: TensorCount, allowed: number): LeakReport {
  const now = current();
  const leaked = { tensors: now.tensors - before.tensors, bytes: now.bytes - before.bytes };
  const ok = leaked.tensors <= allowed;
  const message = ok
    ? `${label}: no tensors leaked (${now.tensors} alive, as before${allowed > 0 ? `, plus the ${allowed} allowed` : ""}).`
    : `${label}: ${leaked.tensors} tensor${leaked.tensors === 1 ? "" : "s"} (${megabytes(leaked.bytes)}) created here ${leaked.tensors === 1 ? "is" : "are"} still alive. ` +
      "Dispose what you no longer need (t.dispose()), or compute inside tf.tidy(() => …), which disposes everything but what it returns.";
  return { label, leaked, ok, message };
}

export interface TensorWatch {
  /** The leak so far, without showing anything. */
  check(): LeakReport;
  /** Shows the leak so far in the notebook (or prints it), and returns it. */
  report(): LeakReport;
}

/** Starts counting: everything alive now is the baseline. `allowed` tensors may stay (e.g. a model's new weights). */
export function watchTensors(label = "this cell", allowed = 0): TensorWatch {
  const before = current();
  return {
    check: () => reportOf(label, before, allowed),
    report: () => {
      const r = reportOf(label, before, allowed);
      const colour = r.ok ? "#2e7d32" : "#b71c1c";
      displayHtml(`<div style="color:${colour};font-family:sans-serif">${escapeHtml(r.message)}</div>`, r.message);
      return r;
    },
  };
}

/** Runs `fn` and throws if it leaves more than `allowed` new tensors alive; returns its result. */
export async function checkTensors<T>(label: string, fn: () => T | Promise<T>, allowed = 0): Promise<T> {
  const watch = watchTensors(label, allowed);
  const result = await fn();
  const report = watch.check();
  if (!report.ok) throw new Error(report.message);
  return result;
}
