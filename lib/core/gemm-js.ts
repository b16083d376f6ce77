/**
 * Plain JavaScript matrix-product kernels over typed arrays: the fallback when
 * WebAssembly SIMD is unavailable, and the reference the fast kernels are tested against.
 *
 * All three compute C = op(A)·op(B) into `c` (overwritten), with row-major storage:
 *   gemmNN: A is m×k, B is k×n            C[i][j] = Σp A[i][p]·B[p][j]
 *   gemmTN: A is k×m (used transposed)     C[i][j] = Σp A[p][i]·B[p][j]
 *   gemmNT: B is n×k (used transposed)     C[i][j] = Σp A[i][p]·B[j][p]
 *
 * The loop orders are chosen so that the innermost loop walks memory with stride 1
 * (the "i-p-j" order for NN and TN, a dot product for NT), which is several times faster
 * than the textbook i-j-p order in JavaScript because it stays in cache.
 */
import type { MatrixData } from "./matrix";

export function gemmNN(a: MatrixData, b: MatrixData, c: MatrixData, m: number, n: number, k: number): void {
  c.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p]!;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j]! += aip * b[bp + j]!;
    }
  }
}

export function gemmTN(a: MatrixData, b: MatrixData, c: MatrixData, m: number, n: number, k: number): void {
  c.fill(0, 0, m * n);
  for (let p = 0; p < k; p++) {
    const ap = p * m;
    const bp = p * n;
    for (let i = 0; i < m; i++) {
      const api = a[ap + i]!;
      const ci = i * n;
      for (let j = 0; j < n; j++) c[ci + j]! += api * b[bp + j]!;
    }
  }
}

export function gemmNT(a: MatrixData, b: MatrixData, c: MatrixData, m: number, n: number, k: number): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p]! * b[bj + p]!;
      c[i * n + j] = s;
    }
  }
}
