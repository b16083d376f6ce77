export * from "./mcculloch-pitts";
export * from "./perceptron";
export * from "./adaline";
export * from "./hebb";
