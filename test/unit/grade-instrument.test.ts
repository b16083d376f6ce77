// The grader's own cells around a submission (scripts/src/grade/instrument.ts): where the
// freeze goes, which cells get an end record, and what an instrumented test cell reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { END_LABEL_PREFIX, instrument } from "../../scripts/src/grade/instrument";
import { cellSource, newCodeCell, newMarkdownCell, newNotebook } from "../../scripts/src/notebook";
import { gradeIdOf } from "../../scripts/src/notebook/master";
import { nbgrader } from "../helpers/master-cells";

const setup = newCodeCell('import { check } from "nncourse/grading";', nbgrader("setup", "locked"));
const answer = newCodeCell("function f() {}", nbgrader("f", "answer"));
const testOf = (id: string, source = "check.equal(1, 1);") => newCodeCell(source, nbgrader(id, "test", 1));

/** The cells' grade_ids, and the grader's cells by what they call. */
function layout(cells: ReturnType<typeof instrument>["notebook"]["cells"]): string[] {
  return cells.map((cell) => {
    const source = cellSource(cell);
    if (source.includes("nncourseGraderBegin")) return "(begin)";
    if (source.includes("nncourseGraderFreeze")) return "(freeze)";
    if (source.includes("nncourseGraderFinish")) return "(finish)";
    return gradeIdOf(cell) ?? cell.cell_type;
  });
}

test("the freeze comes before the first learner code cell: after the master's setup, text and early tests", () => {
  const intro = newMarkdownCell("# Gates");
  const early = testOf("setup-tests");
  const wrapped = instrument(newNotebook([intro, setup, early, answer, testOf("t")]), ["setup-tests", "t"]);
  assert.deepEqual(layout(wrapped.notebook.cells), ["(begin)", "markdown", "setup", "setup-tests", "(freeze)", "f", "t", "(finish)"]);
  assert.deepEqual([wrapped.beginIndex, wrapped.freezeIndex, wrapped.finishIndex], [0, 4, 7]);
  assert.deepEqual(
    [...wrapped.testCellIndex],
    [
      ["setup-tests", 3],
      ["t", 6],
    ],
  );
});

test("a notebook with no learner code is frozen at its end, just before the finish", () => {
  const wrapped = instrument(newNotebook([setup, testOf("t")]), ["t"]);
  assert.deepEqual(layout(wrapped.notebook.cells), ["(begin)", "setup", "t", "(freeze)", "(finish)"]);
  assert.equal(wrapped.freezeIndex, 3);
  assert.equal(wrapped.testCellIndex.get("t"), 2);
});

test("only code cells of the graded tests get an end record, and only the first of two with one grade_id", () => {
  const asText = newMarkdownCell("check.equal(1, 1);", nbgrader("t", "test", 1));
  const copy = testOf("t", "check.equal(2, 2);");
  const wrapped = instrument(newNotebook([answer, asText, testOf("t"), copy, testOf("ungraded")]), ["t"]);
  assert.deepEqual([...wrapped.endLabels.keys()], ["t"]);
  assert.equal(wrapped.testCellIndex.get("t"), 4, "begin, freeze, f, the Markdown cell, then the test");
  assert.equal(cellSource(wrapped.notebook.cells[3]!), "check.equal(1, 1);", "a Markdown cell is left as it is");
  assert.equal(cellSource(wrapped.notebook.cells[5]!), "check.equal(2, 2);");
  assert.equal(cellSource(wrapped.notebook.cells[6]!), "check.equal(1, 1);");
});

test("an instrumented test keeps its lines, trailing space trimmed, and ends by recording its label under a name of its own", () => {
  const wrapped = instrument(newNotebook([answer, testOf("t", "check.equal(f(), undefined);  \n\n\n"), testOf("u")]), ["t", "u"]);
  const label = wrapped.endLabels.get("t")!;
  assert.match(label, new RegExp(`^${END_LABEL_PREFIX} t [0-9a-f]{32}$`));
  const source = cellSource(wrapped.notebook.cells[wrapped.testCellIndex.get("t")!]!);
  const match =
    /^"use strict"; check\.equal\(f\(\), undefined\);\n;import \{ check as (nncourseGraderEnd\d+_[0-9a-f]{6}) \} from "nncourse\/grading";\n(\w+)\.partial\(1, (".*")\);\n$/.exec(
      source,
    );
  assert.ok(match, source);
  assert.equal(match[2], match[1], "the record is made with the check imported on the line before");
  assert.equal(JSON.parse(match[3]!), label);
  assert.notEqual(wrapped.endLabels.get("u"), label, "each test cell's label is its own");
});
