import path from "node:path";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { EXIT, UsageError } from "../errors";
import { Gradebook } from "../gradebook/gradebook";
import { writeFeedback } from "../gradebook/feedback";
import { projectRoot } from "../project";

const help = `usage: course feedback [--gradebook FILE] [--out DIR]

Writes an HTML feedback page for every student and assignment in the gradebook:
the score, each test's result and message, and the graded cells the grader had to
restore. Pages show no test source (hidden tests stay hidden) and no solutions.
Layout: DIR/index.html and DIR/<student>/<assignment>.html. A name that is not
plain (lowercase letters, digits, ".", "-", "_") gets "~" and a short hash of the
exact name, e.g. "Zoë Ångström~d91ffefba5": every student has a folder of their
own, and the same one each time.

Options:
  --gradebook FILE   the gradebook (default: grading/gradebook.sqlite)
  --out DIR          where the pages go (default: grading/feedback)

Exit codes: 0 written, 1 the gradebook cannot be read or written (permissions),
2 wrong command line or a --gradebook that is not a gradebook, 3 no gradebook.`;

export const feedbackCommand: Command = {
  name: "feedback",
  summary: "write HTML feedback pages from the gradebook",
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs("feedback", argv, { gradebook: { type: "string" }, out: { type: "string" } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}".`, "see `course feedback --help`.");
    const root = projectRoot();
    const gradebook = Gradebook.open(path.resolve(values.gradebook ?? path.join(root, "grading", "gradebook.sqlite")), { create: false });
    try {
      const out = path.resolve(values.out ?? path.join(root, "grading", "feedback"));
      const result = writeFeedback(gradebook, out);
      console.log(`course feedback: ${result.pages} page(s); open ${path.relative(process.cwd(), result.index) || result.index}`);
      return EXIT.ok;
    } finally {
      gradebook.close();
    }
  },
};
