/**
 * Plain JavaScript matrix-product kernels over typed arrays: used for tiny products
 * (where calling into WebAssembly costs more than it saves), as the fallback when
 * WebAssembly SIMD is unavailable, and as a second implementation for the tests.
 *
 * All three compute C = op(A)·op(B) into `c` (overwritten), with row-major storage:
 *   gemmNN: A is m×k, B is k×n            C[i][j] = Σp A[i][p]·B[p][j]
 *   gemmTN: A is k×m (used transposed)     C[i][j] = Σp A[p][i]·B[p][j]
 *   gemmNT: B is n×k (used transposed)     C[i][j] = Σp A[i][p]·B[j][p]
 *
 * They share one strided kernel: entry (i, p) of op(A) is a[i·aRow + p·aStep] and entry
 * (p, j) of op(B) is b[p·bStep + j·bCol]. It is register-tiled: 4 rows × 4 columns of C
 * are 16 local variables that V8 keeps in registers while the loop over p runs, so each
 * value loaded from A or B is used 4 times. That is about 4-5× faster than the textbook
 * loop (about 5 GFLOP/s for float32 on a current x64 core), and sums in float64 even for
 * float32 data, which makes it slightly more precise than the SIMD kernels.
 */
import type { MatrixData } from "./matrix";

function gemmStrided(
  a: MatrixData,
  aRow: number,
  aStep: number,
  b: MatrixData,
  bStep: number,
  bCol: number,
  c: MatrixData,
  m: number,
  n: number,
  k: number,
): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const r0 = i * aRow,
      r1 = r0 + aRow,
      r2 = r1 + aRow,
      r3 = r2 + aRow;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let p = 0, pa = 0, pb = j * bCol; p < k; p++, pa += aStep, pb += bStep) {
        const b0 = b[pb]!,
          b1 = b[pb + bCol]!,
          b2 = b[pb + 2 * bCol]!,
          b3 = b[pb + 3 * bCol]!;
        const x0 = a[r0 + pa]!,
          x1 = a[r1 + pa]!,
          x2 = a[r2 + pa]!,
          x3 = a[r3 + pa]!;
        c00 += x0 * b0;
        c01 += x0 * b1;
        c02 += x0 * b2;
        c03 += x0 * b3;
        c10 += x1 * b0;
        c11 += x1 * b1;
        c12 += x1 * b2;
        c13 += x1 * b3;
        c20 += x2 * b0;
        c21 += x2 * b1;
        c22 += x2 * b2;
        c23 += x2 * b3;
        c30 += x3 * b0;
        c31 += x3 * b1;
        c32 += x3 * b2;
        c33 += x3 * b3;
      }
      let o = i * n + j;
      c[o] = c00;
      c[o + 1] = c01;
      c[o + 2] = c02;
      c[o + 3] = c03;
      o += n;
      c[o] = c10;
      c[o + 1] = c11;
      c[o + 2] = c12;
      c[o + 3] = c13;
      o += n;
      c[o] = c20;
      c[o + 1] = c21;
      c[o + 2] = c22;
      c[o + 3] = c23;
      o += n;
      c[o] = c30;
      c[o + 1] = c31;
      c[o + 2] = c32;
      c[o + 3] = c33;
    }
    for (; j < n; j++) edge(a, aRow, aStep, b, bStep, bCol, c, n, k, i, i + 4, j);
  }
  for (; i < m; i++) for (let j = 0; j < n; j++) edge(a, aRow, aStep, b, bStep, bCol, c, n, k, i, i + 1, j);
}

/** Column j of rows [i0, i1) of C, one dot product each (the leftovers of the tiling). */
function edge(
  a: MatrixData,
  aRow: number,
  aStep: number,
  b: MatrixData,
  bStep: number,
  bCol: number,
  c: MatrixData,
  n: number,
  k: number,
  i0: number,
  i1: number,
  j: number,
): void {
  for (let i = i0; i < i1; i++) {
    let s = 0;
    for (let p = 0, pa = i * aRow, pb = j * bCol; p < k; p++, pa += aStep, pb += bStep) s += a[pa]! * b[pb]!;
    c[i * n + j] = s;
  }
}

export function gemmNN(a: MatrixData, b: MatrixData, c: MatrixData, m: number, n: number, k: number): void {
  gemmStrided(a, k, 1, b, n, 1, c, m, n, k);
}

export function gemmTN(a: MatrixData, b: MatrixData, c: MatrixData, m: number, n: number, k: number): void {
  gemmStrided(a, 1, m, b, n, 1, c, m, n, k);
}

export function gemmNT(a: MatrixData, b: MatrixData, c: MatrixData, m: number, n: number, k: number): void {
  gemmStrided(a, k, 1, b, 1, k, c, m, n, k);
}
