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
 *   axpy_T(pt, px, count, alpha)   t += alpha·x         (in T: alpha and each product rounded to T)
 *   sgd_T(pt, px, count, eta)      t −= eta·x           (in float64, rounded once to T on the store)
 *   max_T(px, py, count, s)        y = max(x, s)        (NaN stays NaN)
 *   keep_T(px, pm, py, count)      y = m > 0 ? x : 0
 *   step_T(px, pm, py, count)      y = x · (m > 0 ? 1 : 0)   (−0 for a negative x, NaN for an infinite one)
 * sgd and step give exactly the numbers of the JavaScript loops `t[i] -= eta * x[i]` and
 * `y[i] = x[i] * +(m[i] > 0)`, which compute in float64 whatever the array's type: the
 * from-scratch network trains with them so that its weights are those of the loops that
 * its code reads like, seed for seed. axpy and keep are the faster float32 versions.
 * and two with rows (m rows of n entries; `count` whole vectors per row):
 *   addrow_T(pa, prow, m, n, count)  a[i][·] += row[·] for every row i (bias add)
 *   sumcols_T(pa, pc, m, n, count)   c[·] = Σi a[i][·] (bias gradient), summed in row order
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
  const pt = 0,
    px = 1,
    count = 2,
    alpha = 3,
    va = 4;
  c.localGet(alpha).vSplat(t).localSet(va);
  vectorLoop(c, count, [pt, px], () => {
    c.localGet(pt);
    c.localGet(pt).v128Load().localGet(px).v128Load().localGet(va).vMul(t).vAdd(t);
    c.v128Store();
  });
  return { name: `axpy_${suffix(t)}`, params: [I32, I32, I32, t], locals: [V128], body: c };
}

/**
 * t −= eta·x as JavaScript computes it: in float64 (float32 entries widened exactly),
 * rounded once where the result is stored. float32: 4 entries per vector, widened two
 * at a time.
 */
function sgdStep(t: ValType): FunctionDef {
  const c = new Code();
  const pt = 0,
    px = 1,
    count = 2,
    eta = 3,
    veta = 4;
  c.localGet(eta).vSplat(F64).localSet(veta);
  vectorLoop(c, count, [pt, px], () => {
    if (t === F64) {
      c.localGet(pt);
      c.localGet(pt).v128Load().localGet(veta).localGet(px).v128Load().vMul(F64).vSub(F64);
      c.v128Store();
      return;
    }
    for (const half of [0, 8]) {
      c.localGet(pt);
      c.localGet(pt).v128Load64Zero(half).f64x2PromoteLowF32x4();
      c.localGet(veta).localGet(px).v128Load64Zero(half).f64x2PromoteLowF32x4().vMul(F64);
      c.vSub(F64).f32x4DemoteF64x2Zero().v128Store64Lane(half, 0);
    }
  });
  return { name: `sgd_${suffix(t)}`, params: [I32, I32, I32, F64], locals: [V128], body: c };
}

/** y = x · (m > 0 ? 1 : 0): the gradient times the unit step of m, multiplied as JavaScript does. */
function timesStep(t: ValType): FunctionDef {
  const c = new Code();
  const px = 0,
    pm = 1,
    py = 2,
    count = 3,
    ones = 4;
  c.fConst(t, 1).vSplat(t).localSet(ones);
  vectorLoop(c, count, [px, pm, py], () => {
    c.localGet(py);
    c.localGet(px).v128Load();
    c.localGet(ones).localGet(pm).v128Load().v128Zero().vGt(t).v128And(); // 1 where m > 0, else +0
    c.vMul(t).v128Store();
  });
  return { name: `step_${suffix(t)}`, params: [I32, I32, I32, I32], locals: [V128], body: c };
}

function maximum(t: ValType): FunctionDef {
  const c = new Code();
  const px = 0,
    py = 1,
    count = 2,
    s = 3,
    vs = 4;
  c.localGet(s).vSplat(t).localSet(vs);
  vectorLoop(c, count, [px, py], () => {
    c.localGet(py).localGet(px).v128Load().localGet(vs).vMax(t).v128Store();
  });
  return { name: `max_${suffix(t)}`, params: [I32, I32, I32, t], locals: [V128], body: c };
}

function keepWherePositive(t: ValType): FunctionDef {
  const c = new Code();
  const px = 0,
    pm = 1,
    py = 2,
    count = 3;
  vectorLoop(c, count, [px, pm, py], () => {
    c.localGet(py);
    c.localGet(px).v128Load();
    c.localGet(pm).v128Load().v128Zero().vGt(t);
    c.v128And().v128Store();
  });
  return { name: `keep_${suffix(t)}`, params: [I32, I32, I32, I32], locals: [], body: c };
}

function addRow(t: ValType): FunctionDef {
  const c = new Code();
  const pa = 0,
    prow = 1,
    m = 2,
    n = 3,
    count = 4;
  const i = 5,
    p = 6,
    pr = 7,
    v = 8,
    ld = 9;
  c.localGet(n)
    .i32Const(t === F32 ? 4 : 8)
    .i32Mul()
    .localSet(ld);
  c.localGet(m).localSet(i);
  c.block();
  c.localGet(i).i32Eqz().brIf(0);
  c.loop();
  c.localGet(pa).localSet(p);
  c.localGet(prow).localSet(pr);
  c.localGet(count).localSet(v);
  vectorLoop(c, v, [p, pr], () => {
    c.localGet(p).localGet(p).v128Load().localGet(pr).v128Load().vAdd(t).v128Store();
  });
  c.localGet(pa).localGet(ld).i32Add().localSet(pa);
  c.localGet(i).i32Const(1).i32Sub().localTee(i).brIf(0);
  c.end().end();
  return { name: `addrow_${suffix(t)}`, params: [I32, I32, I32, I32, I32], locals: [I32, I32, I32, I32, I32], body: c };
}

function sumColumns(t: ValType): FunctionDef {
  const c = new Code();
  const pa = 0,
    pc = 1,
    m = 2,
    n = 3,
    count = 4;
  const i = 5,
    p = 6,
    ld = 7,
    acc = 8;
  c.localGet(n)
    .i32Const(t === F32 ? 4 : 8)
    .i32Mul()
    .localSet(ld);
  vectorLoop(c, count, [pa, pc], () => {
    c.v128Zero().localSet(acc);
    c.localGet(pa).localSet(p);
    c.localGet(m).localSet(i);
    c.block();
    c.localGet(i).i32Eqz().brIf(0);
    c.loop();
    c.localGet(acc).localGet(p).v128Load().vAdd(t).localSet(acc);
    c.localGet(p).localGet(ld).i32Add().localSet(p);
    c.localGet(i).i32Const(1).i32Sub().localTee(i).brIf(0);
    c.end().end();
    c.localGet(pc).localGet(acc).v128Store();
  });
  return { name: `sumcols_${suffix(t)}`, params: [I32, I32, I32, I32, I32], locals: [I32, I32, I32, V128], body: c };
}

/**
 * The SGD updates over a range of entries, with the signature of the product kernels
 * (threads.ts shares them between threads the same way): entries [j0, j1) of t and x
 * (whole vectors), the scalar read from memory at `pscalar` (alpha as T for axpy, eta as
 * float64 for sgd), each a call of the kernel above on its range:
 *   axpy_range_T(pt, px, pscalar, _m, _n, _k, _i0, _i1, j0, j1)
 *   sgd_range_T(pt, px, pscalar, _m, _n, _k, _i0, _i1, j0, j1)
 * `indexOf` gives the module's number of axpy_T and sgd_T.
 */
export function rangeFunctions(indexOf: (name: string) => number): FunctionDef[] {
  const out: FunctionDef[] = [];
  for (const t of [F32, F64] as const) {
    for (const op of ["axpy", "sgd"] as const) {
      const es = t === F32 ? 4 : 8;
      const c = new Code();
      const [pt, px, pscalar, j0, j1] = [0, 1, 2, 8, 9];
      const offset = () => c.localGet(j0).i32Const(es).i32Mul().i32Add();
      c.localGet(pt);
      offset();
      c.localGet(px);
      offset();
      c.localGet(j1)
        .localGet(j0)
        .i32Sub()
        .i32Const(t === F32 ? 2 : 1)
        .i32ShrU(); // whole vectors
      c.localGet(pscalar).fLoad(op === "axpy" ? t : F64);
      c.call(indexOf(`${op}_${suffix(t)}`));
      out.push({ name: `${op}_range_${suffix(t)}`, params: new Array<ValType>(10).fill(I32), locals: [], body: c });
    }
  }
  return out;
}

/**
 * copy_bytes(dst, src, n): n bytes from src to dst with memory.copy (bulk memory). The
 * gather of a mini-batch's rows uses it: inside the shared memory it copies at memcpy's
 * speed, where a typed array's set() copies shared memory word by word.
 */
export function copyFunction(): FunctionDef {
  const c = new Code();
  c.localGet(0).localGet(1).localGet(2).memoryCopy();
  return { name: "copy_bytes", params: [I32, I32, I32], locals: [], body: c };
}

export const rangeNames = ["axpy_range_f32", "sgd_range_f32", "axpy_range_f64", "sgd_range_f64"] as const;
export type RangeName = (typeof rangeNames)[number];

export const elementwiseNames = [
  "axpy_f32",
  "sgd_f32",
  "max_f32",
  "keep_f32",
  "step_f32",
  "addrow_f32",
  "sumcols_f32",
  "axpy_f64",
  "sgd_f64",
  "max_f64",
  "keep_f64",
  "step_f64",
  "addrow_f64",
  "sumcols_f64",
] as const;
export type ElementwiseName = (typeof elementwiseNames)[number];

/** The elementwise kernels, in the order of elementwiseNames. */
export function elementwiseFunctions(): FunctionDef[] {
  return [
    axpy(F32),
    sgdStep(F32),
    maximum(F32),
    keepWherePositive(F32),
    timesStep(F32),
    addRow(F32),
    sumColumns(F32),
    axpy(F64),
    sgdStep(F64),
    maximum(F64),
    keepWherePositive(F64),
    timesStep(F64),
    addRow(F64),
    sumColumns(F64),
  ];
}
