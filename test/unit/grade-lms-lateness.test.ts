// Lateness: --due and --late-penalty read strictly, lateness from the LMS or the due
// date, and the penalty taken off totals with the raw score kept.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  applyPenalty,
  assessLateness,
  describeLate,
  localOffsetMinutes,
  parseDue,
  parseLatePenalty,
  penaltyPercent,
  timeZoneName,
  type Lateness,
} from "../../scripts/src/grade/lateness";
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

/** Runs fn with this machine's time zone set to `zone`. */
function inZone<T>(zone: string, fn: () => T): T {
  const saved = process.env.TZ;
  try {
    process.env.TZ = zone;
    return fn();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

/** The message and fix a usage error was thrown with. */
function refusal(fn: () => unknown): [string, string | undefined] {
  try {
    fn();
  } catch (e) {
    return [(e as Error).message, (e as { fix?: string }).fix];
  }
  return assert.fail("not refused");
}

describe("--due, read strictly", () => {
  test("zones west of UTC and with minutes, spaces around, and the last second of a minute", () => {
    assert.equal(parseDue(" 2026-12-01T23:59-05:00 ").utcMs, Date.UTC(2026, 11, 2, 4, 59));
    assert.equal(parseDue("2026-12-01T23:59+05:30").utcMs, Date.UTC(2026, 11, 1, 18, 29));
    assert.equal(parseDue("2026-12-01T23:59:59Z").utcMs, Date.UTC(2026, 11, 1, 23, 59, 59));
  });

  test("a date alone, and anything around the date and time, say what is wrong", () => {
    const forms =
      "accepted forms: 2026-12-01T23:59, 2026-12-01T23:59:30, 2026-12-01 23:59, with Z or +01:00 for a zone other than this machine's; see `course grade --help`.";
    assert.deepEqual(
      refusal(() => parseDue(" 2026-12-01 ")),
      ['--due needs a time as well as a date (the end of the day is 23:59), got " 2026-12-01 ".', forms],
    );
    for (const bad of ["x2026-12-01T23:59Z", "2026-12-01T23:59Zx", "2026-12-1", "20261-12-01"])
      assert.equal(refusal(() => parseDue(bad))[0], `--due takes a date and time, got "${bad}".`);
    assert.equal(refusal(() => parseDue("2026-12-01T10:61"))[0], '--due is no real date and time, got "2026-12-01T10:61".');
  });

  test("a wall-clock time the clocks skip names the zone; a time with minutes skipped too", () => {
    assert.deepEqual(
      inZone("America/New_York", () => [timeZoneName(), refusal(() => parseDue("2026-03-08T02:30"))[0]]),
      [
        "America/New_York",
        '--due is a time that does not exist in this machine\'s time zone (America/New_York): a daylight-saving gap, got "2026-03-08T02:30".',
      ],
    );
    // Lord Howe Island moves its clocks by 30 minutes: 02:00 to 02:30 on 4 October 2026.
    inZone("Australia/Lord_Howe", () => assert.throws(() => parseDue("2026-10-04T02:15"), /daylight-saving gap/));
  });

  test("this machine's offset at a wall-clock time, and in a gap the offset after it", () => {
    inZone("America/New_York", () => {
      assert.equal(localOffsetMinutes(Date.UTC(2026, 11, 1, 12, 0)), -300);
      assert.equal(localOffsetMinutes(Date.UTC(2026, 6, 1, 12, 0)), -240);
      assert.equal(localOffsetMinutes(Date.UTC(2026, 2, 8, 2, 30)), -240, "02:30 on 8 March is skipped: read as daylight time");
    });
  });
});

describe("--late-penalty, read strictly", () => {
  test("decimals, spaces after the comma and around max, a max equal to the rate or 100%", () => {
    assert.deepEqual(parseLatePenalty("2.25%/hour, max  12.75 % "), {
      percent: 2.25,
      per: "hour",
      maxPercent: 12.75,
      text: "2.25%/hour, max  12.75 %",
    });
    assert.equal(parseLatePenalty("10%/day, max 10%").maxPercent, 10);
    assert.equal(parseLatePenalty("10%/DAY, MAX 100%").maxPercent, 100);
  });

  test("each refusal says why", () => {
    const forms =
      'accepted forms: "10%" (once, however late), "10%/day" or "2%/hour" (per day or hour begun), each with an optional ", max 50%".';
    assert.deepEqual(
      refusal(() => parseLatePenalty("10%/day,max50%")),
      ['--late-penalty is not a penalty rule, got "10%/day,max50%".', forms],
    );
    assert.equal(refusal(() => parseLatePenalty("10%/day, max 50%x"))[0], '--late-penalty is not a penalty rule, got "10%/day, max 50%x".');
    assert.equal(
      refusal(() => parseLatePenalty("10%/day, max 50 x%"))[0],
      '--late-penalty is not a penalty rule, got "10%/day, max 50 x%".',
    );
    assert.equal(refusal(() => parseLatePenalty("0%"))[0], '--late-penalty takes a percentage above 0 and at most 100, got "0%".');
    assert.equal(
      refusal(() => parseLatePenalty("10%/day, max 9%"))[0],
      '--late-penalty takes a max between the rate and 100%, got "10%/day, max 9%".',
    );
    assert.equal(
      refusal(() => parseLatePenalty("10%/day, max 100.5%"))[0],
      '--late-penalty takes a max between the rate and 100%, got "10%/day, max 100.5%".',
    );
    assert.equal(
      refusal(() => parseLatePenalty("10%, max 50%"))[0],
      '--late-penalty takes a max only with a rate per day or hour, got "10%, max 50%".',
    );
  });
});

describe("how late, and what it costs", () => {
  const due = parseDue("2026-12-01T23:59Z");
  const at = (ms: number, source = "Blackboard file name") => ({ lmsTime: { utcMs: ms, source }, lmsLate: null, fileTimeMs: null });

  test("nothing known is nothing; a file time without a due date is not used; on the due time is on time", () => {
    const nothing = { lmsTime: null, lmsLate: null, fileTimeMs: null };
    const unknown = { submittedAt: null, submittedAtSource: null, late: null, lateSeconds: null, lateSource: null };
    assert.deepEqual(assessLateness(nothing, due), unknown);
    assert.deepEqual(assessLateness({ ...nothing, fileTimeMs: due.utcMs + 1000 }, undefined), unknown);
    assert.deepEqual(assessLateness(at(due.utcMs), due), {
      submittedAt: "2026-12-01T23:59:00.000Z",
      submittedAtSource: "Blackboard file name",
      late: false,
      lateSeconds: 0,
      lateSource: "due 2026-12-01T23:59Z",
    });
    // The LMS's time without a due date says when, not whether it was late.
    assert.deepEqual(assessLateness({ ...at(due.utcMs), lmsLate: { late: false, source: "Gradescope's late flag" } }, undefined), {
      submittedAt: "2026-12-01T23:59:00.000Z",
      submittedAtSource: "Blackboard file name",
      late: false,
      lateSeconds: 0,
      lateSource: "Gradescope's late flag",
    });
  });

  test("no rule, no penalty; per hour begun; the penalty says what was taken and why", () => {
    const late = (seconds: number): Lateness => ({
      submittedAt: null,
      submittedAtSource: null,
      late: true,
      lateSeconds: seconds,
      lateSource: "x",
    });
    assert.deepEqual(applyPenalty(8, 10, late(HOUR), undefined), { score: 8, rawScore: null, penalty: null });
    assert.deepEqual(applyPenalty(10, 10, late(3.5 * HOUR), parseLatePenalty("2%/hour")), {
      score: 9.2,
      rawScore: 10,
      penalty: "-8% of the points (2%/hour, 4 hours begun)",
    });
    assert.equal(applyPenalty(10, 10, late(HOUR), parseLatePenalty("10%/day")).penalty, "-10% of the points (10%/day, 1 day begun)");
    assert.equal(
      applyPenalty(10, 10, late(0), parseLatePenalty("10%/day")).penalty,
      "-10% of the points (10%/day, 1 day begun)",
      "late counts one day at least",
    );
    assert.equal(applyPenalty(10, 10, late(50 * HOUR), parseLatePenalty("20%")).penalty, "-20% of the points (20%)");
  });

  test("a stored penalty's percentage is read back from its own words, and nothing else is one", () => {
    assert.equal(penaltyPercent("-10% of the points (10%/day, 1 day begun)"), 10);
    assert.equal(penaltyPercent("-2.25% of the points (2.25%)"), 2.25);
    assert.equal(penaltyPercent("not applied: late by an unknown amount, and 10%/day needs how late"), null);
    assert.equal(penaltyPercent("a note: -10% of the points"), null);
    assert.equal(penaltyPercent(null), null);
  });

  test("how late, for people: days, hours and minutes begun, the minutes left out past a day", () => {
    assert.equal(describeLate(null), "late (by how much is not known)");
    assert.equal(describeLate(0), "0 min late");
    assert.equal(describeLate(2 * HOUR), "2 h late");
    assert.equal(describeLate(24 * HOUR), "1 day late");
    assert.equal(describeLate(24 * HOUR + 300), "1 day late");
    assert.equal(describeLate(50 * HOUR), "2 days 2 h late");
    assert.equal(describeLate(3570), "1 h late");
  });
});

describe("a hand-in without an LMS", () => {
  test("a folder's file without a time keeps no one and nothing, and is not penalised", () => {
    const file: SubmissionFile = { file: "/s/ann/a1.ipynb", relative: "ann/a1.ipynb", student: "ann", assignment: "a1", layout: "folder" };
    assert.deepEqual(
      handInOf(
        file,
        { due: parseDue("2026-12-01T23:59Z"), penalty: parseLatePenalty("10%") },
        { status: "graded", rawScore: 3, maxScore: 4 },
      ),
      {
        handIn: {
          submittedAt: null,
          submittedAtSource: null,
          late: null,
          lateSeconds: null,
          lateSource: null,
          lms: null,
          lmsId: null,
          displayName: null,
          email: null,
          rawScore: null,
          penalty: null,
        },
        score: 3,
      },
    );
  });
});
