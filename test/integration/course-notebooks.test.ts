// The course itself, through the real tslab kernel: `course grade` gives the reference
// solutions full marks with every cell passing (hidden tests included); it gives the
// student versions zero, each test scored 0 with the not-implemented message of its own
// exercise, while every cell runs to the end (test cells report, they do not fail); and
// the committed notebooks stay small. (That every master runs with every cell passing is checked by the headless run
// of `course start`, in course-start.test.ts.)
//
// NNCOURSE_TEST_NOTEBOOKS=REGEX limits the graded notebooks to those whose name matches,
// for working on one notebook; CI runs them all.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { projectRoot, runCourse } from "../helpers/cli";
import { cellKind, gradeIdOf } from "../../scripts/src/notebook/master";
import { readNotebook } from "../../scripts/src/notebook";
import { courseNotebookFiles } from "../../scripts/src/site/catalog";

const only = process.env.NNCOURSE_TEST_NOTEBOOKS ? new RegExp(process.env.NNCOURSE_TEST_NOTEBOOKS) : undefined;
const allMasters = courseNotebookFiles(path.join(projectRoot, "notebooks"));
const masters = only ? allMasters.filter((f) => only.test(path.basename(f))) : allMasters;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "course-notebooks-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** Points of every test cell of a master, by grade_id. */
function testPoints(file: string): Map<string, number> {
  const points = new Map<string, number>();
  for (const cell of readNotebook(file).cells) {
    if (cellKind(cell) === "test") points.set(gradeIdOf(cell)!, Number((cell.metadata.nbgrader as { points: number }).points));
  }
  return points;
}

interface CellRun {
  student: string;
  assignment: string;
  position: number;
  grade_id: string | null;
  status: string;
  error: string | null;
}

interface TestScore {
  assignment: string;
  grade_id: string;
  status: string;
  earned: number;
  message: string;
}

/** Grades a folder into a gradebook of its own; returns the submissions, their cell runs and their tests' scores. */
async function grade(folder: string): Promise<{
  submissions: Array<{ student: string; assignment: string; status: string; score: number; max_score: number; message: string }>;
  cells: CellRun[];
  scores: TestScore[];
}> {
  const gradebook = path.join(work, `${folder}.sqlite`);
  // A copy of the folder (the student is named after it) with just the notebooks under test.
  const submissions = path.join(work, folder);
  fs.mkdirSync(submissions, { recursive: true });
  for (const master of masters)
    fs.copyFileSync(path.join(projectRoot, folder, path.basename(master)), path.join(submissions, path.basename(master)));
  const result = await runCourse(["grade", submissions, "--gradebook", gradebook, "-j", "2", "--quiet"], { timeoutMs: 1_500_000 });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const db = new Database(gradebook, { readonly: true });
  try {
    const submissions = db
      .prepare(
        "SELECT st.name AS student, a.name AS assignment, s.status, s.score, s.max_score, s.message FROM submissions s JOIN students st ON st.id = s.student_id JOIN assignments a ON a.id = s.assignment_id ORDER BY a.name",
      )
      .all() as Array<{ student: string; assignment: string; status: string; score: number; max_score: number; message: string }>;
    const cells = db
      .prepare(
        "SELECT st.name AS student, a.name AS assignment, c.position, c.grade_id, c.status, c.error FROM cell_runs c JOIN submissions s ON s.id = c.submission_id JOIN students st ON st.id = s.student_id JOIN assignments a ON a.id = s.assignment_id ORDER BY a.name, c.position",
      )
      .all() as CellRun[];
    const scores = db
      .prepare(
        "SELECT a.name AS assignment, c.grade_id, c.status, c.earned, c.message FROM scores c JOIN submissions s ON s.id = c.submission_id JOIN assignments a ON a.id = s.assignment_id ORDER BY a.name, c.position",
      )
      .all() as TestScore[];
    return { submissions, cells, scores };
  } finally {
    db.close();
  }
}

const assignmentOf = (file: string) => path.basename(file, ".ipynb");

describe("the course notebooks", { concurrency: 1 }, () => {
  test("there is a course: the masters 00–13", () => {
    const names = allMasters.map(assignmentOf);
    for (const prefix of ["00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13"]) {
      assert.ok(
        names.some((n) => n.startsWith(`${prefix}-`)),
        `notebooks/${prefix}-*.ipynb exists (found ${names.join(", ")})`,
      );
    }
  });

  test("committed notebooks carry no big outputs: each file under 1 MB, each output under 200 KB", () => {
    for (const folder of ["notebooks", "exercises", "solutions"]) {
      for (const file of courseNotebookFiles(path.join(projectRoot, folder)).filter((f) => !only || only.test(path.basename(f)))) {
        const size = fs.statSync(file).size;
        assert.ok(size < 1 << 20, `${folder}/${path.basename(file)} is ${size} bytes`);
        for (const cell of readNotebook(file).cells) {
          if (cell.cell_type !== "code") continue;
          for (const output of cell.outputs) {
            const bytes = JSON.stringify(output).length;
            assert.ok(bytes < 200 * 1024, `an output of ${bytes} bytes in ${folder}/${path.basename(file)}`);
          }
        }
      }
    }
  });

  test("course grade solutions/: full marks for every notebook, every cell passing", { timeout: 1_600_000 }, async () => {
    const { submissions, cells } = await grade("solutions");
    assert.deepEqual(
      submissions.map((s) => s.assignment),
      masters.map(assignmentOf),
      "one graded submission per master",
    );
    for (const s of submissions) {
      const points = [...testPoints(path.join(projectRoot, "notebooks", `${s.assignment}.ipynb`)).values()].reduce((a, b) => a + b, 0);
      assert.equal(s.status, "graded", `${s.assignment}: ${s.message}`);
      assert.ok(points > 0, `${s.assignment} has graded tests`);
      assert.equal(s.max_score, points, `${s.assignment}: the maximum is the sum of the master's points`);
      assert.equal(s.score, s.max_score, `${s.assignment}: the reference solution earns full marks`);
    }
    const failed = cells.filter((c) => c.status !== "ok" && c.status !== "empty");
    assert.deepEqual(
      failed.map((c) => `${c.assignment} cell ${c.position} (${c.grade_id ?? "-"}): ${c.status} ${(c.error ?? "").slice(0, 300)}`),
      [],
    );
  });

  test(
    "course grade exercises/: zero, each test scored 0 with its own not-implemented message, every cell running to the end",
    { timeout: 1_600_000 },
    async () => {
      const { submissions, cells, scores } = await grade("exercises");
      assert.deepEqual(
        submissions.map((s) => s.assignment),
        masters.map(assignmentOf),
      );
      const problems: string[] = [];
      for (const s of submissions) {
        assert.equal(s.status, "graded", `${s.assignment}: ${s.message}`);
        assert.equal(s.score, 0, `${s.assignment}: an untouched exercise earns nothing`);
        const tests = testPoints(path.join(projectRoot, "notebooks", `${s.assignment}.ipynb`));
        assert.ok(
          tests.size >= (s.assignment.startsWith("00-") ? 1 : 3),
          `${s.assignment} has at least three graded exercises (has ${tests.size})`,
        );
        for (const cell of cells.filter((c) => c.assignment === s.assignment)) {
          if (cell.status !== "ok" && cell.status !== "empty") {
            problems.push(
              `${s.assignment} cell ${cell.position} (${cell.grade_id ?? "-"}) failed, so "Run All" would stop there: ${(cell.error ?? "").slice(0, 300)}`,
            );
          }
        }
        for (const id of tests.keys()) {
          const score = scores.find((c) => c.assignment === s.assignment && c.grade_id === id);
          // Each test names the exercise it tests, so that the learner knows which answer to write.
          if (score?.status !== "failed" || score.earned !== 0 || !/not implemented yet: [\w.-]+/.test(score.message)) {
            problems.push(
              `${s.assignment} ${id}: ${score ? `${score.status} ${score.earned} ${score.message.slice(0, 200)}` : "no score"}`,
            );
          }
        }
      }
      assert.deepEqual(problems, []);
    },
  );
});
