import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { IDX_MAGIC, encodeIdx, parseIdx } from "../../lib/data";

/** An IDX file built byte by byte, independently of encodeIdx. */
function idxBytes(magic: number, dims: number[], values: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(values)]);
}

const images = idxBytes(0x00000803, [3, 2, 2], [0, 1, 2, 3, 10, 11, 12, 13, 250, 251, 252, 255]);
const labels = idxBytes(0x00000801, [3], [7, 0, 9]);

test("parses ubyte image and label files, raw or gzipped", () => {
  for (const bytes of [images, gzipSync(images)]) {
    const parsed = parseIdx(bytes, "imgs", { magic: IDX_MAGIC.images, count: 3, itemShape: [2, 2] });
    assert.equal(parsed.magic, 0x803);
    assert.deepEqual(parsed.shape, [3, 2, 2]);
    assert.deepEqual([...parsed.data], [0, 1, 2, 3, 10, 11, 12, 13, 250, 251, 252, 255]);
    assert.ok(!Buffer.isBuffer(parsed.data), "a plain Uint8Array, not a Buffer");
  }
  const l = parseIdx(gzipSync(labels), "labels", { magic: IDX_MAGIC.labels, count: 3, itemShape: [] });
  assert.deepEqual(l.shape, [3]);
  assert.deepEqual([...l.data], [7, 0, 9]);
});

test("encodeIdx writes what parseIdx reads", () => {
  const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
  assert.deepEqual(Buffer.from(encodeIdx([2, 3, 4], data)), idxBytes(0x803, [2, 3, 4], [...data]));
  assert.deepEqual([...parseIdx(encodeIdx([2, 3, 4], data)).data], [...data]);
});

test("a wrong magic number is rejected, naming the file and the magic", () => {
  const bad = Buffer.from(images);
  bad.writeUInt32BE(0x00000d03, 0); // float type code
  assert.throws(() => parseIdx(bad, "data/x.idx"), /data\/x\.idx: bad IDX magic number 0x00000d03/);
  assert.throws(() => parseIdx(Buffer.from("PK\x03\x04 not an idx file"), "zip.idx"), /zip\.idx: bad IDX magic number 0x504b0304/);
  assert.throws(
    () => parseIdx(labels, "labels.idx", { magic: IDX_MAGIC.images }),
    /labels\.idx: IDX magic number is 0x00000801 \(1-d\) but 0x00000803 \(3-d\) was expected/,
  );
});

test("a truncated file is rejected with the sizes that disagree", () => {
  assert.throws(
    () => parseIdx(images.subarray(0, images.length - 5), "t.idx"),
    /t\.idx: truncated: the header declares shape \[3, 2, 2\] = 12 bytes of data, but only 7 follow the 16-byte header/,
  );
  assert.throws(
    () => parseIdx(images.subarray(0, 10), "h.idx"),
    /h\.idx: truncated IDX header: 3 dimensions need 16 header bytes, the file has 10/,
  );
  assert.throws(() => parseIdx(gzipSync(images).subarray(0, 20), "g.idx.gz"), /g\.idx\.gz: not a valid gzip file/);
});

test("trailing bytes after the data are rejected", () => {
  assert.throws(
    () => parseIdx(Buffer.concat([labels, Buffer.from([1, 2])]), "l.idx"),
    /l\.idx: 2 unexpected bytes after the data: shape \[3\] needs 3 bytes, 5 follow the header/,
  );
});

test("a wrong item count or item shape is rejected", () => {
  assert.throws(() => parseIdx(labels, "train-labels", { count: 60000 }), /train-labels: holds 3 items but 60000 were expected/);
  assert.throws(
    () => parseIdx(images, "train-images", { itemShape: [28, 28] }),
    /train-images: items have shape \[2, 2\] but \[28, 28\] was expected/,
  );
});
