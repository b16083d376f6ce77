/** n evenly spaced numbers from start to stop (like numpy.linspace); without the endpoint, stop itself is left out. */
export function linspace(start: number, stop: number, n: number, endpoint = true): number[] {
  if (n === 1) return [start];
  const step = (stop - start) / (endpoint ? n - 1 : n);
  return Array.from({ length: n }, (_, i) => start + i * step);
}
