// Tables: one format per column, and a caption as wide as the output, not as the table.
import { test } from "node:test";
import assert from "node:assert/strict";
import { columnDecimals, formatRows, htmlTable, textTable } from "../../lib/viz/table";

test("a column's numbers share one format: whole numbers beside 0.5 get its one decimal, not 8", () => {
  const rows = [-4, -1, 0, 0.5, 2].map((z) => [z, 1 / 3, 7]);
  const text = formatRows(["z", "third", "count"], rows, 8);
  assert.deepEqual(
    text.map((r) => r[0]),
    ["-4.0", "-1.0", "0.0", "0.5", "2.0"],
  );
  assert.deepEqual([...new Set(text.map((r) => r[1]))], ["0.33333333"], "digits caps the decimals");
  assert.deepEqual([...new Set(text.map((r) => r[2]))], ["7"], "a column of whole numbers stays whole");
  assert.deepEqual(columnDecimals(rows, 3, 8), [1, 8, 0]);
});

test("the column's most precise number sets its decimals, up to digits; strings and blanks are left alone", () => {
  const text = formatRows(
    ["a", "b"],
    [
      [0.25, "—"],
      [1, null],
      [0.5, 3],
      [-0.00001, 2.5],
    ],
    4,
  );
  assert.deepEqual(
    text.map((r) => r[0]),
    ["0.25", "1.00", "0.50", "0.00"],
    "a tiny negative shows as 0.00, not -0.00",
  );
  assert.deepEqual(
    text.map((r) => r[1]),
    ["—", "", "3.0", "2.5"],
  );
  assert.deepEqual(
    formatRows(["x"], [[Infinity], [NaN], [1.5]], 2).map((r) => r[0]),
    ["Infinity", "NaN", "1.5"],
  );
});

test("the text and the HTML table show the same formatted cells", () => {
  const headers = ["z", "σ'(z)"];
  const rows = [
    [-4, 0.0176627062],
    [0.5, 0.2350037122],
  ];
  const text = textTable(headers, rows, { digits: 8 });
  assert.match(text, /-4\.0 +0\.01766271/);
  assert.match(text, / 0\.5 +0\.23500371/);
  const html = htmlTable(headers, rows, { digits: 8 });
  assert.match(html, />-4\.0<\/td>/);
  assert.doesNotMatch(html, />-4<\/td>|0\.50000000/);
});

test("a caption is a block above the table, not a <caption> squeezed to the table's width", () => {
  const caption = "The perceptron learns 14 of the 16 functions of two inputs";
  const html = htmlTable(["A", "B"], [[0, 1]], { caption });
  assert.doesNotMatch(html, /<caption/);
  const at = html.indexOf(caption);
  assert.ok(at >= 0 && at < html.indexOf("<table"), "the caption comes before the table");
  assert.match(html, /^<figure[^>]*><figcaption[^>]*>The perceptron learns/);
  assert.match(html, /<\/table><\/figure>$/);
  assert.doesNotMatch(htmlTable(["A"], [[1]]), /figure|caption/, "no caption, no wrapper");
  assert.match(textTable(["A"], [[1]], { caption }), new RegExp(`^${caption}\n`));
});
