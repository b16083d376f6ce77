/**
 * What the kernel generators (gemm-module.ts, epilogue-module.ts, transpose-module.ts)
 * share: numbering a function's locals, and the two loops they all write.
 */
import type { Code, ValType } from "./encoder";

/** A function's locals, numbered after its parameters: `add(t)` declares one and returns its index. */
export class Locals {
  readonly types: ValType[] = [];
  constructor(private readonly paramCount: number) {}
  add(t: ValType): number {
    this.types.push(t);
    return this.paramCount + this.types.length - 1;
  }
}

/** Emits `while (v + step <= limit) { body(); v += step; }`. */
export function whileFits(c: Code, v: number, step: number, limit: number, body: () => void): void {
  c.block().loop();
  c.localGet(v).i32Const(step).i32Add().localGet(limit).i32GtS().brIf(1);
  body();
  c.localGet(v).i32Const(step).i32Add().localSet(v);
  c.br(0).end().end();
}

/** Emits `for (counter = count; counter > 0; counter--) body()` (the count is read from a local). */
export function countDown(c: Code, counter: number, count: number, body: () => void): void {
  c.localGet(count).localSet(counter);
  c.block();
  c.localGet(counter).i32Const(0).i32LeS().brIf(0);
  c.loop();
  body();
  c.localGet(counter).i32Const(1).i32Sub().localTee(counter).brIf(0);
  c.end().end();
}
