/**
 * Headless Chromium for the browser tests, through playwright-core (no bundled
 * browser download: Debian's chromium is used). Tests skip, saying why, when the
 * browser is not installed.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Browser } from "playwright-core";
import { courseBin, projectRoot } from "./cli";

/** Where Debian (and CI) installs Chromium; CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags for a headless Chromium in a container: no sandbox, no GPU, no phoning home. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  if (!fs.existsSync(CHROMIUM)) return `Chromium is not installed at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  try {
    require.resolve("playwright-core", { paths: [projectRoot] });
  } catch {
    return "playwright-core is not installed (npm install)";
  }
  return undefined;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}

/** test-artifacts/<group>/, created empty (git-ignored): screenshots for a human to look at. */
export function artifactsDir(group: string): string {
  const dir = path.join(projectRoot, "test-artifacts", group);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface NotebookServer {
  /** http://127.0.0.1:PORT */
  base: string;
  token: string;
  /** The address of a file under the server's root, opened in the notebook editor. */
  notebookUrl(relativePath: string): string;
  /** Everything the server logged, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Where Debian (and CI) installs the classic Notebook; JUPYTER_NOTEBOOK overrides it. */
export const JUPYTER_NOTEBOOK = process.env.JUPYTER_NOTEBOOK ?? "/usr/bin/jupyter-notebook";

export function notebookMissing(): string | undefined {
  return fs.existsSync(JUPYTER_NOTEBOOK)
    ? undefined
    : `Jupyter Notebook is not installed at ${JUPYTER_NOTEBOOK} (apt-get install jupyter-notebook)`;
}

/**
 * Starts Jupyter Notebook on 127.0.0.1 with a token, serving `root`, in a private
 * Jupyter environment (data, config and runtime folders under `home`) whose only
 * TypeScript kernel is the one `course setup --prefix` registers there.
 */
export async function startNotebookServer(root: string, home: string, options: { timeoutMs?: number } = {}): Promise<NotebookServer> {
  const prefix = path.join(home, "prefix");
  const setup = spawnSync(process.execPath, [courseBin, "setup", "--prefix", prefix], { encoding: "utf8" });
  if (setup.status !== 0) throw new Error(`course setup --prefix failed:\n${setup.stdout}${setup.stderr}`);
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const env = {
    ...process.env,
    JUPYTER_PATH: path.join(prefix, "share", "jupyter"),
    JUPYTER_DATA_DIR: path.join(home, "data"),
    JUPYTER_CONFIG_DIR: path.join(home, "config"),
    JUPYTER_RUNTIME_DIR: path.join(home, "runtime"),
  };
  const args = [
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--port-retries=0",
    `--NotebookApp.token=${token}`,
    `--notebook-dir=${root}`,
  ];
  if (process.getuid?.() === 0) args.push("--allow-root");
  const child = spawn(JUPYTER_NOTEBOOK, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jupyter-notebook exited (${child.exitCode}) before it served:\n${log}`);
    try {
      const r = await fetch(`${base}/api/status?token=${token}`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`jupyter-notebook did not answer within ${options.timeoutMs ?? 60_000} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    token,
    notebookUrl: (relativePath) => `${base}/notebooks/${relativePath.split(path.sep).map(encodeURIComponent).join("/")}?token=${token}`,
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      // SIGTERM: Notebook shuts its kernels down and exits; SIGKILL only if it hangs.
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
