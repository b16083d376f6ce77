import fs from "node:fs";
import path from "node:path";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { EXIT, UsageError } from "../errors";
import { Gradebook } from "../gradebook/gradebook";
import { defaultIndexFile, writeFeedback } from "../gradebook/feedback";
import { isMaster } from "../notebook/master";
import { parseNotebook } from "../notebook/read";
import { projectRoot } from "../project";
import { testTitles } from "../grade/test-titles";

const help = `usage: course feedback [--gradebook FILE] [--out DIR] [--index FILE] [--masters DIR]

Writes an HTML feedback page for every student and assignment in the gradebook:
the score, each test (named by its exercise's title) with its result and message,
and the graded cells the grader had to restore. Pages show no test source (hidden
tests stay hidden) and no solutions.

Layout: DIR/<student>/<assignment>.html and DIR/<student>/index.html, the student's
own list. Hand each student their own folder DIR/<student>/: nothing in it names or
links to another student. The instructor's index (every student's score and the files
that could not be attributed) is written apart, to DIR-index.html beside DIR (or
--index FILE), never inside DIR. A name that is not plain (lowercase letters, digits,
".", "-", "_") gets "~" and a short hash of the exact name, e.g.
"Zoë Ångström~d91ffefba5": every student has a folder of their own, and the same one
each time.

Options:
  --gradebook FILE   the gradebook (default: grading/gradebook.sqlite)
  --out DIR          where the students' folders go (default: grading/feedback)
  --index FILE       the instructor's index (default: DIR-index.html)
  --masters DIR      the masters, for the exercises' titles (default: notebooks/;
                     a test whose master is not there is named by its grade_id)

Exit codes: 0 written, 1 the gradebook cannot be read or written (permissions),
2 wrong command line, a --gradebook that is not a gradebook or an --index inside
DIR, 3 no gradebook.`;

export const feedbackCommand: Command = {
  name: "feedback",
  summary: "write HTML feedback pages from the gradebook",
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs("feedback", argv, {
      gradebook: { type: "string" },
      out: { type: "string" },
      index: { type: "string" },
      masters: { type: "string" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}".`, "see `course feedback --help`.");
    const root = projectRoot();
    const gradebook = Gradebook.open(path.resolve(values.gradebook ?? path.join(root, "grading", "gradebook.sqlite")), { create: false });
    try {
      const out = path.resolve(values.out ?? path.join(root, "grading", "feedback"));
      const indexFile = path.resolve(values.index ?? defaultIndexFile(out));
      const titles = mastersTitles(path.resolve(values.masters ?? path.join(root, "notebooks")));
      const result = writeFeedback(gradebook, out, { indexFile, titles });
      const shown = (file: string) => path.relative(process.cwd(), file) || file;
      console.log(
        `course feedback: ${result.pages} page(s) in ${result.students} student folder(s) under ${shown(out)}; hand each student their own folder.`,
      );
      if (result.removedOldIndex !== undefined)
        console.log(`course feedback: removed ${shown(result.removedOldIndex)}, the all-students index an earlier version wrote there.`);
      console.log(`course feedback: the instructor's index (every student; not for students): ${shown(result.index)}`);
      return EXIT.ok;
    } finally {
      gradebook.close();
    }
  },
};

/**
 * The tests' titles of every master in `dir`, by assignment. Read leniently: titles only
 * name the tests, so a missing folder or a notebook that does not parse leaves grade_ids.
 */
function mastersTitles(dir: string): Map<string, Map<string, string>> {
  const titles = new Map<string, Map<string, string>>();
  let entries: string[];
  try {
    entries = fs.readdirSync(dir).filter((e) => e.endsWith(".ipynb"));
  } catch {
    return titles;
  }
  for (const entry of entries) {
    try {
      const notebook = parseNotebook(fs.readFileSync(path.join(dir, entry), "utf8"), entry);
      if (isMaster(notebook)) titles.set(entry.slice(0, -".ipynb".length), testTitles(notebook));
    } catch {
      // not a notebook: its assignment's tests keep their grade_ids
    }
  }
  return titles;
}
