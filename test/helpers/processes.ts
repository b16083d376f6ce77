import fs from "node:fs";

/** Processes on this machine whose command line contains `text` (a marker, or a folder a sandbox's bwrap names). */
export function processesNaming(text: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, "latin1").includes(text)) pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids;
}
