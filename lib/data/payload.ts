/**
 * The payload of a dataset file: its bytes after decompression. Checksums are taken
 * over the payload, not over the stored file, so a gzip whose header was rewritten
 * (Debian's packaging does this) verifies as long as the data inside are the same.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { gunzipSync } from "node:zlib";
import { DatasetError, type DatasetFileEntry } from "./manifest";
import { tarMember, tarMembers } from "./ustar";

/** The SHA-256 of bytes, or of a string's UTF-8 encoding, as 64 lowercase hex digits. */
export function sha256Hex(data: string | Uint8Array): string {
  // node:crypto hashes a string as its UTF-8 bytes unless told another encoding.
  return createHash("sha256").update(data).digest("hex");
}

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * True when the bytes start with a tar header: its checksum field (the byte sum of the
 * header with that field read as spaces) matches. This also recognises old v7 archives
 * that lack the "ustar" magic.
 */
function isTar(bytes: Buffer): boolean {
  if (bytes.length < 512) return false;
  const stored = parseInt(bytes.subarray(148, 156).toString("latin1").replace(/[\0 ]+$/, "").trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : bytes[i];
  return sum === stored;
}

/**
 * Decodes stored bytes into the payload the manifest describes: gunzips gzip data,
 * and for a tar.gz entry takes the member out of the archive. Bytes that are already
 * the payload (an extracted member, an uncompressed copy) are returned as they are.
 */
export function decodePayload(bytes: Buffer, entry: DatasetFileEntry, label: string = entry.name): Buffer {
  let data = bytes;
  if (isGzip(data)) {
    try {
      data = gunzipSync(data);
    } catch (error) {
      throw new DatasetError(`${label} is not a valid gzip file (${(error as Error).message}); it is damaged or incomplete.`, undefined, "corrupt");
    }
  }
  if (entry.compression === "tar.gz" && entry.member && isTar(data)) {
    let member: Buffer | undefined;
    try {
      member = tarMember(data, entry.member);
    } catch (error) {
      throw new DatasetError(`${label}: ${(error as Error).message}.`, undefined, "corrupt");
    }
    if (!member) {
      throw new DatasetError(`${label} has no member ${entry.member} (it holds: ${tarMembers(data).join(", ") || "nothing"}).`, undefined, "corrupt");
    }
    data = member;
  }
  return data;
}

export interface PayloadCheck {
  ok: boolean;
  size: number;
  sha256: string;
}

/** Compares decoded bytes with the manifest's payload size and sha256. */
export function checkPayload(payload: Uint8Array, entry: DatasetFileEntry): PayloadCheck {
  const sha256 = sha256Hex(payload);
  return { ok: sha256 === entry.payload.sha256 && payload.length === entry.payload.size, size: payload.length, sha256 };
}

/** The error for a payload that does not match: names the file and both checksums. */
export function checksumError(file: string, entry: DatasetFileEntry, actual: PayloadCheck, fix?: string): DatasetError {
  return new DatasetError(
    `checksum mismatch for ${file}: the decompressed data should have sha256 ${entry.payload.sha256} ` +
      `(${entry.payload.size} bytes) but have sha256 ${actual.sha256} (${actual.size} bytes).`,
    fix,
    "corrupt",
  );
}

/** Reads a file, decodes it and checks it; returns the payload or throws a DatasetError. */
export function readVerifiedPayload(file: string, entry: DatasetFileEntry, fix?: string): Buffer {
  const payload = decodePayload(fs.readFileSync(file), entry, file);
  const check = checkPayload(payload, entry);
  if (!check.ok) throw checksumError(file, entry, check, fix);
  return payload;
}
