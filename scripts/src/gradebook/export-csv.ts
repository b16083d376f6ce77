/**
 * Per-student grades for an LMS, in one of three column layouts (`course export --csv
 * --layout plain|canvas|moodle`). Every layout has one row per student, one column per
 * assignment (the score after any late penalty, empty when nothing was handed in) and,
 * beside it, one column per exercise: a test cell of the master, headed
 * "<assignment>: <grade_id>" (the grade_id, not a title: it is what the master and the
 * feedback pages name the test by, and it does not change when a heading is reworded).
 * Unknown assignments (no master) get no column; invalid submissions count 0. Written
 * answers graded by hand (written-answers.ts) get an exercise column each, after the
 * tests: the points given, or while pending "pending" (plain) or empty with a warning
 * (an LMS's import wants numbers); the assignment's score counts only points given.
 *
 *   plain   student (the gradebook's key), name, the assignments, total, max, review (held
 *           for review or failed), unsandboxed (graded without the operating-system
 *           sandbox, whose scores a hostile notebook could have forged), "<a> hours late"
 *           ("yes" when late by an unknown amount), "<a> before penalty" where a penalty
 *           was taken, then the exercises. Headers carry the points: "a1 (3)".
 *   canvas  Canvas's gradebook import: Student, ID (the Canvas user id), SIS User ID, SIS
 *           Login ID, Section, then the assignments and exercises by name, and a
 *           "Points Possible" row first. Students not from a Canvas download have no
 *           Canvas id: their gradebook name goes in SIS Login ID, which Canvas matches
 *           when it is their Canvas login (a hub's or `course collect`'s user names).
 *   moodle  Moodle's "Import grades: CSV file": an identifier column per kind of id
 *           Moodle maps a user by (Username, Email address), Full name, then one grade
 *           column per assignment and exercise. Moodle's own download names learners by
 *           full name only (its number is per assignment): those rows have no identifier,
 *           and the export says which students they are.
 */
import { formatPoints } from "../grade/points";
import type { Gradebook, SubmissionRow } from "./gradebook";
import { writtenAnswers, type WrittenRow } from "./written-answers";

export const CSV_LAYOUTS = ["plain", "canvas", "moodle"] as const;
export type CsvLayout = (typeof CSV_LAYOUTS)[number];

export interface CsvExport {
  csv: string;
  students: number;
  /** Students the LMS's import will not be able to match, with why. */
  warnings: string[];
}

interface Column {
  assignment: string;
  maxPoints: number;
  tests: Array<{ gradeId: string; points: number }>;
  /** Written answers graded by hand (written-answers.ts), after the tests. */
  written: Array<{ gradeId: string; points: number }>;
}

interface StudentGrades {
  key: string;
  rows: SubmissionRow[];
  /** The newest LMS facts about them. */
  display: string;
  canvasId: string | null;
  email: string | null;
  lms: string | null;
}

/** The plain layout, as `course export --csv` wrote before layouts (the string alone). */
export function gradebookCsv(gradebook: Gradebook, layout: CsvLayout = "plain"): string {
  return exportCsv(gradebook, layout).csv;
}

export function exportCsv(gradebook: Gradebook, layout: CsvLayout): CsvExport {
  const rows = gradebook.submissions();
  const earned = new Map<number, Map<string, number>>();
  const columns: Column[] = gradebook
    .assignments()
    .filter((a) => a.known)
    .map((a) => {
      // The master's tests, in notebook order, as the stored grades list them.
      const tests = new Map<string, { gradeId: string; points: number; position: number }>();
      for (const row of rows.filter((r) => r.assignment === a.name)) {
        const scores = gradebook.scores(row.id);
        earned.set(row.id, new Map(scores.map((s) => [s.gradeId, s.earned])));
        for (const s of scores)
          if (!tests.has(s.gradeId)) tests.set(s.gradeId, { gradeId: s.gradeId, points: s.points, position: s.position });
      }
      const written = new Map(
        writtenAnswers(gradebook, { assignment: a.name }).map((w) => [w.gradeId, { gradeId: w.gradeId, points: w.points }]),
      );
      return {
        assignment: a.name,
        maxPoints: a.maxPoints,
        tests: [...tests.values()].sort((x, y) => x.position - y.position),
        written: [...written.values()],
      };
    });
  // Points given by hand, by submission and answer; a pending answer is "pending" in the plain layout, empty for an LMS.
  const byHand = new Map<number, Map<string, WrittenRow>>();
  for (const w of writtenAnswers(gradebook)) byHand.set(w.submissionId, (byHand.get(w.submissionId) ?? new Map()).set(w.gradeId, w));
  const pendingIn = (s: StudentGrades) =>
    s.rows.filter((r) => [...(byHand.get(r.id)?.values() ?? [])].some((w) => w.status === "pending")).map((r) => r.assignment);
  const writtenCell = (s: StudentGrades, c: Column, gradeId: string, pendingAs: string): string => {
    const row = s.rows.find((r) => r.assignment === c.assignment);
    if (row === undefined || row.status === "unknown-assignment") return "";
    const w = byHand.get(row.id)?.get(gradeId);
    if (row.status !== "graded" || w === undefined) return formatPoints(0);
    return w.status === "pending" ? pendingAs : formatPoints(w.earned ?? 0);
  };
  const students: StudentGrades[] = gradebook.students().map((key) => {
    const mine = rows.filter((r) => r.student === key);
    const newest = [...mine].sort((a, b) => (a.graded_at < b.graded_at ? 1 : -1));
    const fact = <K extends keyof SubmissionRow>(k: K) => newest.find((r) => r[k] !== null)?.[k] ?? null;
    const canvas = newest.find((r) => r.lms === "canvas");
    return {
      key,
      rows: mine,
      display: (fact("display_name") as string | null) ?? key,
      canvasId: canvas?.lms_id ?? null,
      email: fact("email") as string | null,
      lms: fact("lms") as string | null,
    };
  });
  const score = (s: StudentGrades, c: Column): string => {
    const row = s.rows.find((r) => r.assignment === c.assignment);
    if (row === undefined || row.status === "unknown-assignment") return "";
    return formatPoints(row.status === "graded" ? row.score : 0);
  };
  const exercise = (s: StudentGrades, c: Column, gradeId: string): string => {
    const row = s.rows.find((r) => r.assignment === c.assignment);
    if (row === undefined || row.status === "unknown-assignment") return "";
    return formatPoints(row.status === "graded" ? (earned.get(row.id)?.get(gradeId) ?? 0) : 0);
  };
  const gradeHeaders = (withPoints: boolean) =>
    columns.flatMap((c) => [
      withPoints ? `${c.assignment} (${formatPoints(c.maxPoints)})` : c.assignment,
      ...[...c.tests, ...c.written].map((t) =>
        withPoints ? `${c.assignment}: ${t.gradeId} (${formatPoints(t.points)})` : `${c.assignment}: ${t.gradeId}`,
      ),
    ]);
  const gradeCells = (s: StudentGrades) =>
    columns.flatMap((c) => [
      score(s, c),
      ...c.tests.map((t) => exercise(s, c, t.gradeId)),
      ...c.written.map((w) => writtenCell(s, c, w.gradeId, "")),
    ]);

  const lines: string[][] = [];
  const warnings: string[] = [];
  if (layout === "plain") {
    const penalised = columns.filter((c) => rows.some((r) => r.assignment === c.assignment && r.raw_score !== null));
    const late = columns.filter((c) => rows.some((r) => r.assignment === c.assignment && r.late === 1));
    const anyPending = students.some((s) => pendingIn(s).length > 0);
    lines.push([
      "student",
      "name",
      ...columns.map((c) => `${c.assignment} (${formatPoints(c.maxPoints)})`),
      "total",
      `max (${formatPoints(columns.reduce((sum, c) => sum + c.maxPoints, 0))})`,
      "review",
      "unsandboxed",
      ...(anyPending ? ["written pending"] : []),
      ...late.map((c) => `${c.assignment} hours late`),
      ...penalised.map((c) => `${c.assignment} before penalty`),
      ...columns.flatMap((c) => [...c.tests, ...c.written].map((t) => `${c.assignment}: ${t.gradeId} (${formatPoints(t.points)})`)),
    ]);
    for (const s of students) {
      const total = s.rows
        .filter((r) => r.status === "graded" && columns.some((c) => c.assignment === r.assignment))
        .reduce((sum, r) => sum + r.score, 0);
      const find = (c: Column) => s.rows.find((r) => r.assignment === c.assignment);
      lines.push([
        s.key,
        s.display,
        ...columns.map((c) => score(s, c)),
        formatPoints(total),
        formatPoints(columns.reduce((sum, c) => sum + c.maxPoints, 0)),
        s.rows
          .filter((r) => r.review || r.status === "error")
          .map((r) => r.assignment)
          .join(" "),
        s.rows
          .filter((r) => r.status === "graded" && r.sandbox !== "bubblewrap")
          .map((r) => r.assignment)
          .join(" "),
        ...(anyPending ? [pendingIn(s).join(" ")] : []),
        ...late.map((c) => {
          const row = find(c);
          if (row?.late !== 1) return "";
          return row.late_seconds === null ? "yes" : formatPoints(row.late_seconds / 3600);
        }),
        ...penalised.map((c) => {
          const raw = find(c)?.raw_score;
          return raw === null || raw === undefined ? "" : formatPoints(raw);
        }),
        ...columns.flatMap((c) => [
          ...c.tests.map((t) => exercise(s, c, t.gradeId)),
          ...c.written.map((w) => writtenCell(s, c, w.gradeId, "pending")),
        ]),
      ]);
    }
  } else if (layout === "canvas") {
    lines.push(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ...gradeHeaders(false)]);
    lines.push([
      "Points Possible",
      "",
      "",
      "",
      "",
      ...columns.flatMap((c) => [formatPoints(c.maxPoints), ...[...c.tests, ...c.written].map((t) => formatPoints(t.points))]),
    ]);
    for (const s of students) {
      if (s.canvasId === null)
        warnings.push(`${s.key}: no Canvas user id (not from a Canvas download); written as SIS Login ID "${s.key}"`);
      lines.push([s.display, s.canvasId ?? "", "", s.canvasId === null ? s.key : "", "", ...gradeCells(s)]);
    }
  } else {
    lines.push(["Username", "Email address", "Full name", ...gradeHeaders(false)]);
    for (const s of students) {
      // Ids that name a Moodle user: a login (hub, collect, Blackboard username) or an email.
      const username = s.lms === null || s.lms === "blackboard" ? s.key : "";
      if (username === "" && s.email === null)
        warnings.push(
          `${s.key}: neither a user name nor an email is known (${s.lms ?? "folder"} layout); Moodle's import cannot match this row`,
        );
      lines.push([username, s.email ?? "", s.display, ...gradeCells(s)]);
    }
  }
  for (const s of students)
    if (layout !== "plain" && pendingIn(s).length > 0)
      warnings.push(`${s.key}: written answers not graded yet in ${pendingIn(s).join(", ")} (left empty; \`course review\` grades them)`);
  return { csv: lines.map((cells) => cells.map(csvField).join(",")).join("\r\n") + "\r\n", students: students.length, warnings };
}

/**
 * RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so spreadsheets do not run it
 * as a formula, also after leading white space or invisible characters (an import that
 * trims the cell would find the formula there).
 */
export function csvField(text: string): string {
  const safe = /^[\s\u200b-\u200f\u2060\ufeff]*[=+\-@]|^[\t\r]/u.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
