/**
 * The parts of the course's kernel that need no kernel: history lookups, the course's
 * packages seen from another folder, how errors are described, and the ordered,
 * merging iopub queue.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { courseFallback, redirectCompilerReads, type CompilerFileSystem } from "../../lib/kernel/course-packages";
import { COMPILE_ERROR, describeDiagnostics, describeThrown, hintFor, withoutSourceArrow } from "../../lib/kernel/errors";
import { History } from "../../lib/kernel/history";
import { IopubQueue } from "../../lib/kernel/iopub";
import type { JupyterMessage } from "../../lib/kernel/messages";

describe("history", () => {
  const history = new History();
  ["a = 1", "b = 2", "a + b", "a = 1"].forEach((code, i) => history.record(i + 1, code, i === 2 ? "3" : null));

  test("tail gives the last n inputs, oldest first", () => {
    assert.deepEqual(history.lookup({ hist_access_type: "tail", n: 2 }), [
      [1, 3, "a + b"],
      [1, 4, "a = 1"],
    ]);
  });
  test("range is start inclusive, stop exclusive, in this session (0) only", () => {
    assert.deepEqual(history.lookup({ hist_access_type: "range", session: 0, start: 2, stop: 3 }), [[1, 2, "b = 2"]]);
    assert.deepEqual(history.lookup({ hist_access_type: "range", session: 7, start: 1, stop: 9 }), []);
  });
  test("search matches a glob; unique keeps the last of repeated inputs", () => {
    assert.deepEqual(
      history.lookup({ hist_access_type: "search", pattern: "a*" }).map((e) => e[1]),
      [1, 3, 4],
    );
    assert.deepEqual(history.lookup({ hist_access_type: "search", pattern: "a =*", unique: true }), [[1, 4, "a = 1"]]);
    assert.deepEqual(history.lookup({ hist_access_type: "search", pattern: "?+?" }), []);
    assert.deepEqual(history.lookup({ hist_access_type: "search", pattern: "a + ?" }), [[1, 3, "a + b"]]);
  });
  test("with output, each entry pairs the input with its result", () => {
    assert.deepEqual(history.lookup({ hist_access_type: "tail", n: 2, output: true }), [
      [1, 3, ["a + b", "3"]],
      [1, 4, ["a = 1", null]],
    ]);
  });
});

describe("the course's packages from any folder", () => {
  const present = new Set([
    "/home/me/Downloads/node_modules/own-lib",
    "/course/node_modules/nncourse",
    "/course/node_modules/@tensorflow/tfjs",
  ]);
  const map = courseFallback("/home/me/Downloads", "/course/node_modules", (dir) => present.has(dir));

  test("a package missing beside the notebook is read from the course", () => {
    assert.equal(map("/home/me/Downloads/node_modules/nncourse/package.json"), "/course/node_modules/nncourse/package.json");
    assert.equal(
      map("/home/me/Downloads/node_modules/@tensorflow/tfjs/dist/index.d.ts"),
      "/course/node_modules/@tensorflow/tfjs/dist/index.d.ts",
    );
  });
  test("the notebook's own packages win, and other paths are left alone", () => {
    assert.equal(map("/home/me/Downloads/node_modules/own-lib/index.d.ts"), "/home/me/Downloads/node_modules/own-lib/index.d.ts");
    assert.equal(map("/home/me/Downloads/node_modules/absent/index.d.ts"), "/home/me/Downloads/node_modules/absent/index.d.ts");
    assert.equal(map("/home/me/Downloads/notes.ts"), "/home/me/Downloads/notes.ts");
    assert.equal(map("/home/node_modules/nncourse/index.d.ts"), "/home/node_modules/nncourse/index.d.ts");
  });
  test("the compiler reads through the map", () => {
    const files = new Map([["/course/node_modules/nncourse/package.json", "{}"]]);
    const sys: CompilerFileSystem = {
      fileExists: (f) => files.has(f),
      readFile: (f) => files.get(f),
      directoryExists: () => false,
      getDirectories: () => [],
      readDirectory: () => [],
      realpath: (f) => f,
    };
    redirectCompilerReads(sys, map);
    assert.equal(sys.fileExists("/home/me/Downloads/node_modules/nncourse/package.json"), true);
    assert.equal(sys.readFile("/home/me/Downloads/node_modules/nncourse/package.json"), "{}");
    assert.equal(sys.realpath!("/home/me/Downloads/node_modules/nncourse/package.json"), "/course/node_modules/nncourse/package.json");
  });
});

describe("errors as Jupyter shows them", () => {
  test("an exception gives its class, its message and its trace", () => {
    class CheckFailure extends Error {
      override name = "CheckFailure";
    }
    const described = describeThrown(new CheckFailure("double(3) should be 6"));
    assert.equal(described.ename, "CheckFailure");
    assert.equal(described.evalue, "double(3) should be 6");
    assert.match(described.traceback[0]!, /^CheckFailure: double\(3\) should be 6/);
  });
  test("a thrown value that is not an Error, or whose properties throw, is still described", () => {
    assert.deepEqual(describeThrown("plain text"), {
      ename: "Error",
      evalue: "the cell threw 'plain text', which is not an Error",
      traceback: ["Uncaught 'plain text'"],
    });
    const hostile = new Error("x");
    Object.defineProperty(hostile, "name", {
      get: () => {
        throw new Error("gotcha");
      },
    });
    assert.equal(describeThrown(hostile).ename, "Error");
  });
  test("Node's compiled-source arrow is cut from the front of a trace", () => {
    assert.equal(
      withoutSourceArrow('evalmachine.<anonymous>:2\nthrow new RangeError("x");\n^\n\nRangeError: x\n    at f'),
      "RangeError: x\n    at f",
    );
    assert.equal(withoutSourceArrow("RangeError: x\n    at f"), "RangeError: x\n    at f");
  });
  test("diagnostics become one error, with a sentence on what to do about a missing package", () => {
    const error = describeDiagnostics([
      { line: 0, character: 20, messageText: "Cannot find module 'nncourse' or its corresponding type declarations." },
      { line: 2, character: 4, messageText: "Type 'string' is not assignable to type 'number'." },
    ]);
    assert.equal(error.ename, COMPILE_ERROR);
    assert.equal(
      error.evalue,
      "1:21 - Cannot find module 'nncourse' or its corresponding type declarations.\n3:5 - Type 'string' is not assignable to type 'number'.",
    );
    assert.equal(error.traceback.length, 3);
    assert.match(error.traceback[2]!, /TypeScript \(nncourse\)/);
    assert.match(hintFor("Cannot find module 'lodash/fp' or its corresponding type declarations.")!, /`npm install lodash`/);
    assert.equal(hintFor("Cannot find module './mine' or its corresponding type declarations."), undefined);
  });
});

describe("the iopub queue", () => {
  function message(type: string, content: Record<string, unknown>, parent = "p1"): JupyterMessage<Record<string, unknown>> {
    return {
      header: { msg_id: Math.random().toString(), session: "s", username: "u", date: "", msg_type: type, version: "5.3" },
      parent_header: { msg_id: parent },
      metadata: {},
      content,
      buffers: [],
    };
  }

  test("sends one message at a time, in order, merging a burst of text of one stream", async () => {
    const sent: string[] = [];
    let busy = false;
    const socket = {
      async send(frames: Buffer[]) {
        assert.equal(busy, false, "two sends at once (zeromq refuses with EBUSY)");
        busy = true;
        await new Promise((resolve) => setTimeout(resolve, 5));
        sent.push(frames[0]!.toString());
        busy = false;
      },
    };
    const queue = new IopubQueue(socket, (m) => [
      Buffer.from(`${m.header.msg_type}:${String(m.content.name ?? "")}:${String(m.content.text ?? "")}`),
    ]);
    queue.publish(message("status", {}));
    for (const text of ["a", "b", "c"]) queue.publish(message("stream", { name: "stdout", text }));
    queue.publish(message("stream", { name: "stderr", text: "!" }));
    queue.publish(message("stream", { name: "stdout", text: "d" }));
    queue.publish(message("stream", { name: "stdout", text: "e" }, "p2"));
    queue.publish(message("display_data", {}));
    await queue.flushed();
    assert.deepEqual(sent, ["status::", "stream:stdout:abc", "stream:stderr:!", "stream:stdout:d", "stream:stdout:e", "display_data::"]);
  });

  test("a closed socket ends the queue quietly", async () => {
    const queue = new IopubQueue(
      {
        send: async () => {
          throw new Error("Socket is closed");
        },
      },
      () => [Buffer.from("x")],
    );
    queue.publish(message("status", {}));
    await queue.flushed();
    queue.publish(message("status", {}));
    await queue.flushed();
  });
});
