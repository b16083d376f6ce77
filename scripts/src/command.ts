/** One subcommand of `course`: a one-line summary, its help text and its action. */
export interface Command {
  name: string;
  summary: string;
  help: string;
  /** Runs the command; resolves to the process exit code (see errors.ts). */
  run(argv: string[]): Promise<number>;
}

export function wantsHelp(argv: string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}
