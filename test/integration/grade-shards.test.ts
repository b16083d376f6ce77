// course grade --shard K/N: four shards graded side by side (each in the sandbox, one
// of them finding K in a Kubernetes index, one in a Slurm array) and merged give exactly
// the gradebook of one run without shards: the same students, the same per-cell
// scores, the same flags, the same rejected files.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot, runCourse } from "../helpers/cli";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import { shardOf, submissionKey } from "../../scripts/src/grade/shard";
import { readNotebook, serializeNotebook } from "../../scripts/src/notebook";
import { gradeIdOf } from "../../scripts/src/notebook/master";
import type { Notebook } from "../../scripts/src/notebook/model";

const NAME = "00-sample-assignment";
const SHARDS = 4;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "grade-shards-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

const solution = readNotebook(path.join(projectRoot, "solutions", `${NAME}.ipynb`));
const exercise = readNotebook(path.join(projectRoot, "exercises", `${NAME}.ipynb`));

/** The solution with the cells of `ids` as the learner got them (unsolved), and `edit` applied. */
function variant(unsolved: string[], edit: (cells: Notebook["cells"]) => void = () => {}): Notebook {
  const notebook = structuredClone(solution);
  for (const cell of notebook.cells) {
    const id = gradeIdOf(cell);
    if (id !== undefined && unsolved.includes(id)) cell.source = exercise.cells.find((c) => gradeIdOf(c) === id)!.source;
  }
  edit(notebook.cells);
  return notebook;
}
const cell = (cells: Notebook["cells"], id: string) => cells.find((c) => gradeIdOf(c) === id)!;
const text = (c: Notebook["cells"][number]) => (Array.isArray(c.source) ? c.source.join("") : c.source);

/** Five notebooks that run (full marks, none, partial, an edited test, code that names the grader) and four that do not. */
const GRADED: Record<string, Notebook> = {
  ann: solution,
  ben: exercise,
  cat: variant(["majority", "xor"]),
  dan: variant([], (cells) => {
    const tests = cell(cells, "xor-tests");
    tests.source = `${text(tests)}\n// the learner changed this test cell`;
  }),
  eve: variant([], (cells) => {
    const nor = cell(cells, "nor");
    nor.source = `// looked at require.cache once\n${text(nor)}`;
  }),
};

function writeSubmissions(dir: string): void {
  for (const [student, notebook] of Object.entries(GRADED)) {
    fs.mkdirSync(path.join(dir, student), { recursive: true });
    fs.writeFileSync(path.join(dir, student, `${NAME}.ipynb`), serializeNotebook(notebook));
  }
  fs.mkdirSync(path.join(dir, "gus"));
  fs.writeFileSync(path.join(dir, "gus", `${NAME}.ipynb`), "{ not a notebook");
  fs.mkdirSync(path.join(dir, "hal"));
  fs.writeFileSync(path.join(dir, "hal", "99-not-a-master.ipynb"), serializeNotebook(solution));
  // A second copy of ann's notebook from an LMS download: one of the two is rejected, in one shard.
  fs.writeFileSync(path.join(dir, `ann_late_${NAME}.ipynb`), serializeNotebook(exercise));
  fs.writeFileSync(path.join(dir, "notes.txt"), "not a submission");
}

/** Everything that makes a gradebook's grades, by student and assignment (no ids, timings or logs). */
function grades(file: string) {
  const gradebook = Gradebook.open(file, { create: false });
  try {
    const db = gradebook.database;
    return {
      submissions: db
        .prepare(
          `SELECT st.name AS student, a.name AS assignment, a.known, a.max_points, s.source_path, s.sha256, s.master_sha256, s.status,
                  s.score, s.max_score, s.review, s.message, s.sandbox,
                  (SELECT json_group_array(json_array(grade_id, position, points, earned, fraction, status, message))
                     FROM (SELECT * FROM scores WHERE submission_id = s.id ORDER BY position)) AS scores,
                  (SELECT json_group_array(json_array(kind, grade_id, message))
                     FROM (SELECT * FROM issues WHERE submission_id = s.id ORDER BY kind, grade_id, message)) AS issues
           FROM submissions s JOIN students st ON st.id = s.student_id JOIN assignments a ON a.id = s.assignment_id
           ORDER BY st.name, a.name`,
        )
        .all() as Array<Record<string, unknown>>,
      students: gradebook.students(),
      rejected: db.prepare("SELECT path, reason FROM rejected_files ORDER BY path").all(),
    };
  } finally {
    gradebook.close();
  }
}

describe("course grade --shard", { concurrency: 1 }, () => {
  test("4 shards side by side, merged, give the gradebook of one run", async () => {
    const submissions = path.join(work, "submissions");
    writeSubmissions(submissions);
    for (let k = 1; k <= SHARDS; k++) {
      const share = Object.keys(GRADED).filter((s) => shardOf(submissionKey(s, NAME), SHARDS) === k);
      assert.ok(share.length > 0, `the fixture gives shard ${k} a notebook to run (pick other names if not)`);
    }

    const single = path.join(work, "single.sqlite");
    const one = await runCourse(["grade", submissions, "--gradebook", single, "-j", "2"], { timeoutMs: 300_000 });
    assert.equal(one.code, 0, one.stdout + one.stderr);

    // Shard 3 reads K from a Kubernetes Indexed Job, shard 4 from a Slurm array, as they would in a cluster.
    const shardDir = path.join(work, "shards") + path.sep;
    const env = (k: number): NodeJS.ProcessEnv => {
      if (k === 3) return { ...process.env, JOB_COMPLETION_INDEX: "2" };
      if (k === 4) return { ...process.env, SLURM_ARRAY_TASK_ID: "4", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_MAX: "4" };
      return process.env;
    };
    const runs = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) => i + 1).map((k) =>
        runCourse(["grade", submissions, "--shard", k <= 2 ? `${k}/${SHARDS}` : `/${SHARDS}`, "--gradebook", shardDir, "-j", "1"], {
          env: env(k),
          timeoutMs: 300_000,
        }),
      ),
    );
    runs.forEach((run, i) => {
      assert.equal(run.code, 0, `shard ${i + 1}:\n${run.stdout}${run.stderr}`);
      assert.match(run.stdout, new RegExp(`course grade \\(shard ${i + 1}/${SHARDS}; `), run.stdout);
    });
    assert.match(runs[2]!.stdout, /K from JOB_COMPLETION_INDEX=2/);
    assert.match(runs[3]!.stdout, /K from SLURM_ARRAY_TASK_ID=4/);
    const files = fs.readdirSync(shardDir).filter((f) => f.endsWith(".sqlite"));
    assert.deepEqual(
      files.sort(),
      Array.from({ length: SHARDS }, (_, i) => `gradebook.shard-${i + 1}-of-${SHARDS}.sqlite`),
    );

    const merged = path.join(work, "merged.sqlite");
    const merge = await runCourse(["gradebook", "merge", ...files.map((f) => path.join(shardDir, f)), "--into", merged]);
    assert.equal(merge.code, 0, merge.stdout + merge.stderr);
    assert.match(merge.stdout, /\(4 of 4 shards\).* 0 conflict\(s\)/);

    const expected = grades(single);
    const actual = grades(merged);
    assert.deepEqual(actual.students, expected.students);
    assert.deepEqual(actual.submissions, expected.submissions);
    assert.deepEqual(actual.rejected, expected.rejected);

    // The comparison covers every kind of row and flag, not just full marks.
    const rows = expected.submissions;
    const of = (student: string) => rows.find((r) => r.student === student)!;
    assert.equal(of("ann").score, of("ann").max_score);
    assert.equal(of("ben").score, 0);
    assert.ok(Number(of("cat").score) > 0 && Number(of("cat").score) < Number(of("cat").max_score), "a partial score");
    assert.match(String(of("dan").issues), /edited/);
    assert.equal(of("eve").review, 1);
    assert.equal(of("gus").status, "invalid");
    assert.equal(of("hal").status, "unknown-assignment");
    assert.ok(rows.every((r) => r.sandbox === "bubblewrap"));
    assert.deepEqual(
      expected.rejected.map((r) => (r as { path: string }).path),
      [`ann_late_${NAME}.ipynb`, "notes.txt"],
    );
  });
});
