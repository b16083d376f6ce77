/**
 * Per-student totals for an LMS: one row per student, one column per assignment (the
 * score, empty when nothing was handed in), the total, the assignments held for review,
 * and those graded without the operating-system sandbox (`course grade --unsandboxed`,
 * or a gradebook from before the sandbox), whose scores a hostile notebook could have
 * forged. Unknown assignments (no master) get no column; invalid submissions count 0.
 */
import { formatPoints } from "../grade/points";
import type { Gradebook } from "./gradebook";

export function gradebookCsv(gradebook: Gradebook): string {
  const assignments = gradebook.assignments().filter((a) => a.known);
  const rows = gradebook.submissions();
  const lines = [
    [
      "student",
      ...assignments.map((a) => `${a.name} (${formatPoints(a.maxPoints)})`),
      "total",
      `max (${formatPoints(assignments.reduce((s, a) => s + a.maxPoints, 0))})`,
      "review",
      "unsandboxed",
    ],
  ];
  for (const student of gradebook.students()) {
    const mine = rows.filter((r) => r.student === student);
    const cells: string[] = [student];
    let total = 0;
    let max = 0;
    for (const a of assignments) {
      const row = mine.find((r) => r.assignment === a.name);
      max += a.maxPoints;
      if (row === undefined || row.status === "unknown-assignment") {
        cells.push("");
      } else {
        const score = row.status === "graded" ? row.score : 0;
        total += score;
        cells.push(formatPoints(score));
      }
    }
    const graded = mine.filter((r) => r.status === "graded");
    cells.push(
      formatPoints(total),
      formatPoints(max),
      mine
        .filter((r) => r.review || r.status === "error")
        .map((r) => r.assignment)
        .join(" "),
      graded
        .filter((r) => r.sandbox !== "bubblewrap")
        .map((r) => r.assignment)
        .join(" "),
    );
    lines.push(cells);
  }
  return lines.map((cells) => cells.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so spreadsheets do not run it as a formula. */
export function csvField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
