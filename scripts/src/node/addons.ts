/**
 * Native addons that fail to load, said in words with the command that fixes them.
 *
 * better-sqlite3 (the gradebook) is compiled against one Node release's V8: after Node
 * is upgraded, or when one project folder is used with two Nodes, it fails with Node's
 * "compiled against a different Node.js version using NODE_MODULE_VERSION ..." error.
 * zeromq (the kernels' transport) is a Node-API addon that loads on any release, but
 * its binary can still be missing or broken. Both are fixed by rebuilding them with the
 * Node that runs the course. Used by `course doctor`, the gradebook and the `course`
 * command's start-up, so they all say the same thing.
 */
import fs from "node:fs";
import path from "node:path";

/** The native addons the course installs, by package name. */
export const NATIVE_ADDONS = ["better-sqlite3", "zeromq"] as const;
export type NativeAddon = (typeof NATIVE_ADDONS)[number];

/**
 * NODE_MODULE_VERSION (the addon ABI) of each Node major release, from Node's
 * doc/abi_version_registry.json; an ABI missing here is shown as its number alone.
 */
const ABI_TO_NODE_MAJOR: ReadonlyMap<number, number> = new Map([
  [93, 16],
  [108, 18],
  [111, 19],
  [115, 20],
  [120, 21],
  [127, 22],
  [131, 23],
  [137, 24],
  [141, 25],
  [147, 26],
  [153, 27],
]);

export interface AbiMismatch {
  /** The ABI the addon was compiled for. */
  builtFor: number;
  /** The ABI of the Node that tried to load it. */
  required: number;
}

/**
 * The two ABIs in Node's error for an addon compiled for another release (the same
 * wording in Node 20 to 26), or undefined for any other error.
 */
export function parseAbiMismatch(message: string): AbiMismatch | undefined {
  const match =
    /different Node\.js version using\s+NODE_MODULE_VERSION (\d+)\.\s+This version of Node\.js requires\s+NODE_MODULE_VERSION (\d+)/.exec(
      message,
    );
  return match ? { builtFor: Number(match[1]), required: Number(match[2]) } : undefined;
}

/** "Node 20 (NODE_MODULE_VERSION 115)", or just the ABI for one we do not know. */
export function describeAbi(abi: number): string {
  const major = ABI_TO_NODE_MAJOR.get(abi);
  return major === undefined ? `NODE_MODULE_VERSION ${abi}` : `Node ${major} (NODE_MODULE_VERSION ${abi})`;
}

/** Where things are, for the fix command; the defaults describe this process. */
export interface RebuildContext {
  /** The node binary that runs the course (process.execPath). */
  node?: string;
  /** The project folder (with node_modules) to rebuild in. */
  projectDir: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The command that rebuilds `addons` for the Node that runs the course, run in the
 * project folder. Two things can make a plain `npm rebuild` build for the wrong Node:
 * npm's scripts run under the `node` found first on PATH, which may not be the one that
 * runs the course, so that one is put first; and an npmrc `nodedir` may point at another
 * release's headers, so this Node's own headers are named when they sit beside it
 * (official and npm builds of Node have them in include/node; without them node-gyp
 * fetches the right ones).
 */
export function rebuildCommand(addons: readonly string[], context: RebuildContext): string {
  const node = realPath(context.node ?? process.execPath);
  const env = context.env ?? process.env;
  const parts = [`cd ${shellQuote(context.projectDir)} &&`];
  if (firstOnPath("node", env) !== node) parts.push(`PATH=${shellQuote(path.dirname(node))}:"$PATH"`);
  parts.push("npm rebuild", ...addons);
  const nodeDir = path.dirname(path.dirname(node));
  if (fs.existsSync(path.join(nodeDir, "include", "node", "node_version.h"))) parts.push(`--nodedir=${shellQuote(nodeDir)}`);
  return parts.join(" ");
}

export interface AddonFailure {
  addon: NativeAddon;
  /** Set when the addon was compiled for another Node release. */
  mismatch?: AbiMismatch;
  /** What is wrong, in one sentence, without a trailing period. */
  problem: string;
  /** What to do, with the exact command. */
  fix: string;
}

/**
 * When `error` is a native addon that could not be loaded, what went wrong and how to
 * fix it; undefined for any other error (a bad gradebook file, a bug), which callers
 * report as before. The addon is told by its package path in the message or stack.
 */
export function diagnoseAddonError(error: unknown, context: RebuildContext): AddonFailure | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const text = error instanceof Error ? `${message}\n${error.stack ?? ""}` : message;
  const found = locateAddon(text);
  if (!found) return undefined;
  const { addon } = found;
  const code = (error as { code?: unknown } | null)?.code;
  const mismatch = parseAbiMismatch(message);
  const running = `Node.js ${process.version} (${realPath(context.node ?? process.execPath)})`;
  // Rebuilt where the failing copy is installed, which is the project folder unless the
  // package was found in a node_modules further up.
  const where = { ...context, projectDir: found.installedIn ?? context.projectDir };
  const fix = `rebuild it with the Node that runs the course, in the project folder: \`${rebuildCommand([addon], where)}\``;
  if (mismatch) {
    return {
      addon,
      mismatch,
      problem: `the native addon ${addon} was built for ${describeAbi(mismatch.builtFor)}, but ${running} needs ${describeAbi(mismatch.required)}`,
      fix,
    };
  }
  // Node's dlopen failures (ERR_DLOPEN_FAILED: a missing library, a bad binary), bindings'
  // "Could not locate the bindings file" and zeromq's "No compatible zeromq.js addon" /
  // "Failed to load zeromq.js addon" all mean the binary is missing or unusable. Other
  // errors thrown from inside the package (an SQLite error) are not load failures.
  if (code === "ERR_DLOPEN_FAILED" || /Could not locate the bindings file|zeromq\.js addon/.test(message)) {
    return { addon, problem: `the native addon ${addon} cannot be loaded by ${running}: ${firstLine(message)}`, fix };
  }
  return undefined;
}

/** Which addon a load error is about, and the folder whose node_modules holds it, from the paths in the error. */
function locateAddon(text: string): { addon: NativeAddon; installedIn?: string } | undefined {
  for (const addon of NATIVE_ADDONS) {
    const match = new RegExp(`(/[^\\s'"]*?)?/node_modules/${addon.replace(/[.-]/g, "\\$&")}/`).exec(text);
    // The project is above the first node_modules (a nested copy is rebuilt from there too).
    if (match) return { addon, installedIn: match[1]?.split("/node_modules")[0] || undefined };
  }
  return undefined;
}

/** Loads `addon` as the course does; the failure, or undefined when it loads. */
export function tryLoadAddon(
  addon: NativeAddon,
  context: RebuildContext,
  load: () => void = () => loadAddon(addon),
): AddonFailure | undefined {
  try {
    load();
    return undefined;
  } catch (error) {
    return (
      diagnoseAddonError(error, context) ?? {
        addon,
        problem: `the native addon ${addon} cannot be loaded: ${firstLine(error instanceof Error ? error.message : String(error))}`,
        fix: `reinstall it in the project folder: \`${rebuildCommand([addon], context)}\``,
      }
    );
  }
}

function loadAddon(addon: NativeAddon): void {
  if (addon === "zeromq") {
    require("zeromq");
    return;
  }
  // better-sqlite3 loads its compiled part when the first database opens, not on require.
  const Database = require("better-sqlite3") as typeof import("better-sqlite3");
  new Database(":memory:").close();
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/** The real path of the first executable `name` on PATH, as a shell would find it. */
function firstOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return realPath(candidate);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Quotes `text` for a POSIX shell when it holds anything but safe characters. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
