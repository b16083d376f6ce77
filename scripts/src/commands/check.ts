import { parseCommandArgs, secondsOption } from "../args";
import type { Command } from "../command";
import { EXIT, UsageError } from "../errors";
import { checkNotebook, formatCheck } from "../grade/self-check";

const help = `usage: course check <notebook.ipynb>... [--timeout S] [--notebook-timeout S] [--json]

Runs your exercise notebook from the top, as "Restart Kernel and Run All" would, and
says for each exercise whether its visible tests pass, with the message of the check
that failed, and your visible score. Your notebook file is not changed.

Only the tests you can see run here. When your work is graded, more tests run in the
same places; they are not shown and \`course check\` cannot run them.

Options:
  --timeout S            time limit per cell in seconds (default 60, or more where the
                         notebook asks for it in its metadata)
  --notebook-timeout S   time limit for the whole notebook (default 600, or the notebook's)
  --json                 print the results as JSON

Exit codes: 0 every visible test passes, 1 some test fails, 2 wrong command line or
a notebook without test cells, 3 the notebook or the kernel is missing.

Example:
  course check exercises/00-sample-assignment.ipynb`;

export const checkCommand: Command = {
  name: "check",
  summary: "run your exercise notebook and see which exercises pass",
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs("check", argv, {
      timeout: { type: "string" },
      "notebook-timeout": { type: "string" },
      json: { type: "boolean" },
    });
    if (positionals.length === 0)
      throw new UsageError("name the notebook to check.", "e.g. `course check exercises/00-sample-assignment.ipynb`.");
    const cell = secondsOption("check", "timeout", values.timeout);
    const whole = secondsOption("check", "notebook-timeout", values["notebook-timeout"]);
    const limits = {
      defaults: { cellTimeoutMs: 60_000, notebookTimeoutMs: 600_000 },
      given: { ...(cell !== undefined ? { cellTimeoutMs: cell } : {}), ...(whole !== undefined ? { notebookTimeoutMs: whole } : {}) },
    };
    let allPassed = true;
    const results = [];
    for (const file of positionals) {
      const result = await checkNotebook(file, limits);
      results.push(result);
      if (result.earned < result.possible) allPassed = false;
      if (!values.json) console.log(formatCheck(result));
    }
    if (values.json) console.log(JSON.stringify(results, null, 2));
    return allPassed ? EXIT.ok : EXIT.failed;
  },
};
