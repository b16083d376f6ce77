/**
 * What the library's tfjs kernels (fast-kernels.ts) need from TensorFlow.js: the shape
 * of a kernel call, a way to read and make a backend's tensors, and a way to swap the
 * function of a registered kernel and put the old one back.
 *
 * Everything goes through tfjs's public kernel registry (getKernel, unregisterKernel,
 * registerKernel): tfjs itself is never patched, and the backends' own kernels stay
 * available as the fallback for every case the library's kernels do not cover.
 */

export type Tf = typeof import("@tensorflow/tfjs");

/** A tensor as a kernel sees it (tfjs's TensorInfo). */
export interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}

export interface KernelArgs {
  inputs: Record<string, TensorInfo | undefined>;
  backend: unknown;
  attrs: Record<string, unknown>;
}

export type KernelFunc = (args: KernelArgs) => TensorInfo;

/** The data types the library's kernels read and write; others go to the stock kernels. */
export type CoveredDType = "float32" | "int32";
type TypedData = Float32Array | Int32Array;

/** How a backend's tensors are read and made, for the two backends covered. */
export interface BackendAccess {
  /** The tensor's values, in place (writing to the view writes the tensor). */
  view(backend: unknown, t: TensorInfo): TypedData;
  /** A new tensor of the shape, its values not yet set. */
  output(backend: unknown, shape: number[], dtype: CoveredDType): TensorInfo;
}

function size(shape: number[]): number {
  return shape.reduce((x, y) => x * y, 1);
}

export const ACCESS: Record<string, BackendAccess> = {
  wasm: {
    // The wasm backend keeps tensors in its WebAssembly heap: a view, no copy.
    view: (backend, t) => (backend as { typedArrayFromHeap(t: TensorInfo): TypedData }).typedArrayFromHeap(t),
    output: (backend, shape, dtype) => (backend as { makeOutput(shape: number[], dtype: string): TensorInfo }).makeOutput(shape, dtype),
  },
  cpu: {
    view: (backend, t) => (backend as { data: { get(id: object): { values: TypedData } } }).data.get(t.dataId).values,
    output: (backend, shape, dtype) => {
      const values = dtype === "int32" ? new Int32Array(size(shape)) : new Float32Array(size(shape));
      return (backend as { makeTensorInfo(shape: number[], dtype: string, values: TypedData): TensorInfo }).makeTensorInfo(
        shape,
        dtype,
        values,
      );
    },
  },
};

/** The backends the library's kernels are written for. */
export const COVERED_BACKENDS = Object.keys(ACCESS);

/** A float32 view; callers check the dtype first. */
export function floatView(access: BackendAccess, backend: unknown, t: TensorInfo): Float32Array {
  return access.view(backend, t) as Float32Array;
}

interface KernelConfig {
  kernelFunc: unknown;
  setupFunc?: unknown;
  disposeFunc?: unknown;
}

/**
 * Swaps the function of a backend's kernel, keeping its setup and dispose functions
 * (the wasm backend's setup binds the WebAssembly function that the stock kernel, and
 * so the fallback, calls). Returns the function it replaced, or undefined when the
 * backend has no such kernel registered (then nothing changes).
 */
export function swapKernel(
  tf: Tf,
  kernelName: string,
  backendName: string,
  make: (previous: KernelFunc) => KernelFunc,
): KernelFunc | undefined {
  let config: KernelConfig | undefined;
  try {
    config = tf.getKernel(kernelName, backendName) as unknown as KernelConfig | undefined;
  } catch {
    config = undefined;
  }
  if (!config) return undefined;
  const previous = config.kernelFunc as KernelFunc;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    kernelName,
    backendName,
    setupFunc: config.setupFunc as never,
    disposeFunc: config.disposeFunc as never,
    kernelFunc: make(previous) as never,
  });
  return previous;
}

/** Counts of the calls a kernel took itself and handed to the stock kernel. */
export interface CallCount {
  fast: number;
  fallback: number;
}
