/**
 * HTTP(S) download into a `.part` file, resuming with a Range request when a `.part`
 * is already there. The caller checks the bytes and renames the file, so a half
 * written or unverified file never sits under its final name.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

export type DownloadFailure = "network" | "http" | "cutoff";

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly kind: DownloadFailure,
  ) {
    super(message);
    this.name = "DownloadError";
  }
}

export interface DownloadOptions {
  /** Called as bytes arrive: bytes in the .part so far and the full size, when known. */
  onProgress?(received: number, total: number | undefined): void;
  /** Also called once when an existing .part is resumed or thrown away. */
  onNote?(line: string): void;
  /** Give up on a connection that is silent this long (default 30 s). */
  idleTimeoutMs?: number;
  maxRedirects?: number;
}

export interface DownloadResult {
  /** Bytes of the .part that were reused (0 for a fresh download). */
  resumedFrom: number;
  /** Size of the complete .part. */
  size: number;
}

/** Error codes that mean the machine could not talk to the server at all. */
const NETWORK_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH", "ETIMEDOUT", "ENETDOWN", "EAI_FAIL", "ECONNRESET"]);

function get(url: URL, headers: Record<string, string>, idleTimeoutMs: number): Promise<http.IncomingMessage> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { headers: { "user-agent": "nncourse-data", ...headers } }, resolve);
    req.setTimeout(idleTimeoutMs, () => {
      const error = new Error(`no answer from ${url.host} for ${Math.round(idleTimeoutMs / 1000)} s`) as NodeJS.ErrnoException;
      error.code = "ETIMEDOUT";
      req.destroy(error);
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      reject(new DownloadError(`could not reach ${url.host} (${error.code ?? error.message}).`, "network"));
    });
  });
}

/** GET that follows redirects; resolves with the final response (body unread). */
async function getFollowing(url: string, headers: Record<string, string>, options: DownloadOptions): Promise<{ res: http.IncomingMessage; url: URL }> {
  let current = new URL(url);
  for (let hop = 0; hop <= (options.maxRedirects ?? 5); hop++) {
    const res = await get(current, headers, options.idleTimeoutMs ?? 30000);
    const status = res.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status) && res.headers.location) {
      res.resume();
      current = new URL(res.headers.location, current);
      if (current.protocol !== "http:" && current.protocol !== "https:") {
        throw new DownloadError(`${url} redirects to ${current.href}, which is not http(s).`, "http");
      }
      continue;
    }
    return { res, url: current };
  }
  throw new DownloadError(`${url} redirects more than ${options.maxRedirects ?? 5} times.`, "http");
}

function partSize(part: string): number {
  try {
    return fs.statSync(part).size;
  } catch {
    return 0;
  }
}

/**
 * Downloads `url` into `part`. An existing `part` is resumed with `Range: bytes=N-`;
 * a server that ignores the range (200) or rejects it (416), or answers a different
 * range, makes the download start over from byte 0.
 */
export async function downloadToPart(url: string, part: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  let start = partSize(part);
  let { res } = await getFollowing(url, start > 0 ? { range: `bytes=${start}-` } : {}, options);
  let status = res.statusCode ?? 0;

  if (start > 0 && status === 206) {
    const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers["content-range"] ?? ""));
    if (!match || Number(match[1]) !== start) {
      options.onNote?.(`the server answered a different range (${res.headers["content-range"] ?? "none"}); starting over`);
      res.resume();
      start = 0;
      ({ res } = await getFollowing(url, {}, options));
      status = res.statusCode ?? 0;
    } else {
      options.onNote?.(`resuming after ${start} bytes`);
    }
  } else if (start > 0 && status === 416) {
    options.onNote?.(`the server refused to resume at byte ${start}; starting over`);
    res.resume();
    start = 0;
    ({ res } = await getFollowing(url, {}, options));
    status = res.statusCode ?? 0;
  } else if (start > 0 && status === 200) {
    options.onNote?.("the server does not support resuming; starting over");
    start = 0;
  }

  if (status !== 200 && status !== 206) {
    res.resume();
    throw new DownloadError(`the server answered ${status} ${res.statusMessage ?? ""} for ${url}.`.replace(/ +\./, "."), "http");
  }
  if (status === 206 && start === 0) {
    res.resume();
    throw new DownloadError(`the server sent part of ${url} (206) without being asked for a range.`, "http");
  }

  const length = Number(res.headers["content-length"]);
  const total = Number.isFinite(length) && length >= 0 ? start + length : undefined;
  let received = start;
  options.onProgress?.(received, total);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      options.onProgress?.(received, total);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(res, counter, fs.createWriteStream(part, { flags: start > 0 ? "a" : "w" }));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code && !NETWORK_CODES.has(code) && code !== "ERR_STREAM_PREMATURE_CLOSE" && !String(code).startsWith("ERR_")) throw error;
    throw new DownloadError(`the download of ${url} was cut off after ${received}${total ? ` of ${total}` : ""} bytes.`, "cutoff");
  }
  if (total !== undefined && received < total) {
    throw new DownloadError(`the download of ${url} was cut off after ${received} of ${total} bytes.`, "cutoff");
  }
  return { resumedFrom: start, size: received };
}
