/**
 * Figures and tables for notebooks: plotly charts (figure.ts, charts.ts), a drawing of a
 * network (network-diagram.ts), a decision boundary animated over training
 * (boundary-animation.ts), tables (table.ts, trace-table.ts), the live training
 * display (live-training.ts) and the HTML escaping they share (html.ts). How they reach
 * the notebook is ../notebook's job.
 */
export * from "./html";
export * from "./table";
export * from "./figure";
export * from "./charts";
export * from "./boundary-animation";
export * from "./network-diagram";
export * from "./trace-table";
export * from "./live-training";
