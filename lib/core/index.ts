/**
 * The numeric core: `Matrix`, products (`matmul`, `matmulTransA`, `matmulTransB`) and
 * elementwise helpers, and linspace for evenly spaced numbers. See matrix.ts for the
 * conventions.
 */
export { Matrix, type DType, type MatrixData } from "./matrix";
export { matmul, matmulTransA, matmulTransB } from "./products";
export { matmulAddRow, matmulAddRowRelu, matmulTransBTimesStep } from "./fused";
export {
  add,
  sub,
  hadamard,
  scale,
  addRowVector,
  sumColumns,
  transpose,
  apply,
  addScaledInPlace,
  subtractScaledInPlace,
  argmaxRows,
  gatherRows,
  maximum,
  keepWherePositive,
  timesStep,
} from "./ops";
export { linspace } from "./linspace";
export { residentZeros, residentCopy } from "./resident";
export { checkLearningRate } from "./checks";
export { configureKernels, kernelInfo, kernelsReady, relaxedSimdAvailable, type KernelOptions, type KernelInfo } from "./kernels";
