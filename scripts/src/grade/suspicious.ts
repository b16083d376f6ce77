/**
 * A second line of defence: learner code that names the machinery of grading. The
 * sandbox refuses these moves anyway (see sandbox.ts, guard.ts and lib/grading/seal.ts);
 * a submission that tries them is flagged for an instructor's review, with the line.
 * A determined learner can hide a name from a text search, so this only adds to the
 * sandbox, it does not replace it.
 */
import { cellKind, gradeIdOf } from "../notebook/master";
import { cellSource } from "../notebook/cells";
import type { Notebook } from "../notebook/model";

const PATTERNS: Array<[RegExp, string]> = [
  [/\b(?:node:)?(?:v8|inspector|child_process|worker_threads)["']/, "loads a module that reads the process's memory or starts processes"],
  [
    /__tslab__|lastWriteDisplayData|handleExecute|\bzeromq\b|dist\/kernel\/|KernelServer|setCellOutput/,
    "reaches into the kernel's reply path",
  ],
  [/require\.cache|Module\._(?:load|cache|resolveFilename)|process\.binding|process\.dlopen/, "tampers with module loading"],
  [/\/proc\/|nncourse-kernel-|connection\.json/, "reads the kernel's process or connection files"],
  [
    /\b(?:notebooks|solutions|gradebook(?:\.sqlite)?)\b[^\n]*?(?:readFile|readdir|open)|(?:readFile|readdir|open)[^\n]*?\b(?:notebooks|solutions|gradebook)/,
    "reads course files (masters, solutions or the gradebook)",
  ],
  [/beginGradingRun|finishGradingRun|application\/vnd\.nncourse\.grade|nncourse-grader-end/, "imitates the grader"],
];

/** The longest part of a line that is searched. */
const MAX_LINE = 1000;

export interface SuspiciousFinding {
  gradeId: string | null;
  message: string;
}

/** Checks the cells the learner wrote (answer cells and cells they added). */
export function suspiciousCode(notebook: Notebook): SuspiciousFinding[] {
  const findings: SuspiciousFinding[] = [];
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    const kind = cellKind(cell);
    if (kind === "test" || kind === "locked") return;
    cellSource(cell)
      .split("\n")
      .forEach((whole, i) => {
        // A pattern with two parts on one line is quadratic in the line's length: a
        // megabyte-long line would stall the grader for hours. Code that matters is short.
        const line = whole.slice(0, MAX_LINE);
        for (const [pattern, what] of PATTERNS) {
          if (pattern.test(line)) {
            const where = gradeIdOf(cell) ? `the answer cell "${gradeIdOf(cell)}"` : `cell ${index + 1}`;
            findings.push({ gradeId: gradeIdOf(cell) ?? null, message: `${where}, line ${i + 1} ${what}: ${line.trim().slice(0, 120)}` });
            break;
          }
        }
      });
  });
  return findings;
}
