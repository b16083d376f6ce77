/**
 * Epilogues: the elementwise step that follows a matrix product in a training loop, run
 * on a block of the product's result right after a thread has computed that block.
 *
 * Why: between the products of a training step come the bias add, ReLU and ReLU's
 * backward pass. As separate operations each is one more pass over the whole matrix on
 * the calling thread alone, while the helper threads wait. As epilogues they run on the
 * block of C that the thread has just written (still in its cache), and they are shared
 * between the threads exactly as the product is (threads.ts).
 *
 * Each epilogue works on rows [i0, i1) × columns [j0, j1) of C (m×n, row-major), the
 * same block arguments as the product kernels, and computes what the separate kernels
 * of elementwise-module.ts compute, instruction for instruction:
 *   epi_bias_T(pc, m, n, i0, i1, j0, j1, prow, _)       C += row               (addrow)
 *   epi_bias_relu_T(pc, m, n, i0, i1, j0, j1, prow, pq)  C += row; Q = C > 0 ? C : 0   (addrow, keep)
 *   epi_step_T(pc, m, n, i0, i1, j0, j1, pm, _)         C = C · (M > 0 ? 1 : 0)   (step)
 * with row a 1×n row, Q and M m×n matrices (Q may be C itself: ReLU in place). Whole
 * vectors of each row first, then the leftover entries one at a time, each loaded into
 * all lanes and computed with the same vector instructions, so they round alike.
 */
import { Code, F32, F64, I32, V128, type FunctionDef, type ValType } from "./encoder";
import { Locals, countDown } from "./codegen";

export type EpilogueKind = "bias" | "bias_relu" | "step";

// Parameters, shared by all epilogues.
const PC = 0,
  N = 2,
  I0 = 3,
  I1 = 4,
  J0 = 5,
  J1 = 6,
  PP = 7,
  PQ = 8;

function epilogue(kind: EpilogueKind, t: ValType): FunctionDef {
  const es = t === F32 ? 4 : 8;
  const lanes = 16 / es;
  const c = new Code();
  const loc = new Locals(9);
  const i = loc.add(I32),
    ld = loc.add(I32),
    rc = loc.add(I32),
    rp = loc.add(I32),
    rq = loc.add(I32),
    left = loc.add(I32),
    vectors = loc.add(I32),
    tail = loc.add(I32),
    v = loc.add(V128),
    ones = loc.add(V128);

  /** One group of entries at rc (and rp, rq): a whole vector, or one entry in every lane. */
  const entries = (vector: boolean) => {
    const load = (ptr: number) => (vector ? c.localGet(ptr).v128Load() : c.localGet(ptr).vLoadSplat(t));
    const store = (ptr: number, value: () => void) => {
      c.localGet(ptr);
      value();
      if (vector) c.v128Store();
      else c.vExtractLane(t, 0).fStore(t);
    };
    if (kind === "bias") {
      store(rc, () => {
        load(rc);
        load(rp);
        c.vAdd(t);
      });
    } else if (kind === "bias_relu") {
      load(rc);
      load(rp);
      c.vAdd(t).localSet(v);
      store(rc, () => c.localGet(v));
      store(rq, () => c.localGet(v).localGet(v).v128Zero().vGt(t).v128And()); // v where v > 0, else +0
    } else {
      store(rc, () => {
        load(rc);
        c.localGet(ones);
        load(rp);
        c.v128Zero().vGt(t).v128And(); // 1 where m > 0, else +0
        c.vMul(t);
      });
    }
    const bytes = vector ? 16 : es;
    for (const p of [rc, rp, rq]) c.localGet(p).i32Const(bytes).i32Add().localSet(p);
  };

  c.fConst(t, 1).vSplat(t).localSet(ones);
  c.localGet(N).i32Const(es).i32Mul().localSet(ld);
  c.localGet(J1).localGet(J0).i32Sub().localTee(tail);
  c.i32Const(lanes === 4 ? 2 : 1)
    .i32ShrU()
    .localSet(vectors);
  c.localGet(tail).localGet(vectors).i32Const(lanes).i32Mul().i32Sub().localSet(tail);
  c.localGet(I0).localSet(i);
  c.block().loop();
  c.localGet(i).localGet(I1).i32GeS().brIf(1);
  // Row i from column j0: rc in C, rq in Q, rp in the row (bias) or in M (step).
  const rowStart = (base: number, wholeMatrix: boolean, into: number) => {
    c.localGet(base);
    if (wholeMatrix) c.localGet(i).localGet(ld).i32Mul().i32Add();
    c.localGet(J0).i32Const(es).i32Mul().i32Add().localSet(into);
  };
  rowStart(PC, true, rc);
  rowStart(PQ, true, rq);
  rowStart(PP, kind === "step", rp);
  countDown(c, left, vectors, () => entries(true));
  countDown(c, left, tail, () => entries(false));
  c.localGet(i).i32Const(1).i32Add().localSet(i);
  c.br(0).end().end();

  return { name: `epi_${kind}_${t === F32 ? "f32" : "f64"}`, params: new Array<ValType>(9).fill(I32), locals: loc.types, body: c };
}

export const epilogueKinds: readonly EpilogueKind[] = ["bias", "bias_relu", "step"];

export const epilogueNames = [
  "epi_bias_f32",
  "epi_bias_relu_f32",
  "epi_step_f32",
  "epi_bias_f64",
  "epi_bias_relu_f64",
  "epi_step_f64",
] as const;
export type EpilogueName = (typeof epilogueNames)[number];

/** The epilogues, in the order of epilogueNames. */
export function epilogueFunctions(): FunctionDef[] {
  const out: FunctionDef[] = [];
  for (const t of [F32, F64] as const) for (const kind of epilogueKinds) out.push(epilogue(kind, t));
  return out;
}

/** An epilogue's signature (see the header); `_m` is unused and kept for the shape of the call. */
export type EpilogueFn = (
  pc: number,
  _m: number,
  n: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  pp: number,
  pq: number,
) => void;
