import type { Command } from "../command";
import { CourseError } from "../errors";

export const startCommand: Command = {
  name: "start",
  summary: "(being written)",
  help: "usage: course start",
  async run() {
    throw new CourseError("not written yet");
  },
};
