// The Node releases the course promises (package.json engines, course doctor) and what
// its dependencies demand must agree: an install on a supported Node must print no
// engine warning, and doctor must judge a Node the way engines does.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../helpers/cli";
import { SUPPORTED_NODE, enginesRange, nodeSupport, supportedList } from "../../scripts/src/node/support";

// semver ships no types of its own; these are the two calls used here.
const semver = require("semver") as { satisfies(version: string, range: string): boolean; valid(version: string): string | null };

const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(projectRoot, file), "utf8"));

/** The first release of each supported major that the course supports, e.g. "22.13.0". */
const floors = SUPPORTED_NODE.map((r) => `${r.major}.${r.minMinor}.0`);

describe("supported Node releases", () => {
  test("package.json's engines says exactly what course doctor checks", () => {
    assert.equal(readJson("package.json").engines.node, enginesRange());
    for (const floor of floors) assert.ok(semver.satisfies(floor, enginesRange()), `${floor} is in the engines range`);
    for (const outside of ["18.20.0", "20.18.1", "21.7.0", "22.12.0", "23.11.0", "25.2.0", "27.0.0"]) {
      assert.ok(!semver.satisfies(outside, enginesRange()), `${outside} is not in the engines range`);
    }
  });

  test("every locked dependency accepts every supported release (no engine warning at install)", () => {
    const lock = readJson("package-lock.json") as { packages: Record<string, { engines?: unknown }> };
    const refused: string[] = [];
    for (const [name, entry] of Object.entries(lock.packages)) {
      const range = (entry.engines as { node?: unknown } | undefined)?.node;
      if (typeof range !== "string") continue;
      for (const floor of floors)
        if (!semver.satisfies(floor, range)) refused.push(`${name || "(root)"} needs node ${range}, not ${floor}`);
    }
    assert.deepEqual(refused, [], "pin or override these so that they install on every supported Node");
  });

  test("doctor's verdict on a Node version", () => {
    for (const v of ["20.19.0", "20.20.2", "22.13.0", "22.23.5", "24.0.0", "24.22.3", "26.12.1"])
      assert.deepEqual(nodeSupport(v), { kind: "supported" }, v);
    assert.deepEqual(nodeSupport("20.18.3"), { kind: "outdated", needs: "20.19" });
    assert.deepEqual(nodeSupport("22.12.0"), { kind: "outdated", needs: "22.13" });
    for (const v of ["16.20.2", "18.20.4"]) assert.deepEqual(nodeSupport(v), { kind: "too-old" }, v);
    for (const v of ["21.7.3", "23.11.1", "25.0.0", "27.1.0"]) assert.deepEqual(nodeSupport(v), { kind: "untested" }, v);
  });

  test("a version that is not process.versions.node's is refused, not judged as some other release", () => {
    // Before, "v24.1.0" read as "untested" and "24" as "outdated, needs 24.0".
    for (const v of ["v24.1.0", "24", "", "lts"]) assert.throws(() => nodeSupport(v), /is not a Node\.js version like "24\.22\.3"/, v);
    assert.deepEqual(nodeSupport("24.1"), { kind: "supported" });
    assert.deepEqual(nodeSupport("25.0.0-pre"), { kind: "untested" });
  });

  test("the supported releases read as a list", () => {
    assert.equal(supportedList(), "20.19+, 22.13+, 24 or 26");
    assert.equal(supportedList([{ major: 24, minMinor: 0 }]), "24");
  });
});
