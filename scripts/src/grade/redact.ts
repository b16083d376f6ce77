/**
 * Keeping hidden tests out of feedback. Failure messages come from the kernel's error
 * text, which for some errors (a syntax error, a type error) quotes source lines. Any
 * message line that contains a line of the cell's hidden tests is replaced.
 */
import { markerOf, sourceLines } from "../notebook/master";

/** The meaningful lines between BEGIN and END HIDDEN TESTS, trimmed. */
export function hiddenLines(source: string): string[] {
  const lines: string[] = [];
  let inside = false;
  for (const line of sourceLines(source)) {
    const marker = markerOf(line);
    if (marker === "BEGIN HIDDEN TESTS") inside = true;
    else if (marker === "END HIDDEN TESTS") inside = false;
    else if (inside) {
      const text = line.trim();
      // Short lines ("}", "});") are everywhere and give nothing away.
      if (text.length >= 8 && !text.startsWith("//")) lines.push(text);
    }
  }
  return lines;
}

export function redactHidden(message: string, hidden: readonly string[]): string {
  // Stryker disable next-line ConditionalExpression: equivalent, a shortcut; with no hidden lines the loop below changes nothing.
  if (hidden.length === 0) return message;
  return message
    .split("\n")
    .map((line) =>
      hidden.some((h) => line.includes(h) || (line.trim().length >= 12 && h.includes(line.trim()))) ? "[a line of a hidden test]" : line,
    )
    .join("\n");
}
