import type { Command } from "../command";
import { CourseError } from "../errors";

export const setupCommand: Command = {
  name: "setup",
  summary: "(being written)",
  help: "usage: course setup",
  async run() {
    throw new CourseError("not written yet");
  },
};
