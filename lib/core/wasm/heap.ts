/**
 * Blocks of a growable WebAssembly memory, for matrices that live where the kernels
 * compute ("resident" matrices, see engine.ts): a product or an SGD step on them needs
 * no copy in or out.
 *
 * A first-fit free list with neighbours merged on free: the blocks a network asks for
 * are few and long-lived (its weights and the buffers of a training run), so nothing
 * cleverer pays. Blocks start on 64-byte boundaries (a cache line: no two matrices share
 * one, so two threads writing neighbouring matrices do not slow each other down).
 *
 * Only a shared memory can hold resident matrices: growing a shared memory keeps the
 * typed arrays over it valid (they keep seeing the old length, which covers their
 * block), while growing an ordinary one detaches them.
 *
 * Freeing is automatic: each block is registered with a FinalizationRegistry on the
 * typed array that views it, and returns to the free list once that array is garbage
 * collected. So a resident matrix is an ordinary Matrix to its users, with no dispose().
 */
import type { WasmMemory } from "./webassembly-api";

const PAGE = 65536;
const ALIGN = 64;

interface Span {
  offset: number;
  bytes: number;
}

export class Heap {
  /** Free spans, sorted by offset, none adjacent to another. */
  private readonly free: Span[] = [];
  private disposed = false;
  private readonly collected = new FinalizationRegistry<Span>((span) => this.release(span));

  /**
   * Manages the bytes from `start` to the end of `memory` (and what it grows by, up to
   * `maxPages`); the bytes below `start` are the caller's.
   */
  constructor(
    private readonly memory: WasmMemory,
    start: number,
    private readonly maxPages: number,
  ) {
    const first = align(start);
    const end = memory.buffer.byteLength;
    if (end > first) this.free.push({ offset: first, bytes: end - first });
  }

  /**
   * A block of at least `bytes` bytes (its offset), or -1 when the memory would have to
   * grow past `maxPages` (or past `limitPages`, when given) to hold it.
   */
  allocate(bytes: number, limitPages = this.maxPages): number {
    const size = Math.max(ALIGN, align(bytes));
    let index = this.free.findIndex((s) => s.bytes >= size);
    if (index < 0 && !this.grow(size, Math.min(limitPages, this.maxPages))) return -1;
    if (index < 0) index = this.free.findIndex((s) => s.bytes >= size);
    const span = this.free[index]!;
    const offset = span.offset;
    if (span.bytes === size) this.free.splice(index, 1);
    else {
      span.offset += size;
      span.bytes -= size;
    }
    return offset;
  }

  /** Returns a block from `allocate` (of the same size asked for). */
  release(span: Span): void {
    if (this.disposed) return;
    const size = Math.max(ALIGN, align(span.bytes));
    let i = 0;
    while (i < this.free.length && this.free[i]!.offset < span.offset) i++;
    this.free.splice(i, 0, { offset: span.offset, bytes: size });
    // Merge with the next span, then with the previous one.
    const next = this.free[i + 1];
    if (next && span.offset + size === next.offset) {
      this.free[i]!.bytes += next.bytes;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.offset + prev.bytes === span.offset) {
      prev.bytes += this.free[i]!.bytes;
      this.free.splice(i, 1);
    }
  }

  /** Frees the block behind `view` when `view` is garbage collected. */
  releaseWhenCollected(view: object, offset: number, bytes: number): void {
    this.collected.register(view, { offset, bytes });
  }

  /** Bytes free in the memory as it is now (for tests). */
  freeBytes(): number {
    return this.free.reduce((sum, s) => sum + s.bytes, 0);
  }

  /** Stops reusing blocks (the memory is being let go). */
  dispose(): void {
    this.disposed = true;
    this.free.length = 0;
  }

  /** Grows the memory so that its last free span holds `size` bytes; false past `limitPages`. */
  private grow(size: number, limitPages: number): boolean {
    const end = this.memory.buffer.byteLength;
    const last = this.free.at(-1);
    const tail = last && last.offset + last.bytes === end ? last.bytes : 0;
    const pages = Math.ceil((size - tail) / PAGE);
    if (end / PAGE + pages > limitPages) return false;
    this.memory.grow(pages);
    if (tail > 0) last!.bytes += pages * PAGE;
    else this.free.push({ offset: end, bytes: pages * PAGE });
    return true;
  }
}

function align(x: number): number {
  return Math.ceil(x / ALIGN) * ALIGN;
}
