/** The Jupyter kernel client: connection files, the wire format and a running tslab kernel. */
export * from "./connection";
export * from "./environment";
export * from "./kernel";
export * from "./locate";
export * from "./messages";
export * from "./reaper";
export * from "./wire";
