// `course build --run` in a real kernel: the guide's master runs with its solutions and
// hidden tests at full marks and is released; a copy whose solution fails a hidden test,
// with a type error in another answer, is refused with both cells named, and nothing is written.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCourse } from "../helpers/cli";
import { guideMaster } from "../helpers/guide";
import { gradeIdOf } from "../../scripts/src/notebook/master";
import { cellSource, serializeNotebook } from "../../scripts/src/notebook";
import { parseNotebook } from "../../scripts/src/notebook/read";

const NAME = "01-first-assignment";

function withMaster(text: string, fn: (source: string, out: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-authoring-"));
  const source = path.join(dir, "masters");
  fs.mkdirSync(source);
  fs.writeFileSync(path.join(source, `${NAME}.ipynb`), text);
  return fn(source, path.join(dir, "out")).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

/** The guide's master with the source of cell `gradeId` changed by `edit`; returns it and the cell's number (1 = the first). */
function broken(edits: Record<string, (source: string) => string>): { text: string; cells: Record<string, number> } {
  const master = parseNotebook(guideMaster(), "the guide's master");
  const cells: Record<string, number> = {};
  master.cells.forEach((cell, index) => {
    const id = gradeIdOf(cell);
    const edit = id === undefined ? undefined : edits[id];
    if (edit === undefined) return;
    const before = cellSource(cell);
    cell.source = edit(before);
    assert.notEqual(cell.source, before, `the edit of ${id} changed it`);
    cells[id!] = index + 1;
  });
  return { text: serializeNotebook(master), cells };
}

test("the guide's master runs at full marks and is released", { timeout: 180_000 }, () =>
  withMaster(guideMaster(), async (source, out) => {
    const result = await runCourse(["build", "--run", "--source", source, "--out", out], { timeoutMs: 150_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`ran ${NAME}: \\d+ cells, 2 test cell\\(s\\) at full marks`));
    assert.ok(fs.existsSync(path.join(out, "exercises", `${NAME}.ipynb`)));
  }),
);

test(
  "a solution that fails its hidden test and an answer with a type error: refused, cells named, nothing written",
  { timeout: 180_000 },
  () => {
    const { text, cells } = broken({
      // Right on the visible example (spread([4, 1, 3]) is 3 either way), wrong on the hidden one (spread([-2])).
      stats: (s) =>
        s.replace("return Math.max(...xs) - Math.min(...xs);", "return xs.length === 1 ? 1 : Math.max(...xs) - Math.min(...xs);"),
      double: (s) => s.replace("return 2 * x;", 'return 2 * x + "";'),
    });
    return withMaster(text, async (source, out) => {
      const result = await runCourse(["build", "--run", "--source", source, "--out", out], { timeoutMs: 150_000 });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      const file = path.relative(path.dirname(source), path.join(source, `${NAME}.ipynb`));
      assert.match(
        result.stderr,
        new RegExp(`${file.replace(/[.]/g, "\\.")}: cell ${cells.double} \\(grade_id "double"\\): the master's own code does not compile`),
      );
      assert.match(result.stderr, /Type 'string' is not assignable to type 'number'/);
      assert.match(
        result.stderr,
        new RegExp(`: cell ${cells.stats! + 1} \\(grade_id "stats-tests"\\): the master's own solution earns 1 of 3 points in this test:`),
      );
      assert.match(result.stderr, /spread: spread\(\[-2\]\) should be 0 but your code gave 1\./);
      assert.match(result.stderr, /nothing was written/);
      assert.equal(fs.existsSync(out), false, "nothing written");
    });
  },
);
