/**
 * Reads one member out of a tar archive held in memory.
 *
 * Why not a tar library: the course needs exactly one file from one small archive
 * (California housing's cal_housing.tgz), and a tar is a list of 512-byte headers
 * each followed by its data padded to 512 bytes. Forty lines cover ustar, old v7
 * headers, GNU long names and pax path records, and spare the course a dependency.
 */

const BLOCK = 512;

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString("utf8");
}

function octal(header: Buffer, offset: number, length: number, what: string): number {
  const text = field(header, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new Error(`tar header has a bad ${what} field "${text}"`);
  return text === "" ? 0 : parseInt(text, 8);
}

/** The path names of an archive's regular files, in order. */
export function tarMembers(tar: Buffer): string[] {
  const names: string[] = [];
  walk(tar, (name, type) => {
    if (type === "0" || type === "\0" || type === "") names.push(name);
    return false;
  });
  return names;
}

/** The bytes of member `wanted` (a leading "./" is ignored), or undefined if absent. */
export function tarMember(tar: Buffer, wanted: string): Buffer | undefined {
  const clean = (n: string) => n.replace(/^(\.\/)+/, "");
  let found: Buffer | undefined;
  walk(tar, (name, type, data) => {
    if ((type === "0" || type === "\0" || type === "") && clean(name) === clean(wanted)) {
      found = data;
      return true;
    }
    return false;
  });
  return found;
}

function walk(tar: Buffer, visit: (name: string, type: string, data: Buffer) => boolean): void {
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return; // end-of-archive marker
    const size = octal(header, 124, 12, "size");
    const type = String.fromCharCode(header[156]);
    const start = offset + BLOCK;
    if (start + size > tar.length) throw new Error(`tar archive is truncated: a member needs ${size} bytes at offset ${start}, the archive has ${tar.length}`);
    const data = tar.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "L") {
      longName = data.toString("utf8").replace(/\0+$/, ""); // GNU long name for the next member
      continue;
    }
    if (type === "x") {
      const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString("utf8")); // pax extended header
      if (match) longName = match[1];
      continue;
    }
    const prefix = field(header, 257, 6).startsWith("ustar") ? field(header, 345, 155) : "";
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    if (visit(name, type, data)) return;
  }
}
