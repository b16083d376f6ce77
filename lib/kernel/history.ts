/**
 * The inputs (and results) of this kernel's cells, for Jupyter's history requests:
 * the console's up-arrow, `%history`-like front-end features. Kept in memory for the
 * kernel's lifetime, as one session numbered 1 (0 in a request means "this session").
 */

export interface HistoryRequest {
  hist_access_type?: "tail" | "range" | "search";
  output?: boolean;
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}

/** (session, line, input) or, with output, (session, line, [input, output]). */
export type HistoryEntry = [number, number, string] | [number, number, [string, string | null]];

const SESSION = 1;

export class History {
  private readonly cells: Array<{ line: number; input: string; output: string | null }> = [];

  record(line: number, input: string, output: string | null): void {
    this.cells.push({ line, input, output });
  }

  lookup(request: HistoryRequest): HistoryEntry[] {
    let found = this.cells;
    switch (request.hist_access_type) {
      case "range": {
        const session = request.session ?? 0;
        if (session !== 0 && session !== SESSION) return [];
        const start = request.start ?? 1;
        const stop = request.stop ?? Infinity;
        found = found.filter((cell) => cell.line >= start && cell.line < stop);
        break;
      }
      case "search": {
        const pattern = globToRegExp(request.pattern ?? "*");
        found = found.filter((cell) => pattern.test(cell.input));
        if (request.unique) found = lastOfEachInput(found);
        if (request.n !== undefined && request.n > 0) found = found.slice(-request.n);
        break;
      }
      default: {
        // "tail", Jupyter's default
        if (request.unique) found = lastOfEachInput(found);
        found = found.slice(-Math.max(0, request.n ?? 10));
      }
    }
    return found.map((cell): HistoryEntry =>
      request.output ? [SESSION, cell.line, [cell.input, cell.output]] : [SESSION, cell.line, cell.input],
    );
  }
}

function lastOfEachInput<T extends { input: string }>(cells: T[]): T[] {
  const last = new Map<string, T>();
  for (const cell of cells) {
    last.delete(cell.input);
    last.set(cell.input, cell);
  }
  return [...last.values()];
}

/** IPython's history patterns are shell globs: `*` any text, `?` one character. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[\\s\\S]*")
    .replace(/\?/g, "[\\s\\S]");
  return new RegExp(`^${body}$`);
}
