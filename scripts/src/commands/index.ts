import type { Command } from "../command";
import { setupCommand } from "./setup";
import { doctorCommand } from "./doctor";
import { dataCommand } from "./data";
import { runCommand } from "./run";
import { startCommand } from "./start";
import { buildCommand } from "./build";

/** Every subcommand of `course`, in the order `course --help` lists them. */
export const commands: Command[] = [startCommand, setupCommand, doctorCommand, dataCommand, runCommand, buildCommand];
