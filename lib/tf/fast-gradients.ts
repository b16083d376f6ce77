/**
 * The gradients of ReLU, clipping and softmax as one kernel call each, on the wasm and
 * cpu backends.
 *
 * Why. tfjs builds these gradients from general ops, and every op is a kernel call with
 * the engine's bookkeeping around it (scopes, tensor tracking, a tape node), which at the
 * course's batch sizes costs more than the arithmetic:
 * - ReLU's gradient is mul(dy, cast(step(x))): three calls;
 * - clipByValue's is where(logicalAnd(greaterEqual(x, min), lessEqual(x, max)), dy,
 *   zerosLike(dy)), and where clones each operand to broadcast it: eight calls and two
 *   scalar tensors. The cross-entropy losses clip the predictions, sparse categorical
 *   cross-entropy twice;
 * - softmax's is dy·y − sum(dy·y)·y: four calls.
 * In a training step of notebook 09's model that is 22 of about 170 kernel calls.
 *
 * The fix, through tfjs's public gradient registry (registerGradient): each of those
 * gradients becomes one call of a kernel of the library's own, and that kernel runs the
 * same arithmetic without the engine in between. ReLU's and softmax's call the
 * backend's own kernels (Step, Multiply, Sum, Sub) in the order tfjs's ops would, so
 * the numbers are the stock gradient's by construction; clipping's is a comparison
 * per entry, which has no rounding. Tests compare them with the stock gradients, bit
 * for bit (test/unit/tf-fast-gradients.test.ts).
 *
 * Two cases keep the stock gradient, which the override then calls: backends other
 * than wasm and cpu, and gradients that are themselves being differentiated (tf.grad of
 * a tf.grad), where the engine must record the ops the gradient is made of. The
 * library's kernels have no gradient of their own, so they never run while the engine
 * records.
 */
import { ACCESS, COVERED_BACKENDS, floatView, type KernelArgs, type KernelFunc, type TensorInfo, type Tf } from "./kernel-access";

type Tensor = import("@tensorflow/tfjs").Tensor;
type NamedGradientMap = Record<string, () => Tensor>;
type GradConfig = {
  kernelName: string;
  inputsToSave?: string[];
  outputsToSave?: boolean[];
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: Record<string, unknown>) => NamedGradientMap;
};

/** The gradients this module can replace, by the kernel they are the gradient of. */
export type FastGradientName = "Relu" | "ClipByValue" | "Softmax";
export const FAST_GRADIENT_NAMES: FastGradientName[] = ["Relu", "ClipByValue", "Softmax"];

/** How many gradients ran on the library's kernels, and how many on the stock gradient. */
export interface GradientCallCount {
  fast: number;
  stock: number;
}

const counts = Object.fromEntries(FAST_GRADIENT_NAMES.map((name) => [name, { fast: 0, stock: 0 }])) as Record<
  FastGradientName,
  GradientCallCount
>;

/** The stock gradients replaced: what restoreStockGradients puts back. */
const stockGradients = new Map<FastGradientName, GradConfig>();

interface DisposingBackend {
  disposeData(dataId: object): void;
}

/** Runs a backend's kernel directly, as backends do inside their own kernels: the one registered now, fast or stock. */
function runBackendKernel(tf: Tf, backendName: string, kernelName: string, args: KernelArgs): TensorInfo {
  const kernel = tf.getKernel(kernelName, backendName) as unknown as { kernelFunc: KernelFunc } | undefined;
  if (!kernel) throw new Error(`the ${backendName} backend has no ${kernelName} kernel`);
  return kernel.kernelFunc(args);
}

function disposeIntermediate(backend: unknown, t: TensorInfo): void {
  (backend as DisposingBackend).disposeData(t.dataId);
}

/** dx = dy · step(x): tfjs's Step (1 where x > 0, 0 elsewhere, NaN for NaN) and Multiply. */
function reluGradKernel(tf: Tf, backendName: string): KernelFunc {
  return ({ inputs, backend }) => {
    const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
    const step = runBackendKernel(tf, backendName, "Step", { inputs: { x }, backend, attrs: { alpha: 0 } });
    try {
      return runBackendKernel(tf, backendName, "Multiply", { inputs: { a: dy, b: step }, backend, attrs: {} });
    } finally {
      disposeIntermediate(backend, step);
    }
  };
}

/**
 * dx = dy where min ≤ x ≤ max, 0 elsewhere (NaN included). tfjs compares x with the
 * bounds as float32 scalars, so the bounds are rounded to float32 here too.
 */
function clipByValueGradKernel(_tf: Tf, backendName: string): KernelFunc {
  const access = ACCESS[backendName]!;
  return ({ inputs, backend, attrs }) => {
    const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
    const low = Math.fround(attrs.clipValueMin as number);
    const high = Math.fround(attrs.clipValueMax as number);
    const out = access.output(backend, x.shape, "float32");
    // Views are taken after the output is allocated: allocating may grow (and so move) the wasm heap.
    const o = floatView(access, backend, out);
    const d = floatView(access, backend, dy);
    const v = floatView(access, backend, x);
    for (let i = 0; i < o.length; i++) o[i] = v[i]! >= low && v[i]! <= high ? d[i]! : 0;
    return out;
  };
}

/** dx = dy·y − sum(dy·y along dim)·y, with tfjs's own kernels in the order of its ops. */
function softmaxGradKernel(tf: Tf, backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, y } = inputs as { dy: TensorInfo; y: TensorInfo };
    const dyTimesY = runBackendKernel(tf, backendName, "Multiply", { inputs: { a: dy, b: y }, backend, attrs: {} });
    const sums = runBackendKernel(tf, backendName, "Sum", {
      inputs: { x: dyTimesY },
      backend,
      attrs: { axis: [attrs.dim], keepDims: true },
    });
    const sumsTimesY = runBackendKernel(tf, backendName, "Multiply", { inputs: { a: sums, b: y }, backend, attrs: {} });
    try {
      return runBackendKernel(tf, backendName, "Sub", { inputs: { a: dyTimesY, b: sumsTimesY }, backend, attrs: {} });
    } finally {
      for (const t of [dyTimesY, sums, sumsTimesY]) disposeIntermediate(backend, t);
    }
  };
}

/**
 * Each gradient replaced: the library's kernel it runs (its name in tfjs's kernel
 * registry, and how it is made for a backend), the input it is the gradient for, and the
 * tensor tfjs saves for it (the kernel's input x, or softmax's output y).
 */
const GRADIENTS: Record<
  FastGradientName,
  { kernel: string; make: (tf: Tf, backendName: string) => KernelFunc; input: string; saved: string }
> = {
  Relu: { kernel: "NncourseReluGrad", make: reluGradKernel, input: "x", saved: "x" },
  ClipByValue: { kernel: "NncourseClipByValueGrad", make: clipByValueGradKernel, input: "x", saved: "x" },
  Softmax: { kernel: "NncourseSoftmaxGrad", make: softmaxGradKernel, input: "logits", saved: "y" },
};

/**
 * Whether the engine is recording the ops that run now, so that they can be
 * differentiated in turn: true while a gradient is computed inside another tf.grad.
 * The engine keeps this in its state (gradientDepth, kernelDepth), which has no public
 * accessor; if a later tfjs moves it, the answer is "recording", and the stock gradients
 * run.
 */
function engineIsRecording(tf: Tf): boolean {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: unknown; kernelDepth?: unknown } }).state;
  if (typeof state?.gradientDepth !== "number" || typeof state.kernelDepth !== "number") return true;
  return state.gradientDepth > 0 && state.kernelDepth === 0;
}

/** The gradient that replaces `stock`: the library's kernel where it can run, the stock gradient elsewhere. */
function fastGradient(tf: Tf, name: FastGradientName, stock: GradConfig): GradConfig {
  const { kernel: kernelName, input, saved: savedName } = GRADIENTS[name];
  return {
    ...stock,
    gradFunc: (dy, saved, attrs) => {
      const dyTensor = dy as Tensor;
      if (!COVERED_BACKENDS.includes(tf.getBackend()) || dyTensor.dtype !== "float32" || engineIsRecording(tf)) {
        counts[name].stock++;
        return stock.gradFunc(dy, saved, attrs);
      }
      return {
        [input]: () => {
          counts[name].fast++;
          return tf.engine().runKernel(kernelName, { dy: dyTensor, [savedName]: saved[0]! }, attrs as never) as Tensor;
        },
      };
    },
  };
}

/**
 * Registers the library's gradients for ReLU, clipByValue and softmax (the kernels they
 * run exist for the wasm and cpu backends; on others the stock gradient runs). Safe to
 * call again: the set in use is then exactly `names`. `restoreStockGradients` undoes it.
 */
export function useFastGradients(tf: Tf, names: readonly FastGradientName[] = FAST_GRADIENT_NAMES): void {
  for (const name of FAST_GRADIENT_NAMES) {
    const wanted = names.includes(name);
    const stock = stockGradients.get(name);
    if (wanted && !stock) {
      const current = tf.getGradient(name) as unknown as GradConfig | undefined;
      if (!current) continue;
      for (const backendName of COVERED_BACKENDS)
        registerKernelOnce(tf, GRADIENTS[name].kernel, backendName, GRADIENTS[name].make(tf, backendName));
      stockGradients.set(name, current);
      tf.registerGradient(fastGradient(tf, name, current) as never);
    } else if (!wanted && stock) {
      tf.registerGradient(stock as never);
      stockGradients.delete(name);
    }
  }
}

/** Puts tfjs's own gradients back. */
export function restoreStockGradients(tf: Tf): void {
  useFastGradients(tf, []);
}

/** Calls of each gradient since loading, on the library's kernel and on the stock gradient. */
export function fastGradientsReport(): Record<FastGradientName, GradientCallCount> {
  return Object.fromEntries(FAST_GRADIENT_NAMES.map((name) => [name, { ...counts[name] }])) as Record<FastGradientName, GradientCallCount>;
}

function registerKernelOnce(tf: Tf, kernelName: string, backendName: string, kernelFunc: KernelFunc): void {
  try {
    if (tf.getKernel(kernelName, backendName)) return;
  } catch {
    // getKernel throws in some tfjs versions for an unknown kernel: not registered yet.
  }
  tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as never });
}
