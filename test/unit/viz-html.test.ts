import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeHtml } from "../../lib/viz/html";

test("escapeHtml escapes the five characters HTML gives meaning to, and only those", () => {
  assert.equal(escapeHtml(`<b title="x">Tom & Jerry's</b>`), "&lt;b title=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;");
  // An entity already in the text is escaped again: the text shows as written.
  assert.equal(escapeHtml("&lt;"), "&amp;lt;");
  assert.equal(escapeHtml("η = 0.1, σ(z) ≥ ½"), "η = 0.1, σ(z) ≥ ½");
});
