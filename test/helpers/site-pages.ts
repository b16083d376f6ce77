/**
 * What headless Chromium sees of one page of the exported site: console errors, failed
 * requests, requests that leave the machine, figures drawn and equations typeset. The
 * export's probe (browser-export.test.ts) and the site `course start` serves
 * (course-start.test.ts) are both checked with it.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { cellSource } from "../../scripts/src/notebook/cells";
import type { Notebook } from "../../scripts/src/notebook/model";
import { extractMath } from "../../scripts/src/site/math";

/** Equations in a notebook's Markdown, as the export finds them. */
export function mathSpans(notebook: Notebook): number {
  return notebook.cells
    .filter((c) => c.cell_type === "markdown")
    .reduce((n, c) => n + extractMath(cellSource(c)).math.filter((m) => !m.startsWith("@@")).length, 0);
}

export interface PageCheck {
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
export async function checkPage(browser: Browser, url: string, screenshot: string): Promise<PageCheck> {
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

export function assertPage(name: string, check: PageCheck, math: number): void {
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
