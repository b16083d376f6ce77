import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  NotebookError,
  codeCells,
  firstLine,
  joinText,
  newCodeCell,
  newMarkdownCell,
  newNotebook,
  parseNotebook,
  readNotebook,
  serializeNotebook,
  splitLines,
  writeNotebook,
} from "../../scripts/src/notebook";
import { EXIT } from "../../scripts/src/errors";

function withTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "nncourse-notebook-test-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("splitLines keeps newlines on every line but a last partial one", () => {
  assert.deepEqual(splitLines("a\nb\n"), ["a\n", "b\n"]);
  assert.deepEqual(splitLines("a\nb"), ["a\n", "b"]);
  assert.deepEqual(splitLines("\n\nx"), ["\n", "\n", "x"]);
  assert.deepEqual(splitLines(""), []);
  assert.equal(joinText(splitLines("x\ny\n\nz")), "x\ny\n\nz");
});

test("splitLines ends lines where Python's splitlines does, as nbformat writes them", () => {
  assert.deepEqual(splitLines("10%\r50%\r100%\n"), ["10%\r", "50%\r", "100%\n"], "a progress bar's carriage returns");
  assert.deepEqual(splitLines("a\r\nb"), ["a\r\n", "b"]);
  assert.deepEqual(splitLines("a\u2028b\fc\x1ed\x85"), ["a\u2028", "b\f", "c\x1e", "d\x85"]);
});

test("firstLine finds the first line with text", () => {
  assert.equal(firstLine(["\n", "  // setup\n", "let x = 1"]), "// setup");
  assert.equal(firstLine(""), "");
});

test("serializeNotebook writes like Jupyter: sorted keys, indent 1, lines, trailing newline", () => {
  const cell = newCodeCell("let a = 1;\nconsole.log(a)", { nbgrader: { grade_id: "a", points: 2 }, tags: ["x"] });
  cell.outputs = [
    { output_type: "stream", name: "stdout", text: "1\n2\n" },
    { output_type: "display_data", data: { "text/html": "<b>\nhi</b>", "application/json": { k: "a\nb" } }, metadata: {} },
  ];
  const text = serializeNotebook(newNotebook([cell]));
  assert.ok(text.endsWith("}\n"));
  assert.ok(text.startsWith('{\n "cells": [\n  {\n   "cell_type": "code",'), text.slice(0, 80));
  const parsed = JSON.parse(text);
  assert.deepEqual(Object.keys(parsed), ["cells", "metadata", "nbformat", "nbformat_minor"]);
  assert.deepEqual(parsed.cells[0].source, ["let a = 1;\n", "console.log(a)"]);
  assert.deepEqual(parsed.cells[0].outputs[0].text, ["1\n", "2\n"]);
  assert.deepEqual(parsed.cells[0].outputs[1].data["text/html"], ["<b>\n", "hi</b>"]);
  assert.deepEqual(parsed.cells[0].outputs[1].data["application/json"], { k: "a\nb" }, "JSON data is not split");
  assert.deepEqual(parsed.cells[0].metadata, { nbgrader: { grade_id: "a", points: 2 }, tags: ["x"] });
  // The in-memory notebook keeps its own form.
  assert.equal(cell.source, "let a = 1;\nconsole.log(a)");
});

test("serializeNotebook writes numbers, key order and output bundles as nbformat does", () => {
  const cell = newCodeCell("x");
  cell.metadata = { "\u{1F600}": 1, "\uFB01": 2, b: 3, a: 4, trusted: true };
  cell.outputs = [
    {
      output_type: "display_data",
      data: {
        "application/vnd.plotly.v1+json": { y: [0.1, 1e-5, 0.0001, -2.5e-7, 1e21, 1e16, 123.456, 2, -0] },
        "image/png": ["iVBORw0", "KGgo\n"],
        "application/javascript": "a();\nb();",
        "text/plain": ["one line\ntwo", " lines"],
      },
      metadata: {},
    },
  ];
  const notebook = newNotebook([cell]);
  Object.assign(notebook.metadata, { orig_nbformat: 3, signature: "sha256:x" });
  const text = serializeNotebook(notebook);
  // What Python's json.dumps writes for these numbers (repr of a float, digits of an int).
  assert.match(
    text,
    /"y": \[\n\s+0\.1,\n\s+1e-05,\n\s+0\.0001,\n\s+-2\.5e-07,\n\s+1e\+21,\n\s+10000000000000000,\n\s+123\.456,\n\s+2,\n\s+0\n/,
  );
  const parsed = JSON.parse(text);
  assert.deepEqual(Object.keys(parsed.cells[0].metadata), ["a", "b", "\uFB01", "\u{1F600}"], "keys by code point, and no trusted flag");
  const data = parsed.cells[0].outputs[0].data;
  assert.equal(data["image/png"], "iVBORw0KGgo\n", "base64 images are one string");
  assert.deepEqual(data["application/javascript"], ["a();\n", "b();"]);
  assert.deepEqual(data["text/plain"], ["one line\n", "two lines"], "lists are joined and split again");
  assert.equal(parsed.metadata.orig_nbformat, undefined);
  assert.equal(parsed.metadata.signature, undefined);
});

test("a notebook survives write and read unchanged, unknown metadata included", () => {
  withTempDir((dir) => {
    const file = join(dir, "nb.ipynb");
    const notebook = newNotebook([newMarkdownCell("# Title"), newCodeCell("1", { nbgrader: { schema_version: 3, locked: true } })]);
    notebook.metadata.custom = { keep: [1, "two"] };
    writeNotebook(file, notebook);
    const first = readFileSync(file, "utf8");
    const again = readNotebook(file);
    assert.deepEqual(again.metadata.custom, { keep: [1, "two"] });
    assert.deepEqual(again.cells[1]!.metadata, { nbgrader: { schema_version: 3, locked: true } });
    writeNotebook(file, again);
    assert.equal(readFileSync(file, "utf8"), first, "writing what was read gives the same bytes");
    assert.deepEqual(
      codeCells(again).map((c) => c.index),
      [1],
    );
  });
});

test("a notebook as Jupyter saves it is written back byte for byte", () => {
  const jupyterText =
    '{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": 1,\n   "id": "abc",\n   "metadata": {\n    "nbgrader": {\n     "grade": false,\n     "grade_id": "x"\n    }\n   },\n' +
    '   "outputs": [\n    {\n     "name": "stdout",\n     "output_type": "stream",\n     "text": [\n      "héllo\\n"\n     ]\n    }\n   ],\n   "source": [\n    "console.log(\\"héllo\\")"\n   ]\n  }\n ],\n' +
    ' "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n';
  assert.equal(serializeNotebook(parseNotebook(jupyterText)), jupyterText);
});

test("invalid notebooks give errors that name the file and the problem (exit code 3)", () => {
  const cases: Array<[string, RegExp]> = [
    ["{ not json", /bad\.ipynb: is not valid JSON/],
    ["[]", /top level must be a JSON object/],
    ['{"cells": [], "metadata": {}}', /"nbformat" field is missing/],
    ['{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}', /nbformat 3, but only nbformat 4/],
    ['{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}', /lacks the "cells" list/],
    ['{"nbformat": 4, "nbformat_minor": 5, "cells": []}', /lacks the "metadata" object/],
    ['{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code"}]}', /cell 1 has no "source"/],
    [
      '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "heading", "source": ""}]}',
      /cell 1 has cell_type "heading"/,
    ],
    [
      '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": "", "outputs": {}}]}',
      /"outputs" that is not a list/,
    ],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseNotebook(text, "bad.ipynb"),
      (error: unknown) =>
        error instanceof NotebookError &&
        message.test(error.message) &&
        error.exitCode === EXIT.missing &&
        error.message.includes("bad.ipynb"),
      `for ${text}`,
    );
  }
});

test("code cells missing outputs or execution_count are filled in, like Jupyter tolerates", () => {
  const notebook = parseNotebook(
    '{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [{"cell_type": "code", "source": "1", "metadata": {}}]}',
  );
  const cell = notebook.cells[0]!;
  assert.equal(cell.cell_type, "code");
  if (cell.cell_type === "code") {
    assert.deepEqual(cell.outputs, []);
    assert.equal(cell.execution_count, null);
  }
});

test("readNotebook names a missing file", () => {
  withTempDir((dir) => {
    const file = join(dir, "missing.ipynb");
    assert.throws(
      () => readNotebook(file),
      (e: unknown) => e instanceof NotebookError && /missing\.ipynb: no such file/.test(e.message),
    );
    writeFileSync(join(dir, "broken.ipynb"), "{");
    assert.throws(() => readNotebook(join(dir, "broken.ipynb")), /broken\.ipynb: is not valid JSON/);
  });
});

test("the fix fits the problem: a missing file, a file that is no notebook, a saved web page", () => {
  withTempDir((dir) => {
    const fixOf = (file: string) => {
      try {
        readNotebook(file);
      } catch (error) {
        assert.ok(error instanceof NotebookError);
        return { message: error.message, fix: error.fix ?? "" };
      }
      assert.fail(`${file} was read`);
    };
    // A relative name is shown with the full path it was looked for at; nothing to repair.
    const missing = fixOf(join("no-such-folder", "02-perceptron.ipynb"));
    assert.match(missing.message, /02-perceptron\.ipynb: no such file \(looked at \/.*no-such-folder\/02-perceptron\.ipynb\)/);
    assert.match(missing.fix, /check the path/);
    assert.doesNotMatch(missing.fix, /repair/);

    writeFileSync(join(dir, "README.md"), "# Notes\n");
    const markdown = fixOf(join(dir, "README.md"));
    assert.match(markdown.message, /README\.md: a \.md file, not a notebook; the course tools read Jupyter notebooks \(\.ipynb files\)/);
    assert.doesNotMatch(markdown.message + markdown.fix, /JSON|repair/);

    writeFileSync(join(dir, "page.ipynb"), "<!DOCTYPE html>\n<html>...");
    const page = fixOf(join(dir, "page.ipynb"));
    assert.match(page.message, /holds an HTML page, not a notebook/);
    assert.match(page.fix, /raw \.ipynb/);
  });
});
