/**
 * The Jupyter wire format: how one message travels as zeromq frames.
 *
 *   [routing ids...] "<IDS|MSG>" signature header parent_header metadata content [buffers...]
 *
 * The signature is HMAC-SHA256 (hex) over the four JSON frames in that order, keyed with
 * the connection file's key. A kernel drops messages whose signature does not match,
 * and we drop kernel messages whose signature does not match, so that nothing else on
 * the machine can inject outputs or run code.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { PROTOCOL_VERSION, type JupyterMessage, type MessageHeader } from "./messages";

export const DELIMITER = Buffer.from("<IDS|MSG>");

/** Hex HMAC-SHA256 over the given frames; an empty key means signing is off (Jupyter's convention). */
export function signFrames(key: string, frames: Array<Buffer | string>): string {
  if (key === "") return "";
  const hmac = createHmac("sha256", key);
  for (const frame of frames) hmac.update(frame);
  return hmac.digest("hex");
}

export function newHeader(msgType: string, session: string, username = "course"): MessageHeader {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/** A new request message (no parent) of the given type. */
export function newMessage<C>(msgType: string, content: C, session: string): JupyterMessage<C> {
  return { header: newHeader(msgType, session), parent_header: {}, metadata: {}, content, buffers: [] };
}

/** Serializes and signs a message into zeromq frames, after the optional routing ids. */
export function encodeMessage(message: JupyterMessage<unknown>, key: string, ids: Buffer[] = []): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    Buffer.from(JSON.stringify(part), "utf8"),
  );
  const signature = signFrames(key, parts);
  return [...ids, DELIMITER, Buffer.from(signature, "ascii"), ...parts, ...message.buffers];
}

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

/**
 * Parses zeromq frames into a message, checking the signature. Throws a WireError when
 * the frames are not a Jupyter message or the signature is wrong.
 */
export function decodeMessage(frames: Buffer[], key: string): { ids: Buffer[]; message: JupyterMessage } {
  const at = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (at < 0) throw new WireError("message has no <IDS|MSG> delimiter");
  if (frames.length < at + 6) throw new WireError(`message has ${frames.length - at - 1} frames after the delimiter, expected at least 5`);
  const signature = frames[at + 1]!.toString("ascii");
  const parts = frames.slice(at + 2, at + 6);
  const expected = signFrames(key, parts);
  if (!sameSignature(signature, expected)) throw new WireError("message signature does not match the connection key");
  const [header, parent, metadata, content] = parts.map((part, i) => {
    try {
      return JSON.parse(part.toString("utf8")) as unknown;
    } catch {
      throw new WireError(`message part ${["header", "parent_header", "metadata", "content"][i]} is not JSON`);
    }
  });
  if (!isObject(header) || typeof header.msg_type !== "string" || typeof header.msg_id !== "string") {
    throw new WireError("message header lacks msg_id or msg_type");
  }
  return {
    ids: frames.slice(0, at),
    message: {
      header: header as unknown as MessageHeader,
      parent_header: (isObject(parent) ? parent : {}) as Partial<MessageHeader>,
      metadata: isObject(metadata) ? metadata : {},
      content: isObject(content) ? content : {},
      buffers: frames.slice(at + 6),
    },
  };
}

function sameSignature(a: string, b: string): boolean {
  // Constant-time comparison, so that timing does not leak how much of a forged signature is right.
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
