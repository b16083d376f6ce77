import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCourse } from "../helpers/cli";

test("course data --help describes list, fetch and verify", async () => {
  for (const args of [
    ["data", "--help"],
    ["data", "fetch", "--help"],
    ["help", "data"],
  ]) {
    const r = await runCourse(args);
    assert.equal(r.code, 0, args.join(" "));
    assert.match(r.stdout, /^usage: course data/);
    for (const s of [
      "course data list",
      "course data fetch [NAME...] [--from DIR] [--force]",
      "course data verify [NAME...] [--from DIR]",
      "--manifest FILE",
      "NNCOURSE_DATA_DIR",
    ]) {
      assert.ok(r.stdout.includes(s), `${args.join(" ")}: ${s}`);
    }
  }
});

test("wrong command lines exit 2 and say what to do", async () => {
  const cases: [string[], RegExp][] = [
    [["data"], /say what to do: list, fetch or verify/],
    [["data", "download"], /unknown subcommand "download"/],
    [["data", "fetch", "--bogus"], /unknown option "--bogus"\./],
    [["data", "fetch", "--from"], /--from/],
    [["data", "verify", "--force"], /unknown option "--force"\./],
    [["data", "fetch", "mnist"], /unknown dataset "mnist"[\s\S]*use one of: fashion-mnist, california-housing, iris/],
    [["data", "verify", "iris", "cifar", "imagenet"], /unknown datasets "cifar", "imagenet"/],
    [["data", "list", "iris"], /list takes no dataset names/],
  ];
  for (const [args, message] of cases) {
    const r = await runCourse(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.match(r.stderr, /Fix: /, args.join(" "));
  }
});

test("a --from folder that does not exist exits 3", async () => {
  const r = await runCourse(["data", "verify", "--from", path.join(os.tmpdir(), "no-such-mirror-here")]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /the --from folder .*no-such-mirror-here does not exist/);
});

test("a missing manifest exits 3 and names it", async () => {
  const r = await runCourse(["data", "list", "--manifest", path.join(os.tmpdir(), "no-such-manifest.json")]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /cannot read the dataset manifest .*no-such-manifest\.json/);
});

test("list shows every dataset and the cache folder", async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-cache-"));
  try {
    const r = await runCourse(["data", "list"], { env: { ...process.env, NNCOURSE_DATA_DIR: cache, NNCOURSE_SYSTEM_DATASETS_DIR: cache } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^fashion-mnist  Fashion-MNIST\n  4 files, 55\.0 MB of data; not fetched/m);
    assert.match(r.stdout, /^california-housing .*\n  1 file, 2\.1 MB of data; not fetched/m);
    assert.match(r.stdout, /^iris .*\n  1 file, 5\.6 kB of data; present \(bundled\)/m);
    assert.ok(r.stdout.includes(`Cache: ${cache}`));
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test("verify of an empty cache exits 3 and says how to fetch", async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-cache-"));
  try {
    const r = await runCourse(["data", "verify", "california-housing"], { env: { ...process.env, NNCOURSE_DATA_DIR: cache } });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /california-housing\/cal_housing\.data: MISSING: not fetched yet/);
    assert.match(r.stderr, /course data fetch california-housing/);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
