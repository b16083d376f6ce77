import { test } from "node:test";
import assert from "node:assert/strict";
import { runCourse } from "../helpers/cli";

test("course --help lists every command and exits 0", async () => {
  const r = await runCourse(["--help"]);
  assert.equal(r.code, 0);
  for (const name of ["start", "setup", "doctor", "data", "run"]) assert.match(r.stdout, new RegExp(`^  ${name} `, "m"));
});

test("an unknown command exits 2 and shows the usage", async () => {
  const r = await runCourse(["frobnicate"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command "frobnicate"/);
  assert.match(r.stderr, /usage: course <command>/);
});

test("every command has --help that exits 0 and starts with its usage line", async () => {
  for (const name of ["start", "setup", "doctor", "data", "run"]) {
    const r = await runCourse([name, "--help"]);
    assert.equal(r.code, 0, name);
    assert.match(r.stdout, new RegExp(`^usage: course ${name}`), name);
  }
});

test("wrong options exit 2 with the problem and where to look", async () => {
  const cases: [string[], RegExp][] = [
    [["setup", "--bogus"], /Unknown option '--bogus'/],
    [["setup", "--user", "--prefix", "/tmp/x"], /--user and --prefix choose different places/],
    [["start", "--port", "eighty"], /--port must be a whole number/],
    [["doctor", "extra"], /positional/i],
  ];
  for (const [args, message] of cases) {
    const r = await runCourse(args);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, message, args.join(" "));
    assert.match(r.stderr, /Fix: see `course \w+ --help`/, args.join(" "));
  }
});
