import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseMime, plotlyFigureCount, renderOutput, withoutPlotlyLibrary, PLOTLY_MIME } from "../../scripts/src/site/outputs";
import { renderMarkdown } from "../../scripts/src/site/markdown";
import { highlightCode } from "../../scripts/src/site/code";
import { publishable } from "../../scripts/src/site/publish";
import { needsPlotly } from "../../scripts/src/site/page";
import { newCodeCell, newNotebook } from "../../scripts/src/notebook/cells";
import type { Output } from "../../scripts/src/notebook/model";

const display = (data: Record<string, unknown>): Output => ({ output_type: "display_data", data, metadata: {} });

test("the richest MIME type is shown: plotly JSON, then HTML, images, ..., plain text", () => {
  assert.equal(chooseMime({ "text/plain": "x", "text/html": "<b>x</b>" }), "text/html");
  assert.equal(chooseMime({ "text/html": "<b>x</b>", [PLOTLY_MIME]: {} }), PLOTLY_MIME);
  assert.equal(chooseMime({ "text/plain": "x", "image/png": "AAAA" }), "image/png");
  assert.equal(chooseMime({ "application/x-unknown": 1 }), undefined);
});

test("a plotly JSON output becomes a figure whose spec cannot end its script element", () => {
  const html = renderOutput(display({ [PLOTLY_MIME]: { data: [{ y: [1], name: "</script><script>alert(1)</script>" }], layout: {} } }));
  assert.match(html, /class="plotly-figure"/);
  assert.match(html, /data-figures="1"/);
  assert.equal((html.match(/<\/script>/g) ?? []).length, 1, "only the spec's own closing tag");
  assert.match(html, /\\u003c\/script>/);
});

test("HTML outputs lose their own copy of plotly.js but keep the code that draws", () => {
  const bundle = `/** plotly.js v2 */ ${"x".repeat(250_000)}`;
  const html = `<script src="https://cdn.plot.ly/plotly-2.35.2.min.js"></script><script>${bundle}</script><div id="f"></div><script>Plotly.newPlot("f", []); Plotly.react("f", []);</script>`;
  const cleaned = withoutPlotlyLibrary(html);
  assert.doesNotMatch(cleaned, /cdn\.plot\.ly/);
  assert.ok(cleaned.length < 1000, "the inline bundle is gone");
  assert.match(cleaned, /Plotly\.newPlot\("f"/);
  assert.equal(plotlyFigureCount(display({ "text/html": html })), 2);
  assert.match(renderOutput(display({ "text/html": html })), /data-figures="2"/);
});

test("streams and errors are escaped, with terminal colours removed", () => {
  assert.equal(
    renderOutput({ output_type: "stream", name: "stderr", text: "\u001b[31m<b>oops</b>\u001b[0m\n" }),
    '<div class="output output-stream output-stderr"><pre>&lt;b&gt;oops&lt;/b&gt;\n</pre></div>',
  );
  assert.match(renderOutput({ output_type: "error", ename: "Error", evalue: "bad", traceback: [] }), /Error: bad/);
});

test("text/latex outputs are typeset", () => {
  assert.match(renderOutput(display({ "text/latex": "$$\\frac{a}{b}$$" })), /katex-display/);
  assert.match(renderOutput(display({ "text/latex": "\\frac{a}{b}" })), /katex-display/);
});

test("links between notebooks can be pointed at pages; headings get anchors", () => {
  const html = renderMarkdown("## The $\\theta$ threshold\n\nSee [the perceptron](02-perceptron.ipynb#rule).", {
    rewriteLink: (href) => href.replace(/\.ipynb/, ".html"),
  });
  assert.match(html, /href="02-perceptron\.html#rule"/);
  assert.match(html, /<h2 id="The-threshold">/);
});

test("code is highlighted as TypeScript and escaped", () => {
  const html = highlightCode("const x: number = 1; // <b>");
  assert.match(html, /hljs-keyword">const/);
  assert.match(html, /&lt;b&gt;/);
});

test("a master is published without hidden tests or solution markers, with its outputs", () => {
  const test = newCodeCell("check(1);\n// BEGIN HIDDEN TESTS\nsecret();\n// END HIDDEN TESTS\n", {
    nbgrader: { schema_version: 3, grade_id: "t", solution: false, grade: true, locked: true, points: 1, task: false },
  });
  test.outputs = [{ output_type: "stream", name: "stdout", text: "ran\n" }];
  test.execution_count = 2;
  const answer = newCodeCell("function f() {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}\n", {
    nbgrader: { schema_version: 3, grade_id: "a", solution: true, grade: false, locked: false, task: false },
  });
  const published = publishable(newNotebook([answer, test]));
  const sources = published.cells.map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source));
  assert.doesNotMatch(sources.join("\n"), /secret|HIDDEN|BEGIN SOLUTION/);
  assert.match(sources[0]!, /return 1;/);
  const cell = published.cells[1]!;
  assert.ok(cell.cell_type === "code");
  assert.deepEqual(cell.outputs, test.outputs);
  assert.equal(cell.execution_count, 2);
});

test("plotly.js is loaded only by pages that draw with it", () => {
  const plain = newNotebook([{ ...newCodeCell("1"), outputs: [display({ "text/plain": "1" })] }]);
  const figure = newNotebook([{ ...newCodeCell("1"), outputs: [display({ [PLOTLY_MIME]: { data: [] } })] }]);
  assert.equal(needsPlotly(plain), false);
  assert.equal(needsPlotly(figure), true);
});
