import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { courseNotebookFiles, describeNotebook } from "../../scripts/src/site/catalog";
import { INDEX_NOTEBOOK, courseIndexNotebook, ensureCourseIndex } from "../../scripts/src/site/index-notebook";
import { serializeNotebook, writeNotebook } from "../../scripts/src/notebook/write";
import { newCodeCell, newMarkdownCell, newNotebook } from "../../scripts/src/notebook/cells";
import { courseNotebookMetadata } from "../../scripts/src/notebook/kernel-metadata";
import { resolveUnder, serveSite } from "../../scripts/src/site/serve";
import { buildSite } from "../../scripts/src/site/build";

test("the committed course index is what the notebooks say (run `npx course start --index` after adding a notebook)", () => {
  const committed = fs.readFileSync(path.join(projectRoot, INDEX_NOTEBOOK), "utf8");
  assert.equal(committed, serializeNotebook(courseIndexNotebook(projectRoot)));
});

test("every course notebook has a title and a first paragraph, and the index links to the learner's copy of it", () => {
  const index = serializeNotebook(courseIndexNotebook(projectRoot));
  const files = courseNotebookFiles(path.join(projectRoot, "notebooks"));
  assert.ok(files.length >= 1);
  for (const file of files) {
    const entry = describeNotebook(file);
    assert.notEqual(entry.title, entry.slug, `${entry.file} starts with a "# Title" heading`);
    assert.doesNotMatch(entry.title, /instructor/i, `${entry.file}: the title is the notebook's, not its instructor banner's`);
    assert.ok(entry.summary.length > 40, `${entry.file} says what it teaches in its first paragraph`);
    assert.ok(index.includes(`](exercises/${entry.file})`), `the index links to exercises/${entry.file}`);
  }
  // The masters hold the solutions and the hidden tests: no link may lead a learner there.
  assert.doesNotMatch(index, /\]\(notebooks\//, "the index links to no master in notebooks/");
});

test("the index names the course's four sources once each, in a Sources part, with what each is and what the course takes from it", () => {
  const index = courseIndexNotebook(projectRoot);
  const sources = index.cells.find((cell) => cell.id === "course-index-sources");
  assert.ok(sources, "the index has a Sources cell");
  const text = Array.isArray(sources.source) ? sources.source.join("") : sources.source;
  assert.match(text, /^## Sources\n/);
  const names = [
    "*Neural Networks: Multi-layer Perceptron*",
    "IIT Roorkee's *Introduction to Artificial Neural Networks with Keras*",
    "Ryan Arredondo's talk *Introduction to Artificial Neural Networks*, PyData Denver, 2017",
    "*MSA 8650 Deep Learning* slides, fall 2019",
  ];
  const items = text.split("\n").filter((line) => line.startsWith("- "));
  assert.equal(items.length, names.length, "one line per source");
  names.forEach((name, i) => {
    assert.equal(text.split(name).length - 1, 1, `${name} is named once`);
    assert.ok(items[i].includes(name), `line ${i + 1} names ${name}`);
    assert.match(items[i], /The course takes from (it|them) .*\(\d\d/, `line ${i + 1} says what the course takes, with the notebooks`);
  });
  assert.doesNotMatch(text, /seed 00\d/i, "sources are named, not numbered");
  const all = serializeNotebook(index);
  assert.ok(all.indexOf("## Sources") > all.indexOf("](exercises/13-"), "the sources come after the lessons");
});

test("the sample assignment is listed for instructors, apart from the lessons, and not as the first lesson", () => {
  const index = courseIndexNotebook(projectRoot);
  const text = (id: string) => {
    const cell = index.cells.find((c) => c.id === id);
    assert.ok(cell, `the index has the cell ${id}`);
    return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
  };
  const lessons = index.cells.filter((c) => /^course-index-\d\d-/.test(c.id ?? ""));
  assert.ok(lessons.length > 0);
  assert.match(text(lessons[0].id!), /\]\(exercises\/01-mcculloch-pitts\.ipynb\)/, "the first lesson is notebook 01");
  assert.ok(
    lessons.every((c) => !/00-sample-assignment/.test(text(c.id!))),
    "the sample assignment is not among the lessons",
  );
  const instructors = text("course-index-for-instructors");
  assert.match(instructors, /^## For instructors\n/);
  assert.match(instructors, /### \[00 · Sample assignment[^\]]*\]\(exercises\/00-sample-assignment\.ipynb\)/);
  assert.match(instructors, /01 and 02/, "it says what it assumes");
});

test("the exported site's index lists lessons, then For instructors, then the Sources; lesson pages page through lessons only", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-site-index-"));
  try {
    const sample = newNotebook([
      newMarkdownCell("# 00 · Sample assignment\n\nFor instructors: how an assignment is written, released and graded."),
    ]);
    sample.metadata = { ...sample.metadata, nncourse: { audience: "instructors" } };
    const lesson = (n: string, title: string) =>
      newNotebook([newMarkdownCell(`# ${n} · ${title}\n\nA lesson about ${title.toLowerCase()}, for learners.`)]);
    buildSite(out, [
      { file: "00-sample-assignment.ipynb", notebook: sample },
      { file: "01-mcculloch-pitts.ipynb", notebook: lesson("01", "Neurons") },
      { file: "02-perceptron.ipynb", notebook: lesson("02", "Perceptrons") },
    ]);
    const index = fs.readFileSync(path.join(out, "index.html"), "utf8");
    const lessons = index.slice(index.indexOf('<ol class="course-list">'), index.indexOf("</ol>"));
    assert.match(lessons, /01-mcculloch-pitts\.html/);
    assert.doesNotMatch(lessons, /00-sample-assignment/, "the sample assignment is not a lesson");
    const instructors = index.search(/<h2[^>]*>For instructors/);
    assert.ok(instructors > index.indexOf("</ol>"), "For instructors comes after the lessons");
    assert.ok(index.indexOf('href="00-sample-assignment.html"') > instructors, "and lists the sample assignment");
    assert.ok(index.search(/<h2[^>]*>Sources/) > instructors, "the Sources come last");
    assert.match(index, /MSA 8650 Deep Learning/);
    const first = fs.readFileSync(path.join(out, "01-mcculloch-pitts.html"), "utf8");
    assert.doesNotMatch(first, /rel="prev"/, "the first lesson has no previous page");
    assert.match(first, /rel="next" href="02-perceptron\.html"/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test("the index opens Jupyter unchanged: it carries the course kernel's own kernelspec and language_info", () => {
  const index = courseIndexNotebook(projectRoot);
  assert.deepEqual(index.metadata, courseNotebookMetadata());
  assert.equal(index.nbformat_minor, 5, "nbformat 4.5: cell ids, which Jupyter adds (and so changes the file) when they are missing");
  assert.ok(index.cells.every((cell) => typeof cell.id === "string"));
});

test("the catalog reads title, summary and topics; the index is rewritten only when stale", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-index-"));
  try {
    fs.mkdirSync(path.join(root, "notebooks"));
    const notebook = newNotebook([
      newMarkdownCell(
        "# 07 · Gradient descent\n\n- a list is not a summary\n\nWe walk downhill on the loss $L(w)$, one step at a time.\n\n## Batch\ntext\n\n## Momentum",
      ),
      newCodeCell("1 + 1"),
    ]);
    writeNotebook(path.join(root, "notebooks", "07-gradient-descent.ipynb"), notebook);
    writeNotebook(path.join(root, "notebooks", "scratch.ipynb"), newNotebook([newMarkdownCell("# not a course notebook")]));
    const entry = describeNotebook(path.join(root, "notebooks", "07-gradient-descent.ipynb"));
    assert.deepEqual(
      { title: entry.title, summary: entry.summary, sections: entry.sections, assignment: entry.assignment },
      {
        title: "07 · Gradient descent",
        summary: "We walk downhill on the loss $L(w)$, one step at a time.",
        sections: ["Batch", "Momentum"],
        assignment: false,
      },
    );
    assert.equal(ensureCourseIndex(root).outcome, "created");
    assert.equal(ensureCourseIndex(root).outcome, "unchanged");
    const text = fs.readFileSync(path.join(root, INDEX_NOTEBOOK), "utf8");
    assert.match(text, /07-gradient-descent\.ipynb/);
    assert.doesNotMatch(text, /scratch/);
    fs.writeFileSync(path.join(root, INDEX_NOTEBOOK), text.replace("Gradient descent", "Old title"));
    assert.equal(ensureCourseIndex(root).outcome, "updated");
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("the page server stays inside its folder and serves with content types", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-serve-"));
  try {
    assert.equal(resolveUnder(root, "/../../etc/passwd"), path.join(root, "etc", "passwd"));
    assert.equal(resolveUnder(root, "/%2e%2e/%2e%2e/etc/passwd"), path.join(root, "etc", "passwd"));
    assert.equal(resolveUnder(root, "/"), path.join(root, "index.html"));
    fs.writeFileSync(path.join(root, "index.html"), "<p>hi</p>");
    const server = await serveSite(root);
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const ok = await fetch(server.url);
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get("content-type"), "text/html; charset=utf-8");
      assert.equal(await ok.text(), "<p>hi</p>");
      assert.equal((await fetch(`${server.url}missing.html`)).status, 404);
      assert.equal((await fetch(server.url, { method: "POST" })).status, 405);
    } finally {
      await server.close();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
