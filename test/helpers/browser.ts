/**
 * Headless Chromium for the browser tests, through playwright-core (no bundled
 * browser download: Debian's chromium is used). Tests skip, saying why, when the
 * browser is not installed.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { projectRoot } from "./cli";

/** Where Debian (and CI) installs Chromium; CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags for a headless Chromium in a container: no sandbox, no GPU, no phoning home. */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"];

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
