/**
 * What the review page shows beside a learner's written answer: the exercise's prompt
 * and the reference answer, read from the masters (the gradebook keeps no solutions).
 * A master that is missing or does not read is left out, not fatal: its answers are
 * still graded, only without the prompt beside them.
 */
import fs from "node:fs";
import path from "node:path";
import { isMaster } from "../notebook/master";
import { parseNotebook } from "../notebook/read";
import { writtenAnswerSpecs, type WrittenAnswerSpec } from "../grade/written-answers";

/** Written answers' specs by assignment (a master's file name without .ipynb), then grade_id. */
export type Prompts = Map<string, Map<string, WrittenAnswerSpec>>;

export function loadPrompts(mastersDir: string): Prompts {
  const prompts: Prompts = new Map();
  let entries: string[];
  try {
    entries = fs.readdirSync(mastersDir).filter((e) => e.endsWith(".ipynb"));
  } catch {
    return prompts;
  }
  for (const entry of entries.sort()) {
    try {
      const file = path.join(mastersDir, entry);
      const master = parseNotebook(fs.readFileSync(file, "utf8"), file);
      if (!isMaster(master)) continue;
      prompts.set(entry.slice(0, -".ipynb".length), new Map(writtenAnswerSpecs(master).map((s) => [s.gradeId, s])));
    } catch {
      // An unreadable master: its answers are shown without a prompt.
    }
  }
  return prompts;
}
