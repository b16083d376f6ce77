import type { Command } from "../command";
import { CourseError } from "../errors";

export const doctorCommand: Command = {
  name: "doctor",
  summary: "(being written)",
  help: "usage: course doctor",
  async run() {
    throw new CourseError("not written yet");
  },
};
