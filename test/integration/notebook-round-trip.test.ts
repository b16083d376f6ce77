/**
 * Opening a notebook in Jupyter must not change it. Two ways it did:
 *   - Jupyter's save rewrote files that were not in nbformat's own form (key order,
 *     number format, how text is split into lines);
 *   - on opening, the front end copies the kernel's language_info into the notebook and
 *     marks it modified when it differs in any field (the course index lacked the
 *     version and codemirror_mode the kernel reports), so autosave rewrote it.
 *
 * The first is checked with the real nbformat, through Jupyter Notebook's REST API: a
 * GET and a PUT of the same content is what a save does (the page parses the notebook
 * and sends it back as JSON), without a browser. Every committed notebook must come back
 * byte for byte, and so must one our writer makes with the kinds of outputs a run
 * leaves (floats, base64 images, a progress bar's carriage returns, scripts).
 * The second is checked in Chromium: the index and a master, opened in Notebook with the
 * course kernel, are not marked modified once the kernel is ready.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { browserMissing, launchChromium, notebookMissing, startNotebookServer, type NotebookServer } from "../helpers/browser";
import { newCodeCell, newMarkdownCell, newNotebook, serializeNotebook } from "../../scripts/src/notebook";

const skip = notebookMissing();

/** Every notebook in the repository that learners or instructors open. */
function committedNotebooks(): string[] {
  const inFolder = (dir: string) =>
    fs
      .readdirSync(path.join(projectRoot, dir))
      .filter((f) => f.endsWith(".ipynb"))
      .sort()
      .map((f) => `${dir}/${f}`);
  return ["index.ipynb", ...inFolder("notebooks"), ...inFolder("exercises"), ...inFolder("solutions")];
}

/** A notebook as `course run` may leave one: outputs with what JSON.stringify and Python's json write differently. */
function writtenByUs(): string {
  const cell = newCodeCell("for (let i = 0; i <= 100; i += 50) process.stdout.write(`\\r${i}%`);\nshow(figure);");
  cell.execution_count = 3;
  cell.metadata = { tags: ["figure"], collapsed: false, "é-key": 1, "\u{1F600}": 2, "\uFB01": 3 };
  cell.outputs = [
    { output_type: "stream", name: "stdout", text: "\r0%\r50%\r100%\nloss 1e-7 done\n" },
    {
      output_type: "display_data",
      data: {
        "application/vnd.plotly.v1+json": {
          data: [{ y: [0.1, 0.00001, 1.5e-7, 123456.789, 1e21, 2, -0.25, 9007199254740993] }],
          layout: { title: "loss – tiny steps" },
        },
        "text/html": '<div id="p"></div>\n<script>draw("p")</script>',
        "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
        "application/javascript": "console.log(1);\nconsole.log(2);",
        "text/plain": "Figure",
      },
      metadata: { "image/png": { width: 1, height: 1 } },
    },
    { output_type: "execute_result", execution_count: 3, data: { "text/plain": "[ 0.30000000000000004, 1e+21 ]" }, metadata: {} },
    { output_type: "error", ename: "RangeError", evalue: "bad size", traceback: ["RangeError: bad size", "    at cell 3:1"] },
  ];
  const markdown = newMarkdownCell("# Tiny\n\nA picture: ![dot](attachment:dot.png)\u2028and a line separator.");
  markdown.attachments = { "dot.png": { "image/png": "iVBORw0KGgo=" } };
  const notebook = newNotebook([markdown, cell]);
  notebook.metadata.nncourse = { time_limits: { cell_seconds: 2.5 } };
  return serializeNotebook(notebook);
}

/** A save as Jupyter's page makes it: GET the notebook's model, PUT the same content back. */
async function saveAsJupyterDoes(server: NotebookServer, relative: string): Promise<void> {
  const url = `${server.base}/api/contents/${relative.split("/").map(encodeURIComponent).join("/")}?token=${server.token}`;
  const got = await fetch(url);
  assert.equal(got.status, 200, `GET ${relative}`);
  const model = (await got.json()) as { content: unknown };
  const put = await fetch(url, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ type: "notebook", format: "json", content: model.content }),
  });
  assert.equal(put.status, 200, `PUT ${relative}: ${await put.text()}`);
}

test(
  "Jupyter's save changes no byte of the committed notebooks, nor of a notebook our writer made",
  { skip, timeout: 300_000 },
  async () => {
    // In a git-ignored copy: a save that changes a file must not touch the real one.
    const work = path.join(projectRoot, ".cache", "notebook-round-trip");
    fs.rmSync(work, { recursive: true, force: true });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-round-trip-"));
    const files = committedNotebooks();
    const original = new Map<string, string>();
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
      original.set(file, fs.readFileSync(path.join(projectRoot, file), "utf8"));
      fs.writeFileSync(path.join(work, file), original.get(file)!);
    }
    original.set("probe/written-by-us.ipynb", writtenByUs());
    fs.mkdirSync(path.join(work, "probe"));
    fs.writeFileSync(path.join(work, "probe", "written-by-us.ipynb"), original.get("probe/written-by-us.ipynb")!);

    const server = await startNotebookServer(work, home);
    try {
      const changed: string[] = [];
      for (const [file, before] of original) {
        await saveAsJupyterDoes(server, file);
        const after = fs.readFileSync(path.join(work, file), "utf8");
        if (after !== before) changed.push(`${file}: first difference at character ${[...after].findIndex((c, i) => c !== before[i])}`);
      }
      assert.deepEqual(
        changed,
        [],
        `a save in Jupyter rewrote these notebooks (write them with scripts/src/notebook):\n${server.log().slice(-2000)}`,
      );
    } finally {
      await server.stop();
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);

test(
  "opened in Notebook with the course kernel, the index and the notebooks are not marked modified",
  { skip: skip ?? browserMissing(), timeout: 300_000 },
  async () => {
    const work = path.join(projectRoot, ".cache", "notebook-open");
    fs.rmSync(work, { recursive: true, force: true });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-open-"));
    // The index, the master and the student version of the notebook the issue named, and the first assignment.
    const files = [
      "index.ipynb",
      "notebooks/09-fashion-mnist.ipynb",
      "exercises/09-fashion-mnist.ipynb",
      "solutions/00-sample-assignment.ipynb",
    ];
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
      fs.copyFileSync(path.join(projectRoot, file), path.join(work, file));
    }
    const server = await startNotebookServer(work, home);
    const browser = await launchChromium();
    try {
      for (const file of files) {
        const page = await browser.newPage();
        await page.goto(server.notebookUrl(file));
        await page.waitForFunction("window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded", null, { timeout: 60_000 });
        // kernel_ready is when Notebook copies the kernel's language_info in (and marks the page dirty if it differs).
        await page.waitForFunction(
          "Jupyter.notebook.kernel && Jupyter.notebook.kernel.info_reply && Jupyter.notebook.kernel.info_reply.language_info",
          null,
          { timeout: 90_000 },
        );
        await page.waitForTimeout(500);
        const state = (await page.evaluate(
          "({ dirty: Jupyter.notebook.dirty, kernel: Jupyter.notebook.kernel.info_reply.language_info, notebook: Jupyter.notebook.metadata.language_info })",
        )) as { dirty: boolean; kernel: unknown; notebook: unknown };
        assert.equal(state.dirty, false, `${file} is marked modified on opening; the kernel reports ${JSON.stringify(state.kernel)}`);
        // Saving it now (autosave would) writes the same bytes.
        await page.evaluate("Jupyter.notebook.save_notebook()");
        await page.waitForFunction("!Jupyter.notebook.dirty", null, { timeout: 30_000 });
        await page.waitForTimeout(500);
        assert.equal(
          fs.readFileSync(path.join(work, file), "utf8"),
          fs.readFileSync(path.join(projectRoot, file), "utf8"),
          `${file} changed when saved from Notebook`,
        );
        await page.close();
      }
    } finally {
      await browser.close();
      await server.stop();
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);
