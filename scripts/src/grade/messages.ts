/**
 * A failed test cell's message, in the one format every report shows (the gradebook, the
 * feedback page, the CSV's consumers and the notebook itself): the check's own words,
 * every line of them, with no exception class in front and no brackets around.
 *
 * A test cell that wraps its checks (check.test, check.score) reports its messages in
 * its grade record already in that format. A cell of bare checks (an instructor's own)
 * fails with the kernel's error instead, which said "CheckFailure: …" (or, printed by
 * Node's inspector, "[CheckFailure: …]") and lost every line after the third in the
 * run's three-line summary: a truth table's last row and its closing bracket vanished.
 * The kernel's error output keeps the whole message, so it is read from there.
 */
import type { Cell, ErrorOutput } from "../notebook/model";
import type { CellResult } from "../runner/run-notebook";

/** The class of the check API's failures (nncourse/grading): its message is the learner's message as it is. */
const CHECK_FAILURE = "CheckFailure";
/** The class the course's kernel gives a cell that does not compile. */
const COMPILE_ERROR = "TypeScriptError";

/** More lines than any check writes (a truth table's is six): a learner's own error text can be huge. */
export const MAX_MESSAGE_LINES = 40;
export const MAX_MESSAGE_CHARS = 4000;

/** The message of a test cell that did not pass: a failed check, an exception, a timeout, a dead kernel. */
export function failedCellMessage(result: CellResult, cell: Cell | undefined): string {
  // A timeout or a dead kernel: the runner's own words (its error output is its own too).
  const error = result.status === "error" ? lastError(cell) : undefined;
  if (error === undefined) return cleanMessage(result.error ?? `the test cell ended with status ${result.status}.`);
  const value = unwrap(error.evalue, error.ename);
  if (error.ename === CHECK_FAILURE) return cleanMessage(value);
  if (error.ename === COMPILE_ERROR) return cleanMessage(`the test cell does not compile with your code:\n${value}`);
  return cleanMessage(`your code threw ${article(error.ename)} ${error.ename}: ${value}`);
}

/**
 * A message as reports show it: an exception's "Name: " or Node's "[Name: …]" around it
 * removed, no trailing spaces or blank lines, and bounded.
 */
export function cleanMessage(message: string): string {
  const lines = unwrap(message.replace(/\r\n/g, "\n"), CHECK_FAILURE)
    .split("\n")
    .map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  let text = lines.slice(0, MAX_MESSAGE_LINES).join("\n");
  if (lines.length > MAX_MESSAGE_LINES) text += `\n… (${lines.length - MAX_MESSAGE_LINES} more lines)`;
  return text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}

/** "msg" from "[Name: msg]" or "Name: msg"; anything else as it is. */
function unwrap(text: string, name: string): string {
  const bracketed = `[${name}: `;
  if (text.startsWith(bracketed) && text.trimEnd().endsWith("]")) return text.trimEnd().slice(bracketed.length, -1);
  if (text.startsWith(`${name}: `)) return text.slice(name.length + 2);
  return text;
}

function lastError(cell: Cell | undefined): ErrorOutput | undefined {
  if (cell === undefined || cell.cell_type !== "code") return undefined;
  for (let i = cell.outputs.length - 1; i >= 0; i--) {
    const output = cell.outputs[i]!;
    if (output.output_type === "error") return output;
  }
  return undefined;
}

function article(word: string): string {
  return /^[AEIOU]/i.test(word) ? "an" : "a";
}
