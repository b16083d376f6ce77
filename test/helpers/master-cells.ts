import type { Assignment } from "../../scripts/src/grade/masters";
import type { Notebook } from "../../scripts/src/notebook/model";

/**
 * nbgrader's metadata for a cell of a small master written inside a test: an answer
 * cell (solution), a test cell (grade, with its points) or a locked cell.
 */
export function nbgrader(grade_id: string, kind: "answer" | "test" | "locked", points?: number) {
  return {
    nbgrader: {
      schema_version: 3,
      grade_id,
      solution: kind === "answer",
      grade: kind === "test",
      locked: kind !== "answer",
      task: false,
      ...(points === undefined ? {} : { points }),
    },
  };
}

/** A test cell's metadata (nbgrader's test kind, with its points). */
export function testCellMeta(grade_id: string, points: number) {
  return nbgrader(grade_id, "test", points);
}

/**
 * The assignment scoreRun grades a run against: a master of the given cells (it serves as
 * the student version too), its test cells as listed, and the maximum their points add up to.
 */
export function scoringAssignment(master: Notebook, tests: Array<{ gradeId: string; points: number; partial: boolean }>): Assignment {
  return {
    name: "a",
    file: "a.ipynb",
    master,
    exercise: master,
    sha256: "",
    tests,
    maxPoints: tests.reduce((sum, t) => sum + t.points, 0),
    timeLimits: {},
  } as unknown as Assignment;
}
