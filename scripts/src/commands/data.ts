import type { Command } from "../command";
import { CourseError } from "../errors";

export const dataCommand: Command = {
  name: "data",
  summary: "(being written)",
  help: "usage: course data",
  async run() {
    throw new CourseError("not written yet");
  },
};
