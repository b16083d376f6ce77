import path from "node:path";
import { intOption, parseCommandArgs } from "../args";
import type { Command } from "../command";
import { EXIT, UsageError } from "../errors";
import { Gradebook } from "../gradebook/gradebook";
import { gradeWrittenAnswer, writtenAnswers, type WrittenRow } from "../gradebook/written-answers";
import { formatPoints } from "../grade/points";
import { projectRoot } from "../project";
import { heldForReview } from "../review/held";
import { loadPrompts } from "../review/prompts";
import { startReviewServer } from "../review/server";

const help = `usage: course review [--gradebook FILE] [--masters DIR] [--port N]
       course review --list [--assignment NAME] [--pending] [--gradebook FILE]
       course review --grade STUDENT ASSIGNMENT CELL POINTS [--comment TEXT] [--gradebook FILE]

Grades written answers by hand: Markdown answer cells a master marks as manually
graded (nbgrader's solution: true, grade: true, points > 0). \`course grade\` stores
each learner's text and counts the answer as pending; totals, feedback pages and the
CSV count the points once given here.

With no action, starts the review page on 127.0.0.1 (this machine only) on a free
port and prints its address, which carries a token: without it the page refuses
every request, so another user of the machine cannot read answers or give grades.
The page lists each assignment's written answers (one answer across students, or
one student's answers), shows the exercise's prompt and the reference answer from
the master beside each learner's answer, and saves points (0 to the answer's
points) and a comment at once. It also lists the submissions held for review, with
the reasons. Ctrl+C stops it.

  --list      prints every written answer, a line each (tab-separated: assignment,
              answer, student, status, points, comment), then the submissions held
              for review with the reasons.
  --grade     gives POINTS (0 to the answer's points; decimals allowed) to one
              student's answer CELL (its grade_id), with an optional --comment.

A regrade (\`course grade --force\`, or a new file) keeps the points given while the
answer's text stays the same; an answer whose text changed is pending again and
says what it had.

Options:
  --gradebook FILE     the gradebook (default: grading/gradebook.sqlite)
  --masters DIR        the masters, for prompts and reference answers (default: notebooks/)
  --port N             the port (default: a free one)
  --assignment NAME    --list: only this assignment
  --pending            --list: only answers still to be graded
  --comment TEXT       --grade: the comment the learner reads in their feedback

Exit codes: 0 done, 1 the gradebook cannot be read or written, 2 wrong command line,
points out of range or an unknown student, assignment or answer, 3 no gradebook.`;

export const reviewCommand: Command = {
  name: "review",
  summary: "grade written answers by hand on a local page (or --grade, --list)",
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs("review", argv, {
      gradebook: { type: "string" },
      masters: { type: "string" },
      port: { type: "string" },
      list: { type: "boolean" },
      grade: { type: "boolean" },
      assignment: { type: "string" },
      pending: { type: "boolean" },
      comment: { type: "string" },
    });
    if (values.list && values.grade) throw new UsageError("--list and --grade are two actions; give one.", "see `course review --help`.");
    if (!values.grade && values.comment !== undefined) throw new UsageError("--comment goes with --grade.", "see `course review --help`.");
    if (!values.list && (values.assignment !== undefined || values.pending))
      throw new UsageError("--assignment and --pending go with --list.", "see `course review --help`.");
    if (values.grade && positionals.length !== 4) {
      throw new UsageError(
        `--grade takes STUDENT ASSIGNMENT CELL POINTS, got ${positionals.length} argument(s).`,
        'e.g. course review --grade ada 00-sample-assignment explain-xor 2 --comment "Clear."',
      );
    }
    if (!values.grade && positionals.length > 0)
      throw new UsageError(`unexpected argument "${positionals[0]}".`, "see `course review --help`.");
    const port = intOption("review", "port", values.port, 0);
    const root = projectRoot();
    const gradebook = Gradebook.open(path.resolve(values.gradebook ?? path.join(root, "grading", "gradebook.sqlite")), { create: false });
    try {
      if (values.grade) {
        const [student, assignment, cell, points] = positionals as [string, string, string, string];
        const saved = gradeWrittenAnswer(gradebook, { student, assignment, gradeId: cell, points, comment: values.comment ?? "" });
        console.log(
          `course review: ${student} · ${assignment} · ${cell}: ${formatPoints(saved.earned ?? 0)}/${formatPoints(saved.points)} saved`,
        );
        return EXIT.ok;
      }
      if (values.list) {
        printList(
          writtenAnswers(gradebook, {
            ...(values.assignment ? { assignment: values.assignment } : {}),
            ...(values.pending ? { status: "pending" } : {}),
          }),
        );
        for (const held of heldForReview(gradebook))
          console.log(["held", held.assignment, held.student, held.status, held.reasons.join(" | ")].join("\t"));
        return EXIT.ok;
      }
      const server = await startReviewServer({
        gradebook,
        prompts: loadPrompts(path.resolve(values.masters ?? path.join(root, "notebooks"))),
        ...(port !== undefined ? { port } : {}),
      });
      console.log(`course review: open ${server.url}\n(this machine only; the token in the address is what lets you in; Ctrl+C stops it)`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await server.close();
      return EXIT.ok;
    } finally {
      gradebook.close();
    }
  },
};

function printList(rows: readonly WrittenRow[]): void {
  for (const r of rows) {
    const points =
      r.status === "pending" ? `pending/${formatPoints(r.points)}` : `${formatPoints(r.earned ?? 0)}/${formatPoints(r.points)}`;
    const status = r.note ? `${r.status} (${r.note})` : r.status;
    console.log([r.assignment, r.gradeId, r.student, status, points, r.comment.replace(/\s+/g, " ")].join("\t"));
  }
}
