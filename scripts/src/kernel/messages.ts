/** The message shapes live with the course's kernel, which sends them (lib/kernel/messages.ts). */
export * from "nncourse/dist/kernel/messages";
