import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCourse } from "../helpers/cli";
import { newCodeCell, newMarkdownCell, newNotebook } from "../../scripts/src/notebook/cells";
import { writeNotebook } from "../../scripts/src/notebook/write";

/** A folder of "executed" notebooks, as `course run --output-dir` leaves them (no kernel needed). */
function executedFolder(root: string): string {
  const dir = path.join(root, "executed");
  fs.mkdirSync(dir);
  const test = newCodeCell("check(answer());\n// BEGIN HIDDEN TESTS\nconst secretProbe = 42;\n// END HIDDEN TESTS\n", {
    nbgrader: { schema_version: 3, grade_id: "answer-tests", solution: false, grade: true, locked: true, points: 1, task: false },
  });
  test.execution_count = 2;
  test.outputs = [{ output_type: "stream", name: "stdout", text: "all checks passed\n" }];
  const answer = newCodeCell("function answer() {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}\n", {
    nbgrader: { schema_version: 3, grade_id: "answer", solution: true, grade: false, locked: false, task: false },
  });
  answer.execution_count = 1;
  writeNotebook(
    path.join(dir, "02-graded.ipynb"),
    newNotebook([newMarkdownCell("# 02 · Graded\n\nAn exercise on $y = wx + b$, the line."), answer, test]),
  );
  const plot = {
    ...newCodeCell("plot()"),
    execution_count: 1,
    outputs: [
      { output_type: "display_data" as const, data: { "application/vnd.plotly.v1+json": { data: [{ y: [1, 2] }] } }, metadata: {} },
    ],
  };
  writeNotebook(
    path.join(dir, "01-intro.ipynb"),
    newNotebook([newMarkdownCell("# 01 · Intro\n\nWhat the course is about, and see [the exercise](02-graded.ipynb)."), plot]),
  );
  writeNotebook(path.join(dir, "scratch.ipynb"), newNotebook([newMarkdownCell("# scratch")]));
  return dir;
}

test("course export --html --from DIR writes a site of the executed notebooks, without hidden tests", async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-export-cli-"));
  try {
    const out = path.join(tmp, "site");
    const r = await runCourse(["export", "--html", "--from", executedFolder(tmp), "--out", out]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /3 pages \(1 plotly figure\(s\)\) written to/);
    assert.deepEqual(fs.readdirSync(out).sort(), [".nncourse-site", "01-intro.html", "02-graded.html", "assets", "index.html"]);
    for (const asset of ["plotly.min.js", "katex/katex.min.css", "highlight.css", "site.css", "site.js", "require-shim.js"]) {
      assert.ok(fs.existsSync(path.join(out, "assets", asset)), `assets/${asset}`);
    }
    assert.ok(
      fs.readdirSync(path.join(out, "assets", "katex", "fonts")).some((f) => f.endsWith(".woff2")),
      "KaTeX's fonts are copied",
    );
    const graded = fs.readFileSync(path.join(out, "02-graded.html"), "utf8");
    assert.doesNotMatch(graded, /secretProbe|HIDDEN TESTS|BEGIN SOLUTION/);
    assert.match(graded, /all checks passed/);
    assert.match(graded, /class="katex"/);
    const intro = fs.readFileSync(path.join(out, "01-intro.html"), "utf8");
    assert.match(intro, /href="02-graded\.html"/, "links between notebooks point at their pages");
    assert.equal((intro.match(/<script src="assets\/plotly\.min\.js">/g) ?? []).length, 1, "plotly.js once, from the local copy");
    assert.doesNotMatch(intro, /(src|href)="https?:/, "nothing loaded from the network");
    const index = fs.readFileSync(path.join(out, "index.html"), "utf8");
    assert.match(index, /01 · Intro/);
    assert.match(index, /graded exercises/);
    assert.doesNotMatch(index, /scratch/);

    // A second export replaces the first.
    const again = await runCourse(["export", "--html", "--from", path.join(tmp, "executed"), "--out", out]);
    assert.equal(again.code, 0, again.stderr);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("course export --html refuses what it cannot do, saying how to fix it", async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-export-cli-"));
  try {
    fs.writeFileSync(path.join(tmp, "precious.txt"), "mine");
    const foreign = await runCourse(["export", "--html", "--from", tmp, "--out", tmp]);
    assert.equal(foreign.code, 2);
    assert.match(foreign.stderr, /will not write over them/);
    assert.equal(fs.readFileSync(path.join(tmp, "precious.txt"), "utf8"), "mine");
    const stdout = await runCourse(["export", "--html", "--out", "-"]);
    assert.equal(stdout.code, 2);
    assert.match(stdout.stderr, /cannot go to standard output/);
    const missing = await runCourse(["export", "--html", "--from", path.join(tmp, "nope"), "--out", path.join(tmp, "site")]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /is not a folder/);
    const empty = await runCourse(["export", "--html", "--from", tmp, "--out", path.join(tmp, "site")]);
    assert.equal(empty.code, 3);
    assert.match(empty.stderr, /no course notebooks/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
