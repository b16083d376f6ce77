/**
 * The library's link to the notebook it runs in: rich output through the kernel's
 * display API (display.ts), falling back to plain text outside a notebook, and shorter
 * error traces inside one (stack-traces.ts).
 */
export * from "./display";
export { isKernelFrame, installNotebookStackTraces } from "./stack-traces";
