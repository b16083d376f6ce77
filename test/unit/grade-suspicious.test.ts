// Suspicious code (scripts/src/grade/suspicious.ts): each kind of move on the grading
// machinery is named, with the cell, the line and the code, so that an instructor
// reviewing the submission sees what was tried and where; the master's own cells are
// not searched.
import { test } from "node:test";
import assert from "node:assert/strict";
import { suspiciousCode } from "../../scripts/src/grade/suspicious";
import { newCodeCell, newMarkdownCell, newNotebook } from "../../scripts/src/notebook";

const meta = (id: string, kind: { solution?: boolean; grade?: boolean; locked?: boolean }) => ({
  nbgrader: { schema_version: 3, grade_id: id, solution: false, grade: false, locked: false, task: false, ...kind },
});

test("each kind of move is named with the answer cell or the cell's number, the line and the code", () => {
  const notebook = {
    ...newNotebook(),
    cells: [
      newMarkdownCell('require("child_process") in prose is no code'),
      newCodeCell('const fine = 1;\nconst cp = require("child_process");', meta("answer-1", { solution: true })),
      newCodeCell("  globalThis.__tslab__.x = 1;   "),
      newCodeCell("delete require.cache[k];\nprocess.binding('fs');"),
      newCodeCell('const t = fs.readFileSync("/proc/self/environ");'),
      newCodeCell('fs.readdirSync("../solutions");'),
      newCodeCell('const gradebook = fs.openSync(file, "r");'),
      newCodeCell('display({ "application/vnd.nncourse.grade+json": {} });'),
    ],
  };
  assert.deepEqual(suspiciousCode(notebook), [
    {
      gradeId: "answer-1",
      message: `the answer cell "answer-1", line 2 loads a module that reads the process's memory or starts processes: const cp = require("child_process");`,
    },
    { gradeId: null, message: "cell 3, line 1 reaches into the kernel's reply path: globalThis.__tslab__.x = 1;" },
    { gradeId: null, message: "cell 4, line 1 tampers with module loading: delete require.cache[k];" },
    { gradeId: null, message: "cell 4, line 2 tampers with module loading: process.binding('fs');" },
    {
      gradeId: null,
      message: `cell 5, line 1 reads the kernel's process or connection files: const t = fs.readFileSync("/proc/self/environ");`,
    },
    { gradeId: null, message: `cell 6, line 1 reads course files (masters, solutions or the gradebook): fs.readdirSync("../solutions");` },
    {
      gradeId: null,
      message: `cell 7, line 1 reads course files (masters, solutions or the gradebook): const gradebook = fs.openSync(file, "r");`,
    },
    { gradeId: null, message: `cell 8, line 1 imitates the grader: display({ "application/vnd.nncourse.grade+json": {} });` },
  ]);
});

test("one line matching several patterns is named once; the master's test and locked cells are not searched", () => {
  const notebook = {
    ...newNotebook(),
    cells: [
      newCodeCell('require("v8"); fs.readFileSync("/proc/1/maps");'),
      newCodeCell('require("worker_threads");', meta("tests-1", { grade: true, locked: true })),
      newCodeCell('require("inspector");', meta("setup", { locked: true })),
    ],
  };
  const findings = suspiciousCode(notebook);
  assert.equal(findings.length, 1, JSON.stringify(findings));
  assert.match(findings[0]!.message, /^cell 1, line 1 loads a module/);
});

test("only the start of a long line is quoted", () => {
  const line = `require("v8"); // ${"x".repeat(300)}`;
  const [finding] = suspiciousCode({ ...newNotebook(), cells: [newCodeCell(line)] });
  assert.equal(
    finding?.message,
    `cell 1, line 1 loads a module that reads the process's memory or starts processes: ${line.slice(0, 120)}`,
  );
});
