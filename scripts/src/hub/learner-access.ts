/**
 * Can a learner's account use the course? Their server runs as them, so node, the
 * kernel, the library, the exercises, the datasets and the kernel spec must be readable
 * by an account that is neither their owner nor in their group. A course unpacked in
 * /root, or a node installed under an instructor's ~/.nvm, starts for the instructor and
 * fails for every learner ("Permission denied" deep inside a kernel start), so
 * `course hub` checks first and names the path.
 */
import fs from "node:fs";
import path from "node:path";

/** What a learner must be able to do with a path. */
export type Need = "read" | "run" | "list";

export interface PathMode {
  path: string;
  /** The mode bits from stat (st_mode). */
  mode: number;
}

/** The "others" bits each need asks for. */
const OTHERS: Record<Need, { bits: number; letters: string; verb: string }> = {
  read: { bits: 0o004, letters: "r", verb: "read" },
  run: { bits: 0o005, letters: "rx", verb: "run" },
  list: { bits: 0o005, letters: "rx", verb: "open the folder" },
};

/**
 * Why "others" (a learner) cannot do `need` with the last entry of `chain`, whose
 * earlier entries are its ancestor folders (each must let others pass: o+x), or
 * undefined when they can.
 */
export function learnerAccessProblem(chain: readonly PathMode[], need: Need): string | undefined {
  const target = chain[chain.length - 1];
  if (!target) return undefined;
  for (const folder of chain.slice(0, -1)) {
    if ((folder.mode & 0o001) === 0)
      return `${folder.path} does not let other accounts through (mode ${octal(folder.mode)}, needs o+x), so learners cannot reach ${target.path}`;
  }
  const wanted = OTHERS[need];
  if ((target.mode & wanted.bits) !== wanted.bits)
    return `learners cannot ${wanted.verb} ${target.path} (mode ${octal(target.mode)}, needs o+${wanted.letters})`;
  return undefined;
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}

/** The path and each folder above it, outermost first, with their modes (links followed: what a learner's access meets). */
export function modeChain(target: string): PathMode[] {
  const real = fs.realpathSync(target);
  const chain: PathMode[] = [];
  let current = real;
  for (;;) {
    const stat = fs.statSync(current);
    chain.unshift({ path: current, mode: stat.mode });
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return chain;
}

/** The problems learners would meet with these paths (missing paths are skipped: other checks name them). */
export function learnerAccessProblems(targets: readonly { path: string; need: Need }[]): string[] {
  const problems: string[] = [];
  for (const target of targets) {
    if (!fs.existsSync(target.path)) continue;
    const problem = learnerAccessProblem(modeChain(target.path), target.need);
    if (problem && !problems.includes(problem)) problems.push(problem);
  }
  return problems;
}
