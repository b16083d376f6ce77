/**
 * Download progress on stderr: a bar redrawn in place on a terminal, plain lines
 * every few seconds otherwise (CI logs, pipes), so logs stay readable.
 */

export interface Progress {
  /** Bytes received so far (including any resumed part) and the total, if known. */
  update(received: number, total?: number): void;
  /** Ends the display (a final newline on a terminal). */
  done(): void;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Seconds between plain lines when not on a terminal. */
  lineEverySeconds?: number;
}

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const every = (options.lineEverySeconds ?? 5) * 1000;
  const started = Date.now();
  let last = 0;
  let lastReceived = 0;
  let lastTotal: number | undefined;
  let drawn = false;

  const describe = (received: number, total?: number) => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const rate = `${formatBytes(Math.round(received / seconds))}/s`;
    if (!total) return { pct: "", text: `${formatBytes(received)}  ${rate}` };
    const pct = Math.min(100, Math.floor((100 * received) / total));
    return { pct: `${String(pct).padStart(3)}%`, text: `${formatBytes(received)} / ${formatBytes(total)}  ${rate}`, fraction: received / total };
  };

  const draw = (received: number, total?: number) => {
    const d = describe(received, total);
    if (tty) {
      const width = 24;
      const filled = d.fraction === undefined ? 0 : Math.round(Math.min(1, d.fraction) * width);
      const bar = d.fraction === undefined ? "" : `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${d.pct}  `;
      stream.write(`\r\x1b[K  ${label}  ${bar}${d.text}`);
      drawn = true;
    } else {
      stream.write(`  ${label}: ${d.pct ? d.pct.trim() + "  " : ""}${d.text}\n`);
    }
  };

  return {
    update(received, total) {
      lastReceived = received;
      lastTotal = total;
      const now = Date.now();
      if (received === 0 && !drawn) return; // nothing to show until bytes arrive
      if (now - last >= (tty ? 100 : every)) {
        last = now;
        draw(received, total);
      }
    },
    done() {
      if (tty) {
        draw(lastReceived, lastTotal);
        if (drawn) stream.write("\n");
      } else if (lastReceived > 0) {
        draw(lastReceived, lastTotal);
      }
    },
  };
}
