/**
 * Running many notebooks: `course run`, the HTML export (site/execute.ts) and `course
 * grade` (grade/grade-all.ts) all go through here, so that they run the same number at
 * once, keep their results in the order given, and try a kernel that missed its start
 * again in the same way.
 */
import os from "node:os";

/** Runs async work on a list of items with at most `limit` at once, keeping the results in order. */
export async function mapWithConcurrency<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Notebooks to run at once when the whole course runs (course start, the HTML export):
 * two where there are two cores. Most cells wait on the kernel's start and on plotting
 * rather than on the processor, so the course runs in about half the time.
 */
export function courseJobs(): number {
  return Math.max(1, Math.min(2, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length));
}

/** How often a notebook's kernel that fails to start is tried before the notebook is given up. */
export const START_ATTEMPTS = 3;

export type StartAttempts<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Runs a notebook, trying again when its kernel does not start: a busy machine can make
 * a kernel miss its start (tslab trips over its own socket setup), and nothing of the
 * notebook has run then. Each attempt `prepare`s afresh what it runs (the notebook read
 * again, a new sandbox), `run`s it, and `release`s it whether or not it ran; `run`
 * throws only when the kernel did not start (runNotebook's contract).
 *
 * An error of `prepare` is no kernel that missed its start: it is thrown, not tried
 * again. When every attempt fails, the last error comes back, for the caller to report.
 */
export async function withStartAttempts<P, R>(
  attempts: number,
  prepare: () => P,
  run: (prepared: P) => Promise<R>,
  options: { release?: (prepared: P) => void; onRetry?: (error: unknown, attempt: number) => void } = {},
): Promise<StartAttempts<R>> {
  let error: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const prepared = prepare();
    try {
      return { ok: true, value: await run(prepared) };
    } catch (thrown) {
      error = thrown;
      if (attempt < attempts) options.onRetry?.(thrown, attempt);
    } finally {
      options.release?.(prepared);
    }
  }
  return { ok: false, error };
}
