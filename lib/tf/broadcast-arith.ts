/**
 * Add and Multiply on the cpu backend, for the shapes that Dense training uses: equal
 * shapes, a single number against a tensor, and a row against a matrix.
 *
 * Why. On the cpu backend, with the products on the library's kernels, Add and
 * Multiply took over half of a training step of the course's Fashion-MNIST model. The
 * stock kernels work element by element through a function call, and where one operand
 * is broadcast (the bias added to every row, the learning rate times a gradient) they
 * compute every element's position in both operands from strides, allocating arrays
 * as they go. A plain loop per case does the same arithmetic: each result is a float32
 * sum or product of the same two float32 numbers, computed in double precision and
 * rounded to float32 as the stock kernel does, so the values are the same bit for bit.
 *
 * What it covers: float32 operands on the cpu backend, of equal shapes, or one of a
 * single element (and no higher rank than the other), or a matrix and a row of its
 * width ([n] or [1, n]). Everything else, and the wasm backend (whose kernels are
 * already SIMD loops), goes to the backend's own kernel.
 */
import { ACCESS, floatView, type CallCount, type KernelFunc, type TensorInfo } from "./kernel-access";

type Op = "add" | "mul";

function size(shape: number[]): number {
  return shape.reduce((x, y) => x * y, 1);
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** How the two operands line up, or undefined for any other broadcast. */
type Layout = { kind: "same" | "scalar" | "row"; big: TensorInfo; small: TensorInfo };

function layout(a: TensorInfo, b: TensorInfo): Layout | undefined {
  if (sameShape(a.shape, b.shape)) return { kind: "same", big: a, small: b };
  // Both ops commute exactly in IEEE arithmetic, so the broadcast operand may be either one.
  const [big, small] = size(a.shape) >= size(b.shape) ? [a, b] : [b, a];
  if (size(small.shape) === 1 && small.shape.length <= big.shape.length) return { kind: "scalar", big, small };
  const n = big.shape[1];
  const isRow = sameShape(small.shape, [n!]) || sameShape(small.shape, [1, n!]);
  if (big.shape.length === 2 && isRow) return { kind: "row", big, small };
  return undefined;
}

export function binaryArithmetic(op: Op) {
  return (backendName: string, original: KernelFunc, count: CallCount): KernelFunc => {
    const access = ACCESS[backendName]!;
    return (args) => {
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const lay = backendName === "cpu" && a.dtype === "float32" && b.dtype === "float32" ? layout(a, b) : undefined;
      if (!lay) {
        count.fallback++;
        return original(args);
      }
      count.fast++;
      const out = access.output(args.backend, lay.big.shape, "float32");
      const y = floatView(access, args.backend, out);
      const x = floatView(access, args.backend, lay.big);
      const s = floatView(access, args.backend, lay.small);
      const len = y.length;
      if (lay.kind === "same") {
        if (op === "add") for (let i = 0; i < len; i++) y[i] = x[i]! + s[i]!;
        else for (let i = 0; i < len; i++) y[i] = x[i]! * s[i]!;
      } else if (lay.kind === "scalar") {
        const c = s[0]!;
        if (op === "add") for (let i = 0; i < len; i++) y[i] = x[i]! + c;
        else for (let i = 0; i < len; i++) y[i] = x[i]! * c;
      } else {
        const n = s.length;
        for (let r = 0; r < len; r += n) {
          if (op === "add") for (let j = 0; j < n; j++) y[r + j] = x[r + j]! + s[j]!;
          else for (let j = 0; j < n; j++) y[r + j] = x[r + j]! * s[j]!;
        }
      }
      return out;
    };
  };
}
