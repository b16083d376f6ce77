// The review page's requests: the token, the host, another site's form, points out of
// range, an unknown answer, escaping of learners' text, and a grade saved at once; the
// feedback page and the CSV then count it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sha256Hex } from "nncourse/dist/data/payload";
import type { SubmissionOutcome } from "../../scripts/src/grade/outcome";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import { exportCsv } from "../../scripts/src/gradebook/export-csv";
import { writtenAnswers, type WrittenRow } from "../../scripts/src/gradebook/written-answers";
import { writtenFeedbackHtml } from "../../scripts/src/gradebook/written-feedback";
import { handleReview, type ReviewContext, type ReviewRequest } from "../../scripts/src/review/handler";
import { answersPage, indexPage } from "../../scripts/src/review/pages";
import { gradedOutcome } from "../helpers/outcome";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-handler-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const TOKEN = "a".repeat(48);
const HOST = "127.0.0.1:4321";
const HOSTILE = `<img src=x onerror="alert(1)"> </div><form action="http://evil">`;

function outcome(student: string, text: string, extra: Partial<SubmissionOutcome> = {}): SubmissionOutcome {
  return gradedOutcome(student, {
    sha256: sha256Hex(`${student}${text}`),
    score: 1,
    maxScore: 3,
    scores: [{ gradeId: "t1", position: 1, points: 1, earned: 1, fraction: null, status: "passed", message: "", durationMs: 1 }],
    written: [{ gradeId: "why", position: 0, points: 2, text, textSha256: sha256Hex(text), unanswered: false }],
    ...extra,
  });
}

let gb: Gradebook;
let context: ReviewContext;
before(() => {
  gb = Gradebook.open(path.join(dir, "gradebook.sqlite"));
  gb.store(outcome("ann", HOSTILE));
  gb.store(outcome("bob", "Not separable."));
  gb.store(
    outcome("cy", "Fine.", {
      review: true,
      issues: [{ kind: "suspicious", gradeId: "a1-code", message: "the code names the grader's record key." }],
    }),
  );
  const prompts = new Map([
    [
      "a1",
      new Map([["why", { gradeId: "why", points: 2, prompt: "Explain why <b>XOR</b> fails.", reference: "Not linearly separable." }]]),
    ],
  ]);
  context = { gradebook: gb, prompts, token: TOKEN, host: HOST };
});
after(() => gb.close());

function request(r: Partial<ReviewRequest> & { url: string }): ReturnType<typeof handleReview> {
  return handleReview(context, { method: "GET", headers: { host: HOST }, ...r });
}

function post(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return request({
    method: "POST",
    url: "/grade",
    headers: { host: HOST, origin: `http://${HOST}`, ...headers },
    body: new URLSearchParams({ token: TOKEN, student: "bob", assignment: "a1", cell: "why", back: "answer", ...fields }).toString(),
  });
}

describe("course review's handlers", () => {
  test("every request needs the token, also to read; a wrong one is refused", () => {
    assert.equal(request({ url: `/?token=${TOKEN}` }).status, 200);
    for (const url of ["/", `/?token=${"b".repeat(48)}`, `/?token=${TOKEN.slice(1)}`, `/answer?assignment=a1&cell=why`]) {
      const r = request({ url });
      assert.equal(r.status, 403, url);
      assert.doesNotMatch(r.body, /Not separable/);
    }
    const r = post({ token: "wrong", points: "2" });
    assert.equal(r.status, 403);
    assert.equal(writtenAnswers(gb, { student: "bob" })[0]!.status, "pending", "nothing saved");
  });

  test("another Host (DNS rebinding) and a form from another site are refused", () => {
    assert.equal(request({ url: `/?token=${TOKEN}`, headers: { host: "evil.example:4321" } }).status, 403);
    assert.equal(post({ points: "2" }, { origin: "http://evil.example" }).status, 403);
    assert.equal(writtenAnswers(gb, { student: "bob" })[0]!.status, "pending");
  });

  test("the index lists the answers and the submissions held for review with the reason", () => {
    const r = request({ url: `/?token=${TOKEN}` });
    assert.match(r.body, /href="\/answer\?token=a+&amp;assignment=a1&amp;cell=why"/);
    assert.match(r.body, /Submissions held for review/);
    assert.match(
      r.body,
      /<td>cy<\/td><td>a1<\/td><td>graded<\/td><td><ul><li>suspicious \(a1-code\): the code names the grader&#39;s record key\.<\/li>/,
    );
    assert.match(r.headers["content-security-policy"]!, /default-src 'none'/);
  });

  test("learners' text is shown escaped, beside the prompt and the reference answer", () => {
    const r = request({ url: `/answer?token=${TOKEN}&assignment=a1&cell=why` });
    assert.equal(r.status, 200);
    assert.ok(!r.body.includes("<img src=x"), "no markup from the learner");
    assert.ok(!r.body.includes('<form action="http://evil">'));
    assert.ok(r.body.includes("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"));
    assert.ok(r.body.includes("Explain why &lt;b&gt;XOR&lt;/b&gt; fails."));
    assert.ok(r.body.includes("Not linearly separable."));
  });

  test("points out of range, not a number, or for an unknown answer are refused with the reason, and nothing is saved", () => {
    for (const [fields, reason] of [
      [{ points: "3" }, /&quot;why&quot; is worth 2 points; 3 is more than that\..*Nothing was saved\./],
      [{ points: "-1" }, /must be a number from 0 to 2, got &quot;-1&quot;/],
      [{ points: "" }, /must be a number from 0 to 2/],
      [{ points: "1", cell: "nope" }, /has no written answer &quot;nope&quot;/],
      [{ points: "1", student: "nobody" }, /no submission of &quot;a1&quot; by &quot;nobody&quot;/],
    ] as const) {
      const r = post(fields);
      assert.equal(r.status, 400, JSON.stringify(fields));
      assert.match(r.body, reason);
    }
    assert.equal(writtenAnswers(gb, { student: "bob" })[0]!.status, "pending");
    assert.equal(gb.submissions().find((s) => s.student === "bob")!.score, 1);
  });

  test("a grade is saved at once and the page comes back to the answer saying so; feedback and CSV count it", () => {
    const r = post({ points: "1.5", comment: "Say which points <b>." });
    assert.equal(r.status, 303);
    assert.match(r.headers.location!, /^\/answer\?token=a+&assignment=a1&cell=why&saved=bob.*#a-bob$/);
    const saved = writtenAnswers(gb, { student: "bob" })[0]!;
    assert.deepEqual([saved.status, saved.earned, saved.comment], ["graded", 1.5, "Say which points <b>."]);
    assert.equal(gb.submissions().find((s) => s.student === "bob")!.score, 2.5);
    const back = request({ url: r.headers.location!.replace(/#.*/, "") });
    assert.match(back.body, /class="saved" role="status">Saved: bob · why: 1.5 \/ 2\./);

    const html = writtenFeedbackHtml(gb, gb.submissions().find((s) => s.student === "bob")!.id);
    assert.match(html, /<td>why<\/td><td class="written-graded">1.5 \/ 2<\/td><td><pre>Say which points &lt;b&gt;\.<\/pre>/);
    assert.doesNotMatch(html, /pending/);
    const annHtml = writtenFeedbackHtml(gb, gb.submissions().find((s) => s.student === "ann")!.id);
    assert.match(annHtml, /2 points of written answers pending/);

    const plain = exportCsv(gb, "plain").csv.split("\r\n");
    assert.match(plain[0]!, /,written pending,/);
    assert.match(plain[0]!, /a1: why \(2\)$/);
    const bob = plain.find((l) => l.startsWith("bob,"))!;
    assert.match(bob, /^bob,bob,2\.5,2\.5,/);
    assert.match(bob, /,1,1\.5$/);
    assert.match(
      plain.find((l) => l.startsWith("ann,"))!,
      /,a1,.*,pending$/,
    );
    const canvas = exportCsv(gb, "canvas");
    assert.ok(canvas.warnings.some((w) => /^ann: written answers not graded yet in a1/.test(w)));
  });
});

describe("what the review page shows of a learner's text and name", () => {
  const RLO = "\u202e";
  const row = (student: string, text: string): WrittenRow => ({
    submissionId: 1,
    student,
    assignment: "a1",
    gradeId: "why",
    position: 0,
    points: 2,
    text,
    textSha256: sha256Hex(text),
    status: "pending",
    earned: null,
    comment: "",
    gradedAt: null,
    note: "",
  });

  test("characters that turn the text around or do not show are shown as their code, in the answer and the name", () => {
    // An override makes "evil" read "live"; a zero-width space or a terminal escape
    // hides in plain sight; in a name, an override moves what follows it on the line.
    const rows = [row(`bob${RLO}`, `I wrote it ${RLO}live\u202c myself.\u200b\u001b[2J`), row("ann", "plain\ttext\nline two")];
    for (const body of [
      answersPage({ token: TOKEN }, { view: "answer", assignment: "a1", subject: "why", rows, prompts: new Map() }),
      answersPage(
        { token: TOKEN },
        { view: "student", assignment: "a1", subject: `bob${RLO}`, rows: rows.slice(0, 1), prompts: new Map() },
      ),
      indexPage({ token: TOKEN }, rows, [{ student: `bob${RLO}`, assignment: "a1", status: "graded", reasons: ["x"] }]),
    ]) {
      assert.doesNotMatch(body, /[\u202a-\u202e\u2066-\u2069\u200b\u001b]/u, "no such character reaches the page as it is");
      assert.match(body, /bob<span class="hidden-char" title="[^"]+">U\+202E<\/span>/);
    }
    const answer = answersPage({ token: TOKEN }, { view: "answer", assignment: "a1", subject: "why", rows, prompts: new Map() });
    assert.match(answer, /I wrote it <span class="hidden-char" title="[^"]+">U\+202E<\/span>live<span[^>]*>U\+202C<\/span> myself\./);
    assert.match(answer, /U\+200B<\/span><span[^>]*>U\+001B<\/span>\[2J/);
    assert.ok(answer.includes("plain\ttext\nline two"), "tabs and line breaks stay as they are");
    assert.ok(answer.includes('name="student" value="bob&#x202e;"'), "the form still names the student exactly");
  });
});
