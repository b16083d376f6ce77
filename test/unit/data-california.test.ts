import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CALIFORNIA_HOUSING_FEATURES,
  deriveCaliforniaHousing,
  loadCaliforniaHousing,
  loadCaliforniaHousingRaw,
  parseCalHousingData,
} from "../../lib/data";

const projectRoot = path.resolve(__dirname, "..", "..");
const mirror = path.resolve(projectRoot, "..", "shared", "datasets", "california-housing");
const noMirror = fs.existsSync(mirror) ? false : `no offline dataset copy at ${mirror}`;

test("derivation of one row, computed by hand", () => {
  // The first block group of cal_housing.data (Berkeley hills).
  const raw = parseCalHousingData("-122.230000,37.880000,41.000000,880.000000,129.000000,322.000000,126.000000,8.325200,452600.000000\n");
  const d = deriveCaliforniaHousing(raw);
  assert.equal(d.rows, 1);
  assert.deepEqual(d.featureNames, ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude"]);
  assert.equal(d.targetName, "MedHouseVal");
  // 880/126 rooms, 129/126 bedrooms, 322/126 people per household; 452,600 USD = 4.526 x 100k.
  assert.deepEqual([...d.data], [8.3252, 41, 880 / 126, 129 / 126, 322, 322 / 126, 37.88, -122.23]);
  assert.ok(Math.abs(d.data[2] - 6.984127) < 1e-6 && Math.abs(d.data[3] - 1.02381) < 1e-5 && Math.abs(d.data[5] - 2.555556) < 1e-6);
  assert.equal(d.target[0], 4.526);
});

test("bad rows in cal_housing.data are reported with the line", () => {
  assert.throws(() => parseCalHousingData("1,2,3\n", "c.data"), /c\.data line 1: expected 9 comma-separated values, found 3/);
  assert.throws(
    () => parseCalHousingData("1,2,3,4,5,6,7,8,9\n1,2,3,4,x,6,7,8,9\n", "c.data"),
    /c\.data line 2, column 5: "x" is not a number/,
  );
});

test("features and target equal scikit-learn's table bit for bit, every row", { skip: noMirror }, () => {
  const raw = parseCalHousingData(fs.readFileSync(path.join(mirror, "cal_housing.data"), "latin1"));
  const ours = deriveCaliforniaHousing(raw);
  const lines = fs.readFileSync(path.join(mirror, "california_housing.csv"), "utf8").trim().split("\n");
  assert.equal(lines[0], [...CALIFORNIA_HOUSING_FEATURES, "MedHouseVal"].join(","));
  const rows = lines.slice(1);
  assert.equal(ours.rows, 20640);
  assert.equal(rows.length, 20640);
  let compared = 0;
  rows.forEach((line, r) => {
    const expected = line.split(",").map(Number);
    for (let c = 0; c < 8; c++) {
      // Object.is: exact float64 equality (no tolerance).
      if (!Object.is(ours.data[r * 8 + c], expected[c]))
        assert.fail(`row ${r + 1} ${CALIFORNIA_HOUSING_FEATURES[c]}: ours ${ours.data[r * 8 + c]}, scikit-learn ${expected[c]}`);
      compared++;
    }
    if (!Object.is(ours.target[r], expected[8]))
      assert.fail(`row ${r + 1} MedHouseVal: ours ${ours.target[r]}, scikit-learn ${expected[8]}`);
    compared++;
  });
  assert.equal(compared, 20640 * 9);
  // Spot values from cal_housing.data by hand: the last row (Mariposa county) is
  // -121.24,39.37,16,2785,616,1387,530,2.3886,89400.
  const last = 20639;
  assert.deepEqual([...ours.data.subarray(last * 8, last * 8 + 8)], [2.3886, 16, 2785 / 530, 616 / 530, 1387, 1387 / 530, 39.37, -121.24]);
  assert.equal(ours.target[last], 0.894);
  // Means published for fetch_california_housing.
  const mean = (c: number) => ours.data.filter((_, i) => i % 8 === c).reduce((a, b) => a + b, 0) / 20640;
  assert.ok(Math.abs(mean(0) - 3.870671) < 1e-6 && Math.abs(mean(5) - 3.070655) < 1e-6);
});

test("loadCaliforniaHousing reads the cache, verifies it, and says how to fetch it when absent", { skip: noMirror }, () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-cache-"));
  const saved = process.env.NNCOURSE_DATA_DIR;
  process.env.NNCOURSE_DATA_DIR = cache;
  try {
    assert.throws(
      () => loadCaliforniaHousing(),
      /cal_housing\.data is not on this machine[\s\S]*npx course data fetch california-housing`[\s\S]*--from DIR/,
    );
    fs.mkdirSync(path.join(cache, "california-housing"));
    fs.copyFileSync(path.join(mirror, "cal_housing.data"), path.join(cache, "california-housing", "cal_housing.data"));
    const raw = loadCaliforniaHousingRaw();
    assert.equal(raw.rows, 20640);
    assert.deepEqual([...raw.data.subarray(0, 9)], [-122.23, 37.88, 41, 880, 129, 322, 126, 8.3252, 452600]);
    const d = loadCaliforniaHousing();
    assert.equal(d.data.length, 20640 * 8);
    assert.equal(d.target.length, 20640);
    assert.equal(d.target[0], 4.526);
  } finally {
    if (saved === undefined) delete process.env.NNCOURSE_DATA_DIR;
    else process.env.NNCOURSE_DATA_DIR = saved;
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test("a damaged cached file fails its checksum with both hashes and the fix", { skip: noMirror }, () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-cache-"));
  const saved = process.env.NNCOURSE_DATA_DIR;
  process.env.NNCOURSE_DATA_DIR = cache;
  try {
    fs.mkdirSync(path.join(cache, "california-housing"));
    const text = fs.readFileSync(path.join(mirror, "cal_housing.data"), "latin1").replace("452600.000000", "452700.000000");
    fs.writeFileSync(path.join(cache, "california-housing", "cal_housing.data"), text, "latin1");
    assert.throws(
      () => loadCaliforniaHousingRaw(),
      /checksum mismatch for .*cal_housing\.data: the decompressed data should have sha256 a2b44dcc7e1c9091b43c4f458b25cbd1f7e8068d08edd26bc4703108d3fa6214 \(2071484 bytes\) but have sha256 [0-9a-f]{64}[\s\S]*fetch california-housing --force/,
    );
  } finally {
    if (saved === undefined) delete process.env.NNCOURSE_DATA_DIR;
    else process.env.NNCOURSE_DATA_DIR = saved;
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
