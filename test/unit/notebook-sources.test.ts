// The notebooks name their sources as a reader would cite them ("the IIT Roorkee
// slides"), never by an internal number ("seed 001"), which learners do not know and
// which reads like a random seed. "Seed" stays for random seeds only.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { courseNotebookFiles } from "../../scripts/src/site/catalog";
import { readNotebook } from "../../scripts/src/notebook/read";
import { cellSource } from "../../scripts/src/notebook/cells";

/** Text that names a source by number, or calls it "the seed". */
export const SOURCE_BY_NUMBER = /\bseed[ -]?0{0,2}(000|001|003|004)\b|\bthe seed's\b|\bseeds? 00[0134]\b/i;

test("the pattern catches a source called by its number and lets random seeds be", () => {
  for (const bad of [
    "as seed 000 writes it",
    "Seed 001 trains a perceptron",
    "the seed's random_state",
    "(seed 004's example)",
    "seeds 003",
  ]) {
    assert.match(bad, SOURCE_BY_NUMBER, bad);
  }
  for (const good of ["shuffled with seed 42", "20 seeds each", "{ seed: 0 }", "seed 3", "seed000Runs", "the IIT Roorkee slides"]) {
    assert.doesNotMatch(good, SOURCE_BY_NUMBER, good);
  }
});

test('no master in notebooks/ calls a source "seed 000|001|003|004" or "the seed\'s"', () => {
  const files = courseNotebookFiles(path.join(projectRoot, "notebooks"));
  assert.ok(files.length > 0);
  const found: string[] = [];
  for (const file of files) {
    readNotebook(file).cells.forEach((cell, i) => {
      cellSource(cell)
        .split("\n")
        .forEach((line, k) => {
          const m = SOURCE_BY_NUMBER.exec(line);
          if (m) found.push(`${path.basename(file)} cell ${i + 1} line ${k + 1}: "${m[0]}"`);
        });
    });
  }
  assert.deepEqual(found, [], "name the source instead (see the course's list of sources in index.ipynb)");
});
