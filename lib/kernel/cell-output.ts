/**
 * The running cell's output channel, for the library's display helpers: the kernel
 * points it at each cell as the cell starts (outputs that arrive later, from timers,
 * go to the last cell that ran, as in IPython). Outside the course's kernel there is none.
 */

export interface CellOutputChannel {
  /** Clears the cell's output now, or (wait) just before its next output, so that a progress display does not flicker. */
  clearOutput(wait: boolean): void;
}

let current: CellOutputChannel | undefined;

/** @internal the kernel's side */
export function setCellOutput(channel: CellOutputChannel | undefined): void {
  current = channel;
}

/** Clears the output of the running cell (see CellOutputChannel). Returns false outside the course's kernel. */
export function clearOutput(wait = false): boolean {
  if (current === undefined) return false;
  current.clearOutput(wait);
  return true;
}
