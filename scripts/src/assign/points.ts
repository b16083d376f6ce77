/**
 * One number for a learner everywhere: an exercise's heading ("## Exercise 2 · … (3
 * points)"), the result its test cell shows in the notebook ("2 of 3 points") and the
 * score `course check` and `course grade` give must agree. They once disagreed because
 * hidden tests added parts the heading did not count, so a learner read "4 of 4" in the
 * notebook and "1.5/3" from `course check`.
 *
 * Checked when a master is built:
 *   - the weights of a test cell's `score.part(weight, …)` calls add up to its points;
 *   - no part is added inside hidden tests (the learner's copy would count fewer);
 *   - the test cells under an exercise heading add up to the points the heading states.
 */
import { cellSource } from "../notebook/cells";
import type { Notebook } from "../notebook/model";
import type { Finding } from "./validate";
import { cellKind, gradeIdOf, nbgraderOf, regionsOf, sourceLines } from "../notebook/master";

/** "## Exercise 3 · A momentum update (2 points, partial credit)": the heading's level and points. */
const EXERCISE_HEADING = /^(#{1,6})\s*Exercise\b[^\n]*\((\d+(?:\.\d+)?) points?(?:,[^)\n]*)?\)\s*$/m;
/** Any markdown heading, by its level. */
const HEADING = /^(#{1,6})\s/gm;
/** A part of a partial-credit score, with its weight as written. */
const PART_CALL = /\.part\(\s*([^,]+?)\s*,/g;

export function checkPoints(notebook: Notebook, name: string): Finding[] {
  const findings: Finding[] = [];
  // The exercise whose heading came last, until a heading of the same or a higher level.
  let heading: { cell: number; level: number; points: number; tests: number; sum: number } | undefined;
  const closeHeading = () => {
    if (heading && heading.tests > 0 && !same(heading.sum, heading.points)) {
      findings.push({
        severity: "error",
        notebook: name,
        cell: heading.cell,
        message: `the exercise heading says ${heading.points} point${heading.points === 1 ? "" : "s"}, but its test cells and written answers are worth ${heading.sum}.`,
        fix: "make the heading and the test cells' nbgrader points agree.",
      });
    }
  };

  notebook.cells.forEach((cell, index) => {
    // A written answer is Markdown too, but its text is the reference answer, not a heading.
    if (cell.cell_type === "markdown" && cellKind(cell) !== "manual") {
      const text = cellSource(cell);
      const match = EXERCISE_HEADING.exec(text);
      const levels = [...text.matchAll(HEADING)].map((m) => m[1]!.length);
      if (match || (heading && levels.some((level) => level <= heading!.level))) {
        closeHeading();
        heading = match ? { cell: index + 1, level: match[1]!.length, points: Number(match[2]), tests: 0, sum: 0 } : undefined;
      }
      return;
    }
    const kind = cellKind(cell);
    if (kind !== "test" && kind !== "manual") return;
    const points = Number(nbgraderOf(cell)?.points);
    if (!Number.isFinite(points)) return; // validateMaster reports it
    // A written answer graded by hand counts toward its exercise's heading as a test cell does.
    if (heading) {
      heading.tests++;
      heading.sum += points;
    }
    if (kind === "manual") return;
    const at = { notebook: name, cell: index + 1, gradeId: gradeIdOf(cell) };
    const lines = sourceLines(cellSource(cell));
    const hidden = regionsOf(cellSource(cell)).filter((r) => r.kind === "hidden");
    let sum = 0;
    let parts = 0;
    let unknown = false;
    lines.forEach((line, i) => {
      for (const call of line.matchAll(PART_CALL)) {
        if (hidden.some((r) => i > r.begin && i < r.end)) {
          findings.push({
            severity: "error",
            ...at,
            line: i + 1,
            message: "a part of the score inside the hidden tests: the learner's copy would count fewer points than the grader.",
            fix: "put the hidden checks inside a visible part (between its `// BEGIN HIDDEN TESTS` and `// END HIDDEN TESTS`).",
          });
          continue;
        }
        parts++;
        const weight = Number(call[1]);
        if (Number.isFinite(weight)) sum += weight;
        else unknown = true;
      }
    });
    if (parts > 0 && !unknown && !same(sum, points)) {
      findings.push({
        severity: "error",
        ...at,
        message: `the weights of the score's parts add up to ${sum}, but the cell is worth ${points} point${points === 1 ? "" : "s"}: the notebook would show "… of ${sum} points".`,
        fix: "make the parts' weights add up to the cell's points.",
      });
    }
  });
  closeHeading();
  return findings;
}

function same(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-9;
}
