import fs from "node:fs";
import path from "node:path";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { CourseError, EXIT, UsageError } from "../errors";
import { Gradebook } from "../gradebook/gradebook";
import { CSV_LAYOUTS, exportCsv, type CsvLayout } from "../gradebook/export-csv";
import { projectRoot } from "../project";
import { htmlExportMode } from "../site/export-html";

/**
 * One way of exporting. To add a mode, add an entry here: it becomes a flag
 * (`course export --<name>`), is listed in the help and in the usage error.
 */
interface ExportMode {
  name: string;
  /** One line for the help. */
  summary: string;
  /** The default output, relative to the project. */
  defaultOut: string;
  /** Options only this mode takes (node's parseArgs form), and their help text. */
  options?: Record<string, { type: "string" | "boolean" }>;
  optionsHelp?: string;
  run(options: { gradebook?: string; out: string; root: string; values?: Record<string, unknown> }): Promise<string>;
}

const MODES: ExportMode[] = [
  {
    name: "csv",
    summary: "per-student scores per assignment and exercise, for an LMS (from the gradebook)",
    defaultOut: path.join("grading", "grades.csv"),
    options: { layout: { type: "string" } },
    optionsHelp: `CSV options:
  --layout L         the columns: plain (default: student, name, each assignment
                     and its exercises, total, review, unsandboxed, lateness),
                     canvas (Canvas's gradebook import: Student, ID, SIS User ID,
                     SIS Login ID, Section and a "Points Possible" row) or moodle
                     (Moodle's CSV grade import: Username, Email address, Full
                     name, a grade column per item). Exercises are headed
                     "<assignment>: <grade_id>". The README says what to choose in
                     each LMS's import dialog`,
    async run({ gradebook: file, out, root, values }) {
      const layout = csvLayout(values?.layout);
      const where = path.resolve(file ?? path.join(root, "grading", "gradebook.sqlite"));
      const gradebook = Gradebook.open(where, { create: false });
      try {
        // A blank gradebook (a first grading run stopped before it stored anything) is no
        // gradebook to an LMS: a CSV of headers alone would upload as "no grades" and,
        // written over an earlier export, lose it.
        if (gradebook.students().length === 0) {
          throw new CourseError(
            `the gradebook ${where} holds no grades yet; no CSV was written.`,
            "grade the submissions first (`course grade DIR`), or pass the right --gradebook FILE.",
            EXIT.missing,
          );
        }
        const { csv, students, warnings } = exportCsv(gradebook, layout);
        // Written anyway: the LMS's own import reports the rows it cannot match, and the other rows are good.
        for (const w of warnings) console.error(`course export: ${layout} layout: ${w}`);
        if (out === "-") process.stdout.write(csv);
        else {
          fs.mkdirSync(path.dirname(out), { recursive: true });
          // Temp file and rename: an interrupted export never leaves half a CSV in place of the last one.
          const temp = `${out}.${process.pid}.tmp`;
          fs.writeFileSync(temp, csv);
          fs.renameSync(temp, out);
        }
        return `${students} student(s), ${layout} layout`;
      } finally {
        gradebook.close();
      }
    },
  },
  htmlExportMode,
];

function csvLayout(given: unknown): CsvLayout {
  if (given === undefined) return "plain";
  if (typeof given === "string" && (CSV_LAYOUTS as readonly string[]).includes(given)) return given as CsvLayout;
  throw new UsageError(`--layout takes ${CSV_LAYOUTS.join(", ")}, got "${String(given)}".`, "e.g. `course export --csv --layout canvas`.");
}

const modeNames = () => MODES.map((m) => `--${m.name}`).join(", ");

const help = `usage: course export --<mode> [--gradebook FILE] [--out FILE]

Modes:
${MODES.map((m) => `  --${m.name.padEnd(6)} ${m.summary} (default out: ${m.defaultOut})`).join("\n")}

Options:
  --gradebook FILE   the gradebook (default: grading/gradebook.sqlite)
  --out FILE         where to write; "-" for standard output

${MODES.map((m) => (m.optionsHelp ? `${m.optionsHelp}\n\n` : "")).join("")}Exit codes: 0 written, 1 the gradebook cannot be read or written (permissions),
2 wrong command line (no mode, or two, or a --gradebook that is not a gradebook),
3 no gradebook, or one with no grades yet (nothing is written then).

Examples:
  course export --csv --out grades.csv
  course export --csv --layout canvas --out canvas-import.csv`;

export const exportCommand: Command = {
  name: "export",
  summary: "export grades (--csv) for an LMS, or the course as a static site (--html)",
  help,
  async run(argv) {
    const modeOptions = Object.fromEntries(MODES.map((m) => [m.name, { type: "boolean" as const }]));
    const modeOnly: Record<string, { type: "string" | "boolean" }> = Object.assign({}, ...MODES.map((m) => m.options ?? {}));
    const { values, positionals } = parseCommandArgs("export", argv, {
      ...modeOptions,
      ...modeOnly,
      gradebook: { type: "string" },
      out: { type: "string" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}".`, "see `course export --help`.");
    const chosen = MODES.filter((m) => (values as Record<string, unknown>)[m.name] === true);
    if (chosen.length !== 1) {
      throw new UsageError(
        chosen.length === 0
          ? `say what to export: one of ${modeNames()}.`
          : `choose one mode at a time, not ${chosen.map((m) => `--${m.name}`).join(" and ")}.`,
        "e.g. `course export --csv`; see `course export --help`.",
      );
    }
    const mode = chosen[0]!;
    const root = projectRoot();
    const gradebook = typeof values.gradebook === "string" ? values.gradebook : undefined;
    const outValue = typeof values.out === "string" ? values.out : undefined;
    const out = outValue === "-" ? "-" : path.resolve(outValue ?? path.join(root, mode.defaultOut));
    const what = await mode.run({ gradebook, out, root, values });
    if (out !== "-") console.error(`course export: ${what} written to ${path.relative(process.cwd(), out) || out}`);
    return EXIT.ok;
  },
};
