/**
 * Turning tslab's error text into something a reader can use. tslab replies
 * `status: "error"` without ename/evalue/traceback and prints the problem on stderr:
 * either TypeScript diagnostics ("1:5 - Type 'string' is not assignable ...") or a
 * runtime error with a stack that runs through node's and tslab's own internals.
 */

export interface ParsedError {
  ename: string;
  evalue: string;
  /** The lines worth showing: the error line and the frames in the learner's code. */
  traceback: string[];
  /** One or a few lines for a report. */
  summary: string;
}

const DIAGNOSTIC = /^\d+:\d+ - /;
const ERROR_LINE = /^(?:Uncaught )?([A-Za-z_$][\w$.]*(?:Error|Exception)|Error)(?: \[[^\]]*\])?: ?(.*)$/;
/** Stack frames from node internals and from tslab itself say nothing about the cell. */
const INTERNAL_FRAME = /\(node:|at node:|[\\/]tslab[\\/]|sigintHandlersWrap|runInThisContext/;

export function parseKernelError(stderr: string): ParsedError {
  const lines = stderr.split("\n").map((line) => line.replace(/\s+$/, ""));
  const diagnostics = lines.filter((line) => DIAGNOSTIC.test(line));
  if (diagnostics.length > 0) {
    return {
      ename: "TypeScriptError",
      evalue: diagnostics.join("\n"),
      traceback: diagnostics,
      summary: diagnostics.slice(0, 3).join("\n") + (diagnostics.length > 3 ? `\n(${diagnostics.length - 3} more)` : ""),
    };
  }
  // The last error line wins: tslab prints the source context first, then the error.
  const at = lastIndexWhere(lines, (line) => ERROR_LINE.test(line));
  if (at >= 0) {
    const match = ERROR_LINE.exec(lines[at]!)!;
    const frames = lines.slice(at + 1).filter((line) => /^\s+at /.test(line) && !INTERNAL_FRAME.test(line));
    return { ename: match[1]!, evalue: match[2]!, traceback: [lines[at]!, ...frames], summary: lines[at]! };
  }
  const text = lines.filter((line) => line.trim() !== "");
  if (text.length === 0) {
    const evalue = "the cell failed, and the kernel printed no error text.";
    return { ename: "Error", evalue, traceback: [`Error: ${evalue}`], summary: evalue };
  }
  // Something thrown that is not an Error (`throw "text"`) is printed as it is.
  return { ename: "Error", evalue: text.join("\n"), traceback: text, summary: text.slice(0, 3).join("\n") };
}

function lastIndexWhere<T>(items: T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}
