/**
 * The gradient descent step θ ← θ − η g on whole parameter matrices, fast, and with
 * exactly the numbers of the plain loop
 *
 *   for (let i = 0; i < θ.length; i++) θ[i] -= η * g[i];
 *
 * That loop runs in float64 (η is a float64 number, and JavaScript computes in float64)
 * and rounds once when it stores into a float32 θ. It touches every weight once per
 * batch, and on float32 matrices it costs about as much as the batch's matrix products.
 * The core's SIMD update (addScaledInPlace) is fast but computes a float32 θ in float32
 * (η and every product rounded to float32 too), which changes the trained weights. So
 * this file holds a small WebAssembly SIMD kernel that does what the loop does: widen two
 * float32 entries to float64, θ − η·g, round back to float32 (and the same without the
 * widening for float64 matrices). Where WebAssembly SIMD is missing, the loop itself runs.
 */
import type { Matrix, MatrixData } from "../core/matrix";
import { webAssembly, type WasmMemory } from "../core/wasm/webassembly-api";

/** θ ← θ − η g, entry by entry, in place; θ and g have the same shape (dtypes may differ). */
export function subtractScaledInPlace(theta: Matrix, g: Matrix, eta: number): void {
  const t = theta.data;
  const x = g.data;
  let done = 0;
  if (t.length >= MIN_ELEMENTS && sameType(t, x)) done = kernel()?.run(t, x, eta) ?? 0;
  for (let i = done; i < t.length; i++) t[i] -= eta * x[i];
}

/** Below this many entries the loop is as fast as copying into the kernel's memory. */
const MIN_ELEMENTS = 256;

function sameType(a: MatrixData, b: MatrixData): boolean {
  return a instanceof Float32Array ? b instanceof Float32Array : b instanceof Float64Array;
}

/**
 * The module, in WebAssembly text format; both functions walk `count` pairs of entries
 * at byte addresses pt (θ) and pg (g):
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
 * and $sgd_f64, the same on float64 pairs: v128.load / v128.store, no widening, steps of 16.
 */
function moduleBytes(): Uint8Array {
  const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
  const get = (i: number) => [0x20, i];
  const advance = (local: number, bytes: number) => [...get(local), 0x41, bytes, 0x6a, 0x21, local]; // local += bytes
  const body = (wide: boolean) => {
    const load = wide ? simd(0x00, 4, 0) : [...simd(0x5d, 3, 0), ...simd(0x5f)]; // v128.load | load64_zero + promote
    const store = wide ? simd(0x0b, 4, 0) : [...simd(0x5e), ...simd(0x5b, 3, 0, 0)]; // v128.store | demote + store64_lane
    const code = [
      ...[...get(3), ...simd(0x14), 0x21, 4], // veta = f64x2.splat(eta)
      ...[0x02, 0x40, ...get(2), 0x45, 0x0d, 0], // block; br_if count == 0
      ...[0x03, 0x40], // loop
      ...get(0),
      ...[...get(0), ...load],
      ...[...get(4), ...get(1), ...load, ...simd(0xf2)], // η·g
      ...simd(0xf1), // θ − η·g
      ...store,
      ...advance(0, wide ? 16 : 8),
      ...advance(1, wide ? 16 : 8),
      ...[...get(2), 0x41, 1, 0x6b, 0x22, 2, 0x0d, 0], // br_if (count -= 1)
      ...[0x0b, 0x0b, 0x0b], // end loop, end block, end function
    ];
    const withLocals = [1, 1, 0x7b, ...code]; // one local of type v128
    return [...uleb(withLocals.length), ...withLocals];
  };
  const name = (s: string) => [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const section = (id: number, items: number[][]) => {
    const payload = [...uleb(items.length), ...items.flat()];
    return [id, ...uleb(payload.length), ...payload];
  };
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [[0x60, 4, 0x7f, 0x7f, 0x7f, 0x7c, 0]]), // type 0: (i32, i32, i32, f64) → ()
    ...section(3, [[0], [0]]), // two functions of type 0
    ...section(5, [[0x00, 1]]), // a memory of at least one page
    ...section(7, [
      [...name("memory"), 0x02, 0],
      [...name("sgd_f32"), 0x00, 0],
      [...name("sgd_f64"), 0x00, 1],
    ]),
    ...section(10, [body(false), body(true)]),
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

type StepFunction = (pt: number, pg: number, count: number, eta: number) => void;

/** The instantiated kernel and its memory, which grows to the largest matrix seen. */
class SgdKernel {
  private readonly memory: WasmMemory;
  private readonly f32: StepFunction;
  private readonly f64: StepFunction;

  constructor(bytes: Uint8Array) {
    const api = webAssembly!;
    const instance = new api.Instance(new api.Module(bytes), {});
    this.memory = instance.exports.memory as WasmMemory;
    this.f32 = instance.exports.sgd_f32 as StepFunction;
    this.f64 = instance.exports.sgd_f64 as StepFunction;
  }

  /** Runs the kernel over the whole pairs of t and x (equal types); returns how many entries it did. */
  run(t: MatrixData, x: MatrixData, eta: number): number {
    const pairs = Math.floor(t.length / 2);
    const n = 2 * pairs;
    const bytes = n * t.BYTES_PER_ELEMENT;
    const pg = (bytes + 15) & ~15;
    const need = pg + bytes;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / 65536));
    const View = t instanceof Float32Array ? Float32Array : Float64Array;
    const theta = new View(this.memory.buffer, 0, n);
    theta.set(n === t.length ? t : t.subarray(0, n));
    new View(this.memory.buffer, pg, n).set(n === x.length ? x : x.subarray(0, n));
    (t instanceof Float32Array ? this.f32 : this.f64)(0, pg, pairs, eta);
    t.set(theta);
    return n;
  }
}

let compiled: SgdKernel | null | undefined;

/** The kernel, compiled on first use; null where WebAssembly SIMD is missing. */
function kernel(): SgdKernel | null {
  if (compiled === undefined) {
    try {
      compiled = webAssembly ? new SgdKernel(moduleBytes()) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}
