/**
 * The notebooks in a real Jupyter Notebook page, in a real (headless) browser: the
 * classic Notebook server with this project's kernel, Chromium driven by
 * playwright-core, cells run through the UI as a learner runs them.
 *
 * Three solution notebooks (RUN_IN_BROWSER: between them every kind of output the
 * course shows) are run through the menu's Run All; for them it asserts:
 *   - no cell fails (judged by the kernel's execute replies, as tslab reports failures
 *     on stderr rather than as error outputs) and no error output is shown;
 *   - every plotly figure is drawn (a .plot-container inside each figure's output);
 *   - live displays (tslab.newDisplay, updated with update_display_data) stay one
 *     output, updated in place, showing their last update;
 *   - every $…$ of the Markdown is typeset by MathJax.
 * Every other course notebook is opened, and its Markdown's equations must typeset.
 * A small probe notebook, written by this test, uses each of those features, so the
 * checks are known to see them even before the course's own notebooks use them all.
 * One exercise notebook is run with Run All: its test cells must show the
 * learner-facing "not implemented yet" message, and every cell must run.
 * Screenshots go to test-artifacts/browser-notebook/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { projectRoot } from "../helpers/cli";
import {
  artifactsDir,
  browserMissing,
  launchChromium,
  notebookMissing,
  startNotebookServer,
  type NotebookServer,
} from "../helpers/browser";
import { extractMath } from "../../scripts/src/site/math";
import { courseNotebookFiles } from "../../scripts/src/site/catalog";
import { newCodeCell, newMarkdownCell, newNotebook } from "../../scripts/src/notebook/cells";
import { writeNotebook } from "../../scripts/src/notebook/write";
import { PLOTLY_BUNDLE_MARK } from "../../lib/viz/figure";

const skip = browserMissing() ?? notebookMissing();

const RUN_TIMEOUT_MS = 180_000;

/** What the page reports about one cell after the run. */
interface CellReport {
  type: string;
  source: string;
  grade: boolean;
  prompt: unknown;
  outputs: { output_type: string; name?: string; text?: string; data?: Record<string, unknown>; transient?: { display_id?: string } }[];
  /** Rendered output elements, one per output. */
  outputElements: number;
  /** .plot-container elements in each output element. */
  plotContainers: number[];
  /** The text the learner sees under the cell. */
  shownText: string;
  /** MathJax-typeset spans in the cell (markdown cells). */
  typeset: number;
  mathErrors: number;
}

/** The kernel messages the page received, for judging cells by their replies. */
interface KernelTraffic {
  replies: { parent: string; status: string }[];
  requests: Map<string, string>;
  updates: Map<string, Record<string, unknown>[]>;
}

function watchKernel(page: Page): KernelTraffic {
  const traffic: KernelTraffic = { replies: [], requests: new Map(), updates: new Map() };
  page.on("websocket", (ws) => {
    ws.on("framesent", (frame) => {
      if (typeof frame.payload !== "string") return;
      const msg = JSON.parse(frame.payload) as { header?: { msg_type?: string; msg_id?: string }; content?: { code?: string } };
      if (msg.header?.msg_type === "execute_request") traffic.requests.set(msg.header.msg_id ?? "", msg.content?.code ?? "");
    });
    ws.on("framereceived", (frame) => {
      if (typeof frame.payload !== "string") return;
      const msg = JSON.parse(frame.payload) as {
        header?: { msg_type?: string };
        parent_header?: { msg_id?: string };
        content?: { status?: string; data?: Record<string, unknown>; transient?: { display_id?: string } };
      };
      const type = msg.header?.msg_type;
      if (type === "execute_reply") traffic.replies.push({ parent: msg.parent_header?.msg_id ?? "", status: msg.content?.status ?? "?" });
      if (type === "update_display_data") {
        const id = msg.content?.transient?.display_id ?? "";
        traffic.updates.set(id, [...(traffic.updates.get(id) ?? []), msg.content?.data ?? {}]);
      }
    });
  });
  return traffic;
}

/** Opens a notebook and waits for its kernel; autosave off (the run must not write the file). */
async function openNotebook(page: Page, server: NotebookServer, relative: string): Promise<void> {
  await page.goto(server.notebookUrl(relative));
  await page.waitForFunction(
    "window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected() && document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null",
    null,
    { timeout: 90_000 },
  );
  await page.evaluate("Jupyter.notebook.set_autosave_interval(0)");
}

/** True once no code cell waits to run ("In [*]") and the kernel is idle. */
const SETTLED = `(() => {
  const busy = Jupyter.notebook.get_cells().some((c) => c.cell_type === "code" && c.input_prompt_number === "*");
  return !busy && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
})()`;

/** MathJax has no typesetting left to do. */
const TYPESET_DONE = "!window.MathJax || !MathJax.Hub || (MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0)";

async function settle(page: Page): Promise<void> {
  // Two idle readings in a row: between two queued cells the kernel may look idle for a moment.
  await page.waitForFunction(SETTLED, null, { timeout: RUN_TIMEOUT_MS, polling: 200 });
  await page.waitForTimeout(300);
  await page.waitForFunction(SETTLED, null, { timeout: RUN_TIMEOUT_MS, polling: 200 });
  await page.waitForFunction(TYPESET_DONE, null, { timeout: 30_000, polling: 200 });
}

const REPORT = `Jupyter.notebook.get_cells().map((cell) => {
  const element = cell.element[0];
  const outputs = cell.cell_type === "code" ? cell.output_area.outputs.map((o) => JSON.parse(JSON.stringify(o))) : [];
  const outputElements = cell.cell_type === "code" ? Array.from(cell.output_area.element[0].querySelectorAll(":scope > .output_area")) : [];
  const md = cell.metadata.nbgrader || {};
  return {
    type: cell.cell_type,
    source: cell.get_text(),
    grade: md.grade === true,
    prompt: cell.input_prompt_number ?? null,
    outputs,
    outputElements: outputElements.length,
    shownText: cell.cell_type === "code" ? cell.output_area.element[0].innerText : "",
    plotContainers: outputElements.map((e) => e.querySelectorAll(".plot-container").length),
    typeset: element.querySelectorAll(".MathJax, .MathJax_SVG, .MathJax_CHTML, mjx-container").length,
    mathErrors: element.querySelectorAll(".MathJax_Error, merror").length,
  };
})`;

async function report(page: Page): Promise<CellReport[]> {
  return (await page.evaluate(REPORT)) as CellReport[];
}

function text(value: unknown): string {
  return Array.isArray(value) ? value.join("") : typeof value === "string" ? value : "";
}

/** How many plotly figures an output draws in the classic Notebook (which shows HTML, not plotly JSON). */
function expectedFigures(output: CellReport["outputs"][number]): number {
  const data = output.data ?? {};
  // The library's copy of plotly.js (sent before a notebook's first figure) draws nothing itself.
  if (data["text/html"] !== undefined && text(data["text/html"]).includes(PLOTLY_BUNDLE_MARK)) return 0;
  if (data["text/html"] !== undefined) return (text(data["text/html"]).match(/\bPlotly\.(?:newPlot|react|plot)\s*\(/g) ?? []).length;
  return data["application/vnd.plotly.v1+json"] !== undefined ? 1 : 0;
}

function outputText(cell: CellReport): string {
  return cell.outputs.map((o) => o.text ?? text(o.data?.["text/plain"])).join("");
}

/** Every check of the module comment, for one executed notebook. */
function assertRanClean(name: string, cells: CellReport[], traffic: KernelTraffic): { figures: number; displays: number; math: number } {
  const failed = traffic.replies.filter((r) => r.status !== "ok");
  assert.deepEqual(
    failed.map((r) => `${r.status}: ${(traffic.requests.get(r.parent) ?? "?").split("\n")[0]}`),
    [],
    `${name}: cells failed in the browser:\n${cells
      .map(outputText)
      .filter((t) => /error|Error/.test(t))
      .join("\n---\n")}`,
  );
  const code = cells.filter((c) => c.type === "code" && c.source.trim() !== "");
  assert.ok(
    code.every((c) => typeof c.prompt === "number"),
    `${name}: every code cell ran (prompts: ${code.map((c) => String(c.prompt)).join(", ")})`,
  );
  assert.ok(
    traffic.replies.length >= code.length,
    `${name}: a reply for each of the ${code.length} code cells (got ${traffic.replies.length})`,
  );
  for (const cell of cells) {
    const errors = cell.outputs.filter((o) => o.output_type === "error");
    assert.equal(errors.length, 0, `${name}: an error output under: ${cell.source.split("\n")[0]}`);
  }

  let figures = 0;
  for (const cell of cells.filter((c) => c.type === "code")) {
    assert.equal(cell.outputElements, cell.outputs.length, `${name}: one output element per output under: ${cell.source.split("\n")[0]}`);
    cell.outputs.forEach((output, i) => {
      const want = expectedFigures(output);
      figures += want;
      if (want > 0)
        assert.ok(
          (cell.plotContainers[i] ?? 0) >= want,
          `${name}: ${want} plotly figure(s) expected in output ${i + 1} of "${cell.source.split("\n")[0]}", ${cell.plotContainers[i] ?? 0} drawn`,
        );
    });
  }

  let displays = 0;
  for (const [id, updates] of traffic.updates) {
    const shown = cells.flatMap((c) => c.outputs.filter((o) => o.transient?.display_id === id).map((o) => ({ cell: c, o })));
    assert.equal(
      shown.length,
      1,
      `${name}: display ${id} was updated ${updates.length} times and must stay one output, found ${shown.length}`,
    );
    assert.deepEqual(shown[0]!.o.data, updates[updates.length - 1], `${name}: display ${id} shows its last update`);
    displays++;
  }

  return { figures, displays, math: assertTypeset(name, cells) };
}

/** Every $…$ of the notebook's Markdown typeset by MathJax, without an error; returns how many. */
function assertTypeset(name: string, cells: CellReport[]): number {
  let math = 0;
  for (const cell of cells.filter((c) => c.type === "markdown")) {
    const spans = extractMath(cell.source).math.filter((m) => !m.startsWith("@@")).length;
    math += spans;
    assert.ok(cell.typeset >= spans, `${name}: ${spans} equation(s) in "${cell.source.split("\n")[0]}", ${cell.typeset} typeset`);
    assert.equal(cell.mathErrors, 0, `${name}: MathJax could not typeset an equation in "${cell.source.split("\n")[0]}"`);
  }
  return math;
}

/** Lets the whole notebook show in a full-page screenshot (Notebook scrolls an inner box). */
async function screenshot(page: Page, file: string): Promise<void> {
  await page.addStyleTag({
    content:
      "#site { height: auto !important; overflow: visible !important; } body, html { overflow: visible !important; height: auto !important; }",
  });
  await page.screenshot({ path: file, fullPage: true });
}

/**
 * A notebook that uses what the course's notebooks will: a plotly figure in an HTML
 * output (loaded through Notebook's require.js, from the server), a live display
 * updated in place, and inline and displayed math.
 */
function writeProbe(file: string): void {
  const figure = JSON.stringify([{ x: [1, 2, 3], y: [2, 1, 3], type: "scatter" }]);
  const html = `<div id="probe-figure" style="height:300px"></div><script>require.config({ paths: { plotly: "/files/assets/plotly.min" }, shim: { plotly: { exports: "Plotly" } } }); require(["plotly"], function (Plotly) { Plotly.newPlot("probe-figure", ${figure}, { title: "probe" }); });</script>`;
  const notebook = newNotebook([
    newMarkdownCell(
      "# Probe\n\nThe loss $L(w) = \\frac{1}{2}(y - \\hat y)^2$ and its gradient:\n\n$$\n\\frac{\\partial L}{\\partial w} = -(y - \\hat y)\\,x\n$$",
    ),
    newCodeCell(`import * as tslab from "tslab";\ntslab.display.html(${JSON.stringify(html)});`),
    newCodeCell(
      `const live = tslab.newDisplay();\nfor (let epoch = 1; epoch <= 5; epoch++) {\n  live.text(\`epoch \${epoch}/5, loss \${(1 / epoch).toFixed(3)}\`);\n  await new Promise((r) => setTimeout(r, 50));\n}`,
    ),
  ]);
  writeNotebook(file, notebook);
}

/** Two figures from the library, for the save-and-reopen check. */
function writeFiguresProbe(file: string): void {
  const notebook = newNotebook([
    newCodeCell(
      'import { showLineChart, showDecisionBoundary } from "nncourse";\nshowLineChart([{ name: "loss", y: [1, 0.5, 0.3] }], { title: "probe loss" });',
    ),
    newCodeCell(
      'showDecisionBoundary((P) => P.map((p) => (p[0] + p[1] > 0 ? 1 : 0)), [[-1, -1], [1, 1], [-1, 0.5], [0.5, 1]], [0, 1, 0, 1], { title: "probe regions", resolution: 20 });',
    ),
  ]);
  writeNotebook(file, notebook);
}

/**
 * The solutions run cell by cell through the page: between them every kind of output the
 * course shows (plotly figures, a live display updated in place, the live display of a
 * TensorFlow.js fit in 12). Every other notebook is opened, not run, and its equations
 * checked: running them through the page would only repeat what the headless run of
 * `course start` (course-start.test.ts) and the grading of every solution
 * (course-notebooks.test.ts) check, at two to four minutes of CI.
 */
const RUN_IN_BROWSER = new Set(["02-perceptron.ipynb", "07-gradient-descent.ipynb", "12-training-tools.ipynb"]);

/** Every solution (and any course notebook that solutions/ lacks), and whether it is run or only opened. */
function notebooksToOpen(): { from: string; as: string; run: boolean }[] {
  const solutions = fs.existsSync(path.join(projectRoot, "solutions"))
    ? fs
        .readdirSync(path.join(projectRoot, "solutions"))
        .filter((f) => f.endsWith(".ipynb"))
        .sort()
    : [];
  const picked = solutions.map((f) => ({
    from: path.join(projectRoot, "solutions", f),
    as: path.join("solutions", f),
    run: RUN_IN_BROWSER.has(f),
  }));
  for (const file of courseNotebookFiles(path.join(projectRoot, "notebooks"))) {
    const name = path.basename(file);
    if (!solutions.includes(name)) picked.push({ from: file, as: path.join("notebooks", name), run: RUN_IN_BROWSER.has(name) });
  }
  return picked;
}

test("notebooks run clean in Jupyter Notebook in Chromium", { skip, timeout: 900_000 }, async (t) => {
  // Copies inside the project (so that the kernel finds the "nncourse" package), in a
  // git-ignored folder, so that nothing the page does can touch the real notebooks.
  const work = path.join(projectRoot, ".cache", "browser-notebook");
  fs.rmSync(work, { recursive: true, force: true });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-browser-"));
  const shots = artifactsDir("browser-notebook");
  const runs = notebooksToOpen();
  assert.ok(
    runs.some((r) => r.run),
    "there are notebooks to run",
  );
  const place = (from: string, relative: string) => {
    fs.mkdirSync(path.dirname(path.join(work, relative)), { recursive: true });
    fs.copyFileSync(from, path.join(work, relative));
  };
  for (const run of runs) place(run.from, run.as);
  place(require.resolve("plotly.js-dist-min/plotly.min.js", { paths: [projectRoot] }), path.join("assets", "plotly.min.js"));
  fs.mkdirSync(path.join(work, "probe"), { recursive: true });
  writeProbe(path.join(work, "probe", "probe.ipynb"));
  writeFiguresProbe(path.join(work, "probe", "figures.ipynb"));
  const exercise = fs.existsSync(path.join(projectRoot, "exercises"))
    ? fs
        .readdirSync(path.join(projectRoot, "exercises"))
        .filter((f) => f.endsWith(".ipynb"))
        .sort()
        .find((f) => fs.readFileSync(path.join(projectRoot, "exercises", f), "utf8").includes("not implemented yet"))
    : undefined;
  if (exercise) place(path.join(projectRoot, "exercises", exercise), path.join("exercises", exercise));

  const server = await startNotebookServer(work, home);
  const browser = await launchChromium();
  try {
    const open = async (relative: string) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      const traffic = watchKernel(page);
      await openNotebook(page, server, relative);
      return { page, traffic, pageErrors };
    };

    await t.test("the probe notebook: figure, live display and equations are seen by the checks", async () => {
      const { page, traffic, pageErrors } = await open("probe/probe.ipynb");
      await page.click("#celllink");
      await page.click("#run_all_cells");
      await settle(page);
      await page
        .waitForFunction("document.querySelectorAll('.plot-container').length > 0", null, { timeout: 30_000 })
        .catch(() => undefined);
      const cells = await report(page);
      await screenshot(page, path.join(shots, "probe.png"));
      const seen = assertRanClean("probe", cells, traffic);
      assert.deepEqual(seen, { figures: 1, displays: 1, math: 2 }, "the probe's figure, live display and two equations were all checked");
      assert.match(outputText(cells[2]!), /epoch 5\/5/);
      assert.deepEqual(pageErrors, []);
      await page.close();
    });

    await t.test("library figures draw offline, and again after the notebook is saved and reopened", async () => {
      const { page, traffic, pageErrors } = await open("probe/figures.ipynb");
      await page.click("#celllink");
      await page.click("#run_all_cells");
      await settle(page);
      await page
        .waitForFunction("document.querySelectorAll('.nncourse-figure .plot-container').length >= 2", null, { timeout: 30_000 })
        .catch(() => undefined);
      const cells = await report(page);
      const seen = assertRanClean("figures", cells, traffic);
      assert.equal(seen.figures, 2, "two library figures were expected and drawn");
      const bundles = cells.flatMap((c) => c.outputs).filter((o) => text(o.data?.["text/html"]).includes(PLOTLY_BUNDLE_MARK));
      assert.equal(bundles.length, 1, "plotly.js is sent once per notebook, before the first figure");
      // Save (the notebook is trusted: its outputs were made here), then reload the page
      // with no kernel involvement: the saved outputs alone must draw the figures.
      await page.evaluate("Jupyter.notebook.save_notebook()");
      await page.waitForFunction("!Jupyter.notebook.dirty", null, { timeout: 30_000 });
      await page.reload();
      await page.waitForFunction("window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded", null, { timeout: 60_000 });
      await page
        .waitForFunction("document.querySelectorAll('.nncourse-figure .plot-container').length >= 2", null, { timeout: 30_000 })
        .catch(() => undefined);
      const drawn = (await page.evaluate("document.querySelectorAll('.nncourse-figure .plot-container').length")) as number;
      await screenshot(page, path.join(shots, "figures-reopened.png"));
      assert.equal(drawn, 2, "both figures are drawn again from the saved notebook");
      assert.deepEqual(pageErrors, []);
      await page.close();
    });

    for (const run of runs.filter((r) => !r.run)) {
      await t.test(`${run.as}, opened`, async () => {
        const { page, pageErrors } = await open(run.as);
        await page.waitForFunction(TYPESET_DONE, null, { timeout: 30_000, polling: 200 });
        const math = assertTypeset(run.as, await report(page));
        assert.deepEqual(pageErrors, [], `${run.as}: scripts failed in the page`);
        t.diagnostic(`${run.as}: opened, ${math} equation(s)`);
        await page.close();
      });
    }

    for (const run of runs.filter((r) => r.run)) {
      await t.test(run.as, async () => {
        const started = Date.now();
        const { page, traffic, pageErrors } = await open(run.as);
        // Cell > Run All, through the menu as a learner would.
        await page.click("#celllink");
        await page.click("#run_all_cells");
        await settle(page);
        // Figures draw asynchronously: give them a moment before counting.
        let cells = await report(page);
        const deadline = Date.now() + 15_000;
        while (Date.now() < deadline && cells.some((c) => c.outputs.some((o, i) => expectedFigures(o) > (c.plotContainers[i] ?? 0)))) {
          await page.waitForTimeout(250);
          cells = await report(page);
        }
        await screenshot(page, path.join(shots, `${path.basename(run.as, ".ipynb")}.png`));
        const seen = assertRanClean(run.as, cells, traffic);
        assert.deepEqual(pageErrors, [], `${run.as}: scripts failed in the page`);
        t.diagnostic(
          `${run.as}: ${Math.round((Date.now() - started) / 100) / 10} s, ${seen.figures} figure(s), ${seen.displays} live display(s), ${seen.math} equation(s)`,
        );
        await page.close();
      });
    }

    await t.test(
      `an exercise notebook shows its learner-facing failures${exercise ? ` (${exercise})` : ""}`,
      { skip: exercise ? false : "no exercise notebook with stubs in exercises/" },
      async () => {
        const { page, traffic } = await open(path.join("exercises", exercise!));
        // Run All, as a learner does: test cells report their result instead of failing,
        // so every cell runs (a failing cell would stop the rest, and their tests would
        // show nothing). The menu's own command, called directly: the menu item is hidden
        // until the menu opens.
        await page.evaluate("Jupyter.notebook.execute_all_cells()");
        await settle(page);
        const cells = await report(page);
        await screenshot(page, path.join(shots, `exercise-${path.basename(exercise!, ".ipynb")}.png`));
        const tests = cells.filter((c) => c.type === "code" && c.grade);
        assert.ok(tests.length >= 1, "the exercise notebook has test cells");
        // The message must be on screen, not only in the notebook's data.
        const silent = tests.filter((c) => !/not implemented yet: [\w-]+/.test(c.shownText));
        assert.deepEqual(
          silent.map(
            (c) => `${c.source.split("\n").find((l) => l.trim() && !l.startsWith("import")) ?? ""} -> ${c.shownText.slice(0, 200)}`,
          ),
          [],
          'every test cell of an untouched exercise shows "not implemented yet: <exercise>"',
        );
        const errors = traffic.replies.filter((r) => r.status === "error").length;
        assert.equal(errors, 0, "no cell of an untouched exercise fails: Run All reaches the end");
        await page.close();
      },
    );
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
});
