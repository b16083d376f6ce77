/**
 * IDX files, the format of MNIST and Fashion-MNIST.
 *
 * A hand-written parser rather than a dependency: the format is a 4-byte magic number
 * (two zero bytes, a type code, the number of dimensions), one big-endian uint32 per
 * dimension, then the values row-major. Writing it out is about twenty lines and lets
 * every error name the file and the numbers that disagree.
 */
import { gunzipSync } from "node:zlib";
import { isGzip } from "./payload";

/** IDX type code for unsigned bytes, the only type the course's datasets use. */
export const IDX_UBYTE = 0x08;
/** Magic numbers of the two IDX files the course reads. */
export const IDX_MAGIC = { labels: 0x00000801, images: 0x00000803 } as const;

export interface IdxArray {
  /** The magic number, e.g. 0x00000803 for a ubyte 3-d array. */
  magic: number;
  /** Sizes of each dimension, e.g. [60000, 28, 28]. */
  shape: number[];
  /** The values, row-major. A view into the (decompressed) file bytes, not a copy. */
  data: Uint8Array;
}

export interface IdxExpect {
  /** The magic number the file must have (IDX_MAGIC.labels or IDX_MAGIC.images). */
  magic?: number;
  /** The number of items (the first dimension) the file must hold. */
  count?: number;
  /** The sizes of the other dimensions, e.g. [28, 28]. */
  itemShape?: number[];
}

const hex = (n: number) => "0x" + n.toString(16).padStart(8, "0");

/**
 * Parses an IDX file given as gzip or raw bytes. `name` is used in error messages.
 * Rejects a wrong magic number, a truncated file, bytes after the data and an
 * unexpected number of items or item shape.
 */
export function parseIdx(bytes: Uint8Array, name = "IDX data", expect: IdxExpect = {}): IdxArray {
  let buf = bytes;
  if (isGzip(buf)) {
    try {
      buf = gunzipSync(buf);
    } catch (error) {
      throw new Error(`${name}: not a valid gzip file (${(error as Error).message}); the file is damaged or incomplete.`);
    }
  }
  if (buf.length < 4) throw new Error(`${name}: too short for an IDX file (${buf.length} bytes, the header alone needs at least 8).`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0, false);
  const type = buf[2];
  const rank = buf[3];
  if (buf[0] !== 0 || buf[1] !== 0 || type !== IDX_UBYTE || rank < 1 || rank > 4) {
    throw new Error(`${name}: bad IDX magic number ${hex(magic)}; expected 0x000008NN (unsigned bytes, NN = 1 to 4 dimensions), e.g. ${hex(IDX_MAGIC.labels)} for labels or ${hex(IDX_MAGIC.images)} for images.`);
  }
  if (expect.magic !== undefined && magic !== expect.magic) {
    throw new Error(`${name}: IDX magic number is ${hex(magic)} (${rank}-d) but ${hex(expect.magic)} (${expect.magic & 0xff}-d) was expected.`);
  }
  const headerSize = 4 + 4 * rank;
  if (buf.length < headerSize) {
    throw new Error(`${name}: truncated IDX header: ${rank} dimensions need ${headerSize} header bytes, the file has ${buf.length}.`);
  }
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const expectedBytes = shape.reduce((a, b) => a * b, 1);
  const actualBytes = buf.length - headerSize;
  if (actualBytes < expectedBytes) {
    throw new Error(`${name}: truncated: the header declares shape [${shape.join(", ")}] = ${expectedBytes} bytes of data, but only ${actualBytes} follow the ${headerSize}-byte header.`);
  }
  if (actualBytes > expectedBytes) {
    throw new Error(`${name}: ${actualBytes - expectedBytes} unexpected bytes after the data: shape [${shape.join(", ")}] needs ${expectedBytes} bytes, ${actualBytes} follow the header.`);
  }
  if (expect.count !== undefined && shape[0] !== expect.count) {
    throw new Error(`${name}: holds ${shape[0]} items but ${expect.count} were expected.`);
  }
  if (expect.itemShape !== undefined) {
    const item = shape.slice(1);
    if (item.length !== expect.itemShape.length || item.some((s, i) => s !== expect.itemShape![i])) {
      throw new Error(`${name}: items have shape [${item.join(", ")}] but [${expect.itemShape.join(", ")}] was expected.`);
    }
  }
  // A plain Uint8Array view (not a Buffer) so notebooks print and tfjs takes it as is.
  return { magic, shape, data: new Uint8Array(buf.buffer, buf.byteOffset + headerSize, expectedBytes) };
}

/** Writes an IDX file (raw, uncompressed) from a shape and ubyte values: the inverse of parseIdx. */
export function encodeIdx(shape: number[], data: Uint8Array): Uint8Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new Error(`encodeIdx: shape [${shape.join(", ")}] needs ${size} values, got ${data.length}.`);
  const out = new Uint8Array(4 + 4 * shape.length + size);
  const view = new DataView(out.buffer);
  view.setUint32(0, (IDX_UBYTE << 8) | shape.length, false);
  shape.forEach((s, d) => view.setUint32(4 + 4 * d, s, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}
