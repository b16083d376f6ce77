import type { Command } from "../command";
import { CourseError } from "../errors";

export const runCommand: Command = {
  name: "run",
  summary: "(being written)",
  help: "usage: course run",
  async run() {
    throw new CourseError("not written yet");
  },
};
