// Lateness: --due and --late-penalty read strictly, lateness from the LMS or the due
// date, and the penalty taken off totals with the raw score kept.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { applyPenalty, assessLateness, describeLate, parseDue, parseLatePenalty, type Lateness } from "../../scripts/src/grade/lateness";
import { handInOf } from "../../scripts/src/grade/hand-in";
import type { SubmissionFile } from "../../scripts/src/grade/submissions";

const HOUR = 3600;

describe("--due", () => {
  test("a zone in the text wins; without one it is this machine's zone", () => {
    assert.equal(parseDue("2026-12-01T23:59Z").utcMs, Date.UTC(2026, 11, 1, 23, 59));
    assert.equal(parseDue("2026-12-01T23:59:30+01:00").utcMs, Date.UTC(2026, 11, 1, 22, 59, 30));
    const saved = process.env.TZ;
    try {
      process.env.TZ = "America/New_York"; // UTC-5 in December
      assert.equal(parseDue("2026-12-01 23:59").utcMs, Date.UTC(2026, 11, 2, 4, 59));
      // 2026-03-08 02:30 does not exist in New York (the clocks jump from 02:00 to 03:00).
      assert.throws(() => parseDue("2026-03-08T02:30"), /does not exist.*daylight-saving/);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  test("anything else is refused with the accepted forms", () => {
    for (const bad of ["2026-12-01", "tomorrow", "2026-13-01T10:00", "2026-02-30T10:00", "2026-12-01T24:00"]) {
      assert.throws(
        () => parseDue(bad),
        (e: Error & { fix?: string }) => /--due/.test(e.message) && /accepted forms: 2026-12-01T23:59/.test(e.fix ?? ""),
        bad,
      );
    }
  });
});

describe("--late-penalty", () => {
  test("the accepted forms", () => {
    assert.deepEqual(parseLatePenalty("10%/day,max 50%"), { percent: 10, per: "day", maxPercent: 50, text: "10%/day,max 50%" });
    assert.deepEqual(parseLatePenalty(" 2.5 % / hour "), { percent: 2.5, per: "hour", maxPercent: null, text: "2.5 % / hour" });
    assert.deepEqual(parseLatePenalty("100%"), { percent: 100, per: null, maxPercent: null, text: "100%" });
  });

  test("everything else is an error that lists the accepted forms", () => {
    for (const bad of ["10", "10%/week", "0%", "120%/day", "10%/day, max 5%", "10%, max 50%", "10%/day max 50%", "-5%"]) {
      assert.throws(
        () => parseLatePenalty(bad),
        (e: Error & { fix?: string }) => /--late-penalty/.test(e.message) && /"10%\/day"/.test(e.fix ?? ""),
        bad,
      );
    }
  });

  test("per day begun, capped, never below zero; the raw score is kept", () => {
    const rule = parseLatePenalty("10%/day,max 50%");
    const late = (seconds: number | null): Lateness => ({
      submittedAt: null,
      submittedAtSource: null,
      late: true,
      lateSeconds: seconds,
      lateSource: "x",
    });
    for (const [seconds, days] of [
      [3 * HOUR, 1],
      [49 * HOUR, 3],
      [7 * 24 * HOUR, 5],
    ] as const) {
      const result = applyPenalty(8, 10, late(seconds), rule);
      assert.equal(result.score, 8 - (10 * Math.min(10 * days, 50)) / 100, `${seconds} s late`);
      assert.equal(result.rawScore, 8);
    }
    assert.equal(applyPenalty(0.5, 10, late(HOUR), rule).score, 0);
    assert.deepEqual(applyPenalty(8, 10, { ...late(0), late: false }, rule), { score: 8, rawScore: null, penalty: null });
    const unknown = applyPenalty(8, 10, late(null), rule);
    assert.equal(unknown.score, 8);
    assert.match(unknown.penalty!, /not applied: late by an unknown amount/);
    assert.equal(applyPenalty(8, 10, late(null), parseLatePenalty("20%")).score, 6, "a flat rule needs no amount");
  });
});

describe("how late", () => {
  const due = parseDue("2026-12-01T23:59Z");
  test("the LMS's time against the due date, else its marker, else unknown; file times only with a due date", () => {
    const lms = { lmsTime: { utcMs: due.utcMs + 2 * HOUR * 1000, source: "Blackboard file name" }, lmsLate: null, fileTimeMs: null };
    assert.deepEqual(assessLateness(lms, due), {
      submittedAt: new Date(due.utcMs + 2 * HOUR * 1000).toISOString(),
      submittedAtSource: "Blackboard file name",
      late: true,
      lateSeconds: 2 * HOUR,
      lateSource: "due 2026-12-01T23:59Z",
    });
    const canvas = { lmsTime: null, lmsLate: { late: true, source: "Canvas's LATE marker" }, fileTimeMs: null };
    assert.deepEqual([assessLateness(canvas, undefined).late, assessLateness(canvas, undefined).lateSeconds], [true, null]);
    const folder = { lmsTime: null, lmsLate: null, fileTimeMs: due.utcMs - 1000 };
    assert.equal(assessLateness(folder, undefined).late, null);
    assert.deepEqual([assessLateness(folder, due).late, assessLateness(folder, due).submittedAtSource], [false, "file time"]);
    assert.equal(describeLate(26 * HOUR + 60), "1 day 2 h late");
    assert.equal(describeLate(200), "4 min late");
  });

  test("the hand-in keeps who the LMS says it is, and penalises only a grade", () => {
    const file: SubmissionFile = {
      file: "/s/x.ipynb",
      relative: "x.ipynb",
      student: "12345",
      assignment: "a1",
      layout: "canvas",
      lms: { lms: "canvas", key: "12345", lmsId: "12345", displayName: "smithjane", email: null },
      time: { lmsTime: null, lmsLate: { late: true, source: "Canvas's LATE marker" }, fileTimeMs: null },
    };
    const policy = { penalty: parseLatePenalty("25%") };
    const graded = handInOf(file, policy, { status: "graded", rawScore: 3, maxScore: 4 });
    assert.deepEqual([graded.score, graded.handIn.rawScore, graded.handIn.lmsId, graded.handIn.displayName], [2, 3, "12345", "smithjane"]);
    const invalid = handInOf(file, policy, { status: "invalid", rawScore: 0, maxScore: 4 });
    assert.deepEqual([invalid.score, invalid.handIn.rawScore, invalid.handIn.late], [0, null, true]);
  });
});
