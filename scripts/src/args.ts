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
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.replace(/\. To specify a positional.*$/s, "."), `see \`course ${command} --help\`.`);
  }
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
