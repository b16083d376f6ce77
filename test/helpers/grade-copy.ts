import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { runCourse } from "./cli";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import type { SubmissionIssue, TestScore } from "../../scripts/src/grade/outcome";
import type { Notebook } from "../../scripts/src/notebook/model";

/**
 * Grades one learner's copy of notebook `name` against `master`, in the sandbox, as
 * `course grade --masters` does after an instructor changed a master: both are written
 * under `work` (masters/, subs/ann/). Returns the submission's scores by grade_id and
 * its issues.
 */
export async function gradeCopyAgainstMaster(
  work: string,
  name: string,
  master: Notebook,
  copy: Notebook,
): Promise<{ scores: Map<string, TestScore>; issues: SubmissionIssue[] }> {
  fs.mkdirSync(path.join(work, "masters"));
  fs.writeFileSync(path.join(work, "masters", `${name}.ipynb`), JSON.stringify(master));
  fs.mkdirSync(path.join(work, "subs", "ann"), { recursive: true });
  fs.writeFileSync(path.join(work, "subs", "ann", `${name}.ipynb`), JSON.stringify(copy));
  const gradebookFile = path.join(work, "gb.sqlite");
  const run = await runCourse(["grade", path.join(work, "subs"), "--masters", path.join(work, "masters"), "--gradebook", gradebookFile], {
    timeoutMs: 240_000,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const gradebook = Gradebook.open(gradebookFile, { create: false });
  try {
    const row = gradebook.submissions()[0]!;
    return { scores: new Map(gradebook.scores(row.id).map((s) => [s.gradeId, s])), issues: gradebook.issues(row.id) };
  } finally {
    gradebook.close();
  }
}
