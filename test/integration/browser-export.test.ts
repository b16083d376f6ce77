/**
 * The HTML export in a real browser. The course is exported (its notebooks run now),
 * and a probe notebook with every kind of output the export must handle is exported
 * beside it; each page is opened in headless Chromium from a local server with every
 * other host blocked, and must load with no console errors, no failed requests and
 * no request leaving the machine, draw each of its plotly figures, and typeset each of
 * its equations with KaTeX. Screenshots go to test-artifacts/browser-export/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { artifactsDir, browserMissing, launchChromium } from "../helpers/browser";
import { projectRoot } from "../helpers/cli";
import { buildSite, type SiteReport } from "../../scripts/src/site/build";
import { courseNotebookFiles } from "../../scripts/src/site/catalog";
import { exportHtml } from "../../scripts/src/site/export-html";
import { extractMath } from "../../scripts/src/site/math";
import { serveSite } from "../../scripts/src/site/serve";
import { cellSource, newCodeCell, newMarkdownCell, newNotebook } from "../../scripts/src/notebook/cells";
import type { Notebook, Output } from "../../scripts/src/notebook/model";
import { readNotebook } from "../../scripts/src/notebook/read";

const skip = browserMissing();

/** Equations in a notebook's Markdown, as the export finds them. */
function mathSpans(notebook: Notebook): number {
  return notebook.cells
    .filter((c) => c.cell_type === "markdown")
    .reduce((n, c) => n + extractMath(cellSource(c)).math.filter((m) => !m.startsWith("@@")).length, 0);
}

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

interface PageCheck {
  consoleErrors: string[];
  failedRequests: string[];
  outsideRequests: string[];
  figuresWanted: number;
  figuresDrawn: number;
  katex: number;
  katexErrors: number;
  plotlyScripts: string[];
}

/** Opens one page and collects what the assertions need. */
async function checkPage(browser: Browser, url: string, screenshot: string): Promise<PageCheck> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const check: PageCheck = {
    consoleErrors: [],
    failedRequests: [],
    outsideRequests: [],
    figuresWanted: 0,
    figuresDrawn: 0,
    katex: 0,
    katexErrors: 0,
    plotlyScripts: [],
  };
  page.on("console", (m) => {
    if (m.type() === "error") check.consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => check.consoleErrors.push(`uncaught: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (!check.outsideRequests.includes(r.url())) check.failedRequests.push(`${r.url()} (${r.failure()?.errorText})`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) check.failedRequests.push(`${r.url()} (HTTP ${r.status()})`);
  });
  // The site must work offline: any request to another host is recorded and refused.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => {
    check.outsideRequests.push(route.request().url());
    return route.abort();
  });
  await page.goto(url, { waitUntil: "load" });
  // Each output that draws figures says how many (data-figures); wait until all are drawn.
  const drawn = `Array.from(document.querySelectorAll("[data-figures]")).every((o) => o.querySelectorAll(".plot-container .main-svg").length >= Number(o.dataset.figures))`;
  await page.waitForFunction(drawn, null, { timeout: 20_000 }).catch(() => undefined);
  Object.assign(
    check,
    await page.evaluate(`(() => ({
      figuresWanted: Array.from(document.querySelectorAll("[data-figures]")).reduce((n, o) => n + Number(o.dataset.figures), 0),
      figuresDrawn: Array.from(document.querySelectorAll("[data-figures]")).reduce((n, o) => n + Math.min(Number(o.dataset.figures), o.querySelectorAll(".plot-container").length), 0),
      katex: document.querySelectorAll(".markdown-cell .katex").length,
      katexErrors: document.querySelectorAll(".katex-error, .math-error").length,
      plotlyScripts: Array.from(document.scripts).filter((s) => /plotly/i.test(s.src) || s.text.length > 200000).map((s) => s.getAttribute("src") || "inline " + s.text.length),
    }))()`),
  );
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  return check;
}

function assertPage(name: string, check: PageCheck, math: number): void {
  assert.deepEqual(check.consoleErrors, [], `${name}: console errors`);
  assert.deepEqual(check.failedRequests, [], `${name}: failed requests`);
  assert.deepEqual(check.outsideRequests, [], `${name}: requests that leave the machine`);
  assert.equal(check.figuresDrawn, check.figuresWanted, `${name}: ${check.figuresWanted} figure(s) to draw, ${check.figuresDrawn} drawn`);
  assert.ok(check.katex >= math, `${name}: ${math} equation(s) in the Markdown, ${check.katex} typeset`);
  assert.equal(check.katexErrors, 0, `${name}: equations KaTeX could not typeset`);
  if (check.figuresWanted > 0)
    assert.deepEqual(check.plotlyScripts, ["assets/plotly.min.js"], `${name}: plotly.js loaded once, from the site's copy`);
  else assert.ok(check.plotlyScripts.length <= 1, `${name}: plotly.js at most once`);
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

    await t.test("the course, exported now", async () => {
      const out = path.join(tmp, "course-site");
      const started = Date.now();
      const { code, report }: { code: number; report: SiteReport } = await exportHtml({ out });
      assert.equal(code, 0, "every notebook ran");
      t.diagnostic(`export with a run of ${report.pages.length - 1} notebook(s): ${Math.round((Date.now() - started) / 1000)} s`);
      const notebooks = courseNotebookFiles(path.join(projectRoot, "notebooks"));
      // The index first; the lessons in order, the instructors' sample assignment after them.
      assert.equal(report.pages[0], "index.html");
      assert.deepEqual(
        [...report.pages.slice(1)].sort(),
        notebooks.map((f) => `${path.basename(f, ".ipynb")}.html`).sort(),
        "an index and a page per course notebook",
      );
      assert.equal(report.pages[report.pages.length - 1], "00-sample-assignment.html", "the sample assignment comes after the lessons");
      assert.deepEqual(report.mathProblems, []);
      const server = await serveSite(out);
      try {
        const index = await checkPage(browser, `${server.url}index.html`, path.join(shots, "index.png"));
        assertPage("index.html", index, 0);
        const indexHtml = fs.readFileSync(path.join(out, "index.html"), "utf8");
        for (const page of report.pages.slice(1)) {
          assert.ok(indexHtml.includes(`href="${page}"`), `the index links to ${page}`);
          const source = path.join(projectRoot, "notebooks", page.replace(/\.html$/, ".ipynb"));
          const check = await checkPage(browser, `${server.url}${page}`, path.join(shots, page.replace(/\.html$/, ".png")));
          assertPage(page, check, mathSpans(readNotebook(source)));
        }
      } finally {
        await server.close();
      }
    });
  } finally {
    await browser.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
