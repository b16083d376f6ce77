/**
 * The site's own stylesheet and scripts. They live here as strings because the build
 * compiles TypeScript only: a .css beside this file would not reach dist/.
 */

/** Draws every plotly JSON figure of the page with the page's one plotly.js. */
export const SITE_JS = `(function () {
  "use strict";
  function draw() {
    var specs = document.querySelectorAll("script.plotly-spec");
    for (var i = 0; i < specs.length; i++) {
      var spec = specs[i];
      var target = document.getElementById(spec.getAttribute("data-for"));
      if (!target) continue;
      if (typeof Plotly === "undefined") {
        console.error("plotly.js did not load; figure " + target.id + " cannot be drawn");
        return;
      }
      var figure = JSON.parse(spec.textContent);
      var config = Object.assign({ responsive: true }, figure.config || {});
      (function (target, figure) {
        Plotly.newPlot(target, figure.data || [], figure.layout || {}, config)
          .then(function () { if (figure.frames) return Plotly.addFrames(target, figure.frames); })
          .catch(function (error) { console.error("figure " + target.id + " could not be drawn: " + error); });
      })(target, figure);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
`;

/**
 * HTML outputs made for Jupyter Notebook often load plotly through Notebook's
 * require.js (\`require(["plotly"], function (Plotly) { ... })\`). The static page has
 * no require.js, so this stands in for it, handing out the page's plotly.js.
 */
export const REQUIRE_SHIM_JS = `(function () {
  "use strict";
  if (typeof window.require === "function") return;
  function load(name) {
    if (/plotly/i.test(name)) return window.Plotly;
    console.error("this page cannot load the module " + name + " (no require.js in the static export)");
    return undefined;
  }
  function require(deps, callback) {
    if (typeof deps === "string") return load(deps);
    var modules = deps.map(load);
    if (typeof callback === "function") callback.apply(window, modules);
  }
  require.config = function () {};
  require.undef = function () {};
  window.require = require;
  window.requirejs = require;
})();
`;

export const SITE_CSS = `:root {
  --text: #1f2328; --muted: #59636e; --line: #d1d9e0; --code-bg: #f6f8fa;
  --accent: #0b5cad; --error-bg: #ffebe9; --error-line: #cf222e; --stderr-bg: #fff8e6;
}
* { box-sizing: border-box; }
body { margin: 0; color: var(--text); background: #fff;
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); }
.site-header, .site-footer { display: flex; gap: 1rem; align-items: baseline; justify-content: space-between;
  padding: .6rem 1.5rem; border-bottom: 1px solid var(--line); background: #fafbfc; font-size: .95rem; }
.site-footer { border-top: 1px solid var(--line); border-bottom: 0; margin-top: 3rem; }
.site-header .home { font-weight: 600; text-decoration: none; }
.pager a { margin-left: 1rem; }
main { max-width: 62rem; margin: 0 auto; padding: 1rem 1.5rem; }
h1, h2, h3 { line-height: 1.25; }
h1 .anchor, h2 .anchor, h3 .anchor, h4 .anchor { visibility: hidden; margin-left: .3em; text-decoration: none; color: var(--muted); }
h1:hover .anchor, h2:hover .anchor, h3:hover .anchor, h4:hover .anchor { visibility: visible; }
table { border-collapse: collapse; margin: .8rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .6rem; text-align: center; }
thead th { background: var(--code-bg); }
pre, code { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: .88rem; }
:not(pre) > code { background: var(--code-bg); padding: .1em .3em; border-radius: 4px; }
.cell { margin: 1rem 0; }
.code-cell .input { display: flex; gap: .5rem; }
.prompt { flex: 0 0 4.5rem; text-align: right; color: var(--muted); font-family: ui-monospace, monospace; font-size: .8rem; padding-top: .6rem; }
.code-cell pre.source { flex: 1; margin: 0; padding: .6rem .8rem; background: var(--code-bg); border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
.code-cell pre.source code.hljs { background: transparent; padding: 0; }
.outputs { margin-left: 5rem; }
.output { margin: .4rem 0; overflow-x: auto; }
.output pre { margin: 0; padding: .3rem .2rem; white-space: pre-wrap; }
.output-stderr pre { background: var(--stderr-bg); }
.output-error pre { background: var(--error-bg); border-left: 3px solid var(--error-line); padding: .4rem .6rem; }
.output img { max-width: 100%; }
.plotly-figure { width: 100%; min-height: 360px; }
.katex-display { overflow-x: auto; overflow-y: hidden; }
.math-error { outline: 1px dashed var(--error-line); }
.course-intro { color: var(--muted); }
.course-list { list-style: none; padding: 0; }
.course-list > li { border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1.2rem; margin: 1rem 0; }
.course-list h2 { margin: 0 0 .3rem; font-size: 1.25rem; }
.course-list .sections { color: var(--muted); font-size: .92rem; }
.badge { display: inline-block; font-size: .75rem; padding: 0 .5rem; border-radius: 1rem; background: #ddf4ff; color: #0550ae; margin-left: .4rem; vertical-align: middle; }
@media (max-width: 40rem) { .code-cell .input { display: block; } .prompt { text-align: left; padding: 0; } .outputs { margin-left: 0; } }
`;
