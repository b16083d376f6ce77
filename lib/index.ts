/**
 * nncourse: the library every course notebook imports.
 *
 *   import { Network, makeMoons, mcpAnd, truthTable } from "nncourse";
 *
 * Areas: core (the Matrix type and its products), neurons (McCulloch-Pitts, perceptron,
 * ADALINE, Hebb), nn (networks written from scratch: activations, losses, backprop,
 * optimizers, gradient checks, worked examples), metrics (scores and the linear
 * baselines), data (datasets, synthetic sets and preprocessing), viz (figures and
 * tables for notebooks).
 */
export * from "./core";
export * from "./neurons";
export * from "./nn";
export * from "./metrics";
export * from "./data";
export * from "./viz";
