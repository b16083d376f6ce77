/**
 * nncourse: the library every course notebook imports.
 *
 *   import { Network, makeMoons, mcpAnd, showTruthTable } from "nncourse";
 *
 * Areas: core (the Matrix type and its products), neurons (McCulloch-Pitts, perceptron,
 * ADALINE, Hebb), nn (networks written from scratch: activations, losses, backprop,
 * optimizers, gradient checks, worked examples), metrics (scores and the linear
 * baselines), data (datasets, synthetic sets and preprocessing), tf (TensorFlow.js
 * helpers; TensorFlow.js itself loads only when first used), viz (figures and tables for
 * notebooks), notebook (the link to the notebook the library runs in: rich output, shorter
 * error traces).
 *
 * The grading checks are not re-exported here: importing them seals the kernel, so test
 * cells import "nncourse/grading" on purpose.
 */
export * from "./core";
export * from "./neurons";
export * from "./nn";
export * from "./metrics";
export * from "./data";
export * from "./tf";
export * from "./viz";
export * from "./notebook";

import { inTslabKernel, installNotebookStackTraces } from "./notebook/stack-traces";
if (inTslabKernel()) installNotebookStackTraces();
