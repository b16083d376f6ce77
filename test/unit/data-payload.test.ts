import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { deflateRawSync, gzipSync } from "node:zlib";
import { crc32 } from "node:zlib";
import { decodePayload, sha256Hex, tarMember, tarMembers, type DatasetFileEntry } from "../../lib/data";

/** A gzip written by hand: header with optional stored name and any mtime, deflate, trailer. */
function gzipWithHeader(data: Buffer, mtime: number, name?: string): Buffer {
  const header = Buffer.from([0x1f, 0x8b, 0x08, name ? 0x08 : 0x00, 0, 0, 0, 0, 0x00, 0x03]);
  header.writeUInt32LE(mtime, 4);
  const fname = name ? Buffer.concat([Buffer.from(name, "latin1"), Buffer.from([0])]) : Buffer.alloc(0);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length >>> 0, 4);
  return Buffer.concat([header, fname, deflateRawSync(data), trailer]);
}

const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251));
const entry = (compression: DatasetFileEntry["compression"], payload: Buffer, extra: Partial<DatasetFileEntry> = {}): DatasetFileEntry => ({
  name: "x",
  url: "http://127.0.0.1/x",
  compression,
  payload: { size: payload.length, sha256: sha256Hex(payload) },
  ...extra,
});

test("two gzips of the same data with different headers have the same payload checksum", () => {
  // As released (file name stored, original mtime) vs as re-packaged (no name, new mtime).
  const original = gzipWithHeader(data, 1504176606, "train-labels-idx1-ubyte");
  const reheadered = gzipWithHeader(data, 1700000000);
  assert.notEqual(sha256Hex(original), sha256Hex(reheadered), "the stored files differ");
  assert.equal(original.length - reheadered.length, "train-labels-idx1-ubyte".length + 1);
  const e = entry("gzip", data);
  assert.equal(sha256Hex(decodePayload(original, e)), e.payload.sha256);
  assert.equal(sha256Hex(decodePayload(reheadered, e)), e.payload.sha256);
  // And node's own gzip (yet another header) agrees.
  assert.equal(sha256Hex(decodePayload(gzipSync(data, { level: 1 }), e)), e.payload.sha256);
});

test("a damaged gzip is reported as damaged, naming the file", () => {
  const gz = gzipSync(data);
  const cut = gz.subarray(0, gz.length - 20);
  assert.throws(() => decodePayload(cut, entry("gzip", data), "some/file.gz"), /some\/file\.gz is not a valid gzip file/);
});

test("uncompressed bytes pass through as the payload", () => {
  assert.equal(decodePayload(data, entry("none", data)), data);
});

const hasTar = spawnSync("tar", ["--version"]).status === 0;

test(
  "a tar.gz entry yields its member, whether given the archive or the extracted file",
  { skip: hasTar ? false : "no tar command" },
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-tar-"));
    try {
      fs.mkdirSync(path.join(dir, "CaliforniaHousing"));
      const member = Buffer.from("-122.230000,37.880000,41.000000\n".repeat(40));
      fs.writeFileSync(path.join(dir, "CaliforniaHousing", "cal_housing.data"), member);
      fs.writeFileSync(path.join(dir, "CaliforniaHousing", "cal_housing.domain"), "longitude: continuous.\n");
      const archive = path.join(dir, "cal_housing.tgz");
      const r = spawnSync("tar", [
        "-czf",
        archive,
        "-C",
        dir,
        "CaliforniaHousing/cal_housing.domain",
        "CaliforniaHousing/cal_housing.data",
      ]);
      assert.equal(r.status, 0, String(r.stderr));
      const e = entry("tar.gz", member, { archive: "cal_housing.tgz", member: "CaliforniaHousing/cal_housing.data" });
      const bytes = fs.readFileSync(archive);
      assert.deepEqual(decodePayload(bytes, e), member);
      assert.deepEqual(decodePayload(member, e), member);
      const tar = spawnSync("tar", ["-cf", "-", "-C", dir, "./CaliforniaHousing"]).stdout;
      assert.deepEqual(tarMember(tar, "CaliforniaHousing/cal_housing.data"), member);
      assert.deepEqual(tarMembers(tar).sort(), ["./CaliforniaHousing/cal_housing.data", "./CaliforniaHousing/cal_housing.domain"]);
      const wrong = entry("tar.gz", member, { archive: "cal_housing.tgz", member: "CaliforniaHousing/missing.data" });
      assert.throws(
        () => decodePayload(bytes, wrong, archive),
        /has no member CaliforniaHousing\/missing\.data \(it holds: .*cal_housing\.domain/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("tar members with long names (over 100 characters) are found", { skip: hasTar ? false : "no tar command" }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-tar-"));
  try {
    // Splittable into ustar's prefix + name fields; and one 120-character folder name,
    // which only GNU long-name records or pax headers can carry.
    const split = path.join("a".repeat(60), "b".repeat(60));
    const long = "c".repeat(120);
    for (const d of [split, long]) {
      fs.mkdirSync(path.join(dir, d), { recursive: true });
      fs.writeFileSync(path.join(dir, d, "file.txt"), `hello ${d.length}`);
    }
    const cases: [string, string][] = [
      ["ustar", split],
      ["gnu", long],
      ["pax", long],
    ];
    for (const [format, d] of cases) {
      const r = spawnSync("tar", [`--format=${format}`, "-cf", "-", "-C", dir, path.join(d, "file.txt")]);
      assert.equal(r.status, 0, `${format}: ${r.stderr}`);
      assert.equal(tarMember(r.stdout, `${d}/file.txt`)?.toString(), `hello ${d.length}`, format);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("sha256Hex hashes bytes, and strings as their UTF-8 bytes", () => {
  // The FIPS 180-2 test vector for "abc".
  const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  assert.equal(sha256Hex("abc"), abc);
  assert.equal(sha256Hex(new Uint8Array([0x61, 0x62, 0x63])), abc);
  // A character outside ASCII: UTF-8 gives two bytes (c3 a9), Latin-1 would give one (e9).
  assert.equal(sha256Hex("é"), sha256Hex(Buffer.from([0xc3, 0xa9])));
  assert.notEqual(sha256Hex("é"), sha256Hex(Buffer.from([0xe9])));
});
