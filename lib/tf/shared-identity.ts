/**
 * Identity on the wasm backend without a copy: the new tensor shares the input's data.
 *
 * Why. While tfjs records gradients, it keeps every tensor a kernel's gradient will
 * need by cloning it (the engine's saveTensorsForBackwardMode), and a clone is the
 * Identity kernel: about 40 calls in each training step of a three-layer Dense model,
 * among them the layers' weight matrices. The stock wasm kernel copies the data each
 * time; the cpu backend's shares it, as the wasm backend's own Reshape does: tfjs
 * never writes into a tensor's data once made (Variable.assign takes the new value's
 * data instead), so sharing is safe, and the backend's reference count frees the data
 * with the last tensor that uses it.
 *
 * What it covers: every dtype but string (whose data the wasm backend keeps outside
 * its heap), which goes to the stock kernel.
 */
import type { CallCount, KernelFunc, TensorInfo } from "./kernel-access";

interface RefCounted {
  incRef(dataId: object): void;
}

export function sharedIdentity(backendName: string, original: KernelFunc, count: CallCount): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (backendName !== "wasm" || x.dtype === "string") {
      count.fallback++;
      return original(args);
    }
    count.fast++;
    (args.backend as RefCounted).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
