/** Helpers for nbformat's multiline strings. */
import type { MultilineString } from "./model";

/** The text as one string, whichever form the file used. */
export function joinText(text: MultilineString | undefined): string {
  if (text === undefined) return "";
  return typeof text === "string" ? text : text.join("");
}

/**
 * Splits text into lines that keep their "\n", the form Jupyter writes:
 * "a\nb\n" -> ["a\n", "b\n"], "a\nb" -> ["a\n", "b"], "" -> [].
 */
export function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g);
  return lines ?? [];
}

/** The first line with something on it, for reports ("" if there is none). */
export function firstLine(text: MultilineString): string {
  return (
    joinText(text)
      .split("\n")
      .map((line) => line.trim())
      .find((line) => line !== "") ?? ""
  );
}
