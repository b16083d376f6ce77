/**
 * The grader's own cells around a sanitized submission.
 *
 *  - first, before any learner code: `beginGradingRun(nonce)`. From then on every grade
 *    record carries an HMAC tag keyed by a nonce that is fresh for this run and appears
 *    nowhere else (see lib/grading/record.ts);
 *  - right before the first cell the learner wrote (after the master's setup cells):
 *    `freezeIntrinsics()`, which freezes the built-in prototypes tslab's reply path
 *    uses, so that learner code cannot patch them (see lib/grading/seal.ts);
 *  - at the end of every test cell: a call that emits a tagged record whose label holds
 *    the cell's grade_id and a second secret, fresh per cell. The record can only be
 *    emitted by running that line, so it shows the cell ran to its end. A test cell of
 *    bare checks only gets there when every check above it passed, so it earns its
 *    points only with an "ok" reply AND its end record: a learner who patched tslab's
 *    reply into "ok" still gets nothing. A test wrapped in check.test / check.score
 *    always gets there; it earns what its own tagged record says (score.ts);
 *  - last: `finishGradingRun()`, a tagged summary (how many records were issued), so
 *    that records dropped on the way show as a gap.
 */
import { randomBytes } from "node:crypto";
import { cellKind, gradeIdOf } from "../notebook/master";
import { cellSource, newCodeCell } from "../notebook/cells";
import type { Notebook } from "../notebook/model";

export const END_LABEL_PREFIX = "nncourse-grader-end";

export interface Instrumented {
  notebook: Notebook;
  nonce: string;
  /** grade_id -> the label of that test cell's end record. */
  endLabels: Map<string, string>;
  /** grade_id -> index of its cell in notebook.cells. */
  testCellIndex: Map<string, number>;
  beginIndex: number;
  freezeIndex: number;
  finishIndex: number;
}

export function instrument(notebook: Notebook, testIds: readonly string[]): Instrumented {
  const nonce = randomBytes(32).toString("hex");
  const endLabels = new Map<string, string>();
  const begin = newCodeCell(
    `import { beginGradingRun as nncourseGraderBegin } from "nncourse/grading";\nnncourseGraderBegin(${JSON.stringify(nonce)});\n`,
  );
  const cells = [begin, ...notebook.cells.map((cell) => structuredClone(cell))];
  const testCellIndex = new Map<string, number>();
  cells.forEach((cell, index) => {
    const id = gradeIdOf(cell);
    if (id === undefined || !testIds.includes(id) || cell.cell_type !== "code" || testCellIndex.has(id)) return;
    const label = `${END_LABEL_PREFIX} ${id} ${randomBytes(16).toString("hex")}`;
    endLabels.set(id, label);
    testCellIndex.set(id, index);
    const name = `nncourseGraderEnd${index}_${randomBytes(3).toString("hex")}`;
    // On new lines after the test: the cell's own line numbers, used in error messages, stay the same.
    // Strict mode, on the first line for the same reason: tslab compiles cells in sloppy
    // mode, where a learner's function reads its caller (`f.caller`), which is the
    // compiled test cell with its hidden tests; a strict caller reads as null.
    cell.source = `"use strict"; ${cellSource(cell).replace(/\s+$/, "")}\n;import { check as ${name} } from "nncourse/grading";\n${name}.partial(1, ${JSON.stringify(label)});\n`;
  });
  // Master cells (locked or test) that come first run before the freeze: setup code may
  // need to patch built-ins (a library's polyfill), the learner's code may not.
  let firstLearnerCell = cells.findIndex(
    (cell, index) => index > 0 && cell.cell_type === "code" && cellKind(cell) !== "locked" && cellKind(cell) !== "test",
  );
  if (firstLearnerCell < 0) firstLearnerCell = cells.length;
  const freeze = newCodeCell(`import { freezeIntrinsics as nncourseGraderFreeze } from "nncourse/grading";\nnncourseGraderFreeze();\n`);
  cells.splice(firstLearnerCell, 0, freeze);
  for (const [id, index] of testCellIndex) if (index >= firstLearnerCell) testCellIndex.set(id, index + 1);
  const finish = newCodeCell(`import { finishGradingRun as nncourseGraderFinish } from "nncourse/grading";\nnncourseGraderFinish();\n`);
  cells.push(finish);
  return {
    notebook: { ...notebook, cells },
    nonce,
    endLabels,
    testCellIndex,
    beginIndex: 0,
    freezeIndex: firstLearnerCell,
    finishIndex: cells.length - 1,
  };
}
