import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { DELIMITER, WireError, decodeMessage, encodeMessage, newMessage, signFrames } from "../../scripts/src/kernel/wire";
import { channelAddress, freePorts, newConnectionInfo } from "../../scripts/src/kernel/connection";
import { scrubbedEnv } from "../../scripts/src/kernel/environment";

const key = "0123456789abcdef";

test("signFrames is HMAC-SHA256 over the frames in order, hex encoded", () => {
  const frames = ['{"a":1}', "{}", "{}", '{"code":"1"}'];
  const expected = createHmac("sha256", key).update(frames.join("")).digest("hex");
  assert.equal(signFrames(key, frames), expected);
  assert.notEqual(signFrames(key, [...frames].reverse()), expected, "order matters");
  assert.equal(signFrames("", frames), "", "an empty key turns signing off");
});

test("encodeMessage lays out ids, delimiter, signature and the four JSON parts", () => {
  const message = newMessage("execute_request", { code: "1 + 1" }, "session-1");
  const ids = [Buffer.from("peer")];
  const frames = encodeMessage(message, key, ids);
  assert.equal(frames.length, 7);
  assert.deepEqual(frames[0], ids[0]);
  assert.ok(frames[1]!.equals(DELIMITER));
  const parts = frames.slice(3);
  assert.equal(frames[2]!.toString(), signFrames(key, parts));
  assert.deepEqual(JSON.parse(parts[0]!.toString()), message.header);
  assert.deepEqual(JSON.parse(parts[1]!.toString()), {});
  assert.deepEqual(JSON.parse(parts[3]!.toString()), { code: "1 + 1" });
  assert.equal(message.header.msg_type, "execute_request");
  assert.equal(message.header.session, "session-1");
  assert.equal(message.header.version, "5.3");
});

test("decodeMessage round-trips a message and returns the routing ids", () => {
  const message = newMessage("kernel_info_request", { x: [1, 2] }, "s");
  message.parent_header = { msg_id: "parent-id" };
  const { ids, message: decoded } = decodeMessage(encodeMessage(message, key, [Buffer.from("a"), Buffer.from("b")]), key);
  assert.deepEqual(ids.map(String), ["a", "b"]);
  assert.deepEqual(decoded.header, message.header);
  assert.equal(decoded.parent_header.msg_id, "parent-id");
  assert.deepEqual(decoded.content, { x: [1, 2] });
});

test("decodeMessage rejects a wrong signature, a tampered part, and a missing delimiter", () => {
  const frames = encodeMessage(newMessage("execute_request", { code: "1" }, "s"), key);
  assert.throws(() => decodeMessage(frames, "another key"), WireError);
  const tampered = [...frames];
  tampered[5] = Buffer.from('{"code":"process.exit()"}');
  assert.throws(() => decodeMessage(tampered, key), /signature/);
  assert.throws(() => decodeMessage(frames.slice(1), key), /delimiter/);
  assert.throws(() => decodeMessage(frames.slice(0, 4), key), /frames/);
});

test("new messages get distinct ids", () => {
  const a = newMessage("x", {}, "s");
  const b = newMessage("x", {}, "s");
  assert.notEqual(a.header.msg_id, b.header.msg_id);
});

test("freePorts returns distinct usable port numbers", async () => {
  const ports = await freePorts(5);
  assert.equal(new Set(ports).size, 5);
  for (const port of ports) assert.ok(Number.isInteger(port) && port > 0 && port < 65536);
});

test("a new connection has five loopback ports, a random key and the hmac scheme", async () => {
  const a = await newConnectionInfo();
  const b = await newConnectionInfo();
  assert.equal(a.ip, "127.0.0.1");
  assert.equal(a.signature_scheme, "hmac-sha256");
  assert.match(a.key, /^[0-9a-f]{64}$/);
  assert.notEqual(a.key, b.key);
  const ports = [a.shell_port, a.iopub_port, a.stdin_port, a.control_port, a.hb_port];
  assert.equal(new Set(ports).size, 5);
  assert.equal(channelAddress(a, "iopub"), `tcp://127.0.0.1:${a.iopub_port}`);
});

test("scrubbedEnv keeps only the safe variables, plus what is added", () => {
  const env = scrubbedEnv({ COURSE_ROLE: "grader" }, { PATH: "/bin", LANG: "C.UTF-8", GITHUB_TOKEN: "secret", HOME: "/root" });
  assert.deepEqual(env, { PATH: "/bin", LANG: "C.UTF-8", COURSE_ROLE: "grader" });
});
