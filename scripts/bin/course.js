#!/usr/bin/env node
// Entry point of the `course` command. The command line is written in TypeScript
// and compiled to scripts/dist by `npm run build` (which `npm install` runs).
"use strict";
const path = require("node:path");
const fs = require("node:fs");
const compiled = path.join(__dirname, "..", "dist", "cli.js");
if (!fs.existsSync(compiled)) {
  console.error(
    "course: the command line is not built yet (" + compiled + " is missing).\n" +
      "Fix: run `npm install` (or `npm run build`) in the project folder.",
  );
  process.exit(3);
}
require(compiled)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
