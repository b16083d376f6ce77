// The CSV export's layouts (plain, canvas, moodle), per-exercise columns and lateness,
// the hand-in columns of schema 3 (and a schema 2 gradebook that gains them), and a late
// penalty applied again to a stored grade.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { SubmissionOutcome } from "../../scripts/src/grade/outcome";
import type { HandIn } from "../../scripts/src/grade/lateness";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import { exportCsv } from "../../scripts/src/gradebook/export-csv";
import { gradedOutcome } from "../helpers/outcome";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gradebook-csv-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const NO_HAND_IN: HandIn = {
  lms: null,
  lmsId: null,
  displayName: null,
  email: null,
  submittedAt: null,
  submittedAtSource: null,
  late: null,
  lateSeconds: null,
  lateSource: null,
  rawScore: null,
  penalty: null,
};

function outcome(student: string, earned: [number, number], handIn: Partial<HandIn> = {}, score?: number): SubmissionOutcome {
  const raw = earned[0] + earned[1];
  return gradedOutcome(student, {
    sourcePath: `${student}.ipynb`,
    sha256: `sha-${student}`,
    score: score ?? raw,
    maxScore: 3,
    scores: [
      { gradeId: "t1", position: 2, points: 1, earned: earned[0], fraction: null, status: "passed", message: "", durationMs: 1 },
      { gradeId: "t2", position: 4, points: 2, earned: earned[1], fraction: null, status: "partial", message: "", durationMs: 1 },
    ],
    handIn: { ...NO_HAND_IN, ...handIn },
  });
}

function filled(file: string): Gradebook {
  const gb = Gradebook.open(path.join(dir, file));
  gb.store(
    outcome(
      "12345",
      [1, 2],
      {
        lms: "canvas",
        lmsId: "12345",
        displayName: "smithjane",
        late: true,
        lateSeconds: 5400,
        lateSource: "due x",
        rawScore: 3,
        penalty: "-10%",
      },
      2.7,
    ),
  );
  gb.store(
    outcome("900123", [0, 1], {
      lms: "gradescope",
      lmsId: "900123",
      displayName: "Ann Lee",
      email: "ann@example.edu",
      late: true,
      lateSource: "Gradescope's late flag",
    }),
  );
  gb.store(outcome("carol", [1, 0]));
  gb.store(outcome("Jane Smith", [1, 1], { lms: "moodle", lmsId: "4567", displayName: "Jane Smith" }));
  return gb;
}

// Students come in the gradebook's order (SQLite's binary order: capitals first).
const lines = (csv: string) => csv.trimEnd().split("\r\n");

describe("CSV layouts", () => {
  test("plain: totals after the penalty, hours late, the score before it, each exercise", () => {
    const gb = filled("plain.sqlite");
    try {
      assert.deepEqual(lines(exportCsv(gb, "plain").csv), [
        "student,name,a1 (3),total,max (3),review,unsandboxed,a1 hours late,a1 before penalty,a1: t1 (1),a1: t2 (2)",
        "12345,smithjane,2.7,2.7,3,,,1.5,3,1,2",
        "900123,Ann Lee,1,1,3,,,yes,,0,1",
        "Jane Smith,Jane Smith,2,2,3,,,,,1,1",
        "carol,carol,1,1,3,,,,,1,0",
      ]);
    } finally {
      gb.close();
    }
  });

  test("canvas: Canvas's id columns, a Points Possible row, SIS Login ID for students from elsewhere", () => {
    const gb = filled("canvas.sqlite");
    try {
      const out = exportCsv(gb, "canvas");
      assert.deepEqual(lines(out.csv), [
        "Student,ID,SIS User ID,SIS Login ID,Section,a1,a1: t1,a1: t2",
        "Points Possible,,,,,3,1,2",
        "smithjane,12345,,,,2.7,1,2",
        "Ann Lee,,,900123,,1,0,1",
        "Jane Smith,,,Jane Smith,,2,1,1",
        "carol,,,carol,,1,1,0",
      ]);
      assert.equal(out.warnings.length, 3, "each student without a Canvas id is named");
    } finally {
      gb.close();
    }
  });

  test("moodle: Username and Email address to map users by; a Moodle-download row without either is named", () => {
    const gb = filled("moodle.sqlite");
    try {
      const out = exportCsv(gb, "moodle");
      assert.deepEqual(lines(out.csv), [
        "Username,Email address,Full name,a1,a1: t1,a1: t2",
        ",,smithjane,2.7,1,2",
        ",ann@example.edu,Ann Lee,1,0,1",
        ",,Jane Smith,2,1,1",
        "carol,,carol,1,1,0",
      ]);
      assert.deepEqual(
        out.warnings.map((w) => w.split(":")[0]),
        ["12345", "Jane Smith"],
      );
    } finally {
      gb.close();
    }
  });
});

describe("the hand-in in the gradebook", () => {
  test("a schema 2 gradebook opens as schema 3 with its grades as they were and no hand-in", () => {
    const file = path.join(dir, "v2.sqlite");
    const gb = filled("v2.sqlite");
    const cols = [
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
      `${cols.map((c) => `ALTER TABLE submissions DROP COLUMN ${c};`).join(" ")} UPDATE meta SET value = '2' WHERE key = 'schema_version';`,
    );
    gb.close();
    const reopened = Gradebook.open(file);
    try {
      const version = reopened.database.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string };
      assert.equal(version.value, "4");
      const rows = reopened.submissions();
      assert.deepEqual(
        rows.map((r) => [r.student, r.score, r.late, r.lms]),
        [
          ["12345", 2.7, null, null],
          ["900123", 1, null, null],
          ["Jane Smith", 2, null, null],
          ["carol", 1, null, null],
        ],
      );
      assert.match(exportCsv(reopened, "plain").csv, /^student,name,a1 \(3\),total/);
    } finally {
      reopened.close();
    }
  });

  test("a penalty set again on a stored grade starts from the score before the old one", () => {
    const gb = filled("reapply.sqlite");
    try {
      const handIn = gb.reapplyHandIn("12345", "a1", (stored) => {
        assert.deepEqual(stored, { status: "graded", rawScore: 3, maxScore: 3 });
        return {
          handIn: { ...NO_HAND_IN, late: true, lateSeconds: 60, rawScore: stored.rawScore, penalty: "-50%" },
          score: stored.rawScore / 2,
        };
      });
      assert.equal(handIn?.penalty, "-50%");
      const row = gb.submissions().find((r) => r.student === "12345")!;
      assert.deepEqual([row.score, row.raw_score, row.late_seconds], [1.5, 3, 60]);
      assert.equal(
        gb.reapplyHandIn("nobody", "a1", () => assert.fail("no grade, no call")),
        undefined,
      );
    } finally {
      gb.close();
    }
  });
});
