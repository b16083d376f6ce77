/**
 * Which of the learners' notebooks go where in submissions/, with no file system in it:
 * what `course collect` decides before it touches anything.
 *
 * A learner's folder holds more than their submissions: scratch notebooks, a copy in
 * Downloads, an old attempt in a subfolder. The rules:
 *   - a notebook counts when its file name is an assignment's (a master's name); other
 *     notebooks are listed and left out, as course grade would record them as unknown;
 *   - two notebooks of one learner with the same assignment's name: the one saved last
 *     is taken, and the others are named in the report (never dropped unseen);
 *   - submissions/ may already hold a learner's notebook from an earlier collection:
 *     an identical one stays as it is, and a different one is a conflict, which stops
 *     the whole collection unless the instructor asked to replace (then the old copy
 *     is kept aside, not deleted).
 */

/** A notebook found in a learner's folder. */
export interface FoundNotebook {
  student: string;
  /** Its path inside the student's folder, for reports. */
  relative: string;
  /** Its file name without ".ipynb". */
  stem: string;
  /** When it was last saved (ms since 1970). */
  mtimeMs: number;
}

export interface PickedSubmission<F extends FoundNotebook = FoundNotebook> {
  student: string;
  assignment: string;
  found: F;
}

export interface Picks<F extends FoundNotebook = FoundNotebook> {
  picked: PickedSubmission<F>[];
  /** Same learner, same assignment, not taken: each with the one taken instead. */
  duplicates: { student: string; assignment: string; taken: string; left: string[] }[];
  /** Notebooks whose name is no assignment's. */
  others: F[];
}

/**
 * Chooses one notebook per learner and assignment. Ties in save time go to the
 * shallower path (the course folder over a copy in a subfolder), then by name, so the
 * choice never depends on the order the folders were read in.
 */
export function pickSubmissions<F extends FoundNotebook>(found: readonly F[], assignments: ReadonlySet<string>): Picks<F> {
  const groups = new Map<string, F[]>();
  const others: F[] = [];
  for (const notebook of found) {
    if (!assignments.has(notebook.stem)) {
      others.push(notebook);
      continue;
    }
    const key = JSON.stringify([notebook.student, notebook.stem]);
    groups.set(key, [...(groups.get(key) ?? []), notebook]);
  }
  const depth = (relative: string) => relative.split(/[\\/]/).length;
  const picked: PickedSubmission<F>[] = [];
  const duplicates: Picks<F>["duplicates"] = [];
  for (const candidates of groups.values()) {
    const ranked = [...candidates].sort(
      (a, b) => b.mtimeMs - a.mtimeMs || depth(a.relative) - depth(b.relative) || (a.relative < b.relative ? -1 : 1),
    );
    const taken = ranked[0]!;
    picked.push({ student: taken.student, assignment: taken.stem, found: taken });
    if (ranked.length > 1)
      duplicates.push({
        student: taken.student,
        assignment: taken.stem,
        taken: taken.relative,
        left: ranked.slice(1).map((n) => n.relative),
      });
  }
  const order = (a: { student: string; assignment: string }, b: { student: string; assignment: string }) =>
    a.student === b.student ? (a.assignment < b.assignment ? -1 : 1) : a.student < b.student ? -1 : 1;
  picked.sort(order);
  duplicates.sort(order);
  return { picked, duplicates, others };
}

/**
 * Why a folder's name cannot be a student's name in submissions/, or undefined. The
 * name becomes a folder that course grade reads, a gradebook key, a row of the CSV
 * export: names that would be skipped there (hidden) or that no one could tell apart
 * from another in a list (control characters, spaces at either end) are refused, with
 * the folder named, rather than collected under a name that is not quite theirs.
 */
export function studentNameProblem(name: string): string | undefined {
  if (name.startsWith(".")) return 'it starts with "." (course grade skips hidden folders)';
  if (/[\u0000-\u001f\u007f]/.test(name)) return "it holds control characters";
  if (name !== name.trim()) return "it starts or ends with a space";
  return undefined;
}

/** What collecting one submission does to submissions/. */
export type CollectStep<F extends FoundNotebook = FoundNotebook> = PickedSubmission<F> & {
  action: "new" | "unchanged" | "replace";
};

export interface CollectPlan<F extends FoundNotebook = FoundNotebook> {
  steps: CollectStep<F>[];
  /** Differs from the copy submissions/ already holds, and replacing was not asked for. */
  conflicts: PickedSubmission<F>[];
}

/**
 * Compares each pick with what submissions/ holds: `existing(student, assignment)` is
 * the hash of the copy there (undefined when none), `hashOf(pick)` the learner's.
 */
export function planCollect<F extends FoundNotebook>(
  picked: readonly PickedSubmission<F>[],
  existing: (student: string, assignment: string) => string | undefined,
  hashOf: (pick: PickedSubmission<F>) => string,
  replace: boolean,
): CollectPlan<F> {
  const steps: CollectStep<F>[] = [];
  const conflicts: PickedSubmission<F>[] = [];
  for (const pick of picked) {
    const there = existing(pick.student, pick.assignment);
    if (there === undefined) steps.push({ ...pick, action: "new" });
    else if (there === hashOf(pick)) steps.push({ ...pick, action: "unchanged" });
    else if (replace) steps.push({ ...pick, action: "replace" });
    else conflicts.push(pick);
  }
  return { steps, conflicts };
}
