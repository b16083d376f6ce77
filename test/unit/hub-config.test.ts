// The JupyterHub configuration `course hub` writes: Python that Python reads back as
// the settings we meant (run through Debian's python3 where it is installed), a
// learners' start command that the shell runs as meant, and the access check that
// stops a course learners could not read.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { hubConfigText, hubPaths, learnerFolderProblem, learnerStartCommand, type HubConfig } from "../../scripts/src/hub/hub-config";
import { pythonLiteral, shellWord } from "../../scripts/src/hub/python-literal";
import { learnerAccessProblem } from "../../scripts/src/hub/learner-access";
import { runCourse } from "../helpers/cli";

const PYTHON = "/usr/bin/python3";
const noPython = fs.existsSync(PYTHON) ? false : `${PYTHON} is not installed`;

const config: HubConfig = {
  courseRoot: "/opt/nn course",
  node: "/usr/bin/node",
  proxyScript: "/opt/nn course/node_modules/configurable-http-proxy/bin/configurable-http-proxy",
  singleUser: "/usr/bin/jupyterhub-singleuser",
  hubDir: "/srv/nncourse-hub",
  ip: "127.0.0.1",
  port: 8000,
  hubPort: 8081,
  proxyApiPort: 8001,
  users: ["ada", "o'brien"],
  groups: ["students"],
  admins: ["teacher"],
  learnerFolder: "nncourse",
};

/** Runs the configuration as JupyterHub would (exec with a `c` to fill in) and returns what it set. */
function settingsOf(text: string): Record<string, unknown> {
  const script = `
import json, sys
class Section(dict):
    def __getattr__(self, name):
        return self.setdefault(name, Section()) if name[0].isupper() else self[name]
    def __setattr__(self, name, value):
        self[name] = value
c = Section()
exec(sys.stdin.read(), {"get_config": lambda: c})
print(json.dumps(c, default=sorted))
`;
  const run = spawnSync(PYTHON, ["-c", script], { input: text, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe("the configuration", () => {
  test("Python reads back every setting as meant", { skip: noPython }, () => {
    const c = settingsOf(hubConfigText(config)) as Record<string, Record<string, unknown>>;
    assert.equal(c.JupyterHub!.bind_url, "http://127.0.0.1:8000/");
    assert.equal(c.JupyterHub!.hub_port, 8081);
    assert.equal(c.JupyterHub!.db_url, "sqlite:////srv/nncourse-hub/state/jupyterhub.sqlite");
    assert.equal(c.JupyterHub!.cookie_secret_file, "/srv/nncourse-hub/state/jupyterhub_cookie_secret");
    assert.equal(c.ConfigurableHTTPProxy!.api_url, "http://127.0.0.1:8001");
    assert.deepEqual(c.ConfigurableHTTPProxy!.command, ["/usr/bin/node", config.proxyScript]);
    assert.deepEqual(c.Authenticator!.allowed_users, ["ada", "o'brien"]);
    assert.deepEqual(c.LocalAuthenticator!.allowed_groups, ["students"]);
    assert.deepEqual(c.Authenticator!.admin_users, ["teacher"]);
    assert.deepEqual(c.Spawner!.environment, { JUPYTER_PATH: hubPaths(config.hubDir).jupyterPath });
    assert.deepEqual(c.Spawner!.cmd, learnerStartCommand(config));
    assert.equal(c.Spawner!.default_url, "/tree/nncourse");
    assert.equal(c.JupyterHub!.ssl_cert, undefined, "no TLS unless asked");
  });

  test("TLS, a folder name that needs escaping in a URL, and no user list", { skip: noPython }, () => {
    const c = settingsOf(
      hubConfigText({ ...config, users: [], learnerFolder: "nn course", tls: { cert: "/etc/ssl/hub.pem", key: "/etc/ssl/hub.key" } }),
    ) as Record<string, Record<string, unknown>>;
    assert.equal(c.JupyterHub!.bind_url, "https://127.0.0.1:8000/");
    assert.equal(c.JupyterHub!.ssl_key, "/etc/ssl/hub.key");
    assert.equal(c.Spawner!.default_url, "/tree/nn%20course");
    assert.equal(c.Authenticator?.allowed_users, undefined, "no empty allow list (JupyterHub would read it as nobody, or anybody)");
  });

  test("Python literals", () => {
    assert.equal(pythonLiteral('a "quoted" \\ path\n'), '"a \\"quoted\\" \\\\ path\\n"');
    assert.equal(pythonLiteral({ set: ["b", "a", "b"] }), '{"a", "b"}');
    assert.equal(pythonLiteral({ set: [] }), "set()", "{} would be an empty dict");
    assert.equal(pythonLiteral([true, 3]), "[True, 3]");
    assert.throws(() => pythonLiteral(0.5), /whole numbers/);
  });
});

describe("the learners' start command", () => {
  /** Runs the command with stand-ins for node (the copy) and the notebook server. */
  function runStart(copySucceeds: boolean) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-start-"));
    try {
      const server = path.join(dir, "fake server");
      fs.writeFileSync(server, `#!/bin/sh\necho "server umask $(umask) args:$*"\n`, { mode: 0o755 });
      const copy = path.join(dir, "fake node");
      fs.writeFileSync(copy, `#!/bin/sh\necho "copy args:$*"\nexit ${copySucceeds ? 0 : 1}\n`, { mode: 0o755 });
      const argv = learnerStartCommand({ node: copy, courseRoot: "/opt/nn course", singleUser: server, learnerFolder: "my course" });
      return spawnSync(argv[0]!, [...argv.slice(1), "--port=50123", "--debug"], { encoding: "utf8" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test("copies the exercises as the learner, then becomes the server with JupyterHub's arguments, private by umask", () => {
    const run = runStart(true);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      run.stdout,
      "copy args:/opt/nn course/scripts/bin/course.js hub copy-exercises --folder my course\nserver umask 0077 args:--port=50123 --debug\n",
    );
  });

  test("a failed copy is logged and the server starts anyway", () => {
    const run = runStart(false);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /server umask 0077 args:--port=50123 --debug/);
    assert.match(run.stderr, /copy-exercises failed/);
  });

  test("shell words", () => {
    assert.equal(shellWord("/usr/bin/node"), "/usr/bin/node");
    assert.equal(shellWord("it's here"), "'it'\\''s here'");
    assert.equal(shellWord("$HOME"), "'$HOME'");
  });
});

describe("what learners can reach", () => {
  const chain = (...modes: number[]) => modes.map((mode, i) => ({ path: `/p${i}`, mode }));

  test("a file in readable folders", () => {
    assert.equal(learnerAccessProblem(chain(0o40755, 0o40711, 0o100644), "read"), undefined);
  });

  test("a folder above that others cannot pass (a course under /root)", () => {
    assert.match(learnerAccessProblem(chain(0o40755, 0o40700, 0o100644), "read") ?? "", /\/p1 does not let other accounts through/);
  });

  test("a file, folder or program learners cannot read, list or run", () => {
    assert.match(learnerAccessProblem(chain(0o40755, 0o100640), "read") ?? "", /cannot read \/p1 \(mode 0640, needs o\+r\)/);
    assert.match(learnerAccessProblem(chain(0o40755, 0o40751), "list") ?? "", /cannot open the folder \/p1/);
    assert.match(learnerAccessProblem(chain(0o40755, 0o100754), "run") ?? "", /cannot run \/p1/);
    assert.equal(learnerAccessProblem(chain(0o40755, 0o100755), "run"), undefined);
  });

  test("the learners' course folder is one plain name in their home", () => {
    assert.equal(learnerFolderProblem("nncourse"), undefined);
    for (const bad of ["", "..", "../other", "/etc", "a/b", ".hidden"]) assert.ok(learnerFolderProblem(bad), bad);
  });
});

describe("course hub's command line", () => {
  test("wrong options exit 2 with the problem and the fix, before anything is written", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-cli-"));
    try {
      const cases: [string[], RegExp][] = [
        [[], /say who may log in: --group GROUP .* or --users/],
        [["--users", "ada", "--folder", "../elsewhere"], /--folder must be one folder name inside the home folder/],
        [
          ["--users", "ada", "--port", "8000", "--hub-port", "8001"],
          /--hub-port 8001 clashes with the public port 8000 or the proxy's API port 8001/,
        ],
        [["--users", "ada", "--ssl-cert", "/etc/hostname"], /--ssl-cert and --ssl-key go together/],
        [["copy-exercises", "--folder", "a", "--to", "/tmp/b"], /--folder and --to both say where/],
      ];
      for (const [args, message] of cases) {
        const where = args[0] === "copy-exercises" ? [] : ["--dir", path.join(dir, "hub")];
        const run = await runCourse(["hub", ...args, ...where]);
        assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
        assert.match(run.stderr, message, args.join(" "));
        assert.match(run.stderr, /Fix: /, args.join(" "));
      }
      assert.ok(!fs.existsSync(path.join(dir, "hub")), "nothing written");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
