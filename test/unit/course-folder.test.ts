/**
 * The course folder as a learner meets it: the masters say at the top that they are
 * the instructors' copies, the generated versions do not, and every committed notebook
 * is already in the form Jupyter saves (and carries the course kernel's metadata), so
 * opening one does not leave a modified file behind. The Jupyter side of that last
 * claim is checked for real in test/integration/notebook-round-trip.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { validateMaster } from "../../scripts/src/assign/validate";
import { hasInstructorBanner, instructorBanner, isInstructorOnly } from "../../scripts/src/notebook/instructor-cells";
import { releaseNotebook } from "../../scripts/src/assign/release";
import { KERNEL_NAME, kernelJsonFor } from "../../scripts/src/jupyter/kernelspec";
import {
  COURSE_KERNELSPEC,
  courseNotebookMetadata,
  kernelTypeScriptVersion,
  newCodeCell,
  newMarkdownCell,
  newNotebook,
  parseNotebook,
  serializeNotebook,
  type Notebook,
} from "../../scripts/src/notebook";
import { publishable } from "../../scripts/src/site/publish";
import { describeNotebook } from "../../scripts/src/site/catalog";

const folder = (name: string) => path.join(projectRoot, name);
const notebooksIn = (name: string) =>
  fs
    .readdirSync(folder(name))
    .filter((f) => f.endsWith(".ipynb"))
    .sort();

const committed = ["index.ipynb", ...["notebooks", "exercises", "solutions"].flatMap((dir) => notebooksIn(dir).map((f) => `${dir}/${f}`))];

test("every master starts with the instructor banner, which names the learner's copy", () => {
  for (const file of notebooksIn("notebooks")) {
    const master = parseNotebook(fs.readFileSync(path.join(folder("notebooks"), file), "utf8"), file);
    assert.ok(hasInstructorBanner(master, file), `notebooks/${file} starts with instructorBanner("${file}")`);
    assert.match(String(instructorBanner(file).source), new RegExp(`\\(\\.\\./exercises/${file.replace(".", "\\.")}\\)`));
  }
});

test("exercises/ and solutions/ hold no instructor-only cell", () => {
  for (const dir of ["exercises", "solutions"]) {
    for (const file of notebooksIn(dir)) {
      const notebook = parseNotebook(fs.readFileSync(path.join(folder(dir), file), "utf8"), file);
      assert.ok(!notebook.cells.some(isInstructorOnly), `${dir}/${file}`);
      assert.doesNotMatch(JSON.stringify(notebook), /Instructor master/, `${dir}/${file}`);
    }
  }
});

test("committed notebooks are in Jupyter's own form (a save in Jupyter changes no byte)", () => {
  for (const file of committed) {
    const text = fs.readFileSync(path.join(projectRoot, file), "utf8");
    assert.equal(
      serializeNotebook(parseNotebook(text, file)),
      text,
      `${file} is not as nbformat writes it: read and write it with scripts/src/notebook`,
    );
  }
});

test("committed notebooks carry the course kernel's kernelspec and language_info, which Jupyter would otherwise rewrite on opening", () => {
  const registered = kernelJsonFor("node", "kernel.js");
  assert.deepEqual(
    { display_name: registered.display_name, language: registered.language, name: KERNEL_NAME },
    COURSE_KERNELSPEC,
    "the kernel course setup registers",
  );
  const ts = require(
    require.resolve("@tslab/typescript-for-tslab", {
      paths: [path.dirname(require.resolve("tslab/package.json", { paths: [projectRoot] }))],
    }),
  ) as { version: string };
  assert.equal(kernelTypeScriptVersion(), ts.version, "the version the kernel reports is its compiler's");
  for (const file of committed) {
    const notebook = parseNotebook(fs.readFileSync(path.join(projectRoot, file), "utf8"), file);
    assert.deepEqual(
      { kernelspec: notebook.metadata.kernelspec, language_info: notebook.metadata.language_info },
      courseNotebookMetadata(),
      file,
    );
    assert.equal(notebook.nbformat_minor, 5, file);
  }
});

function masterWithBanner(): Notebook {
  const answer = newCodeCell("function f() {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}", {
    nbgrader: { schema_version: 3, grade_id: "f", solution: true, grade: false, locked: false, task: false },
  });
  const tests = newCodeCell('import { check } from "nncourse/grading";\ncheck.equal(f(), 1, "f()");', {
    nbgrader: { schema_version: 3, grade_id: "f-tests", solution: false, grade: true, locked: true, task: false, points: 1 },
  });
  tests.outputs = [{ output_type: "stream", name: "stdout", text: "tested\n" }];
  return newNotebook([
    instructorBanner("07-x.ipynb"),
    newMarkdownCell("# 07 · X\n\nWhat this notebook teaches, in a paragraph long enough."),
    answer,
    tests,
  ]);
}

test("instructor-only cells are left out of both versions, the published page and the catalog", () => {
  const master = masterWithBanner();
  assert.deepEqual(
    validateMaster(master, "07-x.ipynb").filter((f) => f.severity === "error"),
    [],
  );
  for (const version of ["exercise", "solution"] as const) {
    const released = releaseNotebook(master, version);
    assert.equal(released.cells.length, 3, version);
    assert.ok(!released.cells.some(isInstructorOnly), version);
  }
  const page = publishable(master);
  assert.ok(!page.cells.some(isInstructorOnly));
  const testCell = page.cells[2]!;
  assert.ok(testCell.cell_type === "code" && testCell.outputs.length === 1, "outputs stay with their own cell once the banner is gone");
  const entry = describeNotebook("07-x.ipynb", master);
  assert.equal(entry.title, "07 · X");
  assert.match(entry.summary, /^What this notebook teaches/);
});

test("an instructor-only cell cannot also be a graded cell", () => {
  const master = masterWithBanner();
  master.cells[0]!.metadata.nbgrader = { schema_version: 3, grade_id: "banner", solution: false, grade: false, locked: true, task: false };
  const errors = validateMaster(master, "07-x.ipynb").filter((f) => f.severity === "error");
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /instructor-only cell .* with nbgrader metadata/);
});
