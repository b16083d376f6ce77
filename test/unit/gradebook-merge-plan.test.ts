// What merging gradebooks keeps, reports and refuses (gradebook/merge-plan.ts), decided
// from the gradebooks' contents alone.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  conflictRow,
  gradeDifferences,
  mergeRefusals,
  planMerge,
  type MergeInput,
  type SubmissionEntry,
} from "../../scripts/src/gradebook/merge-plan";

let nextId = 1;
function entry(student: string, extra: Partial<SubmissionEntry> = {}): SubmissionEntry {
  return {
    id: nextId++,
    student,
    assignment: "a1",
    sourcePath: `${student}/a1.ipynb`,
    sha256: `file-of-${student}`,
    masterSha256: "m1",
    status: "graded",
    score: 2,
    maxScore: 3,
    review: false,
    message: "",
    sandbox: "bubblewrap",
    scores: [
      { gradeId: "t1", position: 3, points: 1, earned: 1, fraction: null, status: "passed", message: "" },
      { gradeId: "t2", position: 5, points: 2, earned: 1, fraction: 0.5, status: "partial", message: "half of it" },
    ],
    issues: [
      { kind: "edited", gradeId: "t1", message: "restored" },
      { kind: "suspicious", gradeId: null, message: "names the grader" },
    ],
    ...extra,
  };
}

function input(label: string, submissions: SubmissionEntry[], extra: Partial<MergeInput> = {}): MergeInput {
  return { label, shard: undefined, masters: new Map([["a1", "m1"]]), mastersComplete: false, submissions, rejectedPaths: [], ...extra };
}

describe("one grade, compared", () => {
  test("every part of a grade counts: file, master, status, score, flags, message, each test cell, issues", () => {
    const base = entry("ann");
    const changes: Array<[string, Partial<SubmissionEntry>]> = [
      ["file", { sha256: "another file" }],
      ["master", { masterSha256: "m2" }],
      ["status", { status: "error" }],
      ["score", { score: 3 }],
      ["max score", { maxScore: 4 }],
      ["review flag", { review: true }],
      ["sandbox flag", { sandbox: "none" }],
      ["message", { message: "the run stopped early" }],
      ["a cell's points earned", { scores: [base.scores[0]!, { ...base.scores[1]!, earned: 2 }] }],
      ["a cell's fraction", { scores: [base.scores[0]!, { ...base.scores[1]!, fraction: 0.25 }] }],
      ["a cell's status", { scores: [{ ...base.scores[0]!, status: "failed" }, base.scores[1]!] }],
      ["a cell's message", { scores: [base.scores[0]!, { ...base.scores[1]!, message: "other" }] }],
      ["a cell's place", { scores: [{ ...base.scores[0]!, position: 4 }, base.scores[1]!] }],
      ["a cell missing", { scores: [base.scores[0]!] }],
      ["a cell more", { scores: [...base.scores, { ...base.scores[0]!, gradeId: "t3" }] }],
      ["an issue missing", { issues: [base.issues[0]!] }],
      ["an issue's text", { issues: [base.issues[0]!, { ...base.issues[1]!, message: "other" }] }],
    ];
    for (const [what, change] of changes) {
      assert.notDeepEqual(gradeDifferences(base, { ...base, ...change }), [], what);
      assert.notDeepEqual(gradeDifferences({ ...base, ...change }, base), [], `${what}, the other way round`);
    }
  });

  test("the same grade is the same whatever its row id, file path or the order issues were stored in", () => {
    const base = entry("ann");
    const elsewhere: SubmissionEntry = { ...base, id: 999, sourcePath: "elsewhere/a1.ipynb", issues: [...base.issues].reverse() };
    assert.deepEqual(gradeDifferences(base, elsewhere), []);
  });

  test("the differences are named", () => {
    const base = entry("ann");
    const found = gradeDifferences(base, {
      ...base,
      score: 1,
      sandbox: "none",
      scores: [base.scores[0]!, { ...base.scores[1]!, earned: 0 }],
    });
    assert.ok(
      found.some((d) => /score 2\/3 against 1\/3/.test(d)),
      found.join("; "),
    );
    assert.ok(
      found.some((d) => /sandbox bubblewrap against none/.test(d)),
      found.join("; "),
    );
    assert.ok(
      found.some((d) => /"t2" 1\/2 partial against 0\/2 partial/.test(d)),
      found.join("; "),
    );
  });
});

describe("planning a merge", () => {
  test("shards with disjoint submissions: everything kept, sorted by student, nothing reported", () => {
    const plan = planMerge([input("s1", [entry("dora"), entry("ann")]), input("s2", [entry("carl")]), input("s3", [])]);
    assert.deepEqual(
      plan.keep.map((k) => k.input),
      [0, 1, 0],
    );
    assert.equal(plan.identical, 0);
    assert.deepEqual(plan.conflicts, []);
  });

  test("the same grade in two gradebooks is kept once, from the first named", () => {
    const a = entry("ann");
    const b = { ...a, id: 77 };
    const plan = planMerge([input("x", [a]), input("y", [b])]);
    assert.deepEqual(plan.keep, [{ input: 0, id: a.id }]);
    assert.equal(plan.identical, 1);
    assert.deepEqual(plan.conflicts, []);
  });

  test("the same submission graded differently is a conflict: neither grade is kept", () => {
    const a = entry("ann");
    const others = entry("bob");
    const plan = planMerge([input("x", [a, others]), input("y", [{ ...a, id: 50, score: 3 }])]);
    assert.deepEqual(
      plan.keep.map((k) => k.id),
      [others.id],
    );
    assert.equal(plan.conflicts.length, 1);
    assert.equal(plan.conflicts[0]!.student, "ann");
    assert.deepEqual(
      plan.conflicts[0]!.versions.map((v) => v.input),
      [0, 1],
    );
    assert.match(plan.conflicts[0]!.differences.join(), /x against y: score 2\/3 against 3\/3/);
  });

  test("a third gradebook that differs makes a conflict even when the first two agree", () => {
    const a = entry("ann");
    const plan = planMerge([input("x", [a]), input("y", [{ ...a }]), input("z", [{ ...a, review: true }])]);
    assert.equal(plan.conflicts.length, 1);
    assert.deepEqual(plan.keep, []);
    assert.equal(plan.conflicts[0]!.versions.length, 3);
  });

  test("the same student in another assignment is another submission", () => {
    const plan = planMerge([input("x", [entry("ann")]), input("y", [entry("ann", { assignment: "a2", score: 0 })])]);
    assert.equal(plan.keep.length, 2);
    assert.deepEqual(plan.conflicts, []);
  });

  test("unsandboxed grades are kept like any other (their flag travels with the row)", () => {
    const plan = planMerge([input("x", [entry("ann", { sandbox: "none" })])]);
    assert.equal(plan.keep.length, 1);
  });

  test("rejected files: each path once, from the first gradebook that has it", () => {
    const plan = planMerge([
      input("x", [], { rejectedPaths: ["notes.txt", "b/c.py"] }),
      input("y", [], { rejectedPaths: ["notes.txt", "a.pdf"] }),
    ]);
    assert.deepEqual(plan.rejected, [
      { input: 1, path: "a.pdf" },
      { input: 0, path: "b/c.py" },
      { input: 0, path: "notes.txt" },
    ]);
  });

  test("a conflict's row is an error for review that names every grade, with no score", () => {
    const a = entry("ann");
    const plan = planMerge([input("shard-1.sqlite", [a]), input("shard-2.sqlite", [{ ...a, score: 1, sandbox: "none" }])]);
    const row = conflictRow(plan.conflicts[0]!, ["shard-1.sqlite", "shard-2.sqlite"]);
    assert.equal(row.status, "error");
    assert.equal(row.score, 0);
    assert.equal(row.review, true);
    assert.equal(row.sandbox, "none");
    assert.match(row.message, /shard-1\.sqlite: graded 2\/3; shard-2\.sqlite: graded 1\/3/);
    assert.match(row.message, /course grade/);
  });
});

describe("gradebooks that cannot be merged", () => {
  test("an assignment graded against two masters is refused, naming both gradebooks", () => {
    const refusals = mergeRefusals([input("x", [entry("ann")]), input("y", [entry("bob")], { masters: new Map([["a1", "m2"]]) })]);
    assert.equal(refusals.length, 1);
    assert.match(refusals[0]!, /"a1".*x \(master m1\).*y \(master m2\)/);
  });

  test("a shard's complete list of masters counts what it lacks: a master in one and none in the other", () => {
    const shard = (index: number, masters: Array<[string, string]>) =>
      input(`s${index}`, [], { shard: { index, count: 2 }, masters: new Map(masters), mastersComplete: true });
    assert.deepEqual(mergeRefusals([shard(1, [["a1", "m1"]]), shard(2, [["a1", "m1"]])]), []);
    const refusals = mergeRefusals([
      shard(1, [["a1", "m1"]]),
      shard(2, [
        ["a1", "m1"],
        ["a2", "n1"],
      ]),
    ]);
    assert.equal(refusals.length, 1);
    assert.match(refusals[0]!, /"a2".*s1 \(no master of that name\).*s2 \(master n1\)/);
  });

  test("a gradebook without such a list only speaks for the assignments it holds", () => {
    assert.deepEqual(mergeRefusals([input("x", [], { masters: new Map() }), input("y", [], { masters: new Map([["a2", "n1"]]) })]), []);
    assert.deepEqual(
      mergeRefusals([input("x", [], { masters: new Map([["a3", null]]) }), input("y", [], { masters: new Map([["a3", null]]) })]),
      [],
    );
    assert.equal(
      mergeRefusals([input("x", [], { masters: new Map([["a3", null]]) }), input("y", [], { masters: new Map([["a3", "k"]]) })]).length,
      1,
    );
  });

  test("shards of different splits, and a shard named twice, are refused", () => {
    const shard = (label: string, index: number, count: number) => input(label, [], { shard: { index, count } });
    assert.match(mergeRefusals([shard("a", 1, 4), shard("b", 2, 3)]).join(), /different splits.*a is shard 1\/4.*b is shard 2\/3/);
    assert.match(mergeRefusals([shard("a", 2, 4), shard("b", 2, 4), shard("c", 1, 4)]).join(), /shard 2\/4 is named twice: a and b/);
    assert.deepEqual(mergeRefusals([shard("a", 1, 2), shard("b", 2, 2), input("older", [])]), []);
  });

  test("a missing shard is found (and only among shards)", () => {
    const shard = (index: number) => input(`s${index}`, [], { shard: { index, count: 4 } });
    const plan = planMerge([shard(4), shard(1), shard(2)]);
    assert.equal(plan.shardCount, 4);
    assert.deepEqual(plan.missingShards, [3]);
    assert.deepEqual(planMerge([shard(1), shard(2), shard(3), shard(4)]).missingShards, []);
    assert.deepEqual(planMerge([input("x", []), input("y", [])]).missingShards, []);
    assert.equal(planMerge([input("x", [])]).shardCount, undefined);
  });
});
