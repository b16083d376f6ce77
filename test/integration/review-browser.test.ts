/**
 * A written answer from hand-in to grade: the sample assignment's master with a written
 * answer added is graded in the sandbox (`course grade`), which stores the learner's text
 * as pending; `course review` serves the page, and headless Chromium opens it, goes to the
 * answer, reads the prompt, the reference answer and the learner's text (escaped), and
 * saves points and a comment. The gradebook, `course feedback` and `course export --csv`
 * then count them. Screenshots go to test-artifacts/review-browser/.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { artifactsDir, browserMissing, launchChromium } from "../helpers/browser";
import { courseBin, projectRoot, runCourse } from "../helpers/cli";
import { newMarkdownCell } from "../../scripts/src/notebook/cells";
import { readNotebook } from "../../scripts/src/notebook/read";
import { writeNotebook } from "../../scripts/src/notebook/write";
import { Gradebook } from "../../scripts/src/gradebook/gradebook";
import { writtenAnswers } from "../../scripts/src/gradebook/written-answers";
import { pagePath } from "../../scripts/src/gradebook/feedback";

const skip = browserMissing();
const NAME = "00-sample-assignment";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "review-browser-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

const nbgrader = (meta: Record<string, unknown>) => ({
  nbgrader: { schema_version: 3, solution: false, grade: false, locked: false, task: false, ...meta },
});
const PROMPT = "## Exercise 6 · Why two layers (2 points)\n\nExplain why no single threshold unit computes XOR.";
const REFERENCE = "XOR's true points (0,1) and (1,0) cannot be split from (0,0) and (1,1) by one line.";
const ANSWER = "No line separates them. <script>document.title='pwned'</script>";

/** The notebook with the written answer's prompt and cell before its closing cell. */
function withWrittenAnswer(file: string, text: string, out: string): void {
  const notebook = readNotebook(file);
  const at = notebook.cells.length - 1;
  notebook.cells.splice(
    at,
    0,
    newMarkdownCell(PROMPT, nbgrader({ grade_id: "why-intro", locked: true })),
    newMarkdownCell(text, nbgrader({ grade_id: "why-two-layers", solution: true, grade: true, points: 2 })),
  );
  fs.mkdirSync(path.dirname(out), { recursive: true });
  writeNotebook(out, notebook);
}

test(
  "a written answer is graded in the sandbox, given points and a comment on the review page in Chromium, and counted",
  { skip, timeout: 600_000 },
  async () => {
    const masters = path.join(work, "masters");
    withWrittenAnswer(path.join(projectRoot, "notebooks", `${NAME}.ipynb`), REFERENCE, path.join(masters, `${NAME}.ipynb`));
    withWrittenAnswer(path.join(projectRoot, "solutions", `${NAME}.ipynb`), ANSWER, path.join(work, "submissions", "ann", `${NAME}.ipynb`));
    const gradebookFile = path.join(work, "gradebook.sqlite");

    const graded = await runCourse(["grade", path.join(work, "submissions"), "--masters", masters, "--gradebook", gradebookFile], {
      timeoutMs: 300_000,
    });
    assert.equal(graded.code, 0, graded.stdout + graded.stderr);
    assert.match(graded.stdout, /graded\s+ann · 00-sample-assignment: 8\/10/);
    const listed = await runCourse(["review", "--list", "--gradebook", gradebookFile]);
    assert.match(listed.stdout, /^00-sample-assignment\twhy-two-layers\tann\tpending\tpending\/2\t$/m);

    // The review page, as an instructor starts it.
    const child = spawn(process.execPath, [courseBin, "review", "--gradebook", gradebookFile, "--masters", masters], {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const shots = artifactsDir("review-browser");
    const browser = await launchChromium();
    try {
      const deadline = Date.now() + 30_000;
      while (!/open (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.test(output)) {
        assert.ok(Date.now() < deadline && child.exitCode === null, `course review printed no address:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const url = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(output)![1]!;

      // Without the token the page gives nothing away.
      const refused = await fetch(url.replace(/\?token=.*/, ""));
      assert.equal(refused.status, 403);

      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const outside: string[] = [];
      await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => {
        outside.push(route.request().url());
        return route.abort();
      });
      await page.goto(url);
      await page.screenshot({ path: path.join(shots, "index.png"), fullPage: true });
      await page.getByRole("link", { name: "why-two-layers" }).click();
      const card = page.locator('section.card[data-student="ann"]');
      await card.waitFor();
      assert.match(await page.locator("main").innerText(), /Explain why no single threshold unit computes XOR\./);
      assert.equal(await card.locator(".beside > div").nth(0).locator(".text").innerText(), ANSWER, "the learner's text, shown as text");
      assert.equal(await card.locator(".beside > div").nth(1).locator(".text").innerText(), REFERENCE);
      assert.notEqual(await page.title(), "pwned", "the learner's script did not run");

      await card.getByLabel("Points").fill("1.5");
      await card.getByLabel("Comment").fill("Right; name the four points & the line.");
      await page.screenshot({ path: path.join(shots, "answer.png"), fullPage: true });
      await card.getByRole("button", { name: "Save" }).click();
      await page.locator(".saved").waitFor();
      assert.match(await page.locator(".saved").innerText(), /Saved: ann · why-two-layers: 1\.5 \/ 2\./);
      assert.match(await page.locator('section.card[data-student="ann"] .status').innerText(), /1\.5 \/ 2/);
      await page.screenshot({ path: path.join(shots, "saved.png"), fullPage: true });
      assert.deepEqual(outside, [], "the page loads nothing from elsewhere");
    } finally {
      await browser.close();
      child.kill("SIGINT");
    }
    assert.equal(await exited, 0, `course review did not stop cleanly on Ctrl+C:\n${output}`);

    const gradebook = Gradebook.open(gradebookFile, { create: false });
    try {
      const [answer] = writtenAnswers(gradebook);
      assert.deepEqual([answer!.status, answer!.earned, answer!.comment], ["graded", 1.5, "Right; name the four points & the line."]);
      assert.equal(gradebook.submissions()[0]!.score, 9.5);
    } finally {
      gradebook.close();
    }
    const feedbackDir = path.join(work, "feedback");
    const feedback = await runCourse(["feedback", "--gradebook", gradebookFile, "--out", feedbackDir]);
    assert.equal(feedback.code, 0, feedback.stdout + feedback.stderr);
    const html = fs.readFileSync(path.join(feedbackDir, pagePath("ann", NAME)), "utf8");
    assert.match(html, /Score: 9\.5 \/ 10/);
    assert.match(
      html,
      /<td>why-two-layers<\/td><td class="written-graded">1\.5 \/ 2<\/td><td><pre>Right; name the four points &amp; the line\.<\/pre>/,
    );
    const csv = await runCourse(["export", "--csv", "--gradebook", gradebookFile, "--out", "-"]);
    assert.equal(csv.code, 0, csv.stderr);
    const [header, row] = csv.stdout.split("\r\n");
    assert.match(header!, /,00-sample-assignment: why-two-layers \(2\)$/);
    assert.match(row!, /^ann,ann,9\.5,9\.5,10,/);
    assert.match(row!, /,1\.5$/);
  },
);
