// Written answers: what grading reads from a submission, how the gradebook stores them
// and keeps hand-given grades across a regrade, how points given by hand are checked and
// counted in the total (a late penalty included), and how an older gradebook migrates.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { releaseNotebook } from "../../scripts/src/assign/release";
import { validateMaster } from "../../scripts/src/assign/validate";
import { checkPoints } from "../../scripts/src/assign/points";
import { applyPenalty, penaltyPercent } from "../../scripts/src/grade/lateness";
import type { SubmissionOutcome } from "../../scripts/src/grade/outcome";
import { collectWrittenAnswers, writtenAnswerSpecs, type WrittenAnswer } from "../../scripts/src/grade/written-answers";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import { carryWrittenGrades, gradeWrittenAnswer, parseHandPoints, writtenAnswers } from "../../scripts/src/gradebook/written-answers";
import { newCodeCell, newMarkdownCell, newNotebook } from "../../scripts/src/notebook";
import type { Cell } from "../../scripts/src/notebook/model";
import { CourseError } from "../../scripts/src/errors";
import { gradedOutcome } from "../helpers/outcome";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "written-answers-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function nb(meta: Record<string, unknown>): Record<string, unknown> {
  return { nbgrader: { schema_version: 3, solution: false, grade: false, locked: false, task: false, ...meta } };
}

const written = (id: string, text: string, points = 2): Cell =>
  newMarkdownCell(text, nb({ grade_id: id, solution: true, grade: true, points }));

/** A master with an exercise heading, a test cell and two written answers. */
function master() {
  return newNotebook([
    newMarkdownCell(
      "## Exercise 1 · XOR (3 points)\n\nExplain why one perceptron cannot compute XOR.",
      nb({ grade_id: "q1", locked: true }),
    ),
    written("why-xor", "XOR is not linearly separable: no line splits {01, 10} from {00, 11}."),
    newCodeCell(
      'import { check } from "nncourse/grading";\ncheck.test("t", () => check.equal(1, 1));',
      nb({ grade_id: "t1", grade: true, locked: true, points: 1 }),
    ),
    newMarkdownCell("## Exercise 2 · Hidden layers (1.5 points)\n\nWhat does a hidden layer add?", nb({ grade_id: "q2", locked: true })),
    written("hidden-layer", "It bends the decision boundary.", 1.5),
  ]);
}

describe("written answers in the master", () => {
  test("course build accepts a Markdown answer graded by hand, and its points count toward the heading", () => {
    const m = master();
    assert.deepEqual(
      validateMaster(m, "m.ipynb").filter((f) => f.severity === "error"),
      [],
    );
    assert.deepEqual(
      validateMaster(m, "m.ipynb").map((f) => f.message),
      [],
      "no warning either",
    );
    // The heading says 3: 1 (test) + 2 (written). Without the written answer's points it would disagree.
    assert.deepEqual(checkPoints(m, "m.ipynb"), []);
  });

  test("specs carry the points, the prompt before the cell and the reference answer", () => {
    const specs = writtenAnswerSpecs(master());
    assert.deepEqual(
      specs.map((s) => [s.gradeId, s.points, s.prompt, s.reference]),
      [
        [
          "why-xor",
          2,
          "## Exercise 1 · XOR (3 points)\n\nExplain why one perceptron cannot compute XOR.",
          "XOR is not linearly separable: no line splits {01, 10} from {00, 11}.",
        ],
        [
          "hidden-layer",
          1.5,
          "## Exercise 2 · Hidden layers (1.5 points)\n\nWhat does a hidden layer add?",
          "It bends the decision boundary.",
        ],
      ],
    );
  });

  test("the learner's text is collected; the placeholder, a blank and a deleted cell are unanswered", () => {
    const m = master();
    const specs = writtenAnswerSpecs(m);
    const exercise = releaseNotebook(m, "exercise");
    const submitted = structuredClone(exercise);
    submitted.cells[1]!.source = "<script>alert(1)</script> It is not separable.";
    const answers = collectWrittenAnswers(specs, submitted, exercise);
    assert.deepEqual(
      answers.map((a) => [a.gradeId, a.text, a.unanswered]),
      [
        ["why-xor", "<script>alert(1)</script> It is not separable.", false],
        ["hidden-layer", "YOUR ANSWER HERE", true],
      ],
    );
    submitted.cells[1]!.source = "   \n";
    submitted.cells.splice(4, 1);
    assert.deepEqual(
      collectWrittenAnswers(specs, submitted, exercise).map((a) => [a.text, a.unanswered]),
      [
        ["   \n", true],
        ["", true],
      ],
    );
  });
});

describe("which cells are written answers, and what they are asked", () => {
  test("only a Markdown cell graded by hand with points above 0 is a written answer", () => {
    const specs = writtenAnswerSpecs(
      newNotebook([
        written("kept", "A reference answer.", 2),
        written("zero", "Counts for nothing.", 0),
        written("negative", "A slip.", -1),
        newMarkdownCell("No points.", nb({ grade_id: "none", solution: true, grade: true })),
        newCodeCell("const essay = 1;", nb({ grade_id: "code", solution: true, grade: true, points: 2 })),
        newMarkdownCell("Read-only text.", nb({ grade_id: "text", locked: true, points: 2 })),
        written("as-text", "Points written as text.", "3" as unknown as number),
      ]),
    );
    assert.deepEqual(
      specs.map((s) => [s.gradeId, s.points]),
      [
        ["kept", 2],
        ["as-text", 3],
      ],
    );
  });

  test("the prompt is at most the three Markdown cells just before, back to code, another answer or instructor notes", () => {
    const prompt = (...before: Cell[]) =>
      writtenAnswerSpecs(newNotebook([...before, written("q", "Reference.")])).find((s) => s.gradeId === "q")!.prompt;
    assert.equal(
      prompt(newMarkdownCell("one"), newMarkdownCell("two"), newMarkdownCell("three"), newMarkdownCell("four")),
      "two\n\nthree\n\nfour",
    );
    assert.equal(prompt(newMarkdownCell("before the code"), newCodeCell("1;"), newMarkdownCell("after")), "after");
    assert.equal(prompt(written("earlier", "An earlier reference answer."), newMarkdownCell("Now this:")), "Now this:");
    assert.equal(prompt(newMarkdownCell("Draft.", nb({ grade_id: "draft", solution: true })), newMarkdownCell("Now this:")), "Now this:");
    assert.equal(
      prompt(newMarkdownCell("Grade leniently.", { nncourse: { instructor_only: true } }), newMarkdownCell("Now this:")),
      "Now this:",
    );
    assert.equal(prompt(), "");
  });

  test("a placeholder is compared trimmed, and an answer of more than 100 000 characters is cut and says so", () => {
    const m = newNotebook([written("q", "Reference.")]);
    const specs = writtenAnswerSpecs(m);
    const exercise = newNotebook([written("q", "\n  Write here.  \n")]);
    const answer = (text: string) => collectWrittenAnswers(specs, newNotebook([written("q", text)]), exercise)[0]!;
    assert.equal(answer("Write here.").unanswered, true);
    const longest = "x".repeat(100_000);
    assert.equal(answer(longest).text, longest);
    const cut = answer(`${longest}yz`);
    assert.equal(cut.text, `${longest}\n\n[cut: the answer had 100002 characters]`);
    assert.equal(cut.unanswered, false);
  });
});

function outcome(student: string, answers: WrittenAnswer[], extra: Partial<SubmissionOutcome> = {}): SubmissionOutcome {
  return gradedOutcome(student, {
    sha256: `sha-${student}-${answers.map((a) => a.textSha256).join("")}`,
    score: 1,
    maxScore: 4.5,
    kernelStartMs: 10,
    durationMs: 100,
    scores: [{ gradeId: "t1", position: 2, points: 1, earned: 1, fraction: null, status: "passed", message: "", durationMs: 1 }],
    written: answers,
    ...extra,
  });
}

function answersOf(xor: string, hidden = "YOUR ANSWER HERE") {
  const m = master();
  const exercise = releaseNotebook(m, "exercise");
  const submitted = structuredClone(exercise);
  submitted.cells[1]!.source = xor;
  submitted.cells[4]!.source = hidden;
  return collectWrittenAnswers(writtenAnswerSpecs(m), submitted, exercise);
}

function submission(gb: Gradebook, student: string) {
  return gb.submissions().find((r) => r.student === student)!;
}

describe("written answers in the gradebook", () => {
  test("stored pending (unanswered at 0); points given by hand count in the total", () => {
    const gb = Gradebook.open(path.join(dir, "store.sqlite"));
    try {
      gb.store(carryWrittenGrades(gb, outcome("ann", answersOf("Not separable."))));
      assert.deepEqual(
        writtenAnswers(gb).map((w) => [w.gradeId, w.status, w.earned, w.text]),
        [
          ["hidden-layer", "unanswered", 0, "YOUR ANSWER HERE"],
          ["why-xor", "pending", null, "Not separable."],
        ].sort((a, b) => (a[0]! < b[0]! ? 1 : -1)),
      );
      assert.equal(submission(gb, "ann").score, 1, "pending points are not in the total");
      assert.equal(submission(gb, "ann").max_score, 4.5);
      const saved = gradeWrittenAnswer(gb, {
        student: "ann",
        assignment: "a1",
        gradeId: "why-xor",
        points: "1.5",
        comment: "  Right idea; say which points.  ",
      });
      assert.deepEqual([saved.status, saved.earned, saved.comment], ["graded", 1.5, "Right idea; say which points."]);
      assert.equal(submission(gb, "ann").score, 2.5);
      // Graded again: the total is recomputed, not added to.
      gradeWrittenAnswer(gb, { student: "ann", assignment: "a1", gradeId: "why-xor", points: 2 });
      assert.equal(submission(gb, "ann").score, 3);
    } finally {
      gb.close();
    }
  });

  test("a regrade keeps the grade while the text is the same; a changed answer is pending again and says so", () => {
    const gb = Gradebook.open(path.join(dir, "carry.sqlite"));
    try {
      gb.store(carryWrittenGrades(gb, outcome("bob", answersOf("Not separable."))));
      gradeWrittenAnswer(gb, { student: "bob", assignment: "a1", gradeId: "why-xor", points: 2, comment: "Good." });
      // --force: the same file graded again.
      gb.store(carryWrittenGrades(gb, outcome("bob", answersOf("Not separable."))));
      const kept = writtenAnswers(gb, { student: "bob", gradeId: "why-xor" })[0]!;
      assert.deepEqual([kept.status, kept.earned, kept.comment, kept.note], ["graded", 2, "Good.", ""]);
      assert.equal(submission(gb, "bob").score, 3, "the kept points are in the new total");
      // A new file whose answer changed.
      gb.store(carryWrittenGrades(gb, outcome("bob", answersOf("Because of the bias."))));
      const again = writtenAnswers(gb, { student: "bob", gradeId: "why-xor" })[0]!;
      assert.equal(again.status, "pending");
      assert.equal(again.earned, null);
      assert.match(again.note, /the answer changed after it was graded \(it had 2 of 2 points: "Good\."\); grade it again\./);
      assert.equal(submission(gb, "bob").score, 1);
    } finally {
      gb.close();
    }
  });

  test("points given by hand are refused out of range, not numbers, or for an unknown answer or student, and nothing changes", () => {
    const gb = Gradebook.open(path.join(dir, "validate.sqlite"));
    try {
      gb.store(carryWrittenGrades(gb, outcome("cy", answersOf("Not separable."))));
      const refused = (points: string | number, gradeId = "why-xor", student = "cy") =>
        assert.throws(
          () => gradeWrittenAnswer(gb, { student, assignment: "a1", gradeId, points }),
          (e: unknown) => e instanceof CourseError && e.exitCode === 2,
        );
      refused("2.5");
      refused("-1");
      refused("two");
      refused("");
      refused("NaN");
      refused("Infinity");
      refused("1e1");
      refused(1, "no-such-cell");
      refused(1, "why-xor", "nobody");
      assert.equal(writtenAnswers(gb, { student: "cy", gradeId: "why-xor" })[0]!.status, "pending");
      assert.equal(submission(gb, "cy").score, 1);
      assert.throws(() => parseHandPoints("3", 2, "why-xor"), /"why-xor" is worth 2 points; 3 is more than that\./);
      assert.throws(
        () => gradeWrittenAnswer(gb, { student: "cy", assignment: "a1", gradeId: "nope", points: 1 }),
        /its written answers: why-xor, hidden-layer/,
      );
      assert.equal(parseHandPoints("0", 2, "x"), 0);
      assert.equal(parseHandPoints(" 1.25 ", 2, "x"), 1.25);
    } finally {
      gb.close();
    }
  });

  test("a late penalty counts the points given by hand, as it counts the autograded ones", () => {
    const gb = Gradebook.open(path.join(dir, "penalty.sqlite"));
    try {
      // 20% of 4.5 points = 0.9 off; the autograded 1 point becomes 0.1.
      const rule = { percent: 20, per: null, maxPercent: null, text: "20%" };
      const late = { submittedAt: null, submittedAtSource: null, late: true, lateSeconds: 3600, lateSource: "due" };
      const penalised = applyPenalty(1, 4.5, late, rule);
      assert.equal(penaltyPercent(penalised.penalty), 20);
      const handIn = {
        ...late,
        lms: null,
        lmsId: null,
        displayName: null,
        email: null,
        rawScore: penalised.rawScore,
        penalty: penalised.penalty,
      };
      gb.store({ ...carryWrittenGrades(gb, outcome("dee", answersOf("Not separable."))), score: penalised.score, handIn });
      assert.equal(submission(gb, "dee").score, 0.1);
      gradeWrittenAnswer(gb, { student: "dee", assignment: "a1", gradeId: "why-xor", points: 2 });
      assert.equal(submission(gb, "dee").raw_score, 3);
      assert.equal(submission(gb, "dee").score, 2.1);
    } finally {
      gb.close();
    }
  });

  test("a schema 3 gradebook migrates: its grades stay, and written answers can be stored", () => {
    const file = path.join(dir, "v3.sqlite");
    const gb = Gradebook.open(file);
    gb.store(outcome("eve", [], { written: undefined }));
    gb.database.exec("DROP TABLE written_answers; UPDATE meta SET value = '3' WHERE key = 'schema_version';");
    gb.close();
    const reopened = Gradebook.open(file);
    try {
      assert.equal(
        (reopened.database.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value,
        "4",
      );
      assert.equal(submission(reopened, "eve").score, 1, "nothing is lost");
      assert.deepEqual(writtenAnswers(reopened), []);
      reopened.store(carryWrittenGrades(reopened, outcome("fay", answersOf("Not separable."))));
      assert.equal(writtenAnswers(reopened, { student: "fay" }).length, 2);
    } finally {
      reopened.close();
    }
  });
});
