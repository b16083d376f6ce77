// The course tools' preloads, which another node process loads from the build: found in
// scripts/dist also while the tools run from source (as here, through tsx), a clear
// error when they are not built, and the kernel's parent watch doing its one job.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { builtToolFile } from "../../scripts/src/built-files";
import { CourseError } from "../../scripts/src/errors";

const dist = path.join(projectRoot, "scripts", "dist");

test("a preload is the built file in scripts/dist, also when the tools run from source", () => {
  assert.match(__filename, /\.ts$/, "this test runs the tools from source");
  assert.equal(builtToolFile("sandbox/guard.js"), path.join(dist, "sandbox", "guard.js"));
  assert.equal(builtToolFile("kernel/parent-watch.js"), path.join(dist, "kernel", "parent-watch.js"));
});

test("a preload that is not built is an error that names the file and `npm run build`", () => {
  assert.throws(
    () => builtToolFile("kernel/no-such-preload.js"),
    (error: unknown) =>
      error instanceof CourseError &&
      error.message.includes(path.join(dist, "kernel", "no-such-preload.js")) &&
      /npm run build/.test(error.fix ?? ""),
  );
});

test("the parent watch ends a kernel whose parent is gone, and only then", { skip: process.platform === "win32" }, () => {
  const watch = builtToolFile("kernel/parent-watch.js");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parent-watch-test-"));
  try {
    // A shell starts a "kernel" that would run for a minute and notes how it exits, waits
    // until it runs (the watch takes the parent it finds at start), then exits, leaving it
    // without its parent.
    const startedFile = path.join(dir, "started");
    const exitFile = path.join(dir, "exit-code");
    const kernel = `const fs = require("fs");
process.on("exit", (code) => fs.writeFileSync(${JSON.stringify(exitFile)}, String(code)));
fs.writeFileSync(${JSON.stringify(startedFile)}, "");
setTimeout(() => {}, 60000);`;
    const started = spawnSync(
      "sh",
      [
        "-c",
        `"$0" --require "$1" -e "$2" >/dev/null 2>&1 & while [ ! -e "$3" ]; do sleep 0.05; done`,
        process.execPath,
        watch,
        kernel,
        startedFile,
      ],
      { encoding: "utf8", timeout: 10_000 },
    );
    assert.equal(started.status, 0, started.stderr);
    const deadline = Date.now() + 10_000;
    while (!fs.existsSync(exitFile) && Date.now() < deadline) spawnSync("sleep", ["0.1"]);
    assert.equal(fs.existsSync(exitFile) ? fs.readFileSync(exitFile, "utf8") : "still running after 10 s", "129");
    // With its parent alive, the watch keeps out of the way.
    const kept = spawnSync(process.execPath, ["--require", watch, "-e", "setTimeout(() => process.exit(7), 1500)"], { encoding: "utf8" });
    assert.equal(kept.status, 7, kept.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
