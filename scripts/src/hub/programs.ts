/**
 * The programs a hub runs: JupyterHub and its learners' server (Python, from the
 * system's packages) and configurable-http-proxy (Node, from the npm registry).
 */
import fs from "node:fs";
import path from "node:path";
import { CourseError, EXIT } from "../errors";
import { which } from "../jupyter/find";

export interface HubPrograms {
  jupyterhub: string;
  singleUser: string;
  /** configurable-http-proxy's start script, run with the course's node. */
  proxyScript: string;
}

const GET_JUPYTERHUB = "install JupyterHub: `sudo apt install jupyterhub` (Debian, Ubuntu) or `pip install jupyterhub notebook`.";

/** The proxy from the npm package (a dev dependency of the course), never Debian's, which does not start on current Node. */
export function locateProxy(courseRoot: string): string {
  let manifest: string;
  try {
    manifest = require.resolve("configurable-http-proxy/package.json", { paths: [courseRoot] });
  } catch {
    throw new CourseError(
      "configurable-http-proxy (the npm package) is not installed in the course folder.",
      "run `npm install` in the course folder (it is one of the course's dev dependencies).",
      EXIT.missing,
    );
  }
  const script = path.join(path.dirname(manifest), "bin", "configurable-http-proxy");
  if (!fs.existsSync(script))
    throw new CourseError(
      `${script} is missing; the proxy's package looks broken.`,
      "run `npm install` again in the course folder.",
      EXIT.missing,
    );
  return script;
}

export function locateHubPrograms(courseRoot: string, env = process.env): HubPrograms {
  const jupyterhub = which("jupyterhub", env);
  const singleUser = which("jupyterhub-singleuser", env);
  if (!jupyterhub || !singleUser)
    throw new CourseError(
      `JupyterHub is not installed (no ${jupyterhub ? "jupyterhub-singleuser" : "jupyterhub"} on PATH).`,
      GET_JUPYTERHUB,
      EXIT.missing,
    );
  return { jupyterhub, singleUser, proxyScript: locateProxy(courseRoot) };
}
