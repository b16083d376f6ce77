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

function tslabDisplay(): TslabDisplay | undefined {
  try {
    // tslab publishes the writer of the cell that is running; it is null outside the kernel.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
    if (jupyter.lastWriteDisplayData == null) return undefined;
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
