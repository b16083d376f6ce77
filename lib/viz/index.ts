/**
 * Figures and tables for notebooks: plotly charts (figure.ts, charts.ts), a drawing of a
 * network (network-diagram.ts), a decision boundary animated over training
 * (boundary-animation.ts), tables (table.ts, trace-table.ts) and the live training
 * display (live-training.ts).
 */
export * from "./display";
export * from "./table";
export * from "./figure";
export * from "./charts";
export * from "./boundary-animation";
export * from "./network-diagram";
export * from "./trace-table";
export * from "./live-training";
export { isKernelFrame, installNotebookStackTraces } from "./stack-traces";
