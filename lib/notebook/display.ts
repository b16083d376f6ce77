/**
 * Rich output for notebooks. Inside the tslab kernel, HTML, Markdown and LaTeX go to
 * the notebook through tslab's display API; anywhere else (a plain node script, a
 * test) the text form is printed instead, so library code never needs to know where
 * it runs.
 */

interface TslabDisplay {
  html(s: string): void;
  markdown(s: string): void;
  latex(s: string): void;
  text(s: string): void;
}

/** tslab's writer for the cell that is running (null outside the kernel): it sends one display_data (or update_display_data) message. */
type DisplayWriter = (
  content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient?: { display_id?: string } },
  update: boolean,
) => void;

function displayWriter(): DisplayWriter | undefined {
  try {
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: DisplayWriter | null };
    return jupyter.lastWriteDisplayData ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends one output with several representations (MIME type → content), as Jupyter
 * front ends expect: each shows the richest one it can. tslab's own display API sends
 * one MIME type per output, so this goes through its writer directly. Returns false
 * outside a notebook.
 */
export function displayData(data: Record<string, unknown>, options: { displayId?: string; update?: boolean } = {}): boolean {
  const write = displayWriter();
  if (!write) return false;
  write({ data, metadata: {}, ...(options.displayId ? { transient: { display_id: options.displayId } } : {}) }, options.update ?? false);
  return true;
}

let displayCount = 0;

/** An output that can be replaced in place (a progress display), like tslab.newDisplay() but with several MIME types. */
export class UpdatableDisplay {
  private readonly id = `nncourse-${process.pid}-${++displayCount}`;
  private shown = false;

  /** Shows the output the first time, then replaces it. Returns false outside a notebook. */
  set(data: Record<string, unknown>): boolean {
    const sent = displayData(data, { displayId: this.id, update: this.shown });
    if (sent) this.shown = true;
    return sent;
  }
}

function tslabDisplay(): TslabDisplay | undefined {
  // tslab publishes the writer of the cell that is running; there is none outside the kernel.
  if (displayWriter() === undefined) return undefined;
  try {
    return (require("tslab") as { display: TslabDisplay }).display;
  } catch {
    return undefined;
  }
}

/** True when running inside a tslab notebook kernel. */
export function inNotebook(): boolean {
  return tslabDisplay() !== undefined;
}

/** Shows HTML in the notebook; prints `fallbackText` (or the HTML) elsewhere. */
export function displayHtml(html: string, fallbackText?: string): void {
  const display = tslabDisplay();
  if (display) display.html(html);
  else console.log(fallbackText ?? html);
}

/** Shows Markdown in the notebook; prints it as text elsewhere. */
export function displayMarkdown(markdown: string): void {
  const display = tslabDisplay();
  if (display) display.markdown(markdown);
  else console.log(markdown);
}

/** Shows a LaTeX equation (without surrounding $$) in the notebook; prints it elsewhere. */
export function displayLatex(latex: string): void {
  const display = tslabDisplay();
  if (display) display.latex(`$$${latex}$$`);
  else console.log(latex);
}

/**
 * Clears the running cell's output: at once, or with `wait` just before the cell's next
 * output (a progress display redrawn in place does not flicker). Needs the course's
 * kernel; returns false anywhere else.
 */
export { clearOutput } from "../kernel/cell-output";
