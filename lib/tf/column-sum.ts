/**
 * Sum down the columns of a matrix (axis 0 of a 2-D float32 tensor) in one pass.
 *
 * Why. The gradient of a Dense layer's bias is its output gradient summed over the
 * batch: tfjs's gradient of the bias Add is Sum along axis 0 of a batch × units matrix.
 * The stock wasm kernel reduces only along the last axis, so it first transposes the
 * whole matrix into a new tensor and then sums its rows. The core's column sum adds
 * the rows in place, in the same order (row 0, then row 1, ...) for every column.
 *
 * What it covers: 2-D float32 tensors summed along axis 0 (or -2), with or without
 * keepDims. Everything else goes to the backend's own kernel.
 */
import { sumColumnsKernel } from "../core/kernels";
import { ACCESS, floatView, type CallCount, type KernelFunc, type TensorInfo } from "./kernel-access";

export function columnSum(backendName: string, original: KernelFunc, count: CallCount): KernelFunc {
  const access = ACCESS[backendName]!;
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const axis = args.attrs.axis;
    const axes = Array.isArray(axis) ? axis : [axis];
    if (x.dtype !== "float32" || x.shape.length !== 2 || axes.length !== 1 || (axes[0] !== 0 && axes[0] !== -2)) {
      count.fallback++;
      return original(args);
    }
    count.fast++;
    const [m, n] = x.shape as [number, number];
    const out = access.output(args.backend, args.attrs.keepDims === true ? [1, n] : [n], "float32");
    // Views are taken after the output is allocated: allocating may grow (and so move) the wasm heap.
    sumColumnsKernel(floatView(access, args.backend, x), floatView(access, args.backend, out), m, n);
    return out;
  };
}
