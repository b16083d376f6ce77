/**
 * Exit codes of the `course` command. Scripts and CI can rely on them:
 *   0  everything asked for worked
 *   1  the work ran and found a failure (a failing cell, a bad checksum, a doctor problem)
 *   2  the command line was wrong (unknown option, missing argument)
 *   3  something the command needs is missing (not built, no kernel, no dataset)
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, missing: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the user can act on: what went wrong, and what to do about it. */
export class CourseError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
    readonly exitCode: ExitCode = EXIT.failed,
  ) {
    super(message);
    this.name = "CourseError";
  }
}

/** The command line itself is wrong. */
export class UsageError extends CourseError {
  constructor(message: string, fix?: string) {
    super(message, fix, EXIT.usage);
    this.name = "UsageError";
  }
}

export function formatError(command: string, error: unknown): string {
  if (error instanceof CourseError) {
    return `course ${command}: ${error.message}` + (error.fix ? `\nFix: ${error.fix}` : "");
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `course ${command}: unexpected error (please report it)\n${text}`;
}
