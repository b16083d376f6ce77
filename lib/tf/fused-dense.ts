/**
 * _FusedMatMul on the library's kernels: a Dense layer's product, bias and activation in
 * one kernel call, y = act(op(a)·op(b) + bias).
 *
 * When tfjs uses it. tfjs-layers' Dense calls `tf.fused.matMul` with its bias and, for
 * relu, linear and elu, its activation. tfjs-core runs the fused kernel only where it
 * is not recording gradients or the activation is linear (`shouldFuse`): so in training
 * a relu layer's forward pass is BatchMatMul, Add and Relu (see fast-matmul.ts), while a
 * layer without a fusable activation (softmax) runs its product here; in `predict` and
 * `evaluate` (validation data in `fit` too) every relu and linear layer runs here. The
 * gradient stays tfjs's own (a customGrad that calls BatchMatMul for the two products).
 *
 * What it covers: single products as fast-matmul.ts defines them, activations linear and
 * relu, no bias or a float32 bias that broadcasts along the rows (shape [n], [1, n] or
 * [1, 1, n], which is how Dense passes it). Everything else (other activations, prelu
 * weights, leakyrelu, biases of other shapes) goes to the backend's own kernel.
 *
 * Unlike the stock wasm kernel of tfjs 4.22, it takes a bias of shape [1, n] and adds
 * the bias to the right entries of a product with a transposed operand (the stock one
 * adds it to the wrong ones there; Dense layers never ask for that).
 */
import { addRowKernel, gemm, maximumScalar } from "../core/kernels";
import { singleProduct } from "./fast-matmul";
import { ACCESS, floatView, type CallCount, type KernelFunc, type TensorInfo } from "./kernel-access";

/** Activations computed here; tfjs's others go to the stock kernel. */
const COVERED_ACTIVATIONS = new Set(["linear", "relu"]);

/** Whether the bias is one value per output column, repeated down the rows. */
function isRowBias(bias: TensorInfo, n: number, outRank: number): boolean {
  const shape = bias.shape;
  if (bias.dtype !== "float32" || shape.length === 0 || shape.length > outRank) return false;
  return shape[shape.length - 1] === n && shape.slice(0, -1).every((d) => d === 1);
}

export function fusedDenseKernel(backendName: string, original: KernelFunc, count: CallCount): KernelFunc {
  const access = ACCESS[backendName]!;
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const activation = args.attrs.activation;
    const product = a && b ? singleProduct(a, b, args.attrs.transposeA === true, args.attrs.transposeB === true) : undefined;
    const covered =
      product !== undefined &&
      typeof activation === "string" &&
      COVERED_ACTIVATIONS.has(activation) &&
      preluActivationWeights == null &&
      (bias == null || isRowBias(bias, product.n, product.outShape.length));
    if (!covered) {
      count.fallback++;
      return original(args);
    }
    count.fast++;
    const { variant, m, n, k, outShape } = product;
    const backend = args.backend;
    const out = access.output(backend, outShape, "float32");
    // Views are taken after the output is allocated: allocating may grow (and so move) the wasm heap.
    const y = floatView(access, backend, out);
    gemm(variant, floatView(access, backend, a!), floatView(access, backend, b!), y, m, n, k);
    // The same order as tfjs's unfused ops: product, then bias, then activation.
    if (bias != null) addRowKernel(y, floatView(access, backend, bias), y, m, n);
    if (activation === "relu") maximumScalar(y, 0, y);
    return out;
  };
}
