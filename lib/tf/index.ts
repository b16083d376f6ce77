/**
 * TensorFlow.js helpers: the backend ladder and faster Dense kernels, models saved as
 * files, callbacks (live display, best weights, checkpoints, run logs, TensorBoard), a
 * model summary, a tensor-leak guard, seeded training, a learning-rate finder,
 * randomized search with k-fold cross-validation, and the datasets as tensors. TensorFlow.js itself loads only when
 * one of them is used.
 */
export * from "./backend";
export * from "./tfjs";
export * from "./fast-kernels";
export * from "./file-io";
export * from "./callbacks";
export * from "./summary";
export * from "./leaks";
export * from "./seeded";
export * from "./seeded-multi";
export * from "./search";
export * from "./lr-finder";
export * from "./datasets";
