/**
 * Checks a file on disk against its manifest entry (the decompressed payload's size
 * and sha256), turning every way of failing into a result instead of a throw.
 */
import * as fs from "node:fs";
import { checkPayload, decodePayload, type DatasetFileEntry } from "nncourse";

export type FileCheck =
  | { ok: true; size: number; sha256: string; payload: Buffer }
  | { ok: false; reason: string; size?: number; sha256?: string };

/** Decodes the file (gunzip, tar member) and compares the payload with the manifest. */
export function checkFile(file: string, entry: DatasetFileEntry): FileCheck {
  let payload: Buffer;
  try {
    payload = decodePayload(fs.readFileSync(file), entry, file);
  } catch (error) {
    const e = error as { problem?: string; message: string };
    return { ok: false, reason: e.problem ?? e.message };
  }
  const check = checkPayload(payload, entry);
  if (check.ok) return { ok: true, size: check.size, sha256: check.sha256, payload };
  return {
    ok: false,
    size: check.size,
    sha256: check.sha256,
    reason:
      `checksum mismatch for ${file}: expected sha256 ${entry.payload.sha256} (${entry.payload.size} bytes of data), ` +
      `got sha256 ${check.sha256} (${check.size} bytes).`,
  };
}

/** Writes bytes next to `dest` as `dest.part`, then renames: never a half-written `dest`. */
export function writeAtomically(dest: string, bytes: Uint8Array): void {
  const part = `${dest}.part`;
  fs.writeFileSync(part, bytes);
  fs.renameSync(part, dest);
}

export function removeIfPresent(file: string): void {
  fs.rmSync(file, { force: true });
}
