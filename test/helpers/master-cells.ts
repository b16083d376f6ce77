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
