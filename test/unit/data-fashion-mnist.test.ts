import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FASHION_MNIST_CLASSES, fashionMnistImage, loadFashionMnist, loadFashionMnistSplit } from "../../lib/data";

const projectRoot = path.resolve(__dirname, "..", "..");
const mirror = path.resolve(projectRoot, "..", "shared", "datasets");
const noMirror = fs.existsSync(path.join(mirror, "fashion-mnist")) ? false : `no offline dataset copy at ${mirror}`;

/** Runs `fn` with the cache and system dataset folders pointed elsewhere. */
function withDirs<T>(cache: string, system: string, fn: () => T): T {
  const saved = { cache: process.env.NNCOURSE_DATA_DIR, system: process.env.NNCOURSE_SYSTEM_DATASETS_DIR };
  process.env.NNCOURSE_DATA_DIR = cache;
  process.env.NNCOURSE_SYSTEM_DATASETS_DIR = system;
  try {
    return fn();
  } finally {
    for (const [key, value] of [
      ["NNCOURSE_DATA_DIR", saved.cache],
      ["NNCOURSE_SYSTEM_DATASETS_DIR", saved.system],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Rewrites a gzip header the way Debian's strip-nondeterminism does: drop FNAME, new MTIME. */
function debianStyle(gz: Buffer): Buffer {
  assert.equal(gz[3] & 0x08, 0x08, "the official files store their name");
  const nameEnd = gz.indexOf(0, 10);
  const header = Buffer.from(gz.subarray(0, 10));
  header[3] &= ~0x08;
  header.writeUInt32LE(1590000000, 4);
  return Buffer.concat([header, gz.subarray(nameEnd + 1)]);
}

test("class names", () => {
  assert.deepEqual(FASHION_MNIST_CLASSES, [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
  ]);
});

test("a missing Fashion-MNIST names the command that fetches it", () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-empty-"));
  try {
    withDirs(empty, empty, () => {
      assert.throws(
        () => loadFashionMnistSplit("test"),
        (error: Error) => {
          assert.match(error.message, /t10k-images-idx3-ubyte\.gz is not on this machine/);
          assert.match(error.message, /`npx course data fetch fashion-mnist`/);
          assert.match(error.message, /--from DIR/);
          assert.match(error.message, /dataset-fashion-mnist/);
          return true;
        },
      );
    });
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test("Fashion-MNIST loads with the right shapes and 6,000 of each class in train", { skip: noMirror }, () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-empty-"));
  try {
    // The mirror is laid out like /usr/share/datasets, so it can stand in for Debian's package.
    withDirs(empty, mirror, () => {
      const started = Date.now();
      const { train, test: testSplit, classNames } = loadFashionMnist();
      const first = Date.now() - started;
      assert.deepEqual(train.shape, [60000, 28, 28]);
      assert.deepEqual(testSplit.shape, [10000, 28, 28]);
      assert.equal(train.images.length, 60000 * 784);
      assert.equal(testSplit.images.length, 10000 * 784);
      assert.ok(train.images instanceof Uint8Array && train.labels instanceof Uint8Array);
      assert.equal(train.labels.length, 60000);
      assert.equal(classNames.length, 10);
      const count = (labels: Uint8Array) => labels.reduce((c, l) => (c[l]++, c), new Array<number>(10).fill(0));
      assert.deepEqual(count(train.labels), new Array(10).fill(6000));
      assert.deepEqual(count(testSplit.labels), new Array(10).fill(1000));
      // The first training image is an ankle boot, the first test image an ankle boot too.
      assert.equal(classNames[train.labels[0]], "Ankle boot");
      assert.equal(classNames[testSplit.labels[0]], "Ankle boot");
      const img = fashionMnistImage(train, 0);
      assert.equal(img.length, 784);
      assert.ok(img.some((p) => p > 200) && img.some((p) => p === 0));
      // Second call: served from memory, same arrays.
      const again = Date.now();
      const second = loadFashionMnist();
      assert.equal(second.train.images, train.images);
      assert.ok(Date.now() - again < 20, `a second load took ${Date.now() - again} ms`);
      assert.ok(first < 10000, `the first load took ${first} ms`);
    });
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test("re-headered gzips (as Debian ships them) load and verify", { skip: noMirror }, () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-empty-"));
  const system = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-debian-"));
  try {
    fs.mkdirSync(path.join(system, "fashion-mnist"));
    for (const name of ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]) {
      const original = fs.readFileSync(path.join(mirror, "fashion-mnist", name));
      const rewritten = debianStyle(original);
      assert.ok(!rewritten.equals(original));
      fs.writeFileSync(path.join(system, "fashion-mnist", name), rewritten);
    }
    withDirs(empty, system, () => {
      const t = loadFashionMnistSplit("test");
      assert.equal(t.count, 10000);
      assert.equal(t.labels[0], 9);
    });
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
    fs.rmSync(system, { recursive: true, force: true });
  }
});
