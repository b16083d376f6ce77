/**
 * Two elementwise steps of training, run on small WebAssembly SIMD kernels with exactly
 * the numbers of the plain JavaScript loops they stand for:
 *
 *   SGD's step           θ ← θ − η g          for (i …) θ[i] -= η * g[i]
 *   ReLU's backward      δ = dC/dA ⊙ [z > 0]  for (i …) δ[i] = g[i] * (z[i] > 0 ? 1 : 0)
 *
 * Why not the loops: they touch every weight and every hidden unit of the batch, and on
 * this kind of data a JavaScript loop costs a few nanoseconds per entry, which adds up
 * to a large share of a training step once the matrix products run on SIMD kernels.
 * Why not the core's kernels: their results differ in the last bits. addScaledInPlace
 * computes a float32 θ in float32 (η and each product rounded to float32), while the
 * loop computes in float64 and rounds once when it stores; keepWherePositive(g, z) writes
 * +0 where z ≤ 0, while g · 0 is −0 for a negative g and NaN for an infinite one.
 * Training must give the same weights as the loops, seed for seed, so these kernels do
 * what the loops do. Where WebAssembly SIMD is missing the loops themselves run.
 */
import type { Matrix, MatrixData } from "../core/matrix";
import { webAssembly, type WasmMemory } from "../core/wasm/webassembly-api";

/** θ ← θ − η g, entry by entry, in place (θ and g of the same shape; dtypes may differ). */
export function subtractScaledInPlace(theta: Matrix, g: Matrix, eta: number): void {
  const t = theta.data;
  const x = g.data;
  let done = 0;
  if (t.length >= MIN_ELEMENTS && sameType(t, x)) done = kernels()?.sgd(t, x, eta) ?? 0;
  for (let i = done; i < t.length; i++) t[i] -= eta * x[i];
}

/** out = dA ⊙ [Z > 0] (ReLU's backward pass: dC/dZ from dC/dA), entry by entry. */
export function reluBackwardInto(Z: Matrix, dA: Matrix, out: Matrix): void {
  const z = Z.data;
  const g = dA.data;
  const d = out.data;
  let done = 0;
  if (z.length >= MIN_ELEMENTS && sameType(z, g) && sameType(z, d)) done = kernels()?.reluBackward(z, g, d) ?? 0;
  for (let i = done; i < z.length; i++) d[i] = g[i] * +(z[i] > 0);
}

/** Below this many entries a loop is as fast as copying into the kernels' memory. */
const MIN_ELEMENTS = 256;

function sameType(a: MatrixData, b: MatrixData): boolean {
  return a instanceof Float32Array ? b instanceof Float32Array : b instanceof Float64Array;
}

/**
 * The module, in WebAssembly text format. Each function walks `count` 16-byte vectors
 * (4 float32 or 2 float64 entries; sgd_f32 takes 2 float32 entries, widened, at a time):
 *
 *   (func $sgd_f32 (param $pt i32) (param $pg i32) (param $count i32) (param $eta f64)
 *     (local $veta v128)
 *     (local.set $veta (f64x2.splat (local.get $eta)))
 *     (block (br_if 0 (i32.eqz (local.get $count)))
 *       (loop
 *         (v128.store64_lane 0 (local.get $pt)            ;; store the 2 float32 results
 *           (f32x4.demote_f64x2_zero                      ;; round once, to nearest
 *             (f64x2.sub
 *               (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $pt)))
 *               (f64x2.mul (local.get $veta)
 *                          (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $pg)))))))
 *         (local.set $pt (i32.add (local.get $pt) (i32.const 8)))
 *         (local.set $pg (i32.add (local.get $pg) (i32.const 8)))
 *         (br_if 0 (local.tee $count (i32.sub (local.get $count) (i32.const 1)))))))
 *
 *   $sgd_f64: the same on float64 pairs: v128.load / v128.store, no widening, steps of 16.
 *
 *   (func $relu_backward_f32 (param $pz i32) (param $pg i32) (param $pd i32) (param $count i32)
 *     (local $ones v128)
 *     (local.set $ones (f32x4.splat (f32.const 1)))
 *     (block (br_if 0 (i32.eqz (local.get $count)))
 *       (loop
 *         (v128.store (local.get $pd)
 *           (f32x4.mul (v128.load (local.get $pg))         ;; g · 1 or g · 0
 *             (v128.and (local.get $ones)                  ;; 1.0 where z > 0, else +0.0
 *               (f32x4.gt (v128.load (local.get $pz)) (v128.const i32x4 0 0 0 0)))))
 *         ;; $pz, $pg, $pd += 16, then count down as above
 *         …)))
 *
 *   $relu_backward_f64: the same with f64x2.
 */
function moduleBytes(): Uint8Array {
  const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
  const get = (i: number) => [0x20, i];
  const advance = (local: number, bytes: number) => [...get(local), 0x41, bytes, 0x6a, 0x21, local]; // local += bytes
  /** block; br_if count == 0; loop { body; count -= 1; br_if count } end end, then end the function. */
  const countedLoop = (count: number, body: number[]) => [
    ...[0x02, 0x40, ...get(count), 0x45, 0x0d, 0, 0x03, 0x40],
    ...body,
    ...[...get(count), 0x41, 1, 0x6b, 0x22, count, 0x0d, 0, 0x0b, 0x0b, 0x0b],
  ];
  /** A function body with one v128 local (local 4). */
  const withVectorLocal = (code: number[]) => {
    const bytes = [1, 1, 0x7b, ...code];
    return [...uleb(bytes.length), ...bytes];
  };
  const sgd = (wide: boolean) => {
    const load = wide ? simd(0x00, 4, 0) : [...simd(0x5d, 3, 0), ...simd(0x5f)]; // v128.load | load64_zero, promote
    const store = wide ? simd(0x0b, 4, 0) : [...simd(0x5e), ...simd(0x5b, 3, 0, 0)]; // v128.store | demote, store64_lane
    const step = wide ? 16 : 8;
    return withVectorLocal([
      ...[...get(3), ...simd(0x14), 0x21, 4], // veta = f64x2.splat(eta)
      ...countedLoop(2, [
        ...get(0),
        ...[...get(0), ...load],
        ...[...get(4), ...get(1), ...load, ...simd(0xf2)], // η·g
        ...simd(0xf1), // θ − η·g
        ...store,
        ...advance(0, step),
        ...advance(1, step),
      ]),
    ]);
  };
  const reluBackward = (f64: boolean) => {
    const one = f64 ? [0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, ...simd(0x14)] : [0x43, 0, 0, 0x80, 0x3f, ...simd(0x13)];
    const load = simd(0x00, 4, 0);
    return withVectorLocal([
      ...[...one, 0x21, 4], // ones = splat(1.0)
      ...countedLoop(3, [
        ...get(2),
        ...[...get(1), ...load],
        ...[...get(4), ...get(0), ...load, ...simd(0x0c, ...new Array<number>(16).fill(0)), ...simd(f64 ? 0x4a : 0x44), ...simd(0x4e)],
        ...simd(f64 ? 0xf2 : 0xe6), // g · (1 or 0)
        ...simd(0x0b, 4, 0),
        ...advance(0, 16),
        ...advance(1, 16),
        ...advance(2, 16),
      ]),
    ]);
  };
  const name = (s: string) => [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const section = (id: number, items: number[][]) => {
    const payload = [...uleb(items.length), ...items.flat()];
    return [id, ...uleb(payload.length), ...payload];
  };
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [
      [0x60, 4, 0x7f, 0x7f, 0x7f, 0x7c, 0], // type 0: (i32, i32, i32, f64) → ()
      [0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 0], // type 1: (i32, i32, i32, i32) → ()
    ]),
    ...section(3, [[0], [0], [1], [1]]),
    ...section(5, [[0x00, 1]]), // a memory of at least one page
    ...section(7, [
      [...name("memory"), 0x02, 0],
      [...name("sgd_f32"), 0x00, 0],
      [...name("sgd_f64"), 0x00, 1],
      [...name("relu_backward_f32"), 0x00, 2],
      [...name("relu_backward_f64"), 0x00, 3],
    ]),
    ...section(10, [sgd(false), sgd(true), reluBackward(false), reluBackward(true)]),
  ]);
}

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

type Kernel = (a: number, b: number, c: number, d: number) => void;

/** The instantiated module; its memory grows to the largest operands seen. */
class TrainingKernels {
  private readonly memory: WasmMemory;
  private readonly fn: Record<string, Kernel>;

  constructor(bytes: Uint8Array) {
    const api = webAssembly!;
    const { exports } = new api.Instance(new api.Module(bytes), {});
    this.memory = exports.memory as WasmMemory;
    this.fn = exports as Record<string, Kernel>;
  }

  /** θ −= η g over the whole pairs of t (x of the same type); returns how many entries were done. */
  sgd(t: MatrixData, x: MatrixData, eta: number): number {
    const n = t.length - (t.length % 2);
    const [pt, pg] = this.copyIn([t, x], n) ?? [];
    if (pt === undefined) return 0;
    this.fn[t instanceof Float32Array ? "sgd_f32" : "sgd_f64"](pt, pg, n / 2, eta);
    this.copyOut(pt, n, t);
    return n;
  }

  /** d = g ⊙ [z > 0] over the whole vectors (all three of one type); returns how many entries were done. */
  reluBackward(z: MatrixData, g: MatrixData, d: MatrixData): number {
    const lanes = z instanceof Float32Array ? 4 : 2;
    const n = z.length - (z.length % lanes);
    const [pz, pg] = this.copyIn([z, g], n) ?? [];
    if (pz === undefined) return 0;
    this.fn[lanes === 4 ? "relu_backward_f32" : "relu_backward_f64"](pz, pg, pg, n / lanes); // δ over g's copy
    this.copyOut(pg, n, d);
    return n;
  }

  /**
   * Copies the first n entries of each array into the memory, 16-byte aligned; returns
   * their addresses, or null when the memory cannot grow that large (the loops run then).
   */
  private copyIn(arrays: MatrixData[], n: number): number[] | null {
    const bytes = (n * arrays[0].BYTES_PER_ELEMENT + 15) & ~15;
    const need = bytes * arrays.length;
    const have = this.memory.buffer.byteLength;
    try {
      if (need > have) this.memory.grow(Math.ceil((need - have) / 65536));
    } catch {
      return null;
    }
    return arrays.map((a, i) => {
      const View = a instanceof Float32Array ? Float32Array : Float64Array;
      new View(this.memory.buffer, i * bytes, n).set(n === a.length ? a : a.subarray(0, n));
      return i * bytes;
    });
  }

  private copyOut(address: number, n: number, out: MatrixData): void {
    const View = out instanceof Float32Array ? Float32Array : Float64Array;
    out.set(new View(this.memory.buffer, address, n));
  }
}

let compiled: TrainingKernels | null | undefined;

/** The kernels, compiled on first use; null where WebAssembly SIMD is missing. */
function kernels(): TrainingKernels | null {
  if (compiled === undefined) {
    try {
      compiled = webAssembly ? new TrainingKernels(moduleBytes()) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}
