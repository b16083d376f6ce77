/**
 * What a learner calls a test: the title of the exercise it grades ("Exercise 1 · A NOR
 * unit"), not its grade_id ("nor-tests"), which only the master's metadata shows. The
 * title is the nearest Markdown heading above the test cell, without the points the
 * heading states ("(1 point)", "(3 points, partial credit)"): the points are in a column
 * of their own. A test cell with no heading above it keeps its grade_id, and a second
 * test cell under one heading is told apart by its number ("… (test 2)").
 */
import { cellSource } from "../notebook/cells";
import { cellKind, gradeIdOf } from "../notebook/master";
import type { Notebook } from "../notebook/model";

/** A Markdown heading line: "## Exercise 2 · Majority vote (1 point)". */
const HEADING = /^#{1,6}[ \t]+(.+?)[ \t#]*$/gm;
/** The points a heading states, at its end. */
const POINTS = /\s*\(\s*\d+(?:\.\d+)?\s+points?\b[^)]*\)\s*$/i;

/** grade_id → title, for every test cell of the notebook (a master, or a learner's copy). */
export function testTitles(notebook: Notebook): Map<string, string> {
  const titles = new Map<string, string>();
  let heading: string | undefined;
  let underHeading = 0;
  for (const cell of notebook.cells) {
    if (cell.cell_type === "markdown") {
      const found = [...cellSource(cell).matchAll(HEADING)].map((m) => plainText(m[1]!).replace(POINTS, ""));
      const last = found.filter((h) => h !== "").pop();
      if (last !== undefined) {
        heading = last;
        underHeading = 0;
      }
      continue;
    }
    if (cellKind(cell) !== "test") continue;
    const gradeId = gradeIdOf(cell);
    if (gradeId === undefined) continue;
    underHeading++;
    titles.set(gradeId, heading === undefined ? gradeId : underHeading === 1 ? heading : `${heading} (test ${underHeading})`);
  }
  return titles;
}

/** A test's title, or its grade_id where there is none. */
export function titleOf(titles: ReadonlyMap<string, string> | undefined, gradeId: string): string {
  return titles?.get(gradeId) ?? gradeId;
}

/** Markdown emphasis and code marks off a heading: "A *NOR* `unit`" reads "A NOR unit". */
function plainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[*_`]+/g, "")
    .trim();
}
