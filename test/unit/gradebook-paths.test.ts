// --gradebook FILE can name anything. Every path that cannot hold a gradebook gives a
// CourseError that says what is wrong and what to do (never "unexpected error" and a
// stack trace), and a file that is not a gradebook is left exactly as it was.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { CourseError, EXIT, type ExitCode } from "../../scripts/src/errors";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import { runCourse } from "../helpers/cli";
import { byDesign } from "../helpers/skip";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gradebook-paths-"));
after(() => {
  // Give back permissions taken away below, so the folder can be removed.
  for (const p of [path.join(dir, "locked"), path.join(dir, "read-only"), path.join(dir, "unreadable.sqlite")]) {
    if (fs.existsSync(p)) fs.chmodSync(p, 0o755);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Permission checks mean nothing to root, who can read and write anything. */
const asRoot = process.getuid?.() === 0 ? byDesign("root may read and write any file") : false;

function textFile(name: string, text = "my notes, not a gradebook\n"): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Opening `file` fails with a CourseError matching `message`, with a fix and `code`. */
function assertRefused(file: string, message: RegExp, code: ExitCode, options: { create?: boolean } = {}): void {
  assert.throws(
    () => Gradebook.open(file, options).close(),
    (error: unknown) => {
      assert.ok(error instanceof CourseError, `a CourseError, not ${String(error)}`);
      assert.match(error.message, message);
      assert.ok((error.fix ?? "") !== "", "says what to do");
      assert.equal(error.exitCode, code);
      return true;
    },
  );
}

/** Opening `file` fails and leaves it byte for byte as it was, with no journal files beside it. */
function assertUntouched(file: string, message: RegExp, code: ExitCode): void {
  const before = fs.readFileSync(file);
  for (const create of [true, false]) assertRefused(file, message, code, { create });
  assert.ok(fs.readFileSync(file).equals(before), "the file is unchanged");
  for (const suffix of ["-wal", "-shm", "-journal"]) assert.ok(!fs.existsSync(file + suffix), `no ${suffix} file`);
}

describe("gradebook paths", () => {
  test("a path whose parent is a file names that file", () => {
    const file = textFile("notes.txt");
    for (const create of [true, false]) {
      assertRefused(path.join(file, "gradebook.sqlite"), /notes\.txt is a file, not a folder/, EXIT.usage, { create });
      assertRefused(path.join(file, "deeper", "gradebook.sqlite"), /notes\.txt is a file, not a folder/, EXIT.usage, { create });
    }
    assert.equal(fs.readFileSync(file, "utf8"), "my notes, not a gradebook\n");
  });

  test("a folder is not a gradebook file", () => {
    const folder = path.join(dir, "a-folder");
    fs.mkdirSync(folder);
    for (const create of [true, false]) assertRefused(folder, /a-folder is a folder, not a gradebook file/, EXIT.usage, { create });
  });

  test("a file that is not SQLite is refused and left alone", () => {
    assertUntouched(
      textFile("grades.csv", "student,a1\nann,3\n"),
      /grades\.csv is not a gradebook: it is not an SQLite database/,
      EXIT.usage,
    );
    assertUntouched(textFile("short.bin", "SQLite"), /not an SQLite database/, EXIT.usage);
  });

  test("another program's SQLite database is refused and left alone", () => {
    const other = path.join(dir, "other.sqlite");
    const db = new Database(other);
    db.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me');");
    db.close();
    assertUntouched(other, /other\.sqlite is not a gradebook: it is an SQLite database, but not one that `course grade` made/, EXIT.usage);

    // A table called "meta" is common; one of another shape does not make a gradebook.
    const withMeta = path.join(dir, "with-meta.sqlite");
    const db2 = new Database(withMeta);
    db2.exec("CREATE TABLE meta (name TEXT, content TEXT);");
    db2.close();
    assertUntouched(withMeta, /not one that `course grade` made/, EXIT.usage);
  });

  test("a corrupt SQLite file is refused and left alone", () => {
    const file = path.join(dir, "corrupt.sqlite");
    fs.writeFileSync(file, Buffer.concat([Buffer.from("SQLite format 3\0", "latin1"), Buffer.alloc(200, 0xff)]));
    assertUntouched(file, /corrupt\.sqlite is not a gradebook/, EXIT.usage);
  });

  test("an empty file and a blank database open as new gradebooks", () => {
    const empty = textFile("empty.sqlite", "");
    Gradebook.open(empty).close();
    Gradebook.open(empty, { create: false }).close();

    // A first run stopped right after SQLite wrote its header leaves a blank database.
    const blank = path.join(dir, "blank.sqlite");
    const db = new Database(blank);
    db.pragma("journal_mode = WAL");
    db.close();
    const gb = Gradebook.open(blank, { create: false });
    assert.deepEqual(gb.students(), []);
    gb.close();
  });

  test("a missing folder is made; a gradebook that is not there is not", () => {
    const file = path.join(dir, "new", "deeper", "gradebook.sqlite");
    assertRefused(file, /there is no gradebook at/, EXIT.missing, { create: false });
    assert.ok(!fs.existsSync(path.join(dir, "new")), "reading makes no folders");
    Gradebook.open(file).close();
    Gradebook.open(file, { create: false }).close();
  });

  test("a folder that cannot be created gives a clean error", { skip: asRoot }, () => {
    const locked = path.join(dir, "locked");
    fs.mkdirSync(locked);
    fs.chmodSync(locked, 0o555);
    assertRefused(path.join(locked, "sub", "gradebook.sqlite"), /permission denied/, EXIT.failed);
    assertRefused(path.join(locked, "gradebook.sqlite"), /folder .*locked is not writable/, EXIT.failed);
  });

  test("a gradebook that cannot be read or written gives a clean error", { skip: asRoot }, () => {
    const file = path.join(dir, "unreadable.sqlite");
    Gradebook.open(file).close();
    fs.chmodSync(file, 0o000);
    assertRefused(file, /cannot read the gradebook .*unreadable\.sqlite: permission denied/, EXIT.failed, { create: false });
    fs.chmodSync(file, 0o444);
    assertRefused(file, /cannot write to the gradebook .*unreadable\.sqlite: permission denied/, EXIT.failed, { create: false });

    const readOnly = path.join(dir, "read-only");
    fs.mkdirSync(readOnly);
    Gradebook.open(path.join(readOnly, "gradebook.sqlite")).close();
    fs.chmodSync(readOnly, 0o555);
    assertRefused(path.join(readOnly, "gradebook.sqlite"), /cannot write in the folder .*read-only/, EXIT.failed, { create: false });
  });
});

describe("gradebook paths on the command line", () => {
  // Before: `course grade --gradebook FILE/x.sqlite` died with "unexpected error" and mkdir's stack trace.
  test("course grade, feedback and export report a bad --gradebook cleanly", async () => {
    const notes = textFile("cli-notes.txt");
    const folder = path.join(dir, "cli-folder");
    fs.mkdirSync(folder);
    const cases: Array<[string[], RegExp]> = [
      [["grade", folder, "--gradebook", path.join(notes, "gradebook.sqlite")], /cli-notes\.txt is a file, not a folder/],
      [
        ["feedback", "--gradebook", path.join(notes, "gradebook.sqlite"), "--out", path.join(dir, "cli-out")],
        /cli-notes\.txt is a file, not a folder/,
      ],
      [["feedback", "--gradebook", folder, "--out", path.join(dir, "cli-out")], /cli-folder is a folder, not a gradebook file/],
      [["export", "--csv", "--gradebook", notes, "--out", "-"], /cli-notes\.txt is not a gradebook/],
    ];
    for (const [args, message] of cases) {
      const r = await runCourse(args);
      const what = `course ${args.join(" ")}\n${r.stderr}`;
      assert.equal(r.code, EXIT.usage, what);
      assert.match(r.stderr, message, what);
      assert.match(r.stderr, /\nFix: /, what);
      assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at /, what);
    }
    assert.equal(fs.readFileSync(notes, "utf8"), "my notes, not a gradebook\n");
    assert.ok(!fs.existsSync(path.join(dir, "cli-out")), "no feedback written without a gradebook");
  });
});
