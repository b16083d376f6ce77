import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { artifactsDir, browserMissing, launchChromium } from "../helpers/browser";
import { courseBin, projectRoot } from "../helpers/cli";
import { assertPage, checkPage, mathSpans } from "../helpers/site-pages";
import { readNotebook } from "../../scripts/src/notebook/read";
import { courseNotebooks } from "../../scripts/src/commands/start";

interface Cell {
  cell_type: string;
  outputs?: { output_type: string }[];
  execution_count?: number | null;
}

/** `course start` as a learner runs it, left running, with what it prints collected. */
function startCourse(
  args: string[],
  env: NodeJS.ProcessEnv,
): {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  waitFor: (re: RegExp, ms: number) => Promise<RegExpMatchArray>;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [courseBin, "start", ...args], { cwd: projectRoot, env, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const waitFor = async (re: RegExp, ms: number) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = re.exec(out);
      if (m) return m;
      if (child.exitCode !== null) throw new Error(`course start exited (${child.exitCode}) before printing ${re}:\n${out}`);
      if (Date.now() > deadline) throw new Error(`course start did not print ${re} within ${ms} ms:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  return { child, output: () => out, waitFor, exit };
}

/** A Jupyter environment of its own, so that the test neither reads nor changes the user's. */
function jupyterEnv(tmp: string, PATH: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH,
    JUPYTER_DATA_DIR: path.join(tmp, "jupyter"),
    JUPYTER_CONFIG_DIR: path.join(tmp, "jupyter-config"),
    JUPYTER_RUNTIME_DIR: path.join(tmp, "jupyter-runtime"),
    JUPYTER_PATH: "",
    JUPYTER_TOKEN: "",
  };
}

/**
 * Every page the headless run serves, opened in headless Chromium: it loads with no
 * console error and no request leaving the machine, draws its figures and typesets its
 * equations. The course runs once for this and for the HTTP checks above. Screenshots go
 * to test-artifacts/course-site/.
 */
async function checkServedPagesInChromium(url: string, notebooks: string[]): Promise<void> {
  const shots = artifactsDir("course-site");
  const browser = await launchChromium();
  try {
    assertPage("index.html", await checkPage(browser, `${url}index.html`, path.join(shots, "index.png")), 0);
    for (const source of notebooks) {
      const name = path.basename(source, ".ipynb");
      assertPage(
        `${name}.html`,
        await checkPage(browser, `${url}${name}.html`, path.join(shots, `${name}.png`)),
        mathSpans(readNotebook(source)),
      );
    }
  } finally {
    await browser.close();
  }
}

test(
  "with no Jupyter on PATH, `course start` says how to get one, runs the course headless and serves its pages",
  { timeout: 1_200_000 },
  async (t) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-start-"));
    // An empty PATH hides every Jupyter; node itself is started by absolute path.
    const run = startCourse(
      ["--output-dir", path.join(tmp, "executed"), "--site-dir", path.join(tmp, "site")],
      jupyterEnv(tmp, path.join(tmp, "empty-bin")),
    );
    try {
      const [, url] = await run.waitFor(/served at:\s+(http:\/\/127\.0\.0\.1:\d+\/)/, 1_100_000);
      const out = run.output();
      assert.match(out, /Registered kernel "tslab"/);
      assert.match(out, /Datasets: /);
      assert.match(out, /No Jupyter found/);
      assert.match(out, /pip install jupyterlab/);
      assert.match(out, /conda install/);
      assert.match(out, /apt install jupyter-notebook/);
      assert.match(out, /VS Code/);
      assert.match(out, /runs headless/);
      // Every cell of every notebook passed (judged by the kernel's replies, in the run's report).
      const summary = /summary: (\d+) notebooks?, (\d+) passed, (\d+) failed; (\d+) cells run, (\d+) failed/.exec(out);
      assert.ok(summary, `the headless run printed its summary:\n${out}`);
      assert.deepEqual(
        [summary[2], summary[3], summary[5]],
        [summary[1], "0", "0"],
        `every notebook and cell passed:\n${out
          .split("\n")
          .filter((l) => /FAIL|failed/.test(l))
          .join("\n")}`,
      );
      assert.doesNotMatch(out, /Some cells failed/);

      const notebooks = courseNotebooks();
      assert.ok(notebooks.length >= 1);
      const index = await fetch(url!);
      assert.equal(index.status, 200);
      const indexHtml = await index.text();
      for (const source of notebooks) {
        const name = path.basename(source, ".ipynb");
        const executed = path.join(tmp, "executed", path.basename(source));
        assert.ok(fs.existsSync(executed), `${executed} was written`);
        const cells = (JSON.parse(fs.readFileSync(executed, "utf8")) as { cells: Cell[] }).cells.filter((c) => c.cell_type === "code");
        assert.ok(
          cells.every((c) => typeof c.execution_count === "number"),
          `every code cell of ${name} ran`,
        );
        assert.equal(cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "error").length, 0);
        assert.ok(indexHtml.includes(`href="${name}.html"`), `the served index links to ${name}`);
        const page = await fetch(`${url}${name}.html`);
        assert.equal(page.status, 200, `${name}.html is served`);
        assert.match(await page.text(), /class="cell code-cell"/);
      }
      assert.equal((await fetch(`${url}assets/site.css`)).headers.get("content-type"), "text/css; charset=utf-8");
      // The lessons in order, the instructors' sample assignment after them.
      const links = [...new Set([...indexHtml.matchAll(/href="(\d\d-[\w-]+)\.html"/g)].map((m) => m[1]!))];
      assert.equal(links[links.length - 1], "00-sample-assignment", "the sample assignment comes after the lessons");
      assert.deepEqual(links.slice(0, -1), [...links.slice(0, -1)].sort(), "the lessons in order");
      await t.test("every page it serves, in Chromium", { skip: browserMissing() }, () => checkServedPagesInChromium(url!, notebooks));

      run.child.kill("SIGINT");
      assert.equal(await run.exit, 0, run.output());
      assert.match(run.output(), /Stopped\./);
    } finally {
      run.child.kill("SIGKILL");
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);

const notebookProgram = "/usr/bin/jupyter-notebook";

test(
  "with Jupyter Notebook installed, `course start` opens it at the course index and prints the address",
  {
    timeout: 120_000,
    skip: fs.existsSync(notebookProgram) ? false : `${notebookProgram} is not installed (apt-get install jupyter-notebook)`,
  },
  async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nncourse-start-jupyter-"));
    // Only the classic Notebook on PATH: JupyterLab, if this machine had it, would win.
    const bin = path.join(tmp, "bin");
    fs.mkdirSync(bin);
    fs.symlinkSync(notebookProgram, path.join(bin, "jupyter-notebook"));
    const run = startCourse(["--no-browser"], jupyterEnv(tmp, bin));
    try {
      const [, url, port] = await run.waitFor(
        /The course is open at:\s+(http:\/\/127\.0\.0\.1:(\d+)\/notebooks\/index\.ipynb\?token=[0-9a-f]+)/,
        90_000,
      );
      assert.match(run.output(), /Datasets: /);
      const page = await fetch(url!);
      assert.equal(page.status, 200, "the printed address opens (the token in it is valid)");
      assert.match(await page.text(), /data-notebook-path="index\.ipynb"/);
      const token = new URL(url!).searchParams.get("token");
      const contents = (await (await fetch(`http://127.0.0.1:${port}/api/contents/index.ipynb?token=${token}`)).json()) as {
        content: { cells: { source: string }[] };
      };
      const text = contents.content.cells.map((c) => c.source).join("\n");
      // Learners land on their copies: the index links exercises/, never the masters.
      for (const notebook of courseNotebooks())
        assert.ok(text.includes(`](exercises/${path.basename(notebook)})`), `the index links exercises/${path.basename(notebook)}`);
      assert.doesNotMatch(text, /\]\(notebooks\//, "no link to a master");
      const unauthorised = await fetch(`http://127.0.0.1:${port}/api/contents/index.ipynb`);
      assert.equal(unauthorised.status, 403, "without the token the server refuses");

      // Stopping `course start` stops Jupyter with it.
      run.child.kill("SIGTERM");
      await run.exit;
      const stillUp = await fetch(`http://127.0.0.1:${port}/api/status`).then(
        () => true,
        () => false,
      );
      assert.equal(stillUp, false, "Jupyter stopped with course start");
    } finally {
      run.child.kill("SIGKILL");
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);
