/**
 * The learners' single-user image for many servers (deploy/singleuser), as Zero to
 * JupyterHub runs it (deploy/helm/values.yaml).
 *
 * Its setup script in a fresh folder, where node, npm and Debian's Python Jupyter are:
 * the course installed without the masters or solutions, its datasets verified, the
 * start command copying the exercises into a learner's home and then becoming the
 * notebook server with its arguments, and the course's kernel started through Jupyter's
 * own client from the kernel spec setup wrote, running a cell of the library from the
 * learner's folder.
 *
 * The image itself, built with podman from a Debian base made by debootstrap and run,
 * when NNCOURSE_TEST_IMAGE=1 (about five minutes: Debian's base system, JupyterHub and
 * Node.js from the network, the course's packages; too long for CI's hour, so CI runs the
 * setup script only). In the container, as its learner account: the start command
 * copies the exercises and runs jupyterhub-singleuser, the datasets verify, and the
 * kernel runs a cell. On these machines podman needs runc (crun refuses the hybrid
 * cgroup layout), resource limits no higher than the machine's (no CAP_SYS_RESOURCE),
 * the host's network for the build, and the certificates of the proxy that re-signs
 * HTTPS; the test passes all four.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { byDesign } from "../helpers/skip";

const SETUP = path.join(projectRoot, "deploy", "singleuser", "setup.sh");
const PYTHON = "/usr/bin/python3";
const EXERCISE = "00-sample-assignment.ipynb";

/** Starts the kernel "tslab" through jupyter_client, runs one cell, prints its reply and outputs as JSON. */
const KERNEL_PROBE = `
import json, sys
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="tslab", startup_timeout=180)
try:
    outputs = []
    def keep(msg):
        if msg["msg_type"] in ("stream", "execute_result", "error"):
            outputs.append(msg["content"])
    reply = kc.execute_interactive(sys.argv[1], timeout=180, output_hook=keep)
    print(json.dumps({"status": reply["content"]["status"], "outputs": outputs}))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
`;

/** A cell of the library, run in the learner's course folder. */
const CELL = `import { mcpAnd } from "nncourse";
import * as fs from "fs";
console.log(\`AND(1, 1) = \${mcpAnd().fire([1, 1])}; the exercise is here: \${fs.existsSync("${EXERCISE}")}\`);`;

function assertCellRan(stdout: string): void {
  const line = stdout.trim().split("\n").pop() ?? "";
  const result = JSON.parse(line) as { status: string; outputs: { text?: string }[] };
  assert.equal(result.status, "ok", stdout);
  assert.match(result.outputs.map((o) => o.text ?? "").join(""), /AND\(1, 1\) = 1; the exercise is here: true/);
}

function setupMissing(): string | false {
  if (process.platform !== "linux") return "the setup script is for Debian";
  if (!fs.existsSync(PYTHON)) return `${PYTHON} is not installed`;
  const client = spawnSync(PYTHON, ["-c", "import jupyter_client"]);
  if (client.status !== 0) return "Debian's jupyter_client is not installed (apt-get install python3-jupyter-client)";
  return false;
}

test("the image's setup script installs the course for learners in a fresh folder", { skip: setupMissing(), timeout: 600_000 }, (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-image-setup-"));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const dest = path.join(root, "course");
  const setup = spawnSync("sh", [SETUP, "--node", process.execPath, projectRoot, dest], { encoding: "utf8", timeout: 540_000 });
  assert.equal(setup.status, 0, `setup.sh failed:\n${setup.stdout}\n${setup.stderr}`);

  // What learners can read holds no solution: no masters, no solutions, and no
  // notebook with a solution region or hidden tests.
  for (const secret of ["notebooks", "solutions", "grading"])
    assert.ok(!fs.existsSync(path.join(dest, secret)), `${secret}/ is not installed`);
  const notebooks = fs.readdirSync(path.join(dest, "exercises")).filter((f) => f.endsWith(".ipynb"));
  assert.deepEqual(
    notebooks.sort(),
    fs
      .readdirSync(path.join(projectRoot, "exercises"))
      .filter((f) => f.endsWith(".ipynb"))
      .sort(),
  );
  for (const name of notebooks)
    assert.doesNotMatch(fs.readFileSync(path.join(dest, "exercises", name), "utf8"), /BEGIN (SOLUTION|HIDDEN TESTS)/, name);
  assert.ok(!fs.existsSync(path.join(dest, "node_modules", "typescript-eslint")), "the build-only packages are removed");
  const verify = spawnSync(process.execPath, [path.join(dest, "scripts", "bin", "course.js"), "data", "verify"], { encoding: "utf8" });
  assert.equal(verify.status, 0, `the installed datasets verify:\n${verify.stdout}${verify.stderr}`);

  // The start command: copies the exercises into the learner's home, then becomes the
  // notebook server (a stand-in here) with the arguments JupyterHub gave it.
  const home = path.join(root, "home", "learner");
  fs.mkdirSync(home, { recursive: true });
  const bin = path.join(root, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "jupyterhub-singleuser"), '#!/bin/sh\necho "server umask $(umask) args:$*"\n', { mode: 0o755 });
  const start = spawnSync(path.join(dest, "bin", "nncourse-singleuser"), ["--port=8888", "--debug"], {
    encoding: "utf8",
    env: { ...process.env, HOME: home, PATH: `${bin}:${process.env.PATH ?? ""}` },
  });
  assert.equal(start.status, 0, start.stderr);
  assert.match(start.stdout, new RegExp(`Course folder ${home}/nncourse:\\n  new \\(${notebooks.length}\\)`));
  assert.match(start.stdout, /server umask 0077 args:--port=8888 --debug\n$/);
  assert.ok(fs.existsSync(path.join(home, "nncourse", EXERCISE)));

  // The kernel, as a learner's server finds it: by its kernel spec in JUPYTER_PATH.
  const probe = spawnSync(PYTHON, ["-c", KERNEL_PROBE, CELL], {
    cwd: path.join(home, "nncourse"),
    encoding: "utf8",
    timeout: 300_000,
    env: {
      ...process.env,
      HOME: home,
      JUPYTER_PATH: path.join(dest, "share", "jupyter"),
      JUPYTER_DATA_DIR: path.join(root, "jupyter-data"),
      JUPYTER_RUNTIME_DIR: path.join(root, "jupyter-runtime"),
    },
  });
  assert.equal(probe.status, 0, `${probe.stdout}\n${probe.stderr}`);
  assertCellRan(probe.stdout);
  const spec = JSON.parse(fs.readFileSync(path.join(dest, "share", "jupyter", "kernels", "tslab", "kernel.json"), "utf8")) as {
    argv: string[];
  };
  assert.ok(spec.argv[1]!.startsWith(dest + path.sep), `the kernel spec starts the installed kernel, not the project's: ${spec.argv[1]}`);
});

/** Why the image cannot be built and run here, or false. */
function imageMissing(): string | false {
  if (process.env.NNCOURSE_TEST_IMAGE !== "1") return byDesign("set NNCOURSE_TEST_IMAGE=1 to build and run the image (about five minutes)");
  if (process.getuid?.() !== 0) return "building the image needs root (podman, debootstrap)";
  for (const tool of ["/usr/bin/podman", "/usr/sbin/debootstrap"])
    if (!fs.existsSync(tool)) return `${tool} is missing (apt-get install podman buildah debootstrap runc)`;
  return false;
}

/** The machine's hard limit for a resource, which a container may not exceed without CAP_SYS_RESOURCE. */
function hardLimit(flag: string): string {
  const limit = spawnSync("sh", ["-c", `ulimit -H${flag}`], { encoding: "utf8" }).stdout.trim();
  return limit === "unlimited" ? "-1" : limit;
}

test(
  "the single-user image builds and runs a learner's server start, the datasets and the kernel",
  { skip: imageMissing(), timeout: 1_200_000 },
  (t) => {
    const image = `localhost/nncourse-singleuser-test:${process.pid}`;
    const base = "localhost/nncourse-test-debian:bookworm";
    const podman = (args: string[], timeout = 900_000) =>
      spawnSync("podman", args, { encoding: "utf8", timeout, maxBuffer: 64 * 1024 * 1024 });
    const runtime = fs.existsSync("/usr/sbin/runc") || fs.existsSync("/usr/bin/runc") ? ["--runtime", "runc"] : [];
    const limits = ["--ulimit", `nofile=${hardLimit("n")}:${hardLimit("n")}`, "--ulimit", "nproc=4096:4096"];
    t.after(() => {
      podman([...runtime, "rmi", "--force", image]);
    });

    if (podman(["image", "exists", base]).status !== 0) {
      const rootfs = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-debootstrap-"));
      try {
        const bootstrap = spawnSync("debootstrap", ["--variant=minbase", "bookworm", rootfs, "http://deb.debian.org/debian"], {
          encoding: "utf8",
          timeout: 600_000,
        });
        assert.equal(bootstrap.status, 0, `debootstrap:\n${bootstrap.stdout.slice(-3000)}${bootstrap.stderr}`);
        const imported = spawnSync("sh", ["-c", `tar -C '${rootfs}' -c . | podman import - ${base}`], { encoding: "utf8" });
        assert.equal(imported.status, 0, imported.stderr);
      } finally {
        fs.rmSync(rootfs, { recursive: true, force: true });
      }
    }

    const ca = process.env.NODE_EXTRA_CA_CERTS ?? process.env.CURL_CA_BUNDLE;
    const build = podman([
      ...runtime,
      "build",
      "--network",
      "host",
      ...limits,
      ...(ca ? ["-v", `${ca}:/run/proxy-ca.crt:ro`, "--build-arg", "CA_FILE=/run/proxy-ca.crt"] : []),
      "--build-arg",
      `BASE=${base}`,
      "-f",
      path.join(projectRoot, "deploy", "singleuser", "Dockerfile"),
      "-t",
      image,
      projectRoot,
    ]);
    assert.equal(build.status, 0, `podman build:\n${build.stdout.slice(-6000)}\n${build.stderr.slice(-3000)}`);

    const script = [
      "set -e",
      'echo "account: $(id -un) $(id -u)"',
      "test ! -e /opt/nncourse/notebooks && test ! -e /opt/nncourse/solutions && echo 'no masters, no solutions'",
      "nncourse-singleuser --version",
      "node /opt/nncourse/scripts/bin/course.js data verify",
      `cd ~/nncourse && python3 -c '${KERNEL_PROBE.replace(/'/g, "'\\''")}' '${CELL.replace(/'/g, "'\\''")}'`,
    ].join("\n");
    const run = podman([...runtime, "run", "--rm", "--network", "none", ...limits, image, "sh", "-c", script], 300_000);
    assert.equal(run.status, 0, `podman run:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /account: jovyan 1000/);
    assert.match(run.stdout, /no masters, no solutions/);
    assert.match(run.stdout, /Course folder \/home\/jovyan\/nncourse:\n {2}new \(\d+\)/);
    assert.match(run.stdout, /^3\.0\.\d+$/m, "jupyterhub-singleuser 3.0, as chart 2.0.0's hub");
    assertCellRan(run.stdout);
  },
);
