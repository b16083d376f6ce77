/** Helpers for nbformat's multiline strings. */
import type { MultilineString } from "./model";

/** The text as one string, whichever form the file used. */
export function joinText(text: MultilineString | undefined): string {
  if (text === undefined) return "";
  return typeof text === "string" ? text : text.join("");
}

/**
 * Where Python's str.splitlines() ends a line: \n, \r\n and \r, and also \v, \f, the
 * file, group and record separators, NEL and the Unicode line and paragraph separators.
 */
const LINE = /[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])|[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+$/g;

/**
 * Splits text into lines that keep their line ends, as nbformat does when it writes
 * (Python's `text.splitlines(True)`, whose idea of a line end is wider than "\n"; a
 * progress bar's "\r" ends a line too):
 * "a\nb\n" -> ["a\n", "b\n"], "a\nb" -> ["a\n", "b"], "a\rb" -> ["a\r", "b"], "" -> [].
 */
export function splitLines(text: string): string[] {
  return text.match(LINE) ?? [];
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
