/**
 * The operating-system boundary around a graded kernel: bubblewrap (`bwrap`, the sandbox
 * Flatpak uses), resource limits from util-linux's prlimit, and, when the grader runs as
 * root, util-linux's setpriv to become an unprivileged user inside.
 *
 * What a kernel sees, and nothing else:
 *
 *   /usr, /bin, /lib…     the system's programs and libraries, read-only
 *   /etc                  only what the dynamic linker and OpenSSL read at start
 *   /course/…             the runtime (runtime.ts), read-only
 *   /course/work          its scratch folder and home: a fresh, size-capped tmpfs that
 *                         vanishes with the sandbox (/tmp points here)
 *   /course/kernel        its connection file (read-only) and its sockets
 *   /proc, /dev           its own: a new PID namespace, a minimal /dev
 *
 * The masters, solutions, gradebook, submissions and homes are not in that view at all;
 * if one lies inside a system folder, an empty read-only folder covers it. The kernel
 * has its own network namespace (no interface but its own loopback), PID, IPC and UTS
 * namespaces; it runs as uid 65534, with no capabilities; every process it starts dies
 * with it, and the whole sandbox dies with the grader (--die-with-parent, and the lifeline
 * below for the moments before bwrap sets that up).
 *
 * How the grader talks to a kernel that has no network: the kernel listens on Unix sockets
 * (Jupyter's "ipc" transport) in /course/kernel, a tmpfs of the sandbox's own, and the
 * grader reaches them through /proc/<pid>/root, the kernel's view of the file system.
 * Nothing the kernel writes is on a disk the host can see.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { CourseError, EXIT } from "../errors";
import { channelEndpoint, type ConnectionInfo } from "../kernel/connection";
import type { KernelLauncher, KernelProcess } from "../kernel/kernel";
import type { Runtime } from "./runtime";

/** Where the runtime appears inside the sandbox. */
export const SANDBOX_ROOT = "/course";
export const SANDBOX_WORK = `${SANDBOX_ROOT}/work`;
export const SANDBOX_KERNEL = `${SANDBOX_ROOT}/kernel`;
/** The user a kernel runs as inside the sandbox (and, when the grader is root, outside too). */
export const SANDBOX_UID = 65534;

export interface SandboxTools {
  bwrap: string;
  /** "0.8.0" */
  version: string;
  /** --size for tmpfs (bubblewrap 0.8): without it, the scratch folder has no size cap. */
  tmpfsSize: boolean;
  /** --disable-userns (bubblewrap 0.8): no nested user namespaces inside the sandbox. */
  disableUserns: boolean;
  prlimit: string;
  /** Set when the grader runs as root: the kernel then drops to SANDBOX_UID with it. */
  setpriv?: string;
}

export type ToolsLookup = { ok: true; tools: SandboxTools } | { ok: false; problem: string; fix: string };

const INSTALL_HINT =
  "install bubblewrap (Debian/Ubuntu: `sudo apt install bubblewrap`; Fedora: `sudo dnf install bubblewrap`; Arch: `sudo pacman -S bubblewrap`), " +
  "or grade without the sandbox on purpose with `course grade --unsandboxed` (only for notebooks you trust)";

/**
 * Finds bubblewrap and the util-linux helpers. NNCOURSE_BWRAP names the bwrap binary to
 * use instead of the one on PATH (an empty value: none).
 */
export function findSandboxTools(env: NodeJS.ProcessEnv = process.env): ToolsLookup {
  if (process.platform !== "linux") {
    return {
      ok: false,
      problem: `the grading sandbox needs Linux (bubblewrap); this is ${process.platform}.`,
      fix: "grade on a Linux machine or virtual machine with bubblewrap, or pass --unsandboxed to grade without the sandbox (only for notebooks you trust).",
    };
  }
  const bwrap = env.NNCOURSE_BWRAP !== undefined ? env.NNCOURSE_BWRAP || undefined : findProgram("bwrap", env);
  if (bwrap === undefined || !isExecutable(bwrap)) {
    return {
      ok: false,
      problem: `bubblewrap (bwrap) is not installed${bwrap ? ` (${bwrap} is not an executable)` : ""}: graded notebooks must run in its sandbox.`,
      fix: `${INSTALL_HINT}.`,
    };
  }
  const version = spawnSync(bwrap, ["--version"], { encoding: "utf8" });
  const help = spawnSync(bwrap, ["--help"], { encoding: "utf8" });
  if (version.status !== 0)
    return {
      ok: false,
      problem: `${bwrap} --version failed: ${(version.stderr || String(version.error ?? "")).trim()}`,
      fix: `${INSTALL_HINT}.`,
    };
  const prlimit = findProgram("prlimit", env);
  if (prlimit === undefined)
    return {
      ok: false,
      problem: "prlimit (util-linux) is not installed: it sets the graded kernels' resource limits.",
      fix: "install util-linux (Debian/Ubuntu: `sudo apt install util-linux`).",
    };
  const tools: SandboxTools = {
    bwrap,
    version: version.stdout.trim().replace(/^bubblewrap\s+/, ""),
    tmpfsSize: help.stdout.includes("--size"),
    disableUserns: help.stdout.includes("--disable-userns"),
    prlimit,
  };
  if (process.getuid?.() === 0) {
    const setpriv = findProgram("setpriv", env);
    if (setpriv === undefined || !SYSTEM_DIRS.some((dir) => setpriv.startsWith(dir + "/"))) {
      return {
        ok: false,
        problem:
          "setpriv (util-linux) is not installed in a system folder: as root, the grader needs it to run kernels as an unprivileged user.",
        fix: "install util-linux (Debian/Ubuntu: `sudo apt install util-linux`), or run course grade as a normal user.",
      };
    }
    tools.setpriv = setpriv;
  }
  return { ok: true, tools };
}

function findProgram(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = [...(env.PATH ?? "").split(path.delimiter).filter(Boolean), "/usr/bin", "/bin", "/usr/sbin", "/sbin"];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return fs.realpathSync(candidate);
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The system folders a kernel sees (read-only); symbolic links among them are kept as links. */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];
/** What node needs from /etc to start: the dynamic linker's cache and OpenSSL's configuration. */
const ETC_FILES = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/ssl/openssl.cnf", "/etc/localtime"];

export interface SandboxLimits {
  /** Memory the kernel may map for data (V8's heap, WebAssembly memories, buffers), in MB. */
  dataMb: number;
  /** The scratch folder's size (and the largest file), in MB. */
  scratchMb: number;
  /** CPU seconds, all threads together. */
  cpuSeconds: number;
  /** Processes and threads of the sandbox user; only set when that user is the grader's own (root's SANDBOX_UID). */
  processes: number;
  /** Open files. */
  files: number;
}

export interface SandboxSpec {
  tools: SandboxTools;
  runtime: Runtime;
  /** The kernel's connection file on this machine, mounted read-only at /course/kernel/connection.json. */
  connectionFile: string;
  /** Folders on this machine no kernel may see, even if they lie inside a system folder. */
  hide: string[];
  limits: SandboxLimits;
  /** The command to run inside, with paths as the sandbox sees them. */
  command: string[];
  /**
   * A descriptor the command's parent hands down (a pipe or socket whose other end only
   * the grader holds). When that end closes, because the grader ended however it ended,
   * the command is killed, and with it the sandbox. See lifelineShell().
   */
  lifelineFd?: number;
}

/**
 * Why a lifeline besides --die-with-parent: bwrap sets its parent-death signals late. The
 * monitor outside sets its own after it has cloned the sandbox's first process, and that
 * process (the sandbox's init) sets its own only once its mounts are done. A grader killed
 * in those milliseconds leaves the init with a dead parent, where the signal can no longer
 * come from: the kernel then runs on, idle and unreachable, until someone kills it. (It
 * happened in more than half of the tries where the grader was killed as bwrap reported
 * the sandbox's pid.)
 *
 * So the kernel starts from a shell that first puts a reader on the lifeline in the
 * background, then becomes the kernel (exec keeps its pid, $$). The reader waits for the
 * end of the lifeline and then kills the kernel; bwrap's init, whose one child the kernel
 * is, ends with it and takes every process in the sandbox along. The reader runs as the
 * kernel's user, so code in the kernel could stop it; by then bwrap's signals are set.
 */
function lifelineShell(fd: number): string[] {
  return ["/bin/sh", "-c", `{ read -r _ <&${fd}; kill -KILL $$; } >/dev/null 2>&1 & exec "$@" ${fd}<&-`, "lifeline"];
}

/** The whole command line: prlimit, then bwrap with its mounts, then the command (via setpriv as root, and the lifeline's shell when there is one). */
export function sandboxCommand(spec: SandboxSpec): string[] {
  const { tools, limits } = spec;
  const command = spec.lifelineFd === undefined ? spec.command : [...lifelineShell(spec.lifelineFd), ...spec.command];
  const mb = (n: number) => String(Math.round(n * 1024 * 1024));
  const prlimit = [
    tools.prlimit,
    `--data=${mb(limits.dataMb)}`,
    `--fsize=${mb(limits.scratchMb)}`,
    `--cpu=${Math.ceil(limits.cpuSeconds)}`,
    `--nofile=${limits.files}`,
    "--core=0",
    ...(tools.setpriv ? [`--nproc=${limits.processes}`] : []),
    "--",
  ];
  const inside = tools.setpriv
    ? [
        tools.setpriv,
        `--reuid=${SANDBOX_UID}`,
        `--regid=${SANDBOX_UID}`,
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
        ...command,
      ]
    : command;
  return [...prlimit, tools.bwrap, ...bubblewrapArgs(spec), "--", ...inside];
}

/** bwrap's options for one kernel (see the top of this file for the view they build). */
export function bubblewrapArgs(spec: SandboxSpec): string[] {
  const { tools } = spec;
  const args: string[] = [
    "--unshare-pid",
    "--unshare-net",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    "--hostname",
    "sandbox",
    // Not --as-pid-1: bwrap's own init stays PID 1 and keeps the parent-death signal
    // (setpriv's change of uid would clear it on the kernel), so the sandbox dies with
    // bwrap and with the grader.
    "--die-with-parent",
    "--new-session",
  ];
  if (!tools.setpriv) {
    // A normal user: a user namespace of its own, seen inside as the sandbox user.
    args.push("--unshare-user", "--uid", String(SANDBOX_UID), "--gid", String(SANDBOX_UID));
    if (tools.disableUserns) args.push("--disable-userns");
  }
  for (const dir of SYSTEM_DIRS) {
    const stat = lstatOrUndefined(dir);
    if (stat?.isSymbolicLink()) args.push("--symlink", fs.readlinkSync(dir), dir);
    else if (stat?.isDirectory()) args.push("--ro-bind", dir, dir);
  }
  const binds: Array<[string, string]> = [];
  for (const file of ETC_FILES) if (fs.existsSync(file)) binds.push([file, file]);
  for (const entry of spec.runtime.entries) binds.push([entry.source, `${SANDBOX_ROOT}/${entry.target}`]);
  // Folders bwrap would otherwise create for mount points are private to root (0700).
  for (const dir of parentDirs(binds.map(([, to]) => to))) args.push("--perms", "0755", "--dir", dir);
  for (const [from, to] of binds) args.push("--ro-bind", from, to);
  args.push("--proc", "/proc", "--dev", "/dev");
  const size = (mb: number) => (tools.tmpfsSize ? ["--size", String(Math.round(mb * 1024 * 1024))] : []);
  args.push("--perms", "1777", ...size(spec.limits.scratchMb), "--tmpfs", SANDBOX_WORK);
  args.push("--perms", "1777", ...size(1), "--tmpfs", SANDBOX_KERNEL);
  args.push("--ro-bind", spec.connectionFile, `${SANDBOX_KERNEL}/connection.json`);
  args.push("--symlink", SANDBOX_WORK, "/tmp");
  for (const dir of hiddenInside(spec.hide)) args.push("--perms", "0555", "--tmpfs", dir, "--remount-ro", dir);
  // Everything but the two tmpfs folders is read-only: bwrap's own root folder too.
  args.push("--remount-ro", "/dev", "--remount-ro", "/");
  args.push("--chdir", SANDBOX_WORK, "--info-fd", "3");
  return args;
}

/** Every folder above the given paths, outermost first (without "/"). */
function parentDirs(paths: string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    for (let dir = path.posix.dirname(p); dir !== "/"; dir = path.posix.dirname(dir)) dirs.add(dir);
  }
  return [...dirs].sort((a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b));
}

/** The folders of `hide` that a kernel would otherwise see through a system folder. */
function hiddenInside(hide: string[]): string[] {
  const visible = SYSTEM_DIRS.filter((dir) => lstatOrUndefined(dir)?.isDirectory());
  return [...new Set(hide.map((p) => path.resolve(p)))]
    .filter((p) => visible.some((dir) => p.startsWith(dir + "/")) && lstatOrUndefined(p)?.isDirectory())
    .sort();
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

/** The sandbox's end of the lifeline, as the kernel's shell sees it. */
const LIFELINE_FD = 4;

/** What bwrap reports on --info-fd once the namespaces exist. */
interface SandboxInfo {
  "child-pid": number;
}

/**
 * A kernel launcher that runs `spec.command` in the sandbox. The kernel's connection
 * file (written by the caller at spec.connectionFile) must name `kernelSide`'s
 * addresses; the client connects to the same sockets through /proc/<pid>/root.
 *
 * That path is the kernel's to change once its code runs: a symbolic link put in place
 * of a socket would be followed from this machine's root, to any socket on it. So the
 * client connects once, after checking that each path is a socket that listens, before
 * any notebook code runs, and never reconnects.
 */
export function sandboxLauncher(spec: SandboxSpec, kernelSide: ConnectionInfo, cleanup: () => void): KernelLauncher {
  return async (env): Promise<KernelProcess> => {
    const [command, ...args] = sandboxCommand({ ...spec, lifelineFd: LIFELINE_FD });
    // fd 3 takes bwrap's --info-fd report, fd 4 is the lifeline: its other end stays open
    // here (close-on-exec, so no other child gets it) for as long as this process lives.
    const child = spawn(command!, args, { cwd: "/", env, stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"], detached: true });
    // Nothing is read from the lifeline on purpose; whatever a kernel might send down it
    // stays in a bounded buffer, and an error on it must not end the grader.
    (child.stdio[4] as NodeJS.ReadableStream).on("error", () => undefined);
    let init: number;
    try {
      init = await sandboxPid(child);
    } catch (error) {
      cleanup();
      throw error;
    }
    const connection: ConnectionInfo = { ...kernelSide, ip: `/proc/${init}/root${kernelSide.ip}` };
    let kernelPid: number | undefined;
    return {
      child,
      connection,
      signal: (signal) => {
        // SIGKILL ends bwrap's init, the sandbox's PID 1, and with it every process inside;
        // other signals (SIGINT interrupts a cell) go to the kernel, the init's one child.
        const target = signal === "SIGKILL" ? init : ((kernelPid ??= childOf(init)) ?? init);
        try {
          process.kill(target, signal);
        } catch {
          // already gone
        }
      },
      cleanup,
      listening: (timeoutMs) =>
        socketsListening(
          (["shell", "control", "iopub"] as const).map((c) => channelEndpoint(connection, c)),
          timeoutMs,
        ),
      reconnect: false,
    };
  };
}

/** The first child of `pid` (the kernel, under bwrap's init), found through /proc. */
function childOf(pid: number): number | undefined {
  try {
    const listed = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).map(Number);
    if (listed[0]) return listed[0];
  } catch {
    // a kernel without /proc/PID/task/PID/children: look at every process's parent
  }
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid …": comm may hold spaces, so read after the last ")".
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** Resolves once every path is a Unix socket (not a link to one) that accepts a connection. */
export async function socketsListening(paths: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const file of paths) {
    for (;;) {
      if (isSocketFile(file) && (await accepts(file))) break;
      if (Date.now() > deadline)
        throw new CourseError(
          `the kernel did not listen on ${file} within ${Math.round(timeoutMs / 1000)} s.`,
          "run `course doctor` to check the sandbox and the kernel.",
          EXIT.missing,
        );
      await delay(25);
    }
  }
}

function isSocketFile(file: string): boolean {
  try {
    return fs.lstatSync(file).isSocket();
  } catch {
    return false;
  }
}

function accepts(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(file);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Waits for bwrap's info (the kernel's process id as this machine sees it), or for its failure. */
function sandboxPid(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve, reject) => {
    let info = "";
    let stderr = "";
    const info$ = child.stdio[3] as NodeJS.ReadableStream;
    const onStderr = (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4096));
    child.stderr!.on("data", onStderr);
    info$.on("data", (chunk: Buffer) => {
      info += chunk.toString();
      try {
        const pid = (JSON.parse(info) as SandboxInfo)["child-pid"];
        if (Number.isInteger(pid) && pid > 0) {
          child.stderr!.off("data", onStderr);
          resolve(pid);
        }
      } catch {
        // not all of it yet
      }
    });
    child.once("error", (error) =>
      reject(new CourseError(`the grading sandbox could not start: ${error.message}`, `${INSTALL_HINT}.`, EXIT.missing)),
    );
    child.once("exit", (code, signal) => {
      const why = stderr.trim() || `bwrap exited with ${signal ?? `code ${code}`}`;
      reject(
        new CourseError(
          `the grading sandbox (bubblewrap) could not start: ${why}`,
          /namespace|Operation not permitted|setting up uid map/i.test(why)
            ? "this machine does not let bubblewrap create namespaces (a container without privileges, or a kernel setting such as kernel.unprivileged_userns_clone=0 or Ubuntu's AppArmor userns restriction); run `course doctor` for details."
            : "run `course doctor` to check the sandbox.",
          EXIT.missing,
        ),
      );
    });
  });
}

/**
 * Starts a sandbox that only runs `node -e` and checks what it sees: for course doctor
 * and for course grade before its first submission, so that a machine where bubblewrap
 * cannot work fails once, clearly, instead of once per submission.
 */
export async function probeSandbox(
  tools: SandboxTools,
  runtime: Runtime,
  workDir: string,
): Promise<{ ok: true; uid: number } | { ok: false; problem: string }> {
  const connectionFile = path.join(workDir, "probe-connection.json");
  fs.writeFileSync(connectionFile, "{}\n", { mode: 0o644 });
  const spec: SandboxSpec = {
    tools,
    runtime,
    connectionFile,
    hide: [],
    limits: { dataMb: 1024, scratchMb: 16, cpuSeconds: 30, processes: 4096, files: 256 },
    command: [`${SANDBOX_ROOT}/bin/node`, "-e", PROBE_SCRIPT],
  };
  const [command, ...args] = sandboxCommand(spec);
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    // fd 3 takes bwrap's --info-fd report (ignored here); without it bwrap fails and hangs.
    const child = spawn(command!, args, { cwd: "/", env: { PATH: "/usr/bin:/bin" }, stdio: ["ignore", "pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", (error) => resolve({ code: -1, stdout, stderr: error.message }));
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
  fs.rmSync(connectionFile, { force: true });
  if (result.code !== 0) return { ok: false, problem: result.stderr.trim() || `exit code ${result.code}` };
  let seen: { uid: number; pid: number; pids: number[]; inherited: number[] };
  try {
    seen = JSON.parse(result.stdout);
  } catch {
    return { ok: false, problem: `unexpected output: ${result.stdout.slice(0, 200)}` };
  }
  const others = seen.pids.filter((p) => p !== 1 && p !== seen.pid);
  if (others.length > 0)
    return { ok: false, problem: `a process in the sandbox sees other processes (${others.join(", ")}): no PID namespace of its own` };
  if (seen.inherited.length > 0) {
    return {
      ok: false,
      problem: `file descriptors ${seen.inherited.join(", ")} of the grader reached the sandbox; start course grade from a shell that does not leave them open`,
    };
  }
  return { ok: true, uid: seen.uid };
}

/**
 * What the probe reports from inside: its uid and pid, the processes it can see, and the
 * file descriptors it inherited (open without close-on-exec: node opens its own with it).
 */
const PROBE_SCRIPT = `const fs = require("fs");
const O_CLOEXEC = 0o2000000;
const inherited = fs.readdirSync("/proc/self/fd").map(Number).filter((fd) => {
  if (fd <= 2) return false;
  try { return (parseInt(/flags:\\s+(\\d+)/.exec(fs.readFileSync("/proc/self/fdinfo/" + fd, "utf8"))[1], 8) & O_CLOEXEC) === 0; } catch { return false; }
});
const pids = fs.readdirSync("/proc").filter((n) => /^\\d+$/.test(n)).map(Number);
process.stdout.write(JSON.stringify({ uid: process.getuid(), pid: process.pid, pids, inherited }));`;

/**
 * Closes the file descriptors this process inherited open without close-on-exec
 * (a shell's `exec 9<>log`, a CI runner's pipe): every child would get them too, and a
 * descriptor open on a file of this machine is a way around the sandbox's mounts. Node,
 * SQLite and zeromq open their own with close-on-exec, and standard input, output and
 * error and node's IPC channel stay.
 */
export function closeInheritedDescriptors(): number[] {
  if (process.platform !== "linux") return [];
  const keep = new Set([0, 1, 2, Number(process.env.NODE_CHANNEL_FD ?? -1)]);
  const closed: number[] = [];
  for (const name of fs.readdirSync("/proc/self/fd")) {
    const fd = Number(name);
    if (keep.has(fd)) continue;
    try {
      const flags = /flags:\s+(\d+)/.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"));
      if (flags && (parseInt(flags[1]!, 8) & 0o2000000) === 0) {
        fs.closeSync(fd);
        closed.push(fd);
      }
    } catch {
      // the directory's own descriptor, gone by now
    }
  }
  return closed;
}

/** The sandbox as a line for reports (course doctor, the grading summary). */
export function describeTools(tools: SandboxTools): string {
  const who = tools.setpriv ? `as uid ${SANDBOX_UID}` : `in a user namespace of ${os.userInfo().username}`;
  return `bubblewrap ${tools.version}, kernels run ${who}${tools.tmpfsSize ? "" : " (no size cap on scratch folders: needs bubblewrap 0.8)"}`;
}
