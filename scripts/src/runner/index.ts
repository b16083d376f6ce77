/** Executing notebooks headless in tslab kernels, with time and output limits. */
export * from "./error-text";
export * from "./outputs";
export * from "./pool";
export * from "./report";
export * from "./run-file";
export * from "./run-notebook";
