/**
 * Points as every report shows them: the grading run's log line, `course check`, the
 * feedback pages and the CSV export. One rule, so that a learner reads the same number
 * in their feedback as the instructor uploads to the LMS.
 *
 * Scores are kept to a millionth (so that 3 × ⅓ is 1, see assign/partial-credit.ts);
 * they are shown to two decimals at most, without trailing zeros: "3", "2.5", "0.67".
 */
export function formatPoints(points: number): string {
  return String(Math.round(points * 100) / 100);
}

/** "earned/possible"; the feedback pages set the parts apart with " / ". */
export function formatScore(earned: number, possible: number, separator = "/"): string {
  return `${formatPoints(earned)}${separator}${formatPoints(possible)}`;
}

/** The total of some scores, rounded to a millionth as each score is: 0.1 + 0.2 is 0.3. */
export function totalPoints(points: readonly number[]): number {
  return Math.round(points.reduce((sum, p) => sum + p, 0) * 1e6) / 1e6;
}
