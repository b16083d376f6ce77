/**
 * One file is graded per student and assignment. When a download holds several (a
 * Canvas resubmission "-1", two Blackboard attempts, a folder copy beside an LMS copy),
 * the newest is graded where the LMS says which that is: by the time it gives
 * (Blackboard, Gradescope) or Canvas's resubmission number. Where nothing orders them
 * the first by path is graded, as before, and the run says that no order was known.
 * The others are never dropped: the run records each with the reason.
 *
 * A group submission is the exception to trusting the newest. On Gradescope whoever
 * hands in names the group, so a learner can add a classmate to their group: the
 * classmate would then be graded on the other's newer work and their own set aside.
 * When a student has a group submission and another hand-in, the newest is graded as
 * usual but held for review, saying which files compete, for the instructor to decide.
 */
import type { SubmissionFile } from "./submissions";

export interface SetAside {
  file: SubmissionFile;
  /** The file graded instead. */
  graded: SubmissionFile;
  reason: string;
}

/** A graded file the instructor must confirm, and why. */
export interface HeldChoice {
  file: SubmissionFile;
  reason: string;
}

export function pickNewest(files: readonly SubmissionFile[]): { graded: SubmissionFile[]; setAside: SetAside[]; held: HeldChoice[] } {
  const groups = new Map<string, SubmissionFile[]>();
  for (const f of files) {
    const key = `${f.student}\0${f.assignment}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const graded: SubmissionFile[] = [];
  const setAside: SetAside[] = [];
  const held: HeldChoice[] = [];
  for (const group of groups.values()) {
    const ordered = group.every((f) => f.order !== undefined && f.order.basis === group[0]!.order!.basis);
    const newest = ordered ? group.reduce((best, f) => (f.order!.value > best.order!.value ? f : best)) : group[0]!;
    // Two files the LMS ranks equal are not ordered either.
    const tie = ordered && group.filter((f) => f.order!.value === newest.order!.value).length > 1;
    graded.push(newest);
    for (const f of group) {
      if (f === newest) continue;
      const reason =
        ordered && !tie
          ? `an earlier hand-in of student "${f.student}" for "${f.assignment}": the newest, ${newest.relative}, was graded (by ${newest.order!.basis}); this one is kept on record`
          : `another file for student "${f.student}" and assignment "${f.assignment}" was graded: ${newest.relative} (nothing says which is newer, so the first by name was taken; remove the file that should not count and grade again)`;
      setAside.push({ file: f, graded: newest, reason });
    }
    if (group.length > 1 && group.some((f) => f.groupWith !== undefined))
      held.push({
        file: newest,
        reason:
          `student "${newest.student}" is in more than one hand-in for "${newest.assignment}": ${group.map(describeHandIn).join("; ")}. ` +
          `${newest.relative} was graded; a group's submitter chooses its members, so check which hand-in counts (remove the other file and grade again).`,
      });
  }
  return { graded, setAside, held };
}

function describeHandIn(f: SubmissionFile): string {
  return f.groupWith === undefined ? `${f.relative} (their own)` : `${f.relative} (a group submission with ${f.groupWith.join(", ")})`;
}
