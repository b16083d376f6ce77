// The gradebook: one transaction per submission, resumable, regraded on change; the
// CSV export and the feedback pages read from it.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { SubmissionOutcome } from "../../scripts/src/grade/outcome";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import { csvField, gradebookCsv } from "../../scripts/src/gradebook/export-csv";
import { fileName, pagePath, writeFeedback } from "../../scripts/src/gradebook/feedback";
import { gradedOutcome } from "../helpers/outcome";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "grader-gradebook-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function outcome(student: string, score: number, extra: Partial<SubmissionOutcome> = {}): SubmissionOutcome {
  return gradedOutcome(student, {
    sha256: `sha-${student}-${score}`,
    score,
    maxScore: 3,
    kernelStartMs: 1000,
    durationMs: 3000,
    scores: [
      {
        gradeId: "t1",
        position: 3,
        points: 1,
        earned: Math.min(1, score),
        fraction: null,
        status: score >= 1 ? "passed" : "failed",
        message: score >= 1 ? "" : "expected <1> & got 0",
        durationMs: 10,
      },
      {
        gradeId: "t2",
        position: 5,
        points: 2,
        earned: Math.max(0, score - 1),
        fraction: (score - 1) / 2,
        status: "partial",
        message: "",
        durationMs: 20,
      },
    ],
    cellRuns: [{ position: 0, gradeId: "(grader: begin)", status: "ok", durationMs: 5, truncated: false, error: null }],
    issues: [{ kind: "edited", gradeId: "t1", message: 'the test cell "t1" was edited; the original was restored and graded.' }],
    ...extra,
  });
}

describe("the gradebook", () => {
  test("stores a submission with its scores, runs and issues, and knows when it is current", () => {
    const gb = Gradebook.open(path.join(dir, "a.sqlite"));
    try {
      gb.store(outcome("ann", 2));
      const [row] = gb.submissions();
      assert.equal(row!.student, "ann");
      assert.equal(row!.score, 2);
      assert.deepEqual(
        gb.scores(row!.id).map((s) => [s.gradeId, s.earned]),
        [
          ["t1", 1],
          ["t2", 1],
        ],
      );
      assert.equal(gb.issues(row!.id)[0]!.kind, "edited");
      assert.ok(gb.isCurrent("ann", "a1", "sha-ann-2", "m1", "bubblewrap"));
      assert.ok(!gb.isCurrent("ann", "a1", "sha-ann-3", "m1", "bubblewrap"), "a changed file is graded again");
      assert.ok(!gb.isCurrent("ann", "a1", "sha-ann-2", "m2", "bubblewrap"), "a changed master regrades everything");
      assert.ok(!gb.isCurrent("bob", "a1", "sha-ann-2", "m1", "bubblewrap"));
    } finally {
      gb.close();
    }
  });

  test("a new grading replaces the old one whole; a grader error is never current", () => {
    const gb = Gradebook.open(path.join(dir, "b.sqlite"));
    try {
      gb.store(outcome("ann", 1));
      gb.store(outcome("ann", 3, { issues: [] }));
      const rows = gb.submissions();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.score, 3);
      assert.deepEqual(gb.issues(rows[0]!.id), []);
      assert.equal((gb.database.prepare("SELECT COUNT(*) AS n FROM scores").get() as { n: number }).n, 2, "old scores are gone");
      gb.store(outcome("bob", 0, { status: "error", sha256: "x" }));
      assert.ok(!gb.isCurrent("bob", "a1", "x", "m1", "bubblewrap"));
    } finally {
      gb.close();
    }
  });

  test("a grade made without the sandbox is made again in it, not the other way round", () => {
    const gb = Gradebook.open(path.join(dir, "sandbox.sqlite"));
    try {
      gb.store({ ...outcome("ann", 2), sandbox: "none" });
      assert.equal(gb.submissions()[0]!.sandbox, "none");
      assert.ok(!gb.isCurrent("ann", "a1", "sha-ann-2", "m1", "bubblewrap"), "a sandboxed run regrades it");
      assert.ok(gb.isCurrent("ann", "a1", "sha-ann-2", "m1", "none"));
      gb.store(outcome("ann", 2));
      assert.ok(gb.isCurrent("ann", "a1", "sha-ann-2", "m1", "none"), "an unsandboxed run keeps a sandboxed grade");
    } finally {
      gb.close();
    }
  });

  test("a gradebook of schema 1 (before the sandbox) opens as the current schema, its grades marked as made without the sandbox", () => {
    const file = path.join(dir, "v1.sqlite");
    const gb = Gradebook.open(file);
    gb.store(outcome("ann", 2));
    // Schema 1 had neither the sandbox column nor the hand-in columns of schema 3.
    const handIn = [
      "lms",
      "lms_id",
      "display_name",
      "email",
      "submitted_at",
      "submitted_at_source",
      "late",
      "late_seconds",
      "late_source",
      "raw_score",
      "penalty",
    ];
    gb.database.exec(
      `ALTER TABLE submissions DROP COLUMN sandbox; ${handIn.map((c) => `ALTER TABLE submissions DROP COLUMN ${c};`).join(" ")} UPDATE meta SET value = '1' WHERE key = 'schema_version';`,
    );
    gb.close();
    const reopened = Gradebook.open(file);
    try {
      assert.equal(
        (reopened.database.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value,
        "4",
      );
      const [row] = reopened.submissions();
      assert.equal(row!.score, 2, "nothing is lost");
      assert.equal(row!.sandbox, "none");
      assert.ok(!reopened.isCurrent("ann", "a1", "sha-ann-2", "m1", "bubblewrap"));
    } finally {
      reopened.close();
    }
  });

  test("a failure halfway through storing leaves nothing behind", () => {
    const gb = Gradebook.open(path.join(dir, "c.sqlite"));
    try {
      const broken = outcome("cy", 2);
      // Two scores with the same grade_id violate the primary key after the submission row went in.
      broken.scores.push({ ...broken.scores[0]! });
      assert.throws(() => gb.store(broken), /UNIQUE|PRIMARY/);
      assert.deepEqual(gb.submissions(), []);
      assert.deepEqual(gb.students(), []);
    } finally {
      gb.close();
    }
  });

  test("opening a missing gradebook for reading says how to make one", () => {
    assert.throws(
      () => Gradebook.open(path.join(dir, "none.sqlite"), { create: false }),
      (error: Error & { fix?: string }) => /no gradebook/.test(error.message) && /course grade/.test(error.fix ?? ""),
    );
  });

  test("the CSV has one row per student, a column per assignment and the totals", () => {
    const gb = Gradebook.open(path.join(dir, "d.sqlite"));
    try {
      gb.store(outcome("ann", 2.5));
      gb.store(outcome("=cmd()", 1, { review: true }));
      gb.store({ ...outcome("bob", 0), assignment: "a2", maxScore: 5, masterSha256: "m2" });
      gb.store({
        ...outcome("bob", 0),
        assignment: "zz-unknown",
        assignmentKnown: false,
        status: "unknown-assignment",
        maxScore: 0,
        masterSha256: null,
      });
      gb.store({ ...outcome("ann", 0), assignment: "a2", maxScore: 5, masterSha256: "m2", status: "invalid" });
      gb.store({ ...outcome("cy", 3), sandbox: "none" });
      const lines = gradebookCsv(gb).trimEnd().split("\r\n");
      assert.deepEqual(lines, [
        // Each assignment's exercises (its test cells, by grade_id) follow the totals.
        "student,name,a1 (3),a2 (5),total,max (8),review,unsandboxed,a1: t1 (1),a1: t2 (2),a2: t1 (1),a2: t2 (2)",
        "'=cmd(),'=cmd(),1,,1,8,a1,,1,0,,",
        "ann,ann,2.5,0,2.5,8,,,1,1.5,0,0",
        "bob,bob,,0,0,8,,,,,0,0",
        "cy,cy,3,,3,8,,a1,1,2,,", // graded --unsandboxed: marked
      ]);
    } finally {
      gb.close();
    }
    assert.equal(csvField('say "hi", ok'), '"say ""hi"", ok"');
    assert.equal(csvField("-3"), "-3");
    // Spreadsheets that trim a cell on import (Google Sheets does by default) read a
    // formula after leading spaces, a no-break space or a zero-width one.
    for (const name of [' =HYPERLINK("http://x")', "\u00a0+1", "\u200b@SUM(A1)", "\ufeff-1+2", "\n=1"])
      assert.ok(csvField(name).replace(/^"/, "").startsWith("'"), JSON.stringify(name));
    assert.equal(csvField(" -1.5"), "' -1.5", "only a bare number keeps its sign unprefixed");
  });

  test("the CSV and the feedback pages show a score as the same number", () => {
    const gb = Gradebook.open(path.join(dir, "thirds.sqlite"));
    try {
      gb.store(outcome("dee", 2 + 2 / 3));
      const [, row] = gradebookCsv(gb).trimEnd().split("\r\n");
      assert.equal(row, "dee,dee,2.67,2.67,3,,,1,1.67");
      const out = path.join(dir, "thirds-feedback");
      writeFeedback(gb, out);
      assert.match(fs.readFileSync(path.join(out, pagePath("dee", "a1")), "utf8"), /Score: 2\.67 \/ 3/);
    } finally {
      gb.close();
    }
  });

  test("feedback pages escape what learners wrote and link every submission from the index", () => {
    const gb = Gradebook.open(path.join(dir, "e.sqlite"));
    try {
      gb.store(outcome("<script>alert(1)</script>", 0));
      gb.store(outcome("Zoë Ångström", 3));
      const out = path.join(dir, "feedback");
      const result = writeFeedback(gb, out);
      assert.equal(result.pages, 2);
      const index = fs.readFileSync(result.index, "utf8");
      assert.ok(!index.includes("<script>alert"), "names are escaped");
      assert.ok(index.includes(`href="feedback/${encodeURIComponent(fileName("Zoë Ångström"))}/a1.html"`), index);
      const page = fs.readFileSync(path.join(out, pagePath("Zoë Ångström", "a1")), "utf8");
      assert.match(page, /Score: 3 \/ 3/);
      assert.match(page, /was edited; the original was restored/);
      const failing = fs.readFileSync(path.join(out, pagePath("<script>alert(1)</script>", "a1")), "utf8");
      assert.match(failing, /expected &lt;1&gt; &amp; got 0/);
    } finally {
      gb.close();
    }
  });

  test("students whose names make the same file name each get their own page", () => {
    // Before: "x\\y" and "x/y" both became the folder "x_y", the same as the student "x_y",
    // and "Ann" and "ann" are one folder on macOS and Windows disks: the last one
    // written won, and the others read it.
    const names = ["x\\y", "x/y", "x_y", "Ann", "ann", "ANN", "Zo\u00eb", "Zoe\u0308", ".", ".."];
    const gb = Gradebook.open(path.join(dir, "f.sqlite"));
    try {
      names.forEach((name, i) => gb.store(outcome(name, i % 4, { message: `note for student number ${i}` })));
      const out = path.join(dir, "feedback-clash");
      assert.equal(writeFeedback(gb, out).pages, names.length);
      const folders = fs.readdirSync(out).filter((f) => f !== "index.html");
      assert.equal(folders.length, names.length, `one folder per student: ${folders.join(", ")}`);
      assert.equal(
        new Set(folders.map((f) => f.normalize("NFC").toLowerCase())).size,
        names.length,
        "distinct even where case and accents' encoding do not count",
      );
      names.forEach((name, i) => {
        const page = fs.readFileSync(path.join(out, pagePath(name, "a1")), "utf8");
        assert.ok(page.includes(`note for student number ${i}<`), `${name} reads their own page`);
        assert.ok(page.includes(`Student: <strong>${escapeName(name)}</strong>`), name);
      });
    } finally {
      gb.close();
    }
  });

  test("a student's page file name is the same every time, and readable", () => {
    assert.equal(pagePath("x\\y", "a1"), pagePath("x\\y", "a1"));
    // Pinned, so a change that would move every page (and break links students were sent) is noticed.
    assert.equal(fileName("Ann"), "Ann~17239b6e25");
    assert.equal(fileName("x\\y"), "x_y~8d10415e89");
    assert.equal(fileName("Zoë Ångström").split("~")[0], "Zoë Ångström");
    assert.equal(
      pagePath("jane.doe", "00-sample-assignment"),
      path.join("jane.doe", "00-sample-assignment.html"),
      "plain names stay as they are",
    );
    assert.notEqual(fileName("ann"), fileName("Ann"));
    assert.match(fileName("../../etc"), /^[^/\\.][^/\\]*~[0-9a-f]{10}$/, "no way out of the feedback folder");
    assert.match(fileName("index.html"), /~/, "no student folder hides the index page");
    assert.match(fileName("con"), /~/, "no Windows device name");
    assert.ok(Buffer.byteLength(fileName("ü".repeat(300))) < 200, "long names are shortened");
  });
});

function escapeName(name: string): string {
  return name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
