// A reporter for node's test runner that writes one JSON line per skipped test (its
// file, name and reason), beside the spec reporter that the reader watches: run-tests.js
// lists the skips with their reasons after the run, and in CI fails a run that skipped a
// test for something the machine lacks.
"use strict";

module.exports = async function* skipReporter(source) {
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { skip, file, name } = event.data;
    if (skip === undefined || skip === false) continue;
    yield JSON.stringify({ file: file ?? null, name, reason: typeof skip === "string" ? skip : "" }) + "\n";
  }
};
