import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCourse } from "../helpers/cli";
import { courseNotebooks } from "../../scripts/src/commands/start";

interface Cell {
  cell_type: string;
  outputs?: { output_type: string }[];
  execution_count?: number | null;
}

test("with no Jupyter on PATH, `course start` says how to get one and runs the course headless", { timeout: 600_000 }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-start-"));
  try {
    // An empty PATH hides every Jupyter; node itself is started by absolute path.
    const env = { ...process.env, PATH: path.join(tmp, "empty-bin"), JUPYTER_DATA_DIR: path.join(tmp, "jupyter"), JUPYTER_PATH: "" };
    const out = path.join(tmp, "executed");
    const r = await runCourse(["start", "--output-dir", out], { env, timeoutMs: 590_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Registered kernel "tslab"/);
    assert.match(r.stdout, /No Jupyter found/);
    assert.match(r.stdout, /pip install jupyterlab/);
    assert.match(r.stdout, /runs headless/);
    const notebooks = courseNotebooks();
    assert.ok(notebooks.length >= 1);
    for (const source of notebooks) {
      const executed = path.join(out, path.basename(source));
      assert.ok(fs.existsSync(executed), `${executed} was written`);
      const cells = (JSON.parse(fs.readFileSync(executed, "utf8")) as { cells: Cell[] }).cells.filter((c) => c.cell_type === "code");
      assert.ok(cells.every((c) => typeof c.execution_count === "number"), `every code cell of ${path.basename(source)} ran`);
      assert.equal(cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "error").length, 0);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
