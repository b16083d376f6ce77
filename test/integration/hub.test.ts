/**
 * The course on a real JupyterHub (Debian's jupyterhub 3.0, its learners' servers
 * Jupyter Notebook 6.4, the proxy from the npm registry), with three real learners:
 * system accounts made for the test (homes in a folder of its own, removed afterwards,
 * also when the test fails), configured by `course hub`, driven through Chromium.
 *
 * Each learner logs in through the hub's login page, gets their own server and their
 * own copy of the exercises, opens the sample assignment, writes in it, runs it (the
 * course's kernel, started as them), adds a cell that tries to read another learner's
 * notebook, and saves. Then on disk: each learner's notebook is theirs (owner, mode,
 * content, outputs), the reading attempt failed with EACCES, and a learner's browser
 * session cannot reach another learner's server. One learner's server is restarted
 * after a notebook is added to the course: their work stays, the new notebook appears.
 * Last, `course collect` gathers the three notebooks into submissions/ in the layout
 * `course grade` reads. Screenshots go to test-artifacts/hub/.
 *
 * It needs root (to make accounts, and the hub runs as root as in production) and runs
 * where CI runs it; elsewhere it skips, saying why.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { projectRoot, runCourse } from "../helpers/cli";
import { artifactsDir, browserMissing, freePort, launchChromium } from "../helpers/browser";
import { learnerAccessProblems } from "../../scripts/src/hub/learner-access";
import { COPY_RECORD_FILE } from "../../scripts/src/hub/copy-exercises";
import { discoverSubmissions } from "../../scripts/src/grade/submissions";

const JUPYTERHUB = "/usr/bin/jupyterhub";
const EXERCISE = "00-sample-assignment.ipynb";
/** The comment every account this test makes carries, so that leftovers of a killed run are found and removed. */
const ACCOUNT_MARK = "nncourse hub test account";

function whySkip(): string | false {
  if (process.platform !== "linux") return "JupyterHub with system accounts: Linux only";
  if (process.getuid?.() !== 0) return "needs root: it makes system accounts, and the hub starts servers as them";
  if (!fs.existsSync(JUPYTERHUB)) return `JupyterHub is not installed at ${JUPYTERHUB} (apt-get install jupyterhub)`;
  for (const tool of ["/usr/sbin/useradd", "/usr/sbin/userdel", "/usr/sbin/chpasswd"])
    if (!fs.existsSync(tool)) return `${tool} is missing (apt-get install passwd)`;
  const browser = browserMissing();
  if (browser) return browser;
  const access = learnerAccessProblems([
    { path: projectRoot, need: "list" },
    { path: process.execPath, need: "run" },
  ]);
  if (access.length > 0) return `learners' accounts could not use the course where it is installed: ${access.join("; ")}`;
  return false;
}
const skip = whySkip();

/** Every account a run of this test made (by the mark), with its home folder. */
function testAccounts(): { name: string; home: string }[] {
  return fs
    .readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .map((line) => line.split(":"))
    .filter((fields) => fields[4] === ACCOUNT_MARK)
    .map((fields) => ({ name: fields[0]!, home: fields[5]! }));
}

/** Removes the test's accounts: their processes first (a server left by a killed hub), then the account and its home. */
function removeTestAccounts(): void {
  for (const account of testAccounts()) {
    spawnSync("pkill", ["-KILL", "-u", account.name]);
    const removed = spawnSync("/usr/sbin/userdel", ["--force", "--remove", account.name], { encoding: "utf8" });
    if (removed.status !== 0 && fs.existsSync(account.home)) fs.rmSync(account.home, { recursive: true, force: true });
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A public port whose next one (the proxy's API) is free too, and the hub's own port. */
async function hubPorts(): Promise<{ port: number; hubPort: number }> {
  for (;;) {
    const port = await freePort();
    if (port >= 65535 || !(await portIsFree(port + 1))) continue;
    const hubPort = await freePort();
    if (hubPort !== port && hubPort !== port + 1) return { port, hubPort };
  }
}

/** Starts the hub and waits until it answers; everything it logs is kept for failure messages. */
async function startHub(
  config: string,
  cwd: string,
  base: string,
): Promise<{ child: ChildProcess; log: () => string; stop: () => Promise<void> }> {
  const child = spawn(JUPYTERHUB, ["-f", config], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jupyterhub exited (${child.exitCode}) before it served:\n${log}`);
    try {
      if ((await fetch(`${base}/hub/api`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`jupyterhub did not answer at ${base} within 90 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    child,
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      // SIGTERM: the hub stops every learner's server (and their kernels), then the proxy.
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** True once no code cell waits to run ("In [*]") and the kernel is idle (as in browser-notebook.test.ts). */
const SETTLED = `(() => {
  const busy = Jupyter.notebook.get_cells().some((c) => c.cell_type === "code" && c.input_prompt_number === "*");
  return !busy && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
})()`;

async function settle(page: Page): Promise<void> {
  // Two idle readings in a row: between two queued cells the kernel may look idle for a moment.
  await page.waitForFunction(SETTLED, null, { timeout: 180_000, polling: 200 });
  await page.waitForTimeout(300);
  await page.waitForFunction(SETTLED, null, { timeout: 180_000, polling: 200 });
}

interface Learner {
  name: string;
  password: string;
  home: string;
  context?: BrowserContext;
}

async function logIn(learner: Learner, context: BrowserContext, base: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/hub/login`);
  await page.fill("#username_input", learner.name);
  await page.fill("#password_input", learner.password);
  await page.click("#login_submit");
  // The hub starts the learner's server (the exercises are copied first), then sends the
  // browser to it: the course folder, as course hub's default_url says.
  await page.waitForURL(new RegExp(`/user/${learner.name}/tree/nncourse`), { timeout: 120_000 });
  return page;
}

test(
  "three learners on JupyterHub: their own kernel, exercises and files; collected for grading",
  { skip, timeout: 600_000 },
  async (t) => {
    removeTestAccounts(); // leftovers of a run that was killed
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-hub-"));
    // The homes and the hub's folder must be reachable by the learners' accounts.
    fs.chmodSync(root, 0o755);
    const homes = path.join(root, "home");
    fs.mkdirSync(homes, { mode: 0o755 });
    const shots = artifactsDir("hub");
    const tag = randomBytes(3).toString("hex");
    const learners: Learner[] = ["a", "b", "c"].map((letter) => ({
      name: `nnhub${tag}${letter}`,
      password: randomBytes(12).toString("base64url"),
      home: path.join(homes, `nnhub${tag}${letter}`),
    }));
    let hub: Awaited<ReturnType<typeof startHub>> | undefined;
    let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
    t.after(async () => {
      await browser?.close().catch(() => undefined);
      await hub?.stop();
      removeTestAccounts();
      fs.rmSync(root, { recursive: true, force: true });
    });

    for (const learner of learners) {
      const made = spawnSync(
        "/usr/sbin/useradd",
        ["--create-home", "--base-dir", homes, "--comment", ACCOUNT_MARK, "--shell", "/bin/sh", learner.name],
        {
          encoding: "utf8",
        },
      );
      assert.equal(made.status, 0, `useradd ${learner.name}: ${made.stderr}`);
      const password = spawnSync("/usr/sbin/chpasswd", { input: `${learner.name}:${learner.password}\n`, encoding: "utf8" });
      assert.equal(password.status, 0, `chpasswd: ${password.stderr}`);
    }

    const { port, hubPort } = await hubPorts();
    const hubDir = path.join(root, "hub");
    const written = await runCourse(
      [
        "hub",
        "--users",
        learners.map((l) => l.name).join(","),
        "--dir",
        hubDir,
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--hub-port",
        String(hubPort),
      ],
      { timeoutMs: 60_000 },
    );
    assert.equal(written.code, 0, `course hub failed:\n${written.stdout}${written.stderr}`);
    const base = `http://127.0.0.1:${port}`;
    hub = await startHub(path.join(hubDir, "jupyterhub_config.py"), hubDir, base);
    browser = await launchChromium();

    try {
      await t.test("each learner logs in and finds their own copy of the exercises", async () => {
        for (const learner of learners) {
          learner.context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
          const page = await logIn(learner, learner.context, base);
          await page.waitForSelector(`a[href$="/nncourse/${EXERCISE}"]`, { timeout: 30_000 });
          await page.screenshot({ path: path.join(shots, `${learner.name.slice(-1)}-tree.png`) });
          await page.close();
          const folder = path.join(learner.home, "nncourse");
          const stat = fs.statSync(path.join(folder, EXERCISE));
          assert.equal(stat.uid, uidOf(learner.name), "the copy belongs to the learner");
          assert.equal(fs.statSync(folder).mode & 0o777, 0o700, "the course folder is private");
          const course = fs.readdirSync(path.join(projectRoot, "exercises")).filter((f) => f.endsWith(".ipynb"));
          assert.deepEqual(
            fs
              .readdirSync(folder)
              .filter((f) => f.endsWith(".ipynb"))
              .sort(),
            course.sort(),
            "every exercise is there",
          );
        }
      });

      await t.test("each learner writes, runs the exercise in the course's kernel as themselves, and saves", async () => {
        for (const [i, learner] of learners.entries()) {
          const other = learners[(i + 1) % learners.length]!;
          const page = await learner.context!.newPage();
          await page.goto(`${base}/user/${learner.name}/notebooks/nncourse/${EXERCISE}`);
          await page.waitForFunction(
            "window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected() && document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null",
            null,
            { timeout: 120_000 },
          );
          assert.equal(await page.evaluate("Jupyter.notebook.kernel.name"), "tslab", "the course's kernel");
          // The learner's answer (still unsolved: a comment of their own), and a cell that
          // tries to read the next learner's copy of the same notebook.
          await page.evaluate(
            `(() => {
            const cell = Jupyter.notebook.get_cells().find((c) => c.metadata.nbgrader && c.metadata.nbgrader.grade_id === "nor");
            cell.set_text(cell.get_text().replace("// YOUR CODE HERE", "// YOUR CODE HERE (${learner.name} was here)"));
            const probe = Jupyter.notebook.insert_cell_at_bottom("code");
            probe.set_text(${JSON.stringify(probeCell(learner.name, path.join(other.home, "nncourse", EXERCISE)))});
          })()`,
          );
          await page.evaluate("Jupyter.notebook.execute_all_cells()");
          await settle(page);
          await page.evaluate("Jupyter.notebook.save_notebook()");
          await page.waitForFunction("!Jupyter.notebook.dirty", null, { timeout: 30_000 });
          await page.screenshot({ path: path.join(shots, `${learner.name.slice(-1)}-notebook.png`), fullPage: true });
          await page.close();
        }
        for (const [i, learner] of learners.entries()) {
          const other = learners[(i + 1) % learners.length]!;
          const file = path.join(learner.home, "nncourse", EXERCISE);
          const text = fs.readFileSync(file, "utf8");
          const stat = fs.statSync(file);
          assert.equal(stat.uid, uidOf(learner.name), `${learner.name}'s saved notebook belongs to them`);
          assert.equal(stat.mode & 0o077, 0, `${learner.name}'s saved notebook is theirs alone`);
          assert.match(text, new RegExp(`${learner.name} was here`), "their own edit was saved");
          for (const someone of learners.filter((l) => l !== learner)) assert.doesNotMatch(text, new RegExp(`${someone.name} was here`));
          assert.match(text, /not implemented yet: nor/, "the test cells ran in the course's kernel and their results were saved");
          assert.match(
            text,
            new RegExp(`${learner.name} reading ${other.name}'s notebook: EACCES`),
            "one learner cannot read another's notebook",
          );
        }
      });

      await t.test("a learner's browser session cannot reach another learner's server", async () => {
        const [first, second] = learners;
        const page = await first!.context!.newPage();
        const response = await page.goto(`${base}/user/${second!.name}/api/contents/nncourse/${EXERCISE}`);
        assert.notEqual(response?.status(), 200, "another learner's notebook is not served");
        assert.doesNotMatch((await page.content()) ?? "", new RegExp(`${second!.name} was here`));
        await page.close();
      });

      await t.test("after a course update and a server restart, the new notebook appears and the learner's work stays", async () => {
        const learner = learners[0]!;
        const folder = path.join(learner.home, "nncourse");
        // What a learner's folder looks like just before the course gains a notebook: the
        // notebook is not there, and the record of what was copied does not name it.
        const added = fs.readdirSync(folder).find((f) => f.endsWith(".ipynb") && f !== EXERCISE)!;
        fs.rmSync(path.join(folder, added));
        const recordFile = path.join(folder, COPY_RECORD_FILE);
        const record = JSON.parse(fs.readFileSync(recordFile, "utf8")) as { copied: Record<string, string> };
        delete record.copied[added];
        fs.writeFileSync(recordFile, JSON.stringify(record));
        const before = fs.readFileSync(path.join(folder, EXERCISE), "utf8");

        const page = await learner.context!.newPage();
        await page.goto(`${base}/hub/home`);
        // Stop My Server, through the hub's own API as its page calls it.
        const stopped = await page.evaluate(`fetch("/hub/api/users/${learner.name}/server", { method: "DELETE" }).then((r) => r.status)`);
        assert.ok([202, 204].includes(stopped as number), `the hub stops the server (HTTP ${String(stopped)})`);
        const serverGone = `fetch("/hub/api/users/${learner.name}").then((r) => r.json()).then((u) => u.server === null && !u.pending)`;
        await waitFor(async () => (await page.evaluate(serverGone)) === true, 60_000);
        await page.goto(`${base}/hub/spawn`);
        await page.waitForURL(new RegExp(`/user/${learner.name}/tree/nncourse`), { timeout: 120_000 });
        await page.close();
        assert.ok(fs.existsSync(path.join(folder, added)), `${added} appeared`);
        assert.equal(fs.readFileSync(path.join(folder, EXERCISE), "utf8"), before, "the learner's saved work is unchanged");
      });

      await t.test("course collect gathers the three notebooks for course grade", async () => {
        const out = path.join(root, "submissions");
        const collected = await runCourse(["collect", homes, "--out", out, "--assignment", EXERCISE.replace(/\.ipynb$/, "")], {
          timeoutMs: 60_000,
        });
        assert.equal(collected.code, 0, `${collected.stdout}${collected.stderr}`);
        assert.match(collected.stdout, /new: 3, unchanged: 0, replaced: 0/);
        const found = discoverSubmissions(out, [EXERCISE.replace(/\.ipynb$/, "")]);
        assert.deepEqual(found.submissions.map((s) => s.student).sort(), learners.map((l) => l.name).sort());
        assert.deepEqual(found.unrecognized, []);
        for (const learner of learners)
          assert.match(fs.readFileSync(path.join(out, learner.name, EXERCISE), "utf8"), new RegExp(`${learner.name} was here`));
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- the hub's log ---\n${hub?.log().slice(-6000) ?? ""}`, { cause: error });
    }
  },
);

function uidOf(name: string): number {
  const line = fs
    .readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}:`));
  return Number(line?.split(":")[2]);
}

/** A TypeScript cell that tries to read a file and prints how that went. */
function probeCell(me: string, file: string): string {
  const other = path.basename(path.dirname(path.dirname(file)));
  return [
    'import * as fs from "fs";',
    "let verdict: string;",
    "try {",
    `  fs.readFileSync(${JSON.stringify(file)});`,
    '  verdict = "READ IT";',
    "} catch (error) {",
    "  verdict = (error as { code?: string }).code ?? String(error);",
    "}",
    `console.log(\`${me} reading ${other}'s notebook: \${verdict}\`);`,
  ].join("\n");
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
