// course gradebook merge on real gradebook files: what it copies, what it refuses, and
// that it never replaces or half-writes a gradebook.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { SubmissionOutcome } from "../../scripts/src/grade/outcome";
import { CourseError, EXIT, UsageError } from "../../scripts/src/errors";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import { mergeGradebooks } from "../../scripts/src/gradebook/merge";
import { claimShard, readShardRecord } from "../../scripts/src/gradebook/shard-record";
import { gradebookCommand } from "../../scripts/src/commands/gradebook";
import { gradedOutcome } from "../helpers/outcome";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "gradebook-merge-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let folders = 0;
function folder(): string {
  const dir = path.join(root, `case${folders++}`);
  fs.mkdirSync(dir);
  return dir;
}

function outcome(student: string, score: number, extra: Partial<SubmissionOutcome> = {}): SubmissionOutcome {
  return gradedOutcome(student, {
    sha256: `sha-${student}`,
    score,
    maxScore: 3,
    kernelStartMs: 900,
    durationMs: 3000 + score,
    scores: [
      { gradeId: "t1", position: 3, points: 1, earned: Math.min(1, score), fraction: null, status: "passed", message: "", durationMs: 10 },
      {
        gradeId: "t2",
        position: 5,
        points: 2,
        earned: Math.max(0, score - 1),
        fraction: null,
        status: "passed",
        message: "",
        durationMs: 20,
      },
    ],
    cellRuns: [
      { position: 0, gradeId: "(grader: begin)", status: "ok", durationMs: 5, truncated: false, error: null },
      { position: 3, gradeId: "t1", status: "ok", durationMs: 7, truncated: true, error: null },
    ],
    issues: [{ kind: "edited", gradeId: "t1", message: "the test cell was edited; the original was restored" }],
    log: `kernel log of ${student}`,
    ...extra,
  });
}

/** Writes a gradebook (a shard's when `shard` is given) holding these outcomes. */
function gradebook(file: string, outcomes: SubmissionOutcome[], shard?: { index: number; count: number }, rejected: string[] = []): string {
  const g = Gradebook.open(file);
  try {
    claimShard(g, shard, new Map([["a1", "m1"]]));
    for (const o of outcomes) g.store(o);
    for (const r of rejected) g.reject(r, "not a .ipynb file", null);
  } finally {
    g.close();
  }
  return file;
}

/** Everything a gradebook holds about its submissions, by student, ids left out. */
function contents(file: string) {
  const g = Gradebook.open(file, { create: false });
  try {
    const db = g.database;
    return {
      submissions: db
        .prepare(
          `SELECT st.name AS student, a.name AS assignment, a.master_sha256 AS assignmentMaster, a.max_points, a.known, s.source_path, s.sha256, s.master_sha256,
                  s.status, s.score, s.max_score, s.review, s.message, s.kernel_start_ms, s.duration_ms, s.graded_at, s.sandbox,
                  (SELECT json_group_array(json_array(grade_id, position, points, earned, fraction, status, message, duration_ms)) FROM scores WHERE submission_id = s.id) AS scores,
                  (SELECT json_group_array(json_array(position, grade_id, status, duration_ms, truncated, error)) FROM cell_runs WHERE submission_id = s.id) AS cellRuns,
                  (SELECT json_group_array(json_array(kind, grade_id, message)) FROM issues WHERE submission_id = s.id) AS issues,
                  (SELECT group_concat(text) FROM logs WHERE submission_id = s.id) AS log
           FROM submissions s JOIN students st ON st.id = s.student_id JOIN assignments a ON a.id = s.assignment_id ORDER BY st.name, a.name`,
        )
        .all(),
      rejected: db.prepare("SELECT path, reason, sha256, seen_at FROM rejected_files ORDER BY path").all(),
      record: readShardRecord(g),
    };
  } finally {
    g.close();
  }
}

function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.startsWith("."));
}

describe("merging gradebook files", () => {
  test("shards merge into one gradebook that holds every row as it was, flags, timings, cell runs and logs included", () => {
    const dir = folder();
    const s1 = gradebook(path.join(dir, "s1.sqlite"), [outcome("ann", 3), outcome("cid", 1, { sandbox: "none" })], { index: 1, count: 2 }, [
      "notes.txt",
    ]);
    const s2 = gradebook(
      path.join(dir, "s2.sqlite"),
      [outcome("bea", 2, { review: true, assignment: "zz", assignmentKnown: false, masterSha256: null })],
      {
        index: 2,
        count: 2,
      },
    );
    const into = path.join(dir, "out", "all.sqlite");
    const report = mergeGradebooks([s1, s2], into);
    assert.equal(report.submissions, 3);
    assert.deepEqual(report.conflicts, []);
    assert.deepEqual(report.missingShards, []);
    assert.equal(report.unsandboxed, 1);
    const merged = contents(into);
    const fromShards = [...contents(s1).submissions, ...contents(s2).submissions].sort((a, b) =>
      String((a as { student: string }).student).localeCompare(String((b as { student: string }).student)),
    );
    assert.deepEqual(merged.submissions, fromShards);
    assert.deepEqual(merged.rejected, contents(s1).rejected);
    assert.deepEqual(merged.record, { shard: undefined, masters: undefined }, "the merged gradebook is no shard");
    assert.deepEqual(leftovers(path.join(dir, "out")), [], "no temporary files are left");
    // It is a gradebook like any other: course grade resumes in it, and a later run may write to it.
    const g = Gradebook.open(into, { create: false });
    try {
      assert.equal(g.isCurrent("ann", "a1", "sha-ann", "m1", "bubblewrap"), true);
      assert.equal(g.isCurrent("cid", "a1", "sha-cid", "m1", "bubblewrap"), false, "the unsandboxed grade is graded again in the sandbox");
      claimShard(g, undefined, new Map());
    } finally {
      g.close();
    }
  });

  test("a submission graded differently in two gradebooks is stored as an error for review; the rest is merged", () => {
    const dir = folder();
    const a = gradebook(path.join(dir, "a.sqlite"), [outcome("ann", 3), outcome("bob", 1)]);
    const b = gradebook(path.join(dir, "b.sqlite"), [outcome("ann", 2), outcome("bob", 1)]);
    const report = mergeGradebooks([a, b], path.join(dir, "all.sqlite"));
    assert.equal(report.conflicts.length, 1);
    assert.equal(report.identical, 1);
    const rows = contents(path.join(dir, "all.sqlite")).submissions as Array<Record<string, unknown>>;
    assert.deepEqual(
      rows.map((r) => [r.student, r.status, r.score, r.review]),
      [
        ["ann", "error", 0, 1],
        ["bob", "graded", 1, 0],
      ],
    );
    assert.match(String(rows[0]!.message), /a\.sqlite: graded 3\/3; .*b\.sqlite: graded 2\/3/);
  });

  test("an existing --into file is never replaced, nor its journal files written over", () => {
    const dir = folder();
    const a = gradebook(path.join(dir, "a.sqlite"), [outcome("ann", 3)]);
    const existing = gradebook(path.join(dir, "gradebook.sqlite"), [outcome("zoe", 1)]);
    const before = fs.readFileSync(existing);
    assert.throws(
      () => mergeGradebooks([a], existing),
      (e: unknown) => e instanceof UsageError && /exists/.test(e.message),
    );
    assert.deepEqual(fs.readFileSync(existing), before);
    fs.writeFileSync(path.join(dir, "new.sqlite-wal"), "stale");
    assert.throws(() => mergeGradebooks([a], path.join(dir, "new.sqlite")), /new\.sqlite-wal exists/);
    assert.equal(fs.existsSync(path.join(dir, "new.sqlite")), false);
  });

  test("refusals write nothing: different masters, a gradebook named twice, a missing one", () => {
    const dir = folder();
    const a = gradebook(path.join(dir, "a.sqlite"), [outcome("ann", 3)]);
    const b = gradebook(path.join(dir, "b.sqlite"), [outcome("bob", 3, { masterSha256: "m2" })]);
    const into = path.join(dir, "all.sqlite");
    assert.throws(
      () => mergeGradebooks([a, b], into),
      (e: unknown) => e instanceof CourseError && /different masters/.test(e.message),
    );
    fs.symlinkSync(a, path.join(dir, "link.sqlite"));
    assert.throws(() => mergeGradebooks([a, path.join(dir, "link.sqlite")], into), /named twice/);
    assert.throws(
      () => mergeGradebooks([a, path.join(dir, "nothing.sqlite")], into),
      (e: unknown) => e instanceof CourseError && e.exitCode === EXIT.missing,
    );
    assert.equal(fs.existsSync(into), false);
    assert.deepEqual(leftovers(dir), []);
  });
});

describe("course gradebook merge", () => {
  async function run(argv: string[]): Promise<{ code: number; out: string }> {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => lines.push(args.join(" "));
    try {
      return { code: await gradebookCommand.run(argv), out: lines.join("\n") };
    } finally {
      console.log = log;
    }
  }

  test("exit 0 for a clean merge, 1 with a missing shard (written and listed), 2 without --into", async () => {
    const dir = folder();
    const s1 = gradebook(path.join(dir, "s1.sqlite"), [outcome("ann", 3)], { index: 1, count: 3 });
    const s2 = gradebook(path.join(dir, "s2.sqlite"), [outcome("bob", 2)], { index: 2, count: 3 });
    const s3 = gradebook(path.join(dir, "s3.sqlite"), [], { index: 3, count: 3 });
    const clean = await run(["merge", s1, s2, s3, "--into", path.join(dir, "all.sqlite")]);
    assert.equal(clean.code, EXIT.ok, clean.out);
    assert.match(clean.out, /3 gradebook\(s\) \(3 of 3 shards\), 2 submission\(s\)/);
    const partial = await run(["merge", s1, s3, "--into", path.join(dir, "partial.sqlite")]);
    assert.equal(partial.code, EXIT.failed, partial.out);
    assert.match(partial.out, /MISSING shard\(s\) 2\/3/);
    assert.equal(fs.existsSync(path.join(dir, "partial.sqlite")), true);
    await assert.rejects(run(["merge", s1, s2]), UsageError);
    await assert.rejects(run(["split", s1]), UsageError);
  });
});
