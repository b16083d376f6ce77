export * from "./mcculloch-pitts";
