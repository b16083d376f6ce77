import { test } from "node:test";
import assert from "node:assert/strict";
import { extractMath, restoreMath, typesetSpan } from "../../scripts/src/site/math";
import { renderMarkdown } from "../../scripts/src/site/markdown";

test("inline and displayed math are cut out of Markdown, in order", () => {
  const { text, math } = extractMath("The unit fires when $\\sum_i e_i x_i \\ge \\theta$:\n\n$$\ny = 1\n$$\n");
  assert.deepEqual(math, ["$\\sum_i e_i x_i \\ge \\theta$", "$$\ny = 1\n$$"]);
  assert.equal(text, "The unit fires when @@0@@:\n\n@@1@@\n");
});

test("dollars inside code are not math", () => {
  const source = "Write `cost = $5` and\n\n```ts\nconst s = `${a}$`;\n```\n\nbut $x$ is math.";
  const { text, math } = extractMath(source);
  assert.deepEqual(math, ["$x$"]);
  assert.match(text, /`cost = \$5`/);
  assert.match(text, /const s = `\$\{a\}\$`;/);
});

test("an unclosed dollar does not swallow the next paragraph; braces are balanced", () => {
  assert.deepEqual(extractMath("costs $5\n\nand $y$").math, ["$y$"]);
  assert.deepEqual(extractMath("$a_{b$c}$").math, ["$a_{b$c}$"]);
});

test("\\begin{env} and \\\\( \\\\) spans are math too", () => {
  assert.deepEqual(extractMath("\\begin{align} a &= b \\end{align}").math, ["\\begin{align} a &= b \\end{align}"]);
  assert.deepEqual(extractMath("see \\\\(x^2\\\\) here").math, ["\\\\(x^2\\\\)"]);
});

test("typeset spans are KaTeX HTML, display math in display mode", () => {
  assert.match(typesetSpan("$x^2$"), /class="katex"/);
  assert.doesNotMatch(typesetSpan("$x^2$"), /katex-display/);
  assert.match(typesetSpan("$$x^2$$"), /katex-display/);
});

test("math KaTeX cannot read is reported and marked, not dropped", () => {
  const problems: string[] = [];
  const html = restoreMath("<p>@@0@@</p>", ["$\\nosuchmacro{x}$"], { onError: (tex, why) => problems.push(`${tex}: ${why}`) });
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /nosuchmacro/);
  assert.match(html, /class="math-error"/);
});

test("Markdown does not mangle underscores and asterisks inside math", () => {
  const html = renderMarkdown("Weights $w_1 * x_1 + w_2 * x_2$ and *emphasis*.");
  assert.match(html, /<em>emphasis<\/em>/);
  assert.equal((html.match(/<em>/g) ?? []).length, 1, "only the real emphasis is emphasised");
  assert.match(html, /class="katex"/);
});
