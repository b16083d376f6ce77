/**
 * Finding the submissions in a folder. Two layouts, mixed freely:
 *
 *   <student>/<assignment>.ipynb             one folder per student (nbgrader's layout)
 *   <student>_<anything>_<assignment>.ipynb  flat LMS downloads (Moodle, Canvas, Blackboard)
 *   <assignment>.ipynb                       directly in the folder: the folder's name is
 *                                            the student (`course grade solutions/`)
 *
 * In the flat layout the student is everything before the first "_", and the file
 * name must end with "_<assignment>.ipynb", where <assignment> is a master's name; an
 * LMS's "-1", "-2" suffix for a resubmission ("..._00-sample-assignment-1.ipynb") is
 * accepted. "<student>_<assignment>.ipynb" works too. Flat files that match no master
 * are reported as unrecognized, with the reason, never dropped. In the folder layout a
 * notebook whose name is no master's is graded as an unknown assignment (reported).
 * Hidden files and folders (".ipynb_checkpoints") are ignored.
 */
import fs from "node:fs";
import path from "node:path";

export interface SubmissionFile {
  /** Absolute path. */
  file: string;
  /** The path relative to the submissions folder, for reports. */
  relative: string;
  student: string;
  assignment: string;
  layout: "folder" | "flat";
}

export interface UnrecognizedFile {
  file: string;
  relative: string;
  reason: string;
}

export interface Discovery {
  submissions: SubmissionFile[];
  unrecognized: UnrecognizedFile[];
}

export function discoverSubmissions(dir: string, assignmentNames: readonly string[]): Discovery {
  const submissions: SubmissionFile[] = [];
  const unrecognized: UnrecognizedFile[] = [];
  // Longest names first, so "01-xor-extra" wins over "xor-extra" when both exist.
  const names = [...assignmentNames].sort((a, b) => b.length - a.length);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      for (const inner of fs.readdirSync(full, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (inner.name.startsWith(".")) continue;
        const file = path.join(full, inner.name);
        const relative = path.join(entry.name, inner.name);
        if (inner.isFile() && inner.name.endsWith(".ipynb")) {
          submissions.push({ file, relative, student: entry.name, assignment: inner.name.slice(0, -6), layout: "folder" });
        } else {
          unrecognized.push({
            file,
            relative,
            reason: inner.isDirectory()
              ? "a folder inside a student's folder (expected <student>/<assignment>.ipynb)"
              : "not a .ipynb file",
          });
        }
      }
    } else if (entry.isFile()) {
      if (entry.name.endsWith(".ipynb") && assignmentNames.includes(entry.name.slice(0, -6))) {
        submissions.push({
          file: full,
          relative: entry.name,
          student: path.basename(path.resolve(dir)),
          assignment: entry.name.slice(0, -6),
          layout: "flat",
        });
        continue;
      }
      const match = matchFlat(entry.name, names);
      if (typeof match === "string") unrecognized.push({ file: full, relative: entry.name, reason: match });
      else submissions.push({ file: full, relative: entry.name, ...match, layout: "flat" });
    }
  }
  return { submissions, unrecognized };
}

/** Reads "<student>_<anything>_<assignment>.ipynb"; returns why not when it does not fit. */
export function matchFlat(fileName: string, assignmentNames: readonly string[]): { student: string; assignment: string } | string {
  if (!fileName.endsWith(".ipynb")) return "not a .ipynb file";
  const stem = fileName.slice(0, -6);
  const cut = stem.indexOf("_");
  if (cut <= 0) return 'the name has no "<student>_" prefix (expected <student>_<anything>_<assignment>.ipynb, or a <student>/ folder)';
  const student = stem.slice(0, cut);
  for (const name of assignmentNames) {
    const tail = new RegExp(`_${escapeRegExp(name)}(-\\d+)?$`);
    if (tail.test(stem) && stem.length - stem.match(tail)![0].length >= cut) return { student, assignment: name };
  }
  return `the name does not end with "_<assignment>.ipynb" for any master (${assignmentNames.join(", ")})`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The folders running a course notebook writes beside it: saved models, checkpoints and run logs (notebooks 11 and 12). */
const RUN_OUTPUT_FOLDERS = new Set(["models", "runs"]);

/**
 * What a grading run takes from a discovery. The folders a notebook run writes
 * (models/ and runs/, beside the notebooks of `course grade solutions/` or inside a
 * student's folder) are not submissions: their files are left out, not reported as
 * rejected (".ipynb_checkpoints" and other hidden folders never get this far). A
 * notebook found in such a folder is still kept and reported as usual. With `only` (a
 * master's name: `course grade --assignment NAME`), the submissions of every other
 * assignment are left out too; files that fit no layout are still reported, since one
 * of them may be a misnamed copy of that assignment.
 */
export function narrowForRun(found: Discovery, only?: string): Discovery {
  const inRunOutput = (relative: string) => {
    if (relative.endsWith(".ipynb")) return false;
    return relative.split(/[\\/]/).some((part) => RUN_OUTPUT_FOLDERS.has(part));
  };
  return {
    ...found,
    submissions: only === undefined ? found.submissions : found.submissions.filter((s) => s.assignment === only),
    unrecognized: found.unrecognized.filter((file) => !inRunOutput(file.relative)),
  };
}
