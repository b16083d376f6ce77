/**
 * Neural networks from scratch: activations, losses, initializers, optimizers, a dense
 * network with hand-written backprop, gradient checking and worked-example traces.
 */
export * from "./activations";
export * from "./losses";
export * from "./initializers";
export * from "./optimizers";
export * from "./network";
export { toMatrix, type Inputs, type Targets } from "./network-inputs";
export { TrainingDivergedError } from "./divergence";
export * from "./history";
export * from "./gradient-check";
export * from "./traces";
export * from "./gradient-descent";
