/**
 * The assignments a grading run knows: every master notebook (a notebook with nbgrader
 * metadata) in the masters folder, by file name without ".ipynb".
 */
import fs from "node:fs";
import path from "node:path";
import { sha256Hex } from "nncourse/dist/data/payload";
import { CourseError, EXIT } from "../errors";
import { formatFinding, validateMaster } from "../assign/validate";
import { cellKind, gradeIdOf, isMaster } from "../notebook/master";
import { releaseNotebook } from "../assign/release";
import { cellSource } from "../notebook/cells";
import type { Notebook } from "../notebook/model";
import { parseNotebook } from "../notebook/read";
import { declaredTimeLimits, type TimeLimits } from "../assign/time-limits";
import { writtenAnswerSpecs, type WrittenAnswerSpec } from "./written-answers";

export interface TestCellSpec {
  gradeId: string;
  points: number;
  /** True when the test reports its result in a record (calls check.test, check.score or check.partial). */
  partial: boolean;
}

export interface Assignment {
  name: string;
  file: string;
  master: Notebook;
  /** The student version, to tell an edited locked or test cell from an untouched one. */
  exercise: Notebook;
  sha256: string;
  tests: TestCellSpec[];
  /** Markdown answers graded by hand (written-answers.ts); their points are in maxPoints. None when absent. */
  written?: WrittenAnswerSpec[];
  maxPoints: number;
  /** Time limits the master declares in its metadata (see time-limits.ts). */
  timeLimits: TimeLimits;
}

/**
 * A test that reports its result in a grade record: check.test (all or nothing),
 * check.score or check.partial. Such a cell never earns points for merely replying
 * "ok"; a test cell written with bare checks (an instructor's own notebook) still earns
 * its points by an "ok" reply that reached its end.
 */
const PARTIAL_CALL = /\bcheck\s*\.\s*(test|score|partial)\s*\(/;

export function loadAssignments(dir: string): Map<string, Assignment> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new CourseError(
      `the masters folder ${dir} does not exist.`,
      "pass the folder of master notebooks with --masters DIR.",
      EXIT.missing,
    );
  }
  const assignments = new Map<string, Assignment>();
  for (const entry of fs.readdirSync(dir).sort()) {
    if (!entry.endsWith(".ipynb")) continue;
    const file = path.join(dir, entry);
    const text = fs.readFileSync(file, "utf8");
    const master = parseNotebook(text, file);
    if (!isMaster(master)) continue;
    const errors = validateMaster(master, file).filter((f) => f.severity === "error");
    if (errors.length > 0) {
      throw new CourseError(
        `the master ${file} has errors:\n${errors.map(formatFinding).join("\n")}`,
        "fix the master (course build shows the same findings).",
      );
    }
    const tests: TestCellSpec[] = master.cells
      .filter((cell) => cellKind(cell) === "test")
      .map((cell) => ({
        gradeId: gradeIdOf(cell)!,
        points: Number((cell.metadata.nbgrader as { points?: number }).points ?? 0),
        partial: PARTIAL_CALL.test(cellSource(cell)),
      }));
    const written = writtenAnswerSpecs(master);
    const name = entry.slice(0, -".ipynb".length);
    assignments.set(name, {
      name,
      file,
      master,
      exercise: releaseNotebook(master, "exercise"),
      sha256: sha256Hex(text),
      tests,
      written,
      maxPoints: [...tests, ...written].reduce((sum, t) => sum + t.points, 0),
      timeLimits: declaredTimeLimits(master, file),
    });
  }
  if (assignments.size === 0) {
    throw new CourseError(
      `no master notebooks (notebooks with nbgrader metadata) in ${dir}.`,
      "pass the folder of master notebooks with --masters DIR.",
      EXIT.missing,
    );
  }
  return assignments;
}
