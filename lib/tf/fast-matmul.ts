/**
 * BatchMatMul on the library's WebAssembly SIMD kernels (lib/core): the products of a
 * Dense layer's backward pass, dW = xᵀ·dz and dx = dz·Wᵀ, have transposeA or
 * transposeB set, which the wasm backend computes with a plain loop on one thread; the
 * core reads a transposed operand in place and shares large products with a helper
 * thread. Also the forward products of Dense layers while tfjs records gradients (it
 * fuses bias and activation into the product only when it is not recording).
 */
import { gemm, type GemmVariant } from "../core/kernels";
import { ACCESS, floatView, type CallCount, type KernelFunc, type TensorInfo } from "./kernel-access";

/** One product op(a)·op(b) of m×k by k×n, as the core's gemm takes it. */
export interface SingleProduct {
  variant: GemmVariant;
  m: number;
  n: number;
  k: number;
  /** The output's shape: [m, n], or [1, m, n] for 3-D operands with a batch of one. */
  outShape: number[];
}

/**
 * The product as one gemm call, or undefined where the core has no kernel for it:
 * batched 3-D products (a batch of one is fine: the gradients of tfjs's fused product
 * come that way), both operands transposed, other dtypes, and inner sizes that do not
 * match (the stock kernel words that error the way tfjs users know it).
 */
export function singleProduct(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): SingleProduct | undefined {
  const rank = a.shape.length;
  const single = rank === b.shape.length && (rank === 2 || (rank === 3 && a.shape[0] === 1 && b.shape[0] === 1));
  if (!single || a.dtype !== "float32" || b.dtype !== "float32" || (transposeA && transposeB)) return undefined;
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const m = transposeA ? ac : ar;
  const k = transposeA ? ar : ac;
  const kb = transposeB ? bc : br;
  const n = transposeB ? br : bc;
  if (k !== kb) return undefined;
  const variant: GemmVariant = transposeA ? "tn" : transposeB ? "nt" : "nn";
  return { variant, m, n, k, outShape: rank === 2 ? [m, n] : [1, m, n] };
}

export function fastBatchMatMul(backendName: string, original: KernelFunc, count: CallCount): KernelFunc {
  const access = ACCESS[backendName]!;
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const product = singleProduct(a, b, args.attrs.transposeA === true, args.attrs.transposeB === true);
    if (!product) {
      count.fallback++;
      return original(args);
    }
    count.fast++;
    const { variant, m, n, k, outShape } = product;
    const out = access.output(args.backend, outShape, "float32");
    // Views are taken after the output is allocated: allocating may grow (and so move) the wasm heap.
    const backend = args.backend;
    gemm(variant, floatView(access, backend, a), floatView(access, backend, b), floatView(access, backend, out), m, n, k);
    return out;
  };
}
