import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses a subcommand's arguments with node's own parser, turning its errors into
 * usage errors that point at `--help`.
 */
export function parseCommandArgs<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  { positionals = true }: { positionals?: boolean } = {},
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: positionals, strict: true });
  } catch (error) {
    throw new UsageError(parseProblem(error), `see \`course ${command} --help\`.`);
  }
}

/**
 * node's parser words its errors in its own style ("Option '-j, --jobs <value>' argument
 * missing"); the commands' own checks say `--jobs needs a value.` Every wrong command
 * line reads the same way whichever of the two caught it: lower case, the option or
 * argument in double quotes or as typed, a full stop.
 */
export function parseProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? "";
  // "-j, --jobs <value>" or "--out <value>" or "--flag": the long name is what the help lists.
  const option =
    quoted
      .replace(/ <value>$/, "")
      .split(", ")
      .pop() ?? quoted;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option "${option}".`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") return `unexpected argument "${quoted}"; this command takes options only.`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (/argument missing/.test(message)) return `${option} needs a value.`;
    if (/does not take an argument/.test(message)) return `${option} takes no value.`;
  }
  // Anything newer node may say: its own words, in our form.
  const text = message.replace(/\. To specify a positional.*$/s, "").replace(/\.$/, "");
  return `${text.charAt(0).toLowerCase()}${text.slice(1)}.`;
}

/** Reads a whole number option, rejecting anything else with a usage error. */
export function intOption(command: string, name: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} must be a whole number of at least ${min}, got "${value}".`, `see \`course ${command} --help\`.`);
  }
  return n;
}

/** Reads a duration option in seconds (decimals allowed), returned in milliseconds. */
export function secondsOption(command: string, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const s = Number(value);
  if (!Number.isFinite(s) || s <= 0) {
    throw new UsageError(`--${name} must be a positive number of seconds, got "${value}".`, `see \`course ${command} --help\`.`);
  }
  return Math.round(s * 1000);
}
