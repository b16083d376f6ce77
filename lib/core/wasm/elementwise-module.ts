/**
 * WebAssembly SIMD kernels for the elementwise operations that dominate a training step
 * once the products are fast: the SGD update (axpy), ReLU (maximum with 0) and its
 * backward pass (keep the gradient where the activation is positive).
 *
 * Why bother, when they are one-line loops? In JavaScript each Float32Array element goes
 * through a float64 round trip, and ReLU's `if (v < 0)` branch mispredicts on half of
 * random data: about 1 ns per element for axpy and 4 ns for ReLU on x64, against a few
 * hundredths of a nanosecond with 4 lanes per instruction and no branches. Copying the
 * operands into the module's memory (memcpy) and back costs less than the difference.
 *
 * Each kernel handles `count` whole vectors (count·L elements, L = 4 for f32, 2 for
 * f64); the caller does the few leftover elements in JavaScript. Signatures:
 *   axpy_T(pt, px, count, alpha)   t += alpha·x
 *   max_T(px, py, count, s)        y = max(x, s)        (NaN stays NaN)
 *   keep_T(px, pm, py, count)      y = m > 0 ? x : 0
 */
import { Code, F32, F64, I32, V128, type FunctionDef, type ValType } from "./encoder";

function suffix(t: ValType): string {
  return t === F32 ? "f32" : "f64";
}

/** Emits `while (count > 0) { body(); pointers += 16; count--; }`. */
function vectorLoop(c: Code, count: number, pointers: number[], body: () => void): void {
  c.block();
  c.localGet(count).i32Eqz().brIf(0);
  c.loop();
  body();
  for (const p of pointers) c.localGet(p).i32Const(16).i32Add().localSet(p);
  c.localGet(count).i32Const(1).i32Sub().localTee(count).brIf(0);
  c.end().end();
}

function axpy(t: ValType): FunctionDef {
  const c = new Code();
  const pt = 0, px = 1, count = 2, alpha = 3, va = 4;
  c.localGet(alpha).vSplat(t).localSet(va);
  vectorLoop(c, count, [pt, px], () => {
    c.localGet(pt);
    c.localGet(pt).v128Load().localGet(px).v128Load().localGet(va).vMul(t).vAdd(t);
    c.v128Store();
  });
  return { name: `axpy_${suffix(t)}`, params: [I32, I32, I32, t], locals: [V128], body: c };
}

function maximum(t: ValType): FunctionDef {
  const c = new Code();
  const px = 0, py = 1, count = 2, s = 3, vs = 4;
  c.localGet(s).vSplat(t).localSet(vs);
  vectorLoop(c, count, [px, py], () => {
    c.localGet(py).localGet(px).v128Load().localGet(vs).vMax(t).v128Store();
  });
  return { name: `max_${suffix(t)}`, params: [I32, I32, I32, t], locals: [V128], body: c };
}

function keepWherePositive(t: ValType): FunctionDef {
  const c = new Code();
  const px = 0, pm = 1, py = 2, count = 3;
  vectorLoop(c, count, [px, pm, py], () => {
    c.localGet(py);
    c.localGet(px).v128Load();
    c.localGet(pm).v128Load().v128Zero().vGt(t);
    c.v128And().v128Store();
  });
  return { name: `keep_${suffix(t)}`, params: [I32, I32, I32, I32], locals: [], body: c };
}

export const elementwiseNames = ["axpy_f32", "max_f32", "keep_f32", "axpy_f64", "max_f64", "keep_f64"] as const;
export type ElementwiseName = (typeof elementwiseNames)[number];

/** The elementwise kernels, in the order of elementwiseNames. */
export function elementwiseFunctions(): FunctionDef[] {
  return [axpy(F32), maximum(F32), keepWherePositive(F32), axpy(F64), maximum(F64), keepWherePositive(F64)];
}
