/**
 * The files every page shares, copied into the site's assets/ folder so that it works
 * offline and from file://: plotly.js (one copy, loaded by the pages that draw figures),
 * KaTeX's stylesheet and fonts, a highlight.js theme, and the site's own CSS and JS.
 */
import fs from "node:fs";
import path from "node:path";
import { CourseError, EXIT } from "../errors";
import { projectRoot } from "../project";
import { REQUIRE_SHIM_JS, SITE_CSS, SITE_JS } from "./static";

/** Paths of the assets as pages link to them (relative to the site root). */
export const ASSETS = {
  plotly: "assets/plotly.min.js",
  requireShim: "assets/require-shim.js",
  katexCss: "assets/katex/katex.min.css",
  highlightCss: "assets/highlight.css",
  siteCss: "assets/site.css",
  siteJs: "assets/site.js",
} as const;

function packageDir(name: string): string {
  try {
    return path.dirname(require.resolve(`${name}/package.json`, { paths: [projectRoot(), __dirname] }));
  } catch {
    throw new CourseError(
      `the npm package ${name} is not installed; the HTML export needs it.`,
      "run `npm install` in the course folder.",
      EXIT.missing,
    );
  }
}

function copy(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

/** Writes assets/ under the site folder. */
export function writeAssets(siteDir: string): void {
  const at = (relative: string) => path.join(siteDir, relative);
  copy(path.join(packageDir("plotly.js-dist-min"), "plotly.min.js"), at(ASSETS.plotly));
  const katex = path.join(packageDir("katex"), "dist");
  copy(path.join(katex, "katex.min.css"), at(ASSETS.katexCss));
  // The stylesheet lists woff2 first; every browser that runs plotly.js reads woff2,
  // so the older formats would only make the site bigger.
  for (const font of fs.readdirSync(path.join(katex, "fonts")).filter((f) => f.endsWith(".woff2"))) {
    copy(path.join(katex, "fonts", font), path.join(path.dirname(at(ASSETS.katexCss)), "fonts", font));
  }
  copy(path.join(packageDir("highlight.js"), "styles", "github.min.css"), at(ASSETS.highlightCss));
  fs.writeFileSync(at(ASSETS.siteCss), SITE_CSS);
  fs.writeFileSync(at(ASSETS.siteJs), SITE_JS);
  fs.writeFileSync(at(ASSETS.requireShim), REQUIRE_SHIM_JS);
}
