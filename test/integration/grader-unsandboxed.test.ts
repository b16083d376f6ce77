// Where bubblewrap is missing, `course grade` refuses and says what to install; an
// instructor who grades `--unsandboxed` on purpose gets grades marked as such in the
// summary, the gradebook and the CSV, and the next run with the sandbox grades them
// again. `course doctor` reports the sandbox either way. (NNCOURSE_BWRAP="" stands for a
// machine without bubblewrap.)
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot, runCourse } from "../helpers/cli";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import { findSandboxTools } from "../../scripts/src/sandbox/bubblewrap";

const NAME = "00-sample-assignment";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "grader-unsandboxed-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));
const submissions = path.join(work, "submissions");
fs.mkdirSync(path.join(submissions, "ann"), { recursive: true });
fs.copyFileSync(path.join(projectRoot, "solutions", `${NAME}.ipynb`), path.join(submissions, "ann", `${NAME}.ipynb`));
const withoutBubblewrap = { ...process.env, NNCOURSE_BWRAP: "" };

function stored(file: string): Array<{ student: string; score: number; sandbox: string }> {
  const gradebook = Gradebook.open(file, { create: false });
  try {
    return gradebook.submissions().map((r) => ({ student: r.student, score: r.score, sandbox: r.sandbox }));
  } finally {
    gradebook.close();
  }
}

/** The CSV export's "unsandboxed" column, by student (read by the column's name: the layout has more columns after it). */
async function unsandboxedColumn(gradebook: string): Promise<Map<string, string>> {
  const r = await runCourse(["export", "--csv", "--gradebook", gradebook, "--out", "-"]);
  assert.equal(r.code, 0, r.stderr);
  const [header, ...rows] = r.stdout
    .trim()
    .split("\r\n")
    .map((l) => l.split(","));
  const at = header!.indexOf("unsandboxed");
  assert.ok(at > 0, `the CSV has an unsandboxed column: ${header!.join(",")}`);
  return new Map(rows.map((row) => [row[0]!, row[at]!]));
}

describe("course grade without the sandbox", { concurrency: 1 }, () => {
  const gradebook = path.join(work, "gradebook.sqlite");

  test("refuses where bubblewrap is missing, naming the package and the way out, and grades nothing", async () => {
    const r = await runCourse(["grade", submissions, "--gradebook", gradebook], { env: withoutBubblewrap, timeoutMs: 60_000 });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /bubblewrap/);
    assert.match(r.stderr, /apt install bubblewrap/);
    assert.match(r.stderr, /--unsandboxed/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "a clean message, no stack trace");
    assert.deepEqual(fs.existsSync(gradebook) ? stored(gradebook) : [], []);
  });

  test("--unsandboxed grades anyway, and the summary, the gradebook and the CSV say so", async () => {
    const r = await runCourse(["grade", submissions, "--gradebook", gradebook, "--unsandboxed"], {
      env: withoutBubblewrap,
      timeoutMs: 180_000,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /sandbox: NONE/);
    assert.match(r.stdout, /UNSANDBOXED: these grades were made without the operating-system sandbox/);
    const [row] = stored(gradebook);
    assert.equal(row!.sandbox, "none");
    assert.ok(row!.score > 0);
    assert.deepEqual([...(await unsandboxedColumn(gradebook))], [["ann", NAME]]);
  });

  test(
    "the next run with the sandbox grades such a submission again and clears the mark",
    { skip: findSandboxTools().ok ? false : "bubblewrap is not installed here" },
    async () => {
      const r = await runCourse(["grade", submissions, "--gradebook", gradebook], { timeoutMs: 180_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /1 graded, 0 skipped/);
      assert.doesNotMatch(r.stdout, /UNSANDBOXED/);
      assert.equal(stored(gradebook)[0]!.sandbox, "bubblewrap");
      assert.deepEqual([...(await unsandboxedColumn(gradebook))], [["ann", ""]], "no assignment is marked any more");
      // And an unsandboxed run leaves that sandboxed grade alone.
      const again = await runCourse(["grade", submissions, "--gradebook", gradebook, "--unsandboxed"], {
        env: withoutBubblewrap,
        timeoutMs: 60_000,
      });
      assert.match(again.stdout, /0 graded, 1 skipped/);
      assert.equal(stored(gradebook)[0]!.sandbox, "bubblewrap");
    },
  );

  test("course doctor warns that course grade needs bubblewrap, and says how to get it", async () => {
    const r = await runCourse(["doctor"], { env: withoutBubblewrap, timeoutMs: 120_000 });
    const line = r.stdout.split("\n").findIndex((l) => /^\[warn\] sandbox/.test(l));
    assert.ok(line >= 0, r.stdout);
    assert.match(r.stdout.split("\n")[line + 1]!, /fix: install bubblewrap/);
  });
});
