import path from "node:path";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { EXIT, UsageError } from "../errors";
import { mergeGradebooks, type MergeReport } from "../gradebook/merge";

const HELP = `usage: course gradebook merge GRADEBOOK... --into FILE

Work on gradebooks as files.

  course gradebook merge GRADEBOOK... --into FILE
      Joins gradebooks into a new one: the shards of a grading run split with
      \`course grade --shard K/N\`, or any gradebooks graded against the same masters.
      FILE then reads like the gradebook of one run over every submission, for
      \`course feedback\`, \`course export\` and later \`course grade --gradebook FILE\`.
        - A submission in several gradebooks with the same grade (file, master,
          status, every test cell's result, issues, review and sandbox flags) is
          kept once.
        - The same submission graded differently (another score, another flag,
          another file) is a conflict: it is listed, neither grade is kept, and FILE
          holds it as an "error" that says why; \`course grade SUBMISSIONS --gradebook
          FILE\` grades such submissions again. The merge is still written, and the
          exit code is 1.
        - A shard missing from the split (shard 3 of 4 not named) is listed and the
          exit code is 1; the merge is written without its submissions.
        - Gradebooks graded against different masters, shards of different splits
          and a shard named twice are refused, and nothing is written.
        - Grades made --unsandboxed keep their mark.
      FILE must not exist: a merge never replaces a gradebook. It is written beside
      FILE under a hidden name and takes FILE's name only when complete.

Exit codes: 0 merged, 1 merged with conflicts or missing shards (listed), or refused
(nothing written), 2 wrong command line (no --into, FILE exists, a gradebook named
twice), 3 a gradebook named is missing.

Example:
  course gradebook merge grading/gradebook.shard-*-of-4.sqlite --into grading/gradebook.sqlite`;

export const gradebookCommand: Command = {
  name: "gradebook",
  summary: "merge gradebooks, e.g. the shards of course grade --shard K/N",
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== "merge") {
      throw new UsageError(
        sub === undefined ? "say what to do: merge." : `unknown subcommand "${sub}"; use merge.`,
        "see `course gradebook --help`.",
      );
    }
    const { values, positionals } = parseCommandArgs("gradebook", rest, { into: { type: "string" } });
    if (values.into === undefined || values.into === "") {
      throw new UsageError(
        "merge needs --into FILE, the new gradebook to write.",
        "e.g. --into grading/gradebook.sqlite (see `course gradebook --help`).",
      );
    }
    const report = mergeGradebooks(positionals, values.into);
    printReport(report);
    return report.conflicts.length > 0 || report.missingShards.length > 0 ? EXIT.failed : EXIT.ok;
  },
};

function printReport(report: MergeReport): void {
  for (const conflict of report.conflicts) {
    console.log(`CONFLICT ${conflict.student} · ${conflict.assignment}: graded differently, neither grade kept`);
    for (const difference of conflict.differences) console.log(`  ${difference}`);
  }
  if (report.missingShards.length > 0) {
    const missing = report.missingShards.map((k) => `${k}/${report.shardCount}`).join(", ");
    console.log(`MISSING shard(s) ${missing}: their submissions are not in the merged gradebook; merge again with their gradebooks.`);
  }
  const shards =
    report.shardCount === undefined ? "" : ` (${report.shardCount - report.missingShards.length} of ${report.shardCount} shards)`;
  console.log(
    `course gradebook merge: ${report.inputs} gradebook(s)${shards}, ${report.submissions} submission(s): ` +
      `${report.identical} found identical in more than one, ${report.conflicts.length} conflict(s); ` +
      `${report.rejectedFiles} rejected file(s); ${report.unsandboxed} unsandboxed grade(s) kept with their mark; ` +
      `${(report.durationMs / 1000).toFixed(2)} s. Gradebook: ${path.relative(process.cwd(), report.into) || report.into}`,
  );
  if (report.conflicts.length > 0) {
    console.log(
      `${report.conflicts.length} submission(s) are stored as errors: grade them again with course grade SUBMISSIONS --gradebook ${path.relative(process.cwd(), report.into) || report.into}, and find out why their grades differed.`,
    );
  }
}
