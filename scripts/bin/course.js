#!/usr/bin/env node
// Entry point of the `course` command. The command line is written in TypeScript
// and compiled to scripts/dist by `npm run build` (which `npm install` runs).
"use strict";
const path = require("node:path");
const fs = require("node:fs");
const compiled = path.join(__dirname, "..", "dist", "cli.js");
if (!fs.existsSync(compiled)) {
  console.error(
    "course: the command line is not built yet (" +
      compiled +
      " is missing).\n" +
      "Fix: run `npm install` (or `npm run build`) in the project folder.",
  );
  process.exit(3);
}
let cli;
try {
  cli = require(compiled);
} catch (error) {
  // zeromq (the kernels' transport) loads with the command line: if its binary is
  // missing or unusable, every command, `course doctor` too, would end in a stack trace.
  const { diagnoseAddonError } = require(path.join(__dirname, "..", "dist", "node", "addons.js"));
  const failure = diagnoseAddonError(error, { projectDir: path.resolve(__dirname, "..", "..") });
  if (!failure) throw error;
  console.error(`course: ${failure.problem}.\nFix: ${failure.fix}`);
  process.exit(3);
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
