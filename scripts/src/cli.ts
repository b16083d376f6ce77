import type { Command } from "./command";
import { wantsHelp } from "./command";
import { EXIT, formatError } from "./errors";
import { commands } from "./commands";

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "usage: course <command> [options]",
    "",
    "commands:",
    ...lines,
    "",
    "Run `course <command> --help` for a command's options.",
    "Exit codes: 0 ok, 1 something failed, 2 wrong command line, 3 something needed is missing.",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const target = name === "help" ? rest[0] : undefined;
    const command = target ? commands.find((c) => c.name === target) : undefined;
    console.log(command ? command.help : usage());
    return EXIT.ok;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    console.error(
      `course: unknown command "${name}".\nFix: use one of the commands below (\`course --help\` lists them too).\n\n${usage()}`,
    );
    return EXIT.usage;
  }
  if (wantsHelp(rest)) {
    console.log(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    console.error(formatError(command.name, error));
    return (error as { exitCode?: number }).exitCode ?? EXIT.failed;
  }
}
