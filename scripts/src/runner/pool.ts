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
