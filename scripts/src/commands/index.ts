import type { Command } from "../command";
import { setupCommand } from "./setup";
import { doctorCommand } from "./doctor";
import { dataCommand } from "./data";
import { runCommand } from "./run";
import { startCommand } from "./start";
import { buildCommand } from "./build";
import { checkCommand } from "./check";
import { gradeCommand } from "./grade";
import { gradebookCommand } from "./gradebook";
import { feedbackCommand } from "./feedback";
import { reviewCommand } from "./review";
import { exportCommand } from "./export";
import { tfCommand } from "./tf";
import { hubCommand } from "./hub";
import { collectCommand } from "./collect";

/** Every subcommand of `course`, in the order `course --help` lists them. */
export const commands: Command[] = [
  startCommand,
  setupCommand,
  doctorCommand,
  dataCommand,
  runCommand,
  buildCommand,
  checkCommand,
  gradeCommand,
  gradebookCommand,
  reviewCommand,
  feedbackCommand,
  exportCommand,
  tfCommand,
  hubCommand,
  collectCommand,
];
