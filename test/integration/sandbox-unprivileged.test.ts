// An instructor who is not root: bubblewrap then builds the sandbox in a user namespace
// (no setpriv, no process-count limit), a different path through bubblewrap.ts than a
// root grader's. Run here as uid 65534 when the tests run as root and that user can
// read the project; skipped otherwise.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { courseBin, projectRoot } from "../helpers/cli";
import { findSandboxTools, SANDBOX_UID } from "../../scripts/src/sandbox/bubblewrap";

const NAME = "00-sample-assignment";
const tools = findSandboxTools();
const setpriv = tools.ok ? tools.tools.setpriv : undefined;
const asUser = setpriv ? [setpriv, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, "--clear-groups", "--"] : [];
const canRead = setpriv !== undefined && spawnSync(asUser[0]!, [...asUser.slice(1), "test", "-r", courseBin], {}).status === 0;
const skip = !tools.ok
  ? "bubblewrap is not installed"
  : setpriv === undefined
    ? "the tests do not run as root"
    : !canRead
      ? `uid ${SANDBOX_UID} cannot read the project`
      : false;

const work = fs.mkdtempSync(path.join(os.tmpdir(), "grader-unprivileged-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

describe("course grade as a normal user", { skip }, () => {
  test("grades in a user-namespace sandbox: the solution earns every point, the exercise none", async () => {
    for (const [student, from] of [
      ["ann", "solutions"],
      ["bob", "exercises"],
    ] as const) {
      fs.mkdirSync(path.join(work, "submissions", student), { recursive: true });
      fs.copyFileSync(path.join(projectRoot, from, `${NAME}.ipynb`), path.join(work, "submissions", student, `${NAME}.ipynb`));
    }
    fs.mkdirSync(path.join(work, "home"));
    spawnSync("chown", ["-R", `${SANDBOX_UID}:${SANDBOX_UID}`, work]);
    const env = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: path.join(work, "home"), TMPDIR: path.join(work, "home") };
    const args = [
      ...asUser.slice(1),
      process.execPath,
      courseBin,
      "grade",
      path.join(work, "submissions"),
      "--gradebook",
      path.join(work, "gradebook.sqlite"),
    ];
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(asUser[0]!, args, { cwd: work, env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve({ code, out });
      });
    });
    assert.equal(result.code, 0, result.out);
    assert.match(result.out, /sandbox: bubblewrap/);
    assert.match(result.out, new RegExp(`ann · ${NAME}: (\\d+)/\\1 `), result.out);
    assert.match(result.out, new RegExp(`bob · ${NAME}: 0/`), result.out);
  });
});
