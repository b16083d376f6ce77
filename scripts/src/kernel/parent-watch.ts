/**
 * A tiny preload for the kernel process (`node --require parent-watch.js`): exit when the
 * process that started it is gone (killed with SIGKILL, say), so that a kernel never
 * lingers as an orphan. Its timer is unref'd, so it never keeps the kernel alive by
 * itself. Built into scripts/dist/kernel/parent-watch.js; kernel.ts hands the kernel a
 * copy of it.
 */
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(129);
}, 1000).unref();

// A module, not a script: its names stay its own when the project is type-checked as a whole.
export {};
