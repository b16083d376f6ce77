/**
 * The JupyterHub configuration for the course (jupyterhub_config.py), as text.
 *
 * One hub on one machine, as Debian's jupyterhub 3.0 runs it: learners log in with their
 * system accounts (PAM), and each gets a notebook server started as that account
 * (LocalProcessSpawner), so the operating system keeps their files apart. Before a
 * learner's server starts, the same account runs `course hub copy-exercises`, which
 * brings their course folder up to date without touching their work.
 */
import path from "node:path";
import { pythonLiteral, shellWord, type PythonValue } from "./python-literal";

export interface HubConfig {
  /** The course folder (the kit), readable by every learner. */
  courseRoot: string;
  /** The node that runs the course's tools and the proxy. */
  node: string;
  /** configurable-http-proxy's start script (bin/configurable-http-proxy of the npm package). */
  proxyScript: string;
  /** jupyterhub-singleuser, the learners' notebook server. */
  singleUser: string;
  /** The hub's folder: this configuration, the learners' kernel spec, the hub's private state. */
  hubDir: string;
  /** Where learners connect, e.g. "0.0.0.0" or "127.0.0.1". */
  ip: string;
  port: number;
  /** The hub's own port, behind the proxy (JupyterHub's default is 8081). */
  hubPort: number;
  /** The proxy's API port (JupyterHub's default is the public port + 1). */
  proxyApiPort: number;
  /** Who may log in: these accounts, and the members of these system groups. */
  users: string[];
  groups: string[];
  admins: string[];
  /** The learner's course folder, relative to their home. */
  learnerFolder: string;
  tls?: { cert: string; key: string };
}

/** A folder name inside a learner's home: one plain name, so it cannot point elsewhere. */
export function learnerFolderProblem(name: string): string | undefined {
  if (name === "" || name === "." || name === "..") return `--folder must name a folder, got "${name}".`;
  if (/[/\\\0]/.test(name)) return `--folder must be one folder name inside the home folder, without slashes, got "${name}".`;
  if (name.startsWith(".")) return `--folder must not start with "." (Jupyter hides such folders), got "${name}".`;
  return undefined;
}

/** Where `course hub` puts each part inside the hub's folder. */
export function hubPaths(hubDir: string) {
  return {
    config: path.join(hubDir, "jupyterhub_config.py"),
    /** A Jupyter data folder for the learners' servers (JUPYTER_PATH): its only kernel is the course's. */
    jupyterPath: path.join(hubDir, "share", "jupyter"),
    kernels: path.join(hubDir, "share", "jupyter", "kernels"),
    /** The hub's database, cookie secret and proxy pid: the hub's alone (0700). */
    state: path.join(hubDir, "state"),
  };
}

/**
 * The learners' start command: a shell line that copies the exercises (as the learner),
 * then replaces itself with the notebook server, which gets JupyterHub's arguments ("$@").
 * umask 077 keeps everything the learner's server and kernels create private to them,
 * as a home folder on Debian is readable by everyone. A failed copy is logged and the
 * server starts anyway: a learner can still reach yesterday's work.
 */
export function learnerStartCommand(config: Pick<HubConfig, "node" | "courseRoot" | "singleUser" | "learnerFolder">): string[] {
  const course = path.join(config.courseRoot, "scripts", "bin", "course.js");
  const copy = [config.node, course, "hub", "copy-exercises", "--folder", config.learnerFolder].map(shellWord).join(" ");
  const line = [
    "umask 077",
    `${copy} || echo "course hub copy-exercises failed (see above); starting the notebook server without it" >&2`,
    `exec ${shellWord(config.singleUser)} "$@"`,
  ].join("; ");
  // The word after the script is the shell's $0: the name the process shows in ps and logs.
  return ["/bin/sh", "-c", line, "nncourse-singleuser"];
}

function setting(name: string, value: PythonValue): string {
  return `c.${name} = ${pythonLiteral(value)}`;
}

export function hubConfigText(config: HubConfig): string {
  const paths = hubPaths(config.hubDir);
  const scheme = config.tls ? "https" : "http";
  const lines = [
    "# JupyterHub configuration for the course, written by `course hub` (run it again to",
    "# write it again; edits here are lost then: give course hub the options instead).",
    "#",
    "# Start the hub as root (it starts each learner's server as that learner):",
    `#     jupyterhub -f ${paths.config}`,
    "",
    "c = get_config()  # noqa: F821 (JupyterHub defines it)",
    "",
    "# Where learners connect; the hub itself listens on 127.0.0.1 behind the proxy.",
    setting("JupyterHub.bind_url", `${scheme}://${config.ip}:${config.port}/`),
    setting("JupyterHub.hub_ip", "127.0.0.1"),
    setting("JupyterHub.hub_port", config.hubPort),
    setting("ConfigurableHTTPProxy.api_url", `http://127.0.0.1:${config.proxyApiPort}`),
    ...(config.tls ? [setting("JupyterHub.ssl_cert", config.tls.cert), setting("JupyterHub.ssl_key", config.tls.key)] : []),
    "",
    "# The hub's own state, in a folder only the hub can read.",
    setting("JupyterHub.db_url", `sqlite:///${path.join(paths.state, "jupyterhub.sqlite")}`),
    setting("JupyterHub.cookie_secret_file", path.join(paths.state, "jupyterhub_cookie_secret")),
    setting("ConfigurableHTTPProxy.pid_file", path.join(paths.state, "jupyterhub-proxy.pid")),
    "",
    "# The proxy from the npm registry, run by the course's node: Debian's",
    "# configurable-http-proxy package does not start on current Node (it cannot find commander).",
    setting("ConfigurableHTTPProxy.command", [config.node, config.proxyScript]),
    "",
    "# Who may log in, with their system account and password (PAM).",
    ...(config.users.length > 0 ? [setting("Authenticator.allowed_users", { set: config.users })] : []),
    ...(config.groups.length > 0 ? [setting("LocalAuthenticator.allowed_groups", { set: config.groups })] : []),
    ...(config.admins.length > 0 ? [setting("Authenticator.admin_users", { set: config.admins })] : []),
    "",
    "# Each learner's server: the course's kernel (the only kernel spec in JUPYTER_PATH's",
    `# folder), and the exercises copied into ~/${config.learnerFolder} before it starts.`,
    setting("Spawner.environment", { dict: { JUPYTER_PATH: paths.jupyterPath } }),
    setting("Spawner.cmd", learnerStartCommand(config)),
    setting("Spawner.default_url", `/tree/${config.learnerFolder.split(path.sep).map(encodeURIComponent).join("/")}`),
    "",
  ];
  return lines.join("\n");
}
