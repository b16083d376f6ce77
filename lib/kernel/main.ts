/**
 * The course's Jupyter kernel: tslab's TypeScript engine behind a front of our own.
 *
 *   node …/nncourse/dist/kernel/main.js --config-path CONNECTION_FILE
 *
 * Why not tslab's own front (`tslab kernel`): it fails Jupyter's kernel conformance
 * tests where every client notices. Errors came as stderr text with no ename, evalue or
 * traceback, so nbclient and nbgrader could not tell an exception from a warning; the
 * value of a cell's last expression came as stdout text, never as `execute_result`;
 * busy and idle did not follow a long cell; nothing sent `execute_input`, so every
 * executed notebook had no execution counts; and shutting down or a quick restart
 * printed EBADF and EBUSY traces. Patching tslab's compiled files at install time would
 * tie us to its private layout; its engine (converter and executor) is a public,
 * stable part we use as it is. `course setup` registers this entry point under the
 * kernel name tslab registers.
 */
import fs from "node:fs";
import path from "node:path";
import { addRequireFallback, courseFallback, redirectCompilerReads, type CompilerFileSystem } from "./course-packages";
import { createEngine } from "./engine";
import { KernelServer, type KernelConnection } from "./server";
import { installNotebookStackTraces } from "../notebook/stack-traces";

/**
 * The process's own stderr, kept before captureOutput() routes stderr to the cell that is
 * due: a kernel that cannot start (a port taken between the client choosing it and our
 * bind) must say why where the client reads, not on an iopub nobody has joined yet.
 */
const processLog = process.stderr.write.bind(process.stderr);

function usage(problem: string): never {
  process.stderr.write(
    `nncourse kernel: ${problem}\nusage: node ${path.relative(process.cwd(), __filename)} --config-path CONNECTION_FILE (Jupyter starts it so; see \`npx course setup\`)\n`,
  );
  process.exit(2);
}

function readConnection(argv: string[]): KernelConnection {
  const at = argv.indexOf("--config-path");
  const file = at >= 0 ? argv[at + 1] : argv.find((arg) => arg.startsWith("--config-path="))?.slice("--config-path=".length);
  if (!file) usage("no connection file given.");
  let connection: KernelConnection;
  try {
    connection = JSON.parse(fs.readFileSync(file, "utf8")) as KernelConnection;
  } catch (error) {
    usage(`cannot read the connection file ${file}: ${(error as Error).message}`);
  }
  if (connection.signature_scheme && connection.signature_scheme !== "hmac-sha256") {
    usage(`the connection file asks for signature scheme ${connection.signature_scheme}; this kernel signs with hmac-sha256 only.`);
  }
  return connection;
}

/** The node_modules folder the course's packages are installed in (the one tslab came from). */
function courseModules(): string {
  return path.dirname(path.dirname(require.resolve("tslab/package.json")));
}

function versionOf(packageJson: string): string {
  return (JSON.parse(fs.readFileSync(require.resolve(packageJson), "utf8")) as { version: string }).version;
}

async function main(): Promise<void> {
  const connection = readConnection(process.argv.slice(2));
  const modules = courseModules();
  addRequireFallback(modules);
  const ts = require("@tslab/typescript-for-tslab") as { version: string; sys: CompilerFileSystem };
  redirectCompilerReads(
    ts.sys,
    courseFallback(process.cwd(), modules, (dir) => fs.existsSync(dir)),
  );
  // Learners read traces of their own code, not of the kernel's machinery.
  installNotebookStackTraces();

  const engine = createEngine(process.cwd());
  const tslabVersion = versionOf("tslab/package.json");
  const ownVersion = versionOf("../../package.json");
  const server = new KernelServer(
    connection,
    engine,
    {
      implementation: "nncourse",
      implementationVersion: ownVersion,
      typescriptVersion: ts.version,
      banner: `TypeScript ${ts.version} on Node ${process.version}: the nncourse kernel (tslab ${tslabVersion}'s engine)`,
    },
    () => setTimeout(() => process.exit(0), 50).unref(),
  );
  server.captureOutput(require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown });

  process.on("SIGINT", () => engine.interrupt());
  // An error nobody caught (a timer's callback, a promise nobody awaited) is shown in
  // the cell that is due and the kernel lives on, as in IPython.
  process.on("uncaughtException", (error) => server.stream("stderr", `Uncaught exception: ${describe(error)}\n`));
  process.on("unhandledRejection", (reason) => server.stream("stderr", `Unhandled promise rejection: ${describe(reason)}\n`));
  process.on("SIGTERM", () => void server.stop());

  await server.start();
}

function describe(value: unknown): string {
  try {
    return value instanceof Error ? (value.stack ?? String(value)) : require("node:util").inspect(value);
  } catch {
    return "(a value that cannot be shown)";
  }
}

main().catch((error: unknown) => {
  processLog(`nncourse kernel: could not start: ${describe(error)}\n`, () => process.exit(1));
});
