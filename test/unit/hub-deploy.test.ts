// The Zero to JupyterHub values and the single-user image must agree: the values start
// the command the image installs, as the account it makes, with the home it expects, at
// the course folder course hub copies into; and the image never carries the masters.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { projectRoot } from "../helpers/cli";

const deploy = path.join(projectRoot, "deploy");
const setupScript = fs.readFileSync(path.join(deploy, "singleuser", "setup.sh"), "utf8");
const dockerfile = fs.readFileSync(path.join(deploy, "singleuser", "Dockerfile"), "utf8");

interface Values {
  singleuser: {
    cmd: string;
    defaultUrl: string;
    uid: number;
    fsGid: number;
    storage: { homeMountPath: string };
    image: { name: string; tag: string };
  };
}
const values = parse(fs.readFileSync(path.join(deploy, "helm", "values.yaml"), "utf8")) as Values;

test("the values start the image's own command, at the course folder learners get", () => {
  assert.match(setupScript, new RegExp(`ln -sf "\\$dest/bin/${values.singleuser.cmd}" /usr/local/bin/${values.singleuser.cmd}\\n`));
  assert.match(dockerfile, new RegExp(`CMD \\["${values.singleuser.cmd}"\\]`));
  assert.equal(values.singleuser.defaultUrl, "/tree/nncourse");
  assert.match(setupScript, /hub copy-exercises --folder "\\\$\{NNCOURSE_FOLDER:-nncourse\}"/);
  assert.equal(typeof values.singleuser.image.tag, "string", "a tag as a string: YAML would read 1.10 as the number 1.1");
});

test("the values' account and home are the ones the image makes", () => {
  const useradd = /useradd --uid (\d+) --gid (\d+) --create-home --shell \S+ (\w+)/.exec(setupScript);
  assert.ok(useradd, "setup.sh makes the learner's account");
  assert.equal(values.singleuser.uid, Number(useradd[1]));
  assert.equal(values.singleuser.fsGid, Number(useradd[2]));
  assert.equal(values.singleuser.storage.homeMountPath, `/home/${useradd[3]}`);
  assert.match(dockerfile, new RegExp(`USER ${values.singleuser.uid}\\n`));
  assert.match(dockerfile, new RegExp(`WORKDIR /home/${useradd[3]}\\n`));
});

test("the image takes the course's files from a list that holds neither the masters nor the solutions", () => {
  const list = /tar -c [^\n]*\\\n\s+([^)]*)\)/.exec(setupScript);
  assert.ok(list, "setup.sh copies the course with one tar list");
  const copied = list[1]!.trim().split(/\s+/);
  assert.ok(copied.includes("exercises") && copied.includes("lib") && copied.includes("data/manifest.json"), copied.join(" "));
  for (const secret of ["notebooks", "solutions", "grading", "."]) assert.ok(!copied.includes(secret), `${secret} stays out of the image`);
  // The course folder is mounted while setup runs, never copied into a layer of the image.
  assert.doesNotMatch(dockerfile, /^\s*(COPY|ADD)\b/m);
});
