/**
 * Where a test cell opens a partial-credit score and where it finishes one, read from
 * the cell's syntax tree, so that a call in a comment or a string does not count and a
 * call split over lines does.
 *
 *   const score = check.score("training");   opened: finish() is the cell's job
 *   score.finish();                          finished
 *   check.score("training", (score) => …)    finishes by itself: not counted
 *
 * A score that is opened and never finished emits no grade record, and the grader reads
 * a test cell without its record as tampering: every learner would get 0 points and be
 * held for review for an authoring slip. validate.ts turns what this finds into findings.
 */
import type * as TypeScript from "@tslab/typescript-for-tslab";

export interface ScoreCalls {
  /** 0-based lines of `check.score(label)` calls without a body. */
  opened: number[];
  /** 0-based lines of `.finish()` calls. */
  finished: number[];
}

/** Worth parsing only when this matches: most test cells never call check.score. */
const MAY_CALL_SCORE = /\.\s*score\s*\(/;

export function scoreCalls(source: string): ScoreCalls {
  const calls: ScoreCalls = { opened: [], finished: [] };
  if (!MAY_CALL_SCORE.test(source)) return calls;
  const ts = typescript();
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lineOf = (node: TypeScript.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line;
  const visit = (node: TypeScript.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const callee = node.expression;
      const method = callee.name.text;
      if (method === "score" && ts.isIdentifier(callee.expression) && callee.expression.text === "check" && node.arguments.length < 2) {
        calls.opened.push(lineOf(node));
      } else if (method === "finish" && node.arguments.length === 0) {
        calls.finished.push(lineOf(node));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return calls;
}

let loaded: typeof TypeScript | undefined;

/**
 * The TypeScript that the kernel compiles cells with (a dependency of tslab, so it is
 * there wherever the course runs), loaded on first use: it takes a moment, and only a
 * cell that calls check.score needs it.
 */
function typescript(): typeof TypeScript {
  loaded ??= require("@tslab/typescript-for-tslab") as typeof TypeScript;
  return loaded;
}
