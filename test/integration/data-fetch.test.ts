import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { runCourse } from "../helpers/cli";
import { closedPort, startServer, type Route, type TestServer } from "./data-http-server";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** A small IDX image file (random pixels, so gzip cannot shrink it much). */
function idxImages(count: number): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x803, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  return Buffer.concat([header, randomBytes(count * 784)]);
}

const payload = idxImages(400); // 313,616 bytes
const gz = gzipSync(payload);

let tmp: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-fetch-"));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Case {
  cache: string;
  manifest: string;
  env: NodeJS.ProcessEnv;
  run(args: string[]): ReturnType<typeof runCourse>;
}

/** A fresh cache and a manifest with one dataset "tiny" whose files point at the test server. */
function setup(name: string, files: object[]): Case {
  const dir = path.join(tmp, name);
  const cache = path.join(dir, "cache");
  fs.mkdirSync(cache, { recursive: true });
  const manifest = path.join(dir, "manifest.json");
  fs.writeFileSync(
    manifest,
    JSON.stringify({
      manifestVersion: 1,
      datasets: [
        { name: "tiny", title: "Tiny", description: "test data", license: "MIT", homepage: "http://127.0.0.1/", citation: "none", files },
      ],
    }),
  );
  // An empty system folder, so an installed Debian package cannot stand in for a download.
  const env = { ...process.env, NNCOURSE_DATA_DIR: cache, NNCOURSE_SYSTEM_DATASETS_DIR: path.join(dir, "no-system") };
  return { cache, manifest, env, run: (args) => runCourse([...args, "--manifest", manifest], { env }) };
}

const gzFile = (url: string, body = payload) => ({
  name: "images.gz",
  url,
  size: gz.length,
  compression: "gzip",
  payload: { size: body.length, sha256: sha256(body) },
});

async function withServer<T>(routes: Record<string, Route>, fn: (server: TestServer) => Promise<T>): Promise<T> {
  const server = await startServer(routes);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

test("fetch downloads over HTTP (following a redirect), verifies, and skips it the next time", async () => {
  await withServer({ "/old/images.gz": { redirect: "/files/images.gz" }, "/files/images.gz": { body: gz } }, async (server) => {
    const c = setup("plain", [gzFile(`${server.url}/old/images.gz`)]);
    const r = await c.run(["data", "fetch"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /tiny\/images\.gz: downloaded and verified/);
    assert.match(r.stderr, /images\.gz: 100%/, "a progress line on a non-terminal");
    const dest = path.join(c.cache, "tiny", "images.gz");
    assert.deepEqual(gunzipSync(fs.readFileSync(dest)), payload);
    assert.deepEqual(fs.readdirSync(path.dirname(dest)), ["images.gz"], "no .part left behind");
    assert.deepEqual(
      server.requests.map((q) => [q.path, q.status]),
      [
        ["/old/images.gz", 302],
        ["/files/images.gz", 200],
      ],
    );

    const again = await c.run(["data", "fetch", "tiny"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already in the cache and verified; skipped/);
    assert.equal(server.requests.length, 2, "nothing downloaded again");

    const verify = await c.run(["data", "verify"]);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /tiny\/images\.gz: ok/);
  });
});

test("a download cut off midway resumes from the .part file with a Range request", async () => {
  const cutAt = 100_000;
  await withServer({ "/images.gz": { body: gz, cutFirstAfter: cutAt } }, async (server) => {
    const c = setup("cut", [gzFile(`${server.url}/images.gz`)]);
    const r = await c.run(["data", "fetch"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /cut off after \d+ of \d+ bytes/);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0].range, undefined);
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(server.requests[1].range ?? "")?.[1]);
    assert.ok(resumedAt > 0 && resumedAt <= cutAt, `resumed at ${server.requests[1].range}`);
    assert.equal(server.requests[1].status, 206);
    assert.match(r.stdout, /downloaded \(resumed after .*\) and verified/);
    assert.deepEqual(fs.readFileSync(path.join(c.cache, "tiny", "images.gz")), gz);
  });
});

test("a .part left by an earlier run is resumed; a server that ignores Range makes it start over", async () => {
  await withServer({ "/r/images.gz": { body: gz }, "/n/images.gz": { body: gz, ignoreRange: true } }, async (server) => {
    const resumable = setup("part-resume", [gzFile(`${server.url}/r/images.gz`)]);
    fs.mkdirSync(path.join(resumable.cache, "tiny"));
    fs.writeFileSync(path.join(resumable.cache, "tiny", "images.gz.part"), gz.subarray(0, 12345));
    const r1 = await resumable.run(["data", "fetch"]);
    assert.equal(r1.code, 0, r1.stderr);
    assert.deepEqual(server.requests.at(-1), { path: "/r/images.gz", range: "bytes=12345-", status: 206 });
    assert.deepEqual(fs.readFileSync(path.join(resumable.cache, "tiny", "images.gz")), gz);

    // A stale .part with wrong bytes, and a server without Range support: the download
    // must start over from byte 0 rather than append to the stale bytes.
    const restart = setup("part-restart", [gzFile(`${server.url}/n/images.gz`)]);
    fs.mkdirSync(path.join(restart.cache, "tiny"));
    fs.writeFileSync(path.join(restart.cache, "tiny", "images.gz.part"), Buffer.alloc(5000, 0x55));
    const r2 = await restart.run(["data", "fetch"]);
    assert.equal(r2.code, 0, r2.stderr);
    assert.match(r2.stderr, /does not support resuming; starting over/);
    assert.deepEqual(fs.readFileSync(path.join(restart.cache, "tiny", "images.gz")), gz);

    // A .part longer than the file: the server answers 416 and the download starts over.
    const tooLong = setup("part-416", [gzFile(`${server.url}/r/images.gz`)]);
    fs.mkdirSync(path.join(tooLong.cache, "tiny"));
    fs.writeFileSync(path.join(tooLong.cache, "tiny", "images.gz.part"), Buffer.alloc(gz.length + 10));
    const r3 = await tooLong.run(["data", "fetch"]);
    assert.equal(r3.code, 0, r3.stderr);
    assert.match(r3.stderr, /refused to resume at byte \d+; starting over/);
    assert.deepEqual(fs.readFileSync(path.join(tooLong.cache, "tiny", "images.gz")), gz);
  });
});

test("a corrupted download fails its checksum, is named, and leaves nothing under its name", async () => {
  const corrupt = Buffer.from(payload);
  corrupt[5000] ^= 0xff;
  await withServer({ "/images.gz": { body: gzipSync(corrupt) } }, async (server) => {
    const c = setup("corrupt", [gzFile(`${server.url}/images.gz`)]);
    const r = await c.run(["data", "fetch"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /tiny\/images\.gz: FAILED: checksum mismatch for images\.gz \(downloaded from http:\/\/127\.0\.0\.1:\d+\/images\.gz\)/,
    );
    assert.ok(r.stderr.includes(`expected sha256 ${sha256(payload)}`), r.stderr);
    assert.ok(r.stderr.includes(`got sha256 ${sha256(corrupt)}`), r.stderr);
    assert.match(r.stderr, /The bad file was deleted/);
    assert.deepEqual(fs.readdirSync(path.join(c.cache, "tiny")), [], "neither the file nor a .part remains");
  });
});

test("an unreachable server or a missing file exits 3 and suggests --from", async () => {
  const port = await closedPort();
  const c = setup("offline", [gzFile(`http://127.0.0.1:${port}/images.gz`)]);
  const r = await c.run(["data", "fetch"]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  assert.match(r.stderr, /no network\? use `course data fetch --from DIR`.*dataset-fashion-mnist/);
  await withServer({}, async (server) => {
    const missing = setup("404", [gzFile(`${server.url}/gone.gz`)]);
    const r404 = await missing.run(["data", "fetch"]);
    assert.equal(r404.code, 3, r404.stderr);
    assert.match(r404.stderr, /the server answered 404 Not Found for http:\/\/127\.0\.0\.1:\d+\/gone\.gz/);
    assert.ok(!fs.existsSync(path.join(missing.cache, "tiny", "images.gz")));
  });
});

const hasTar = spawnSync("tar", ["--version"]).status === 0;

test(
  "a tar.gz archive is checked, its member extracted into the cache, the archive dropped",
  { skip: hasTar ? false : "no tar command" },
  async () => {
    const src = path.join(tmp, "archive-src");
    fs.mkdirSync(path.join(src, "Tiny"), { recursive: true });
    const table = Buffer.from(Array.from({ length: 500 }, (_, i) => `${i},${i * 0.5},${i % 7}`).join("\n") + "\n");
    fs.writeFileSync(path.join(src, "Tiny", "table.data"), table);
    fs.writeFileSync(path.join(src, "Tiny", "table.domain"), "a, b, c\n");
    const tgz = spawnSync("tar", ["-czf", "-", "-C", src, "Tiny"]).stdout;
    const member = (url: string, archiveSha: string) => ({
      name: "table.data",
      url,
      size: tgz.length,
      sha256: archiveSha,
      compression: "tar.gz",
      archive: "tiny.tgz",
      member: "Tiny/table.data",
      payload: { size: table.length, sha256: sha256(table) },
    });
    await withServer({ "/files/1": { body: tgz } }, async (server) => {
      const c = setup("tgz", [member(`${server.url}/files/1`, sha256(tgz))]);
      const r = await c.run(["data", "fetch"]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(fs.readdirSync(path.join(c.cache, "tiny")), ["table.data"]);
      assert.deepEqual(fs.readFileSync(path.join(c.cache, "tiny", "table.data")), table);

      const wrong = "0".repeat(64);
      const bad = setup("tgz-bad", [member(`${server.url}/files/1`, wrong)]);
      const rb = await bad.run(["data", "fetch"]);
      assert.equal(rb.code, 1, rb.stderr);
      assert.ok(
        rb.stderr.includes(
          `checksum mismatch for tiny.tgz (downloaded from ${server.url}/files/1): expected sha256 ${wrong}, got ${sha256(tgz)}`,
        ),
        rb.stderr,
      );
      assert.deepEqual(fs.readdirSync(path.join(bad.cache, "tiny")), []);
    });
  },
);
