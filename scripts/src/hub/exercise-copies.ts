/**
 * What a learner's course folder gets when their server starts: the rule, with no file
 * system in it.
 *
 * The course's exercises are copied into each learner's own folder, and the course is
 * updated during the term (a new week's notebook, a fixed typo). The rule, the one
 * nbgitpuller follows for the same job, keeps a learner's work above everything else:
 *   - a notebook the learner does not have is copied: a new exercise appears, and one
 *     the learner deleted comes back fresh (deleting is how a learner starts over);
 *   - a notebook the learner has and never changed (its bytes are those we copied last
 *     time) follows the course: it is replaced by the course's newer version, which loses
 *     nothing;
 *   - a notebook the learner changed, or one of their own that happens to have a
 *     course notebook's name, is never touched.
 * "Never changed" needs a record of what was copied: its hash per notebook, kept in the
 * learner's folder. Without that record (a first login, or a learner who deleted it)
 * every notebook already there counts as the learner's own, so a lost record can only
 * make the rule more careful, never overwrite anything.
 */

/** A notebook of the course, by file name, with the hash of its bytes. */
export interface CourseNotebook {
  name: string;
  sha256: string;
}

/** name → sha256 of the version last copied into the learner's folder. */
export type CopyRecord = Readonly<Record<string, string>>;

export type CopyStep =
  /** The learner has no file of this name: copy the course's (new, or deleted by the learner). */
  | { kind: "copy"; name: string; why: "new" | "restored" }
  /** The learner's file is the untouched earlier copy: replace it with the course's newer version. */
  | { kind: "update"; name: string; replaces: string }
  /** The learner's file stays as it is. */
  | { kind: "keep"; name: string; why: "up-to-date" | "changed-by-learner" | "learner's-own" };

export interface CopyPlan {
  steps: CopyStep[];
  /** The record to store once the steps are done. */
  record: Record<string, string>;
}

/**
 * Decides, for every course notebook, what happens to the learner's folder.
 * `learnerFiles` maps each file name present in the learner's folder to the hash of
 * its bytes. Notebooks the course no longer has are not mentioned: the learner's copies
 * stay, and so do their entries in the record.
 */
export function planExerciseCopies(
  course: readonly CourseNotebook[],
  learnerFiles: ReadonlyMap<string, string>,
  previous: CopyRecord,
): CopyPlan {
  const record: Record<string, string> = { ...previous };
  const steps: CopyStep[] = [];
  for (const notebook of course) {
    const theirs = learnerFiles.get(notebook.name);
    const copied = previous[notebook.name];
    if (theirs === undefined) {
      steps.push({ kind: "copy", name: notebook.name, why: copied === undefined ? "new" : "restored" });
      record[notebook.name] = notebook.sha256;
    } else if (theirs === notebook.sha256) {
      // Already the course's version (whoever put it there): from now on it follows the course.
      steps.push({ kind: "keep", name: notebook.name, why: "up-to-date" });
      record[notebook.name] = notebook.sha256;
    } else if (copied !== undefined && theirs === copied) {
      steps.push({ kind: "update", name: notebook.name, replaces: copied });
      record[notebook.name] = notebook.sha256;
    } else {
      // Changed since we copied it, or never copied by us: the learner's, untouched. Its
      // record entry (if any) stays, so a later copy is judged against what we gave.
      steps.push({ kind: "keep", name: notebook.name, why: copied === undefined ? "learner's-own" : "changed-by-learner" });
    }
  }
  return { steps, record };
}
