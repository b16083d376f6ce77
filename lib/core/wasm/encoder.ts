/**
 * A minimal WebAssembly binary encoder: just enough to write the matrix kernels of
 * gemm-module.ts as code instead of shipping a prebuilt .wasm file.
 *
 * Why generate the binary at run time? The project must need no native build step and
 * no assembler (wat2wasm) on the learner's machine; the kernels are a few hundred bytes
 * of regular, repetitive code (the same tile for float32 and float64, several tile
 * sizes), which a generator states more clearly than a hand-written binary. The format
 * reference is the WebAssembly core specification, "Binary Format" chapter, and the
 * fixed-width SIMD proposal (opcodes after the 0xFD prefix).
 *
 * `Code` collects the instructions of one function body, named after the text format
 * (`c.localGet(x)` is `local.get $x`); `encodeModule` assembles the sections.
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (32-bit values). */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function utf8(s: string): number[] {
  return [...Buffer.from(s, "utf8")];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

/** The instructions of one function body. Methods return `this` so they chain. */
export class Code {
  readonly bytes: number[] = [];

  private op(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }
  private simd(opcode: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(opcode), ...imm);
  }
  private memarg(alignLog2: number, offset: number): number[] {
    return [...uleb(alignLog2), ...uleb(offset)];
  }

  // control
  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  if(): this {
    return this.op(0x04, 0x40);
  }
  else(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  br(depth: number): this {
    return this.op(0x0c, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.op(0x0d, ...uleb(depth));
  }
  return(): this {
    return this.op(0x0f);
  }
  /** memory.copy (bulk memory): copies n bytes from src to dst, both taken from the stack (dst, src, n). */
  memoryCopy(): this {
    return this.op(0xfc, ...uleb(10), 0x00, 0x00);
  }
  /** Calls the module's function number `index` (its position in encodeModule's list). */
  call(index: number): this {
    return this.op(0x10, ...uleb(index));
  }

  // locals
  localGet(i: number): this {
    return this.op(0x20, ...uleb(i));
  }
  localSet(i: number): this {
    return this.op(0x21, ...uleb(i));
  }
  localTee(i: number): this {
    return this.op(0x22, ...uleb(i));
  }

  // i32
  i32Const(v: number): this {
    return this.op(0x41, ...sleb(v));
  }
  i32Eqz(): this {
    return this.op(0x45);
  }
  i32Ne(): this {
    return this.op(0x47);
  }
  i32LtS(): this {
    return this.op(0x48);
  }
  i32GtS(): this {
    return this.op(0x4a);
  }
  i32LeS(): this {
    return this.op(0x4c);
  }
  i32GeS(): this {
    return this.op(0x4e);
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32ShrU(): this {
    return this.op(0x76);
  }

  // scalar floats (t is F32 or F64)
  fLoad(t: ValType, offset = 0): this {
    return t === F32 ? this.op(0x2a, ...this.memarg(2, offset)) : this.op(0x2b, ...this.memarg(3, offset));
  }
  fStore(t: ValType, offset = 0): this {
    return t === F32 ? this.op(0x38, ...this.memarg(2, offset)) : this.op(0x39, ...this.memarg(3, offset));
  }
  fConst0(t: ValType): this {
    return this.fConst(t, 0);
  }
  fConst(t: ValType, value: number): this {
    const bytes = new Uint8Array(t === F32 ? 4 : 8);
    const view = new DataView(bytes.buffer);
    if (t === F32) view.setFloat32(0, value, true);
    else view.setFloat64(0, value, true);
    return this.op(t === F32 ? 0x43 : 0x44, ...bytes);
  }
  fAdd(t: ValType): this {
    return this.op(t === F32 ? 0x92 : 0xa0);
  }
  fMul(t: ValType): this {
    return this.op(t === F32 ? 0x94 : 0xa2);
  }

  // SIMD; lanes of t: F32 → f32x4, F64 → f64x2
  v128Load(offset = 0): this {
    return this.simd(0x00, ...this.memarg(4, offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, ...this.memarg(4, offset));
  }
  /** Loads one scalar of type t and repeats it in every lane. */
  vLoadSplat(t: ValType, offset = 0): this {
    return t === F32 ? this.simd(0x09, ...this.memarg(2, offset)) : this.simd(0x0a, ...this.memarg(3, offset));
  }
  /** Loads 8 bytes (two float32) into the low half, zeros in the high half. */
  v128Load64Zero(offset = 0): this {
    return this.simd(0x5d, ...this.memarg(3, offset));
  }
  /** Stores 8 bytes, the 64-bit lane `lane`. */
  v128Store64Lane(offset: number, lane: number): this {
    return this.simd(0x5b, ...this.memarg(3, offset), lane);
  }
  /** The two low float32 lanes, widened to float64 (exactly). */
  f64x2PromoteLowF32x4(): this {
    return this.simd(0x5f);
  }
  /** Two float64 lanes rounded to float32 (to nearest, as a typed array store does) in the low half. */
  f32x4DemoteF64x2Zero(): this {
    return this.simd(0x5e);
  }
  /** Picks 16 bytes by index from the two vectors on the stack (0-15: the first, 16-31: the second). */
  i8x16Shuffle(bytes: readonly number[]): this {
    return this.simd(0x0d, ...bytes);
  }
  v128Zero(): this {
    return this.simd(0x0c, ...new Array<number>(16).fill(0));
  }
  vSplat(t: ValType): this {
    return this.simd(t === F32 ? 0x13 : 0x14);
  }
  vExtractLane(t: ValType, lane: number): this {
    return this.simd(t === F32 ? 0x1f : 0x21, lane);
  }
  vAdd(t: ValType): this {
    return this.simd(t === F32 ? 0xe4 : 0xf0);
  }
  vSub(t: ValType): this {
    return this.simd(t === F32 ? 0xe5 : 0xf1);
  }
  vMax(t: ValType): this {
    return this.simd(t === F32 ? 0xe9 : 0xf5);
  }
  /** Lane-wise a > b, giving all-ones or all-zeros lanes. */
  vGt(t: ValType): this {
    return this.simd(t === F32 ? 0x44 : 0x4a);
  }
  v128And(): this {
    return this.simd(0x4e);
  }
  vMul(t: ValType): this {
    return this.simd(t === F32 ? 0xe6 : 0xf2);
  }
  /**
   * Relaxed SIMD's multiply-add, a·b + c from the stack (a, b, c): fused into one
   * rounding where the CPU has fused multiply-add (x64 with FMA3, every arm64), a
   * multiply and an add elsewhere. Needs WebAssembly's relaxed-SIMD extension (on by default from Node 22).
   */
  vRelaxedMadd(t: ValType): this {
    return this.simd(t === F32 ? 0x105 : 0x107);
  }
}

export interface FunctionDef {
  name: string;
  params: ValType[];
  /** Extra locals after the parameters, in order. */
  locals: ValType[];
  body: Code;
}

/**
 * A module that imports its memory as env.memory (shared when `shared`, so that worker
 * threads can run the same kernels on the same numbers) and exports `functions`, none of
 * which returns a value.
 */
export function encodeModule(functions: FunctionDef[], memory: { initialPages: number; maxPages: number; shared: boolean }): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0]);
  const memLimits = memory.shared
    ? [0x03, ...uleb(memory.initialPages), ...uleb(memory.maxPages)]
    : [0x01, ...uleb(memory.initialPages), ...uleb(memory.maxPages)];
  const name = (s: string) => [...uleb(utf8(s).length), ...utf8(s)];
  const importSection = [...uleb(1), ...name("env"), ...name("memory"), 0x02, ...memLimits];
  const funcSection = vec(functions.map((_, i) => uleb(i)));
  const exportSection = vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const bodies = functions.map((f) => {
    // run-length groups of equal local types
    const groups: number[][] = [];
    let k = 0;
    while (k < f.locals.length) {
      let n = 1;
      while (k + n < f.locals.length && f.locals[k + n] === f.locals[k]) n++;
      groups.push([...uleb(n), f.locals[k]!]);
      k += n;
    }
    const body = [...vec(groups), ...f.body.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, importSection),
    ...section(3, funcSection),
    ...section(7, exportSection),
    ...section(10, vec(bodies)),
  ]);
}
