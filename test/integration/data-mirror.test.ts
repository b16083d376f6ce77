import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCourse, projectRoot } from "../helpers/cli";

// The verified offline copy of the datasets sits beside the project; CI points --from at it.
const mirror = path.resolve(projectRoot, "..", "shared", "datasets");
const skip = fs.existsSync(mirror) ? false : `no offline dataset copy at ${mirror}; these tests need it`;
const FILES = 6; // 4 Fashion-MNIST, 1 California housing, 1 iris

test("course data verify --from ../shared/datasets passes", { skip }, async () => {
  const relative = path.relative(projectRoot, mirror);
  assert.equal(relative, path.join("..", "shared", "datasets"));
  const r = await runCourse(["data", "verify", "--from", relative], { cwd: projectRoot });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.match(/: ok \(/g)?.length, FILES, r.stdout);
  assert.match(r.stdout, /All 6 files verified/);
});

test("fetch --from the mirror into an empty cache, then verify passes and a loader reads it", { skip }, async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-cache-"));
  const env = { ...process.env, NNCOURSE_DATA_DIR: cache, NNCOURSE_SYSTEM_DATASETS_DIR: path.join(cache, "no-system") };
  try {
    const fetched = await runCourse(["data", "fetch", "--from", mirror], { env });
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.equal(fetched.stdout.match(/copied from /g)?.length, 5, fetched.stdout);
    assert.deepEqual(fs.readdirSync(path.join(cache, "fashion-mnist")).sort(), [
      "t10k-images-idx3-ubyte.gz",
      "t10k-labels-idx1-ubyte.gz",
      "train-images-idx3-ubyte.gz",
      "train-labels-idx1-ubyte.gz",
    ]);
    assert.deepEqual(fs.readdirSync(path.join(cache, "california-housing")), ["cal_housing.data"]);

    const verified = await runCourse(["data", "verify"], { env });
    assert.equal(verified.code, 0, verified.stderr);
    assert.equal(verified.stdout.match(/: ok \(/g)?.length, FILES, verified.stdout);
    assert.ok(verified.stdout.includes(path.join(cache, "fashion-mnist", "train-images-idx3-ubyte.gz")));

    // Flat layout DIR/<file> is accepted too.
    const flat = path.join(cache, "flat");
    fs.mkdirSync(flat);
    fs.copyFileSync(path.join(mirror, "california-housing", "cal_housing.data"), path.join(flat, "cal_housing.data"));
    const flatVerify = await runCourse(["data", "verify", "california-housing", "--from", flat], { env });
    assert.equal(flatVerify.code, 0, flatVerify.stderr);

    // A damaged cached file: verify exits 1 and names it; fetch replaces it.
    const damaged = path.join(cache, "california-housing", "cal_housing.data");
    fs.appendFileSync(damaged, "-120.0,35.0,1,1,1,1,1,1,1\n");
    const bad = await runCourse(["data", "verify", "california-housing"], { env });
    assert.equal(bad.code, 1);
    assert.ok(bad.stderr.includes(`checksum mismatch for ${damaged}`), bad.stderr);
    assert.match(bad.stderr, /expected sha256 a2b44dcc7e1c9091b43c4f458b25cbd1f7e8068d08edd26bc4703108d3fa6214/);
    assert.match(bad.stderr, /course data fetch california-housing --force/);
    const refetch = await runCourse(["data", "fetch", "california-housing", "--from", mirror], { env });
    assert.equal(refetch.code, 0, refetch.stderr);
    assert.match(refetch.stderr, /the cached copy is bad/);
    assert.equal((await runCourse(["data", "verify", "california-housing"], { env })).code, 0);

    // The library reads the fetched cache.
    const script =
      `const d = require(${JSON.stringify(path.join(projectRoot, "lib", "data"))});` +
      "const h = d.loadCaliforniaHousing(); const f = d.loadFashionMnistSplit('test');" +
      "console.log(JSON.stringify([h.rows, h.cols, f.shape]));";
    const { spawnSync } = await import("node:child_process");
    const lib = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: projectRoot, env, encoding: "utf8" });
    assert.equal(lib.status, 0, lib.stderr);
    assert.equal(lib.stdout.trim(), JSON.stringify([20640, 8, [10000, 28, 28]]));
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test("a mirror that lacks a dataset exits 3 and says where it looked", { skip }, async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-mirror-"));
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-cache-"));
  try {
    const r = await runCourse(["data", "fetch", "california-housing", "--from", empty], {
      env: { ...process.env, NNCOURSE_DATA_DIR: cache },
    });
    assert.equal(r.code, 3);
    assert.ok(r.stderr.includes(path.join(empty, "california-housing", "cal_housing.data")), r.stderr);
    assert.ok(r.stderr.includes(path.join(empty, "cal_housing.tgz")), r.stderr);
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test("fetch uses Debian's dataset-fashion-mnist files when they are installed", { skip }, async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-cache-"));
  // The mirror has the same layout as /usr/share/datasets, so it stands in for the package.
  const env = { ...process.env, NNCOURSE_DATA_DIR: cache, NNCOURSE_SYSTEM_DATASETS_DIR: mirror };
  try {
    const r = await runCourse(["data", "fetch", "fashion-mnist"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.match(/found in Debian's dataset-fashion-mnist package \(.*\), verified; used from there/g)?.length, 4, r.stdout);
    assert.ok(!fs.existsSync(path.join(cache, "fashion-mnist")), "nothing copied or downloaded");
    const v = await runCourse(["data", "verify", "fashion-mnist"], { env });
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /ok \(Debian's dataset-fashion-mnist at /);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
