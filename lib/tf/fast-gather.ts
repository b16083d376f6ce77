/**
 * GatherV2 along the first axis as row copies: how `model.fit` takes each mini-batch.
 *
 * Why. `fit` with `shuffle: true` (its default) slices every batch out of the training
 * tensors with `tf.gather(x, batchIndices)`, and `fitSeeded` does the same. The stock
 * kernels copy element by element, each element's source found from strides: for
 * Fashion-MNIST at batch 128 that took about 40% of `fit`'s time on wasm (2.3 ms for a
 * batch of 128 images), more than all the matrix products. Gathering whole rows is one
 * contiguous copy per row (TypedArray.set), the same values bit for bit.
 *
 * What it covers: axis 0 (or -rank; tfjs allows no batch dimensions before axis 0),
 * float32 or int32 values, int32 indices all in range. Everything else, including an index out of range (the stock
 * kernel says which one), goes to the backend's own kernel.
 */
import { ACCESS, type CallCount, type CoveredDType, type KernelFunc, type TensorInfo } from "./kernel-access";

/** Rows shorter than this are copied element by element: a subarray per row costs more than it saves. */
const SHORT_ROW = 16;

export function fastGather(backendName: string, original: KernelFunc, count: CallCount): KernelFunc {
  const access = ACCESS[backendName]!;
  return (args) => {
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const rank = x.shape.length;
    const axis = Number(args.attrs.axis ?? 0);
    const covered =
      rank >= 1 && (axis === 0 || axis === -rank) && (x.dtype === "float32" || x.dtype === "int32") && indices.dtype === "int32";
    const index = covered ? (access.view(args.backend, indices) as Int32Array) : undefined;
    const rows = x.shape[0]!;
    if (!index || !index.every((i) => i >= 0 && i < rows)) {
      count.fallback++;
      return original(args);
    }
    count.fast++;
    const rowSize = x.shape.slice(1).reduce((p, d) => p * d, 1);
    const out = access.output(args.backend, [...indices.shape, ...x.shape.slice(1)], x.dtype as CoveredDType);
    // Views are taken after the output is allocated: allocating may grow (and so move) the wasm heap.
    const from = access.view(args.backend, x);
    const to = access.view(args.backend, out);
    const at = access.view(args.backend, indices);
    if (rowSize < SHORT_ROW) {
      for (let r = 0; r < at.length; r++) {
        const src = at[r]! * rowSize;
        for (let j = 0; j < rowSize; j++) to[r * rowSize + j] = from[src + j]!;
      }
    } else {
      for (let r = 0; r < at.length; r++) to.set(from.subarray(at[r]! * rowSize, (at[r]! + 1) * rowSize), r * rowSize);
    }
    return out;
  };
}
