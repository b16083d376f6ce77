/** The Jupyter wire format lives with the course's kernel, which speaks it too (lib/kernel/wire.ts). */
export * from "nncourse/dist/kernel/wire";
