// Feedback is handed out one student folder at a time: nothing in a student's folder may
// name another student, link out of the folder, or list the files no student was found for.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import { defaultIndexFile, fileName, writeFeedback } from "../../scripts/src/gradebook/feedback";
import type { SubmissionOutcome } from "../../scripts/src/grade/outcome";
import { heldForReview } from "../../scripts/src/review/held";
import { gradedOutcome } from "../helpers/outcome";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "feedback-handout-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function outcome(student: string, assignment: string, score: number): SubmissionOutcome {
  return gradedOutcome(student, {
    assignment,
    masterSha256: "m",
    sha256: `sha-${student}-${assignment}`,
    score,
    maxScore: 2,
    scores: [
      {
        gradeId: "nor-tests",
        position: 4,
        points: 1,
        earned: Math.min(1, score),
        fraction: null,
        status: "passed",
        message: "",
        durationMs: 1,
      },
      {
        gradeId: "xor-tests",
        position: 8,
        points: 1,
        earned: 0,
        fraction: null,
        status: "failed",
        message: "xor(1, 1) should be 0",
        durationMs: 1,
      },
    ],
  });
}

function filled(name: string): Gradebook {
  const gb = Gradebook.open(path.join(dir, `${name}.sqlite`));
  gb.store(outcome("ada", "a1", 2));
  gb.store(outcome("ada", "a2", 1));
  gb.store(outcome("Bob Stone", "a1", 1));
  gb.reject("stray/notes.ipynb", "not named after a student and assignment.", null);
  return gb;
}

/** Every file under `folder`, relative to it. */
function filesUnder(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .flatMap((e) => (e.isFile() ? [path.relative(folder, path.join(e.parentPath, e.name))] : []));
}

test("each student's folder holds their own pages and index, and nothing of anyone else", () => {
  const gb = filled("handout");
  try {
    const out = path.join(dir, "handout");
    const result = writeFeedback(gb, out);
    assert.equal(result.students, 2);
    assert.deepEqual(fs.readdirSync(out).sort(), [fileName("Bob Stone"), "ada"].sort(), "only the students' folders in the output folder");
    for (const [student, other] of [
      ["ada", "Bob Stone"],
      ["Bob Stone", "ada"],
    ] as const) {
      const folder = path.join(out, fileName(student));
      assert.ok(fs.existsSync(path.join(folder, "index.html")), `${student} has an index of their own`);
      for (const file of filesUnder(folder)) {
        const html = fs.readFileSync(path.join(folder, file), "utf8");
        assert.ok(!html.includes(other), `${student}'s ${file} names ${other}`);
        assert.ok(!html.includes("stray/notes.ipynb"), `${student}'s ${file} lists the rejected files`);
        for (const [, href] of html.matchAll(/href="([^"]*)"/g)) {
          const target = path.resolve(path.dirname(path.join(folder, file)), decodeURIComponent(href!));
          assert.ok(target.startsWith(folder + path.sep), `${student}'s ${file} links out of their folder: ${href}`);
          assert.ok(fs.existsSync(target), `${student}'s ${file} links to a page that is not there: ${href}`);
        }
      }
    }
    assert.match(
      fs.readFileSync(path.join(out, "ada", "index.html"), "utf8"),
      /a1\.html[\s\S]*a2\.html/,
      "the student's index lists each page",
    );
  } finally {
    gb.close();
  }
});

test("the instructor's index lives beside the students' folders, lists everyone and the rejected files, and is never put inside", () => {
  const gb = filled("index");
  try {
    const out = path.join(dir, "index-out");
    const result = writeFeedback(gb, out);
    assert.equal(result.index, defaultIndexFile(out));
    assert.ok(!result.index.startsWith(out + path.sep));
    const index = fs.readFileSync(result.index, "utf8");
    assert.match(index, /Bob Stone[\s\S]*ada|ada[\s\S]*Bob Stone/);
    assert.match(index, /stray\/notes\.ipynb/);
    for (const [, href] of index.matchAll(/href="([^"]*)"/g))
      assert.ok(
        fs.existsSync(path.resolve(path.dirname(result.index), decodeURIComponent(href!))),
        `the index links to a missing page: ${href}`,
      );
    for (const inside of [path.join(out, "index.html"), path.join(out, "ada", "all.html")]) {
      assert.throws(() => writeFeedback(gb, out, { indexFile: inside }), /inside .*nothing was written/);
    }
  } finally {
    gb.close();
  }
});

test("the all-students index an earlier version wrote into the output folder is removed; a file of the instructor's own is kept", () => {
  const gb = filled("old");
  try {
    const out = path.join(dir, "old-out");
    fs.mkdirSync(out, { recursive: true });
    const oldIndex = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Feedback</title></head>\n<body>\n<h1>Feedback</h1>ada 2/2, Bob Stone 1/2</body></html>\n`;
    fs.writeFileSync(path.join(out, "index.html"), oldIndex);
    assert.equal(writeFeedback(gb, out).removedOldIndex, path.join(out, "index.html"));
    assert.ok(!fs.existsSync(path.join(out, "index.html")));
    fs.writeFileSync(path.join(out, "index.html"), "my own notes about the class");
    assert.equal(writeFeedback(gb, out).removedOldIndex, undefined);
    assert.equal(fs.readFileSync(path.join(out, "index.html"), "utf8"), "my own notes about the class");
  } finally {
    gb.close();
  }
});

test("tests are named by their exercise's title where one is known, else by grade_id", () => {
  const gb = filled("titles");
  try {
    const out = path.join(dir, "titles");
    writeFeedback(gb, out, { titles: new Map([["a1", new Map([["nor-tests", "Exercise 1 · A NOR unit"]])]]) });
    const page = fs.readFileSync(path.join(out, "ada", "a1.html"), "utf8");
    assert.match(page, /<td>Exercise 1 · A NOR unit<\/td>/);
    assert.ok(!page.includes("<td>nor-tests</td>"));
    assert.match(page, /<td>xor-tests<\/td>/, "no title known: the grade_id");
  } finally {
    gb.close();
  }
});

test("a choice between hand-ins is held for the instructor with its reason and kept off the learner's pages, which would name a classmate", () => {
  const gb = Gradebook.open(path.join(dir, "choice.sqlite"));
  try {
    const reason =
      'student "ada" is in more than one hand-in for "a1": s1/a1.ipynb (their own); s2/a1.ipynb (a group submission with Bob Stone).';
    gb.store({ ...outcome("ada", "a1", 2), review: true, issues: [{ kind: "submission-choice", gradeId: null, message: reason }] });
    assert.deepEqual(
      heldForReview(gb).map((h) => [h.student, h.reasons]),
      [["ada", [`submission-choice: ${reason}`]]],
    );
    const out = path.join(dir, "choice-out");
    writeFeedback(gb, out);
    for (const file of filesUnder(path.join(out, "ada"))) {
      const html = fs.readFileSync(path.join(out, "ada", file), "utf8");
      assert.ok(!html.includes("Bob Stone") && !html.includes("more than one hand-in"), `ada's ${file} shows the choice`);
    }
  } finally {
    gb.close();
  }
});
