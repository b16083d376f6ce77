/**
 * nncourse: the library every course notebook imports.
 *
 *   import { mcpAnd, truthTable } from "nncourse";
 *
 * Areas: neurons (McCulloch-Pitts, perceptron, ADALINE), nn (networks written from
 * scratch), data (datasets and preprocessing), viz (figures and tables for notebooks).
 */
export * from "./neurons";
export * from "./data";
export * from "./viz";
