/**
 * The read-only and test cells as learners got them, release by release. A master whose
 * Markdown (or a visible test) is fixed after release differs from every copy handed
 * out before the fix; compared with today's master alone, each of those copies looked
 * "edited" and every learner was told so. A copy that matches an earlier release was not
 * edited by its learner: the master changed.
 *
 * The releases are the committed versions of the assignment's student version
 * (exercises/<name>.ipynb, which `course build` writes and the course keeps in git), so
 * every release that was committed is known, also those from before the first grading.
 * Where there is no git history (a course folder that is not a repository, or the file
 * never committed), only today's student version is known, as before.
 *
 * Grading still restores every locked and test cell from today's master: this only
 * decides what a difference is called.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { cellSource } from "../notebook/cells";
import { cellKind, gradeIdOf } from "../notebook/master";
import type { Notebook } from "../notebook/model";
import { parseNotebook } from "../notebook/read";

/** grade_id → the normalized sources that earlier releases gave a read-only or test cell. */
export type ReleasedCells = Map<string, Set<string>>;

/** Enough releases for a term of fixes; older ones are rarely still handed in. */
const MAX_RELEASES = 50;

/** The locked and test cells of one student version, by grade_id, normalized as sanitize compares them. */
export function lockedCells(notebook: Notebook): Map<string, string> {
  const cells = new Map<string, string>();
  for (const cell of notebook.cells) {
    const id = gradeIdOf(cell);
    const kind = cellKind(cell);
    if (id !== undefined && (kind === "locked" || kind === "test")) cells.set(id, normalizeSource(cellSource(cell)));
  }
  return cells;
}

/** Adds a release's locked and test cells to `into`. */
export function addRelease(into: ReleasedCells, notebook: Notebook): void {
  for (const [id, source] of lockedCells(notebook)) {
    if (!into.has(id)) into.set(id, new Set());
    into.get(id)!.add(source);
  }
}

/**
 * Every committed release of `exercises/<name>.ipynb` in the project's git history. Empty
 * when git, the repository or the file's history is not there: never an error, since a
 * course need not be a repository.
 */
export function releasedCellsFromGit(projectRoot: string, name: string): ReleasedCells {
  const released: ReleasedCells = new Map();
  const file = path.posix.join("exercises", `${name}.ipynb`);
  const git = (args: string[]) =>
    execFileSync("git", ["-C", projectRoot, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 << 20 });
  let revisions: string[];
  try {
    revisions = git(["log", `--max-count=${MAX_RELEASES}`, "--format=%H", "--", file])
      .split("\n")
      .filter(Boolean);
  } catch {
    return released;
  }
  for (const revision of revisions) {
    try {
      addRelease(released, parseNotebook(git(["show", `${revision}:${file}`]), `${file} at ${revision.slice(0, 10)}`));
    } catch {
      // a release that was deleted or does not parse tells nothing about the others
    }
  }
  return released;
}

/** Source compared without trailing spaces and blank lines at the end (editors add them). */
export function normalizeSource(source: string): string {
  return source
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .trimEnd();
}
