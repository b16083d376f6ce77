export * from "./display";
export * from "./table";
