/** The result of fetching or verifying one file, and the exit code for a list of them. */
import { EXIT, type ExitCode } from "../errors";

export type OutcomeStatus = "ok" | "mismatch" | "missing";

export interface Outcome {
  dataset: string;
  file: string;
  status: OutcomeStatus;
  /** What happened, one line. */
  message: string;
  /** What to do about a failure. */
  fix?: string;
}

/** 1 when any checksum failed, else 3 when anything was missing or unreachable, else 0. */
export function exitCodeFor(outcomes: Outcome[]): ExitCode {
  if (outcomes.some((o) => o.status === "mismatch")) return EXIT.failed;
  if (outcomes.some((o) => o.status === "missing")) return EXIT.missing;
  return EXIT.ok;
}

/** Prints an outcome: successes on stdout, failures with their fix on stderr. */
export function report(o: Outcome): void {
  const head = `${o.dataset}/${o.file}: `;
  if (o.status === "ok") {
    console.log(head + o.message);
  } else {
    console.error(`${head}${o.status === "mismatch" ? "FAILED" : "MISSING"}: ${o.message}` + (o.fix ? `\n  Fix: ${o.fix}` : ""));
  }
}
