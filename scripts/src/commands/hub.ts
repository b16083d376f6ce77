import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Command } from "../command";
import { intOption, parseCommandArgs } from "../args";
import { CourseError, EXIT, UsageError } from "../errors";
import { projectPath, projectRoot } from "../project";
import { locateKernel } from "../kernel/locate";
import { installKernelSpec, kernelJsonFor, KERNEL_NAME } from "../jupyter/kernelspec";
import { hubConfigText, hubPaths, learnerFolderProblem, type HubConfig } from "../hub/hub-config";
import { locateHubPrograms } from "../hub/programs";
import { learnerAccessProblems, type Need } from "../hub/learner-access";
import { copyExercises, describeCopy, readCourseNotebooks } from "../hub/copy-exercises";

const DEFAULT_DIR = "/srv/nncourse-hub";
const DEFAULT_FOLDER = "nncourse";

const help = `usage: course hub --group GROUP | --users NAME,NAME… [--admin NAME] [--dir DIR]
                  [--ip IP] [--port N] [--hub-port N] [--folder NAME]
                  [--ssl-cert FILE --ssl-key FILE]
       course hub copy-exercises [--folder NAME | --to DIR]

Writes a JupyterHub configuration that serves the course to a class on this machine,
and says how to start it. Needs JupyterHub (\`sudo apt install jupyterhub\`, whose
learners' servers are Jupyter Notebook) and the proxy from the npm registry, which
\`npm install\` puts in the course folder (Debian's own proxy package does not start on
current Node).

Learners log in with their system account and password. Each gets a notebook server
of their own, started as their account, with the course's TypeScript kernel, and
their own copy of the exercises in ~/${DEFAULT_FOLDER}. That copy is brought up to date at
every server start (a new notebook appears; a notebook the learner deleted comes back
fresh; one they never changed follows the course's fixes); a notebook the learner
changed is never touched. Their server and kernels create files private to them.

The hub's folder (DIR) gets:
  jupyterhub_config.py       the configuration (a previous, different one is kept
                             as jupyterhub_config.py.previous)
  share/jupyter/kernels/     the course's kernel spec, for the learners' servers only
  state/                     the hub's database and cookie secret (private, 0700)

Before writing, it checks that every learner's account can reach what a kernel needs
(node, the kernel, the library, the exercises, the datasets): a course under /root,
or a node under an instructor's ~/.nvm, fails for them otherwise.

options:
  --group GROUP        members of this system group may log in (repeatable)
  --users LIST         these accounts may log in (comma-separated)
  --admin NAME         an account with the hub's admin page (repeatable)
  --dir DIR            the hub's folder (default ${DEFAULT_DIR})
  --ip IP              where learners connect (default 0.0.0.0: every interface;
                       127.0.0.1 for this machine only)
  --port N             the public port (default 8000); the proxy's API takes N+1
  --hub-port N         the hub's own port on 127.0.0.1 (default 8081)
  --folder NAME        the learners' course folder in their home (default ${DEFAULT_FOLDER})
  --ssl-cert FILE, --ssl-key FILE
                       serve HTTPS with this certificate (otherwise put the hub
                       behind a TLS proxy: passwords cross the network)
  -h, --help           show this help

course hub copy-exercises (what each learner's server runs before it starts, as the
learner; safe to run by hand) brings ~/NAME (--folder) or DIR (--to) up to date with
the course's exercises by the rule above.

exit codes: 0 written, 1 learners could not use the course as installed (each path
named), 2 wrong options, 3 JupyterHub, the proxy, the kernel or the exercises missing`;

function list(values: unknown): string[] {
  const items = Array.isArray(values) ? (values as string[]) : typeof values === "string" ? [values] : [];
  return [
    ...new Set(
      items
        .flatMap((v) => v.split(","))
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
}

/** The paths a learner's server and kernel read, and what each needs. */
function learnerNeeds(courseRoot: string, kernelScript: string): { path: string; need: Need }[] {
  const exercises = path.join(courseRoot, "exercises");
  const needs: { path: string; need: Need }[] = [
    { path: process.execPath, need: "run" },
    { path: kernelScript, need: "read" },
    { path: path.dirname(kernelScript), need: "list" },
    { path: courseRoot, need: "list" },
    { path: path.join(courseRoot, "node_modules"), need: "list" },
    { path: path.join(courseRoot, "lib", "dist"), need: "list" },
    { path: path.join(courseRoot, "scripts", "bin", "course.js"), need: "read" },
    { path: path.join(courseRoot, "scripts", "dist"), need: "list" },
    { path: path.join(courseRoot, "data", "manifest.json"), need: "read" },
    { path: path.join(courseRoot, "data", "cache"), need: "list" },
    { path: exercises, need: "list" },
  ];
  for (const name of fs.existsSync(exercises) ? fs.readdirSync(exercises) : [])
    if (name.endsWith(".ipynb")) needs.push({ path: path.join(exercises, name), need: "read" });
  const cache = path.join(courseRoot, "data", "cache");
  for (const dataset of fs.existsSync(cache) ? fs.readdirSync(cache) : []) {
    const dir = path.join(cache, dataset);
    if (!fs.statSync(dir).isDirectory()) continue;
    needs.push({ path: dir, need: "list" });
    for (const file of fs.readdirSync(dir)) needs.push({ path: path.join(dir, file), need: "read" });
  }
  return needs;
}

function accessError(problems: string[], courseRoot: string): CourseError {
  return new CourseError(
    `learners' accounts could not use the course as it is installed:\n  ${problems.join("\n  ")}`,
    `install the course (and node) where every account can read them, e.g. /opt, or open them up: sudo chmod -R o+rX ${courseRoot}`,
  );
}

/** Writes `text` to `file`, keeping a different previous version beside it; says what it did. */
function writeConfig(file: string, text: string): string {
  if (fs.existsSync(file)) {
    const old = fs.readFileSync(file, "utf8");
    if (old === text) return `The configuration ${file} is up to date.`;
    fs.copyFileSync(file, `${file}.previous`);
    fs.writeFileSync(file, text, { mode: 0o644 });
    return `Updated ${file} (the previous version is ${file}.previous).`;
  }
  fs.writeFileSync(file, text, { mode: 0o644 });
  return `Wrote ${file}.`;
}

function writeHub(argv: string[]): number {
  const { values } = parseCommandArgs(
    "hub",
    argv,
    {
      group: { type: "string", multiple: true },
      users: { type: "string", multiple: true },
      admin: { type: "string", multiple: true },
      dir: { type: "string" },
      ip: { type: "string" },
      port: { type: "string" },
      "hub-port": { type: "string" },
      folder: { type: "string" },
      "ssl-cert": { type: "string" },
      "ssl-key": { type: "string" },
    },
    { positionals: false },
  );
  const users = list(values.users);
  const groups = list(values.group);
  const admins = list(values.admin);
  if (users.length === 0 && groups.length === 0)
    throw new UsageError(
      "say who may log in: --group GROUP (every member of that system group) or --users NAME,NAME….",
      "see `course hub --help`.",
    );
  const folder = (values.folder as string | undefined) ?? DEFAULT_FOLDER;
  const folderProblem = learnerFolderProblem(folder);
  if (folderProblem) throw new UsageError(folderProblem, "see `course hub --help`.");
  const port = intOption("hub", "port", values.port as string | undefined, 1) ?? 8000;
  const hubPort = intOption("hub", "hub-port", values["hub-port"] as string | undefined, 1) ?? 8081;
  if (port + 1 > 65535 || hubPort > 65535)
    throw new UsageError("ports go up to 65535 (and --port takes the next one too).", "see `course hub --help`.");
  if (hubPort === port || hubPort === port + 1)
    throw new UsageError(
      `--hub-port ${hubPort} clashes with the public port ${port} or the proxy's API port ${port + 1}.`,
      "pick another; see `course hub --help`.",
    );
  const cert = values["ssl-cert"] as string | undefined;
  const key = values["ssl-key"] as string | undefined;
  if (Boolean(cert) !== Boolean(key))
    throw new UsageError("--ssl-cert and --ssl-key go together.", "give both, or neither; see `course hub --help`.");
  for (const file of [cert, key])
    if (file && !fs.existsSync(file)) throw new UsageError(`${file} does not exist.`, "give the certificate's and key's files (PEM).");

  const courseRoot = projectRoot();
  const programs = locateHubPrograms(courseRoot);
  const kernel = locateKernel();
  readCourseNotebooks(projectPath("exercises")); // no exercises is an error that says to run course build
  const problems = learnerAccessProblems(learnerNeeds(courseRoot, kernel.script));
  if (problems.length > 0) throw accessError(problems, courseRoot);

  const hubDir = path.resolve((values.dir as string | undefined) ?? DEFAULT_DIR);
  const paths = hubPaths(hubDir);
  try {
    fs.mkdirSync(hubDir, { recursive: true, mode: 0o755 });
    fs.mkdirSync(paths.kernels, { recursive: true, mode: 0o755 });
    fs.mkdirSync(paths.state, { recursive: true, mode: 0o700 });
    fs.chmodSync(paths.state, 0o700);
  } catch (error) {
    throw new CourseError(
      `cannot create the hub's folder ${hubDir}: ${(error as Error).message}.`,
      "run it as root (the hub runs as root anyway), or choose another folder with --dir.",
    );
  }
  const spec = installKernelSpec(paths.kernels, kernelJsonFor(process.execPath, kernel.script));
  const specProblems = learnerAccessProblems([{ path: spec.file, need: "read" }]);
  if (specProblems.length > 0) throw accessError(specProblems, hubDir);

  const config: HubConfig = {
    courseRoot,
    node: process.execPath,
    proxyScript: programs.proxyScript,
    singleUser: programs.singleUser,
    hubDir,
    ip: (values.ip as string | undefined) ?? "0.0.0.0",
    port,
    hubPort,
    proxyApiPort: port + 1,
    users,
    groups,
    admins,
    learnerFolder: folder,
    tls: cert && key ? { cert: path.resolve(cert), key: path.resolve(key) } : undefined,
  };
  console.log(writeConfig(paths.config, hubConfigText(config)));
  console.log(`The learners' kernel "${KERNEL_NAME}" is registered at ${path.dirname(spec.file)} (${spec.outcome}).`);
  const who = [...groups.map((g) => `members of the group ${g}`), ...(users.length > 0 ? [users.join(", ")] : [])].join(" and ");
  const address = `${cert ? "https" : "http"}://${config.ip === "0.0.0.0" ? os.hostname() : config.ip}:${port}/`;
  console.log(`
Start the hub as root (it starts each learner's server as that learner):

    ${process.getuid?.() === 0 ? "" : "sudo "}${programs.jupyterhub} -f ${paths.config}

Learners (${who}) log in at ${address} with their system password. Each gets the
course's kernel and the exercises in ~/${folder}, brought up to date (never over their
work) whenever their server starts. Stop the hub with Ctrl+C; it stops the learners'
servers too. After \`npx course build\` (or an update of the course), learners get the
new notebooks at their next server start (the hub's Control Panel: Stop My Server,
then Start My Server).${config.tls || config.ip === "127.0.0.1" ? "" : "\nPasswords cross the network: serve HTTPS (--ssl-cert, --ssl-key) or put a TLS proxy in front."}`);
  return EXIT.ok;
}

function copyForLearner(argv: string[]): number {
  const { values } = parseCommandArgs("hub", argv, { folder: { type: "string" }, to: { type: "string" } }, { positionals: false });
  if (values.folder && values.to) throw new UsageError("--folder and --to both say where; give one of them.", "see `course hub --help`.");
  const folder = (values.folder as string | undefined) ?? DEFAULT_FOLDER;
  const folderProblem = learnerFolderProblem(folder);
  if (folderProblem) throw new UsageError(folderProblem, "see `course hub --help`.");
  const target = values.to ? path.resolve(values.to as string) : path.join(os.homedir(), folder);
  const outcome = copyExercises(projectPath("exercises"), target);
  console.log(describeCopy(outcome));
  return outcome.skipped.length > 0 ? EXIT.failed : EXIT.ok;
}

export const hubCommand: Command = {
  name: "hub",
  summary: "serve the course to a class on JupyterHub: write its configuration, copy learners' exercises",
  help,
  async run(argv) {
    if (argv[0] === "copy-exercises") return copyForLearner(argv.slice(1));
    return writeHub(argv);
  },
};
