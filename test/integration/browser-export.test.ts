/**
 * The HTML export in a real browser. A probe notebook with every kind of output the
 * export must handle is exported, and so is a lesson the export runs itself; each page
 * is opened in headless Chromium from a local server with every other host blocked, and
 * must load with no console errors, no failed requests and no request leaving the
 * machine, draw each of its plotly figures, and typeset each of its equations with
 * KaTeX (test/helpers/site-pages.ts). Screenshots go to test-artifacts/browser-export/.
 * The whole course's pages are checked the same way where `course start` serves them
 * (course-start.test.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { artifactsDir, browserMissing, launchChromium } from "../helpers/browser";
import { projectRoot } from "../helpers/cli";
import { assertPage, checkPage, mathSpans } from "../helpers/site-pages";
import { buildSite, type SiteReport } from "../../scripts/src/site/build";
import { exportHtml } from "../../scripts/src/site/export-html";
import { serveSite } from "../../scripts/src/site/serve";
import { newCodeCell, newMarkdownCell, newNotebook } from "../../scripts/src/notebook/cells";
import type { Notebook, Output } from "../../scripts/src/notebook/model";
import { readNotebook } from "../../scripts/src/notebook/read";

const skip = browserMissing();

/** The lesson the export runs itself: short, with figures and equations. */
const LESSON = "02-perceptron.ipynb";

/** A notebook whose outputs are every kind the export must show. */
function probeNotebook(): Notebook {
  const figure = {
    data: [{ x: [1, 2, 3], y: [3, 1, 2], type: "scatter", name: "loss" }],
    layout: { title: { text: "plotly JSON output" }, height: 320 },
  };
  const requireHtml = `<div id="fig-require" style="height:300px"></div><script>require(["plotly"], function (Plotly) { Plotly.newPlot("fig-require", [{ "y": [1, 4, 9], "type": "bar" }], { "title": { "text": "HTML output using require" } }); });</script>`;
  const cdnHtml = `<script src="https://cdn.plot.ly/plotly-2.35.2.min.js"></script><div id="fig-cdn" style="height:300px"></div><script>Plotly.newPlot("fig-cdn", [{ "y": [2, 2, 5], "type": "scatter" }], { "title": { "text": "HTML output with a CDN copy" } });</script>`;
  const outputs: Output[][] = [
    [{ output_type: "display_data", data: { "application/vnd.plotly.v1+json": figure, "text/plain": "<Figure>" }, metadata: {} }],
    [{ output_type: "display_data", data: { "text/html": requireHtml, "text/plain": "" }, metadata: {} }],
    [{ output_type: "display_data", data: { "text/html": cdnHtml }, metadata: {} }],
    [
      {
        output_type: "display_data",
        data: { "text/latex": "$$\\frac{\\partial E}{\\partial w_5} = 0.082167041$$", "text/plain": "dE/dw5" },
        metadata: {},
      },
      { output_type: "stream", name: "stdout", text: "epoch 5/5, loss 0.200\n" },
    ],
  ];
  const notebook = newNotebook([
    newMarkdownCell(
      "# 99 · Probe\n\nOutputs of every kind: inline math $\\sigma(z) = 1/(1 + e^{-z})$, and a `$not math$` code span.\n\n$$\nE = \\tfrac{1}{2}\\sum_k (t_k - o_k)^2\n$$",
    ),
    ...outputs.map((o, i) => ({ ...newCodeCell(`// output ${i + 1}`), execution_count: i + 1, outputs: o })),
  ]);
  return notebook;
}

test("the HTML export in Chromium: pages load clean, figures draw, equations are typeset", { skip, timeout: 600_000 }, async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-export-"));
  const shots = artifactsDir("browser-export");
  const browser = await launchChromium();
  try {
    await t.test("a probe of every output kind", async () => {
      const notebook = probeNotebook();
      const out = path.join(tmp, "probe-site");
      const report = buildSite(out, [{ file: "99-probe.ipynb", notebook }]);
      assert.equal(report.figures, 3, "the export counts the probe's three figures");
      const html = fs.readFileSync(path.join(out, "99-probe.html"), "utf8");
      assert.doesNotMatch(html, /cdn\.plot\.ly/, "the CDN copy of plotly.js is dropped");
      const server = await serveSite(out);
      try {
        const check = await checkPage(browser, `${server.url}99-probe.html`, path.join(shots, "probe.png"));
        assertPage("probe", check, mathSpans(notebook));
        assert.equal(check.figuresWanted, 3);
        assert.ok(check.katex >= 2, "the probe's inline and display equations are typeset");
      } finally {
        await server.close();
      }
      // Opened straight from disk (file://), the page must work as well.
      const fromDisk = await checkPage(browser, pathToFileURL(path.join(out, "99-probe.html")).href, path.join(shots, "probe-file.png"));
      assert.deepEqual(fromDisk.consoleErrors, [], "from disk: console errors");
      assert.equal(fromDisk.figuresDrawn, 3, "from disk: figures drawn");
    });

    // `course export --html` runs the notebooks itself when not given --from: one lesson
    // here (every page of the whole course is checked in Chromium as `course start`
    // serves it, in course-start.test.ts, so the course runs once for both).
    await t.test("a lesson, run now by the export", async () => {
      const source = path.join(tmp, "source");
      fs.mkdirSync(source);
      fs.copyFileSync(path.join(projectRoot, "notebooks", LESSON), path.join(source, LESSON));
      const out = path.join(tmp, "lesson-site");
      const { code, report }: { code: number; report: SiteReport } = await exportHtml({ source, out });
      assert.equal(code, 0, "the lesson ran");
      const page = LESSON.replace(/\.ipynb$/, ".html");
      assert.deepEqual(report.pages, ["index.html", page], "an index and the lesson's page");
      assert.ok(report.figures > 0, "the lesson's figures are counted");
      const server = await serveSite(out);
      try {
        assertPage("index.html", await checkPage(browser, `${server.url}index.html`, path.join(shots, "index.png")), 0);
        const check = await checkPage(browser, `${server.url}${page}`, path.join(shots, page.replace(/\.html$/, ".png")));
        assertPage(page, check, mathSpans(readNotebook(path.join(source, LESSON))));
        assert.ok(check.figuresDrawn > 0, "the lesson's figures are drawn");
      } finally {
        await server.close();
      }
    });
  } finally {
    await browser.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
