// Reading the instructor's guide (docs/instructors.md) for the tests that check it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./cli";

export const GUIDE = join(projectRoot, "docs", "instructors.md");
export const guide = readFileSync(GUIDE, "utf8");

/** The text of the section under the `## ` heading that starts with `title`, up to the next `## `. */
export function section(title: string): string {
  const start = guide.indexOf(`\n## ${title}`);
  assert.ok(start >= 0, `the guide has a section "## ${title}"`);
  const end = guide.indexOf("\n## ", start + 4);
  return guide.slice(start, end < 0 ? undefined : end);
}

/** The fenced blocks of one language in a section, with the guide's line of each. */
export function fenced(text: string, language: string): Array<{ line: number; code: string }> {
  const blocks: Array<{ line: number; code: string }> = [];
  const fence = new RegExp("^```" + language + "\\n([\\s\\S]*?)^```", "gm");
  for (const match of text.matchAll(fence)) {
    blocks.push({ line: guide.slice(0, guide.indexOf(match[0])).split("\n").length, code: match[1]! });
  }
  return blocks;
}

/** The guide's master, as the text of a notebook file: the one ```json block of its master section. */
export function guideMaster(): string {
  const blocks = fenced(section("A complete master"), "json");
  assert.equal(blocks.length, 1, "one master in the guide");
  return blocks[0]!.code;
}
