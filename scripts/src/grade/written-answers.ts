/**
 * Written answers: Markdown cells a master marks as nbgrader's "manually graded answer"
 * (solution: true, grade: true, points > 0), e.g. "Explain why one perceptron cannot
 * compute XOR". The autograder cannot score them; grading keeps each learner's text so
 * that an instructor gives the points by hand (`course review`), and the assignment's
 * maximum counts them, so the points never silently vanish.
 *
 * The text is the learner's and is kept as text: whatever shows it escapes it. Pure:
 * the grading pipeline calls it with the notebook it sanitized.
 */
import { sha256Hex } from "nncourse/dist/data/payload";
import { cellSource } from "../notebook/cells";
import { isInstructorOnly } from "../notebook/instructor-cells";
import { cellKind, gradeIdOf, nbgraderOf } from "../notebook/master";
import type { Cell, Notebook } from "../notebook/model";

/** What the master says about one written answer. */
export interface WrittenAnswerSpec {
  gradeId: string;
  points: number;
  /** The Markdown cells just before the answer (the exercise's heading and question). */
  prompt: string;
  /** The master's own text of the cell: the reference answer (solutions/ carry it too). */
  reference: string;
}

/** One learner's written answer, as grading stores it. */
export interface WrittenAnswer {
  gradeId: string;
  /** Its place among the assignment's written answers (notebook order). */
  position: number;
  points: number;
  text: string;
  /** Of `text`: a regrade keeps a hand-given grade only while this stays the same. */
  textSha256: string;
  /** Left as the student version had it (or deleted): 0 points with nothing to grade. */
  unanswered: boolean;
  /** The grade an instructor gave this same text before a regrade, kept (gradebook/written-answers.ts). */
  carried?: { earned: number; comment: string; gradedAt: string };
  /** Why it is pending again: its text changed after it was graded. */
  note?: string;
}

/** Longer text is cut (and says so): a notebook can be 64 MB, a gradebook row need not be. */
export const MAX_ANSWER_CHARS = 100_000;

/** How many Markdown cells before an answer make up its prompt, at most. */
const PROMPT_CELLS = 3;

/** A cell a learner writes prose in and an instructor grades: Markdown, manually graded. */
export function isWrittenAnswer(cell: Cell): boolean {
  return cell.cell_type === "markdown" && cellKind(cell) === "manual";
}

export function writtenAnswerPoints(cell: Cell): number {
  const points = Number(nbgraderOf(cell)?.points);
  return Number.isFinite(points) && points > 0 ? points : 0;
}

/** The master's written answers worth points, in notebook order. */
export function writtenAnswerSpecs(master: Notebook): WrittenAnswerSpec[] {
  const specs: WrittenAnswerSpec[] = [];
  master.cells.forEach((cell, index) => {
    if (!isWrittenAnswer(cell) || writtenAnswerPoints(cell) === 0) return;
    specs.push({
      gradeId: gradeIdOf(cell)!,
      points: writtenAnswerPoints(cell),
      prompt: promptBefore(master, index),
      reference: cellSource(cell),
    });
  });
  return specs;
}

/** The prose just before cell `index`: Markdown cells back to the previous code or graded cell. */
function promptBefore(master: Notebook, index: number): string {
  const parts: string[] = [];
  for (let i = index - 1; i >= 0 && parts.length < PROMPT_CELLS; i--) {
    const cell = master.cells[i]!;
    if (cell.cell_type !== "markdown" || cellKind(cell) === "manual" || cellKind(cell) === "answer") break;
    if (isInstructorOnly(cell)) break;
    parts.unshift(cellSource(cell));
  }
  return parts.join("\n\n");
}

/**
 * The written answers in a sanitized submission (grade/sanitize.ts has already put a
 * deleted or retyped answer back as the student version's placeholder). An answer still
 * equal to the placeholder, or blank, is unanswered.
 */
export function collectWrittenAnswers(specs: readonly WrittenAnswerSpec[], sanitized: Notebook, exercise: Notebook): WrittenAnswer[] {
  const placeholder = new Map<string, string>();
  for (const cell of exercise.cells) {
    const id = gradeIdOf(cell);
    if (id !== undefined && isWrittenAnswer(cell)) placeholder.set(id, cellSource(cell).trim());
  }
  return specs.map((spec, position) => {
    const cell = sanitized.cells.find((c) => gradeIdOf(c) === spec.gradeId && isWrittenAnswer(c));
    const full = cell === undefined ? "" : cellSource(cell);
    const text =
      full.length > MAX_ANSWER_CHARS ? `${full.slice(0, MAX_ANSWER_CHARS)}\n\n[cut: the answer had ${full.length} characters]` : full;
    const trimmed = full.trim();
    return {
      gradeId: spec.gradeId,
      position,
      points: spec.points,
      text,
      textSha256: sha256Hex(text),
      unanswered: trimmed === "" || trimmed === placeholder.get(spec.gradeId),
    };
  });
}
