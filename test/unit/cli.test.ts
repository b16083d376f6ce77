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
    [["setup", "--bogus"], /unknown option "--bogus"/],
    [["setup", "--user", "--prefix", "/tmp/x"], /--user and --prefix choose different places/],
    [["start", "--port", "eighty"], /--port must be a whole number/],
    [["doctor", "extra"], /unexpected argument "extra"; this command takes options only/],
  ];
  for (const [args, message] of cases) {
    const r = await runCourse(args);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, message, args.join(" "));
    assert.match(r.stderr, /Fix: see `course \w+ --help`/, args.join(" "));
  }
});

/**
 * Node's argument parser and the commands' own checks used to answer in two styles
 * ("Option '-j, --jobs <value>' argument missing" beside `--jobs must be a whole
 * number`). Whichever catches the mistake, the answer has one form: exit 2, then
 * `course <command>: <problem>.` in lower case with values in double quotes, then a
 * `Fix:` line pointing at the command's --help.
 */
test("every wrong command line is answered in one style, whichever parser caught it", async () => {
  const cases: [string[], string][] = [
    [["run", "--bogus"], 'course run: unknown option "--bogus".'],
    [["run", "-x", "a.ipynb"], 'course run: unknown option "-x".'],
    [["run", "-j"], "course run: --jobs needs a value."],
    [["run", "--jobs", "many", "a.ipynb"], 'course run: --jobs must be a whole number of at least 1, got "many".'],
    [["run", "--in-place=yes", "a.ipynb"], "course run: --in-place takes no value."],
    [["check", "--timeout"], "course check: --timeout needs a value."],
    [["export", "--csv", "--out"], "course export: --out needs a value."],
    [["export", "extra"], 'course export: unexpected argument "extra".'],
    [["build", "extra"], 'course build: unexpected argument "extra"; this command takes options only.'],
    [["grade", "a", "b"], 'course grade: one submissions folder at a time, got 2: "a", "b".'],
    [["tf", "bogus"], 'course tf: expected "install node" or "install gpu", got "bogus".'],
    [["data", "fetch", "--bogus"], 'course data: unknown option "--bogus".'],
  ];
  for (const [args, first] of cases) {
    const r = await runCourse(args);
    const what = `course ${args.join(" ")}\n${r.stderr}`;
    assert.equal(r.code, 2, what);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines[0], first, what);
    assert.match(lines[1] ?? "", /^Fix: .*`course [\w ]+ --help`\)?\.$/, what);
    // Node's own wording must not leak through.
    assert.doesNotMatch(r.stderr, /Unknown option|Unexpected argument|argument missing|<value>|positional/, what);
  }
});
