/**
 * Chooses the kernel that runs a matrix product. For now: the JavaScript kernels.
 */
import type { MatrixData } from "./matrix";
import { gemmNN, gemmNT, gemmTN } from "./gemm-js";

/** Which operand is used transposed: "nn" a·b, "tn" aᵀ·b, "nt" a·bᵀ. */
export type GemmVariant = "nn" | "tn" | "nt";

/** C (m×n) = op(A)·op(B) with inner size k; c is overwritten. */
export function gemm(variant: GemmVariant, a: MatrixData, b: MatrixData, c: MatrixData, m: number, n: number, k: number): void {
  if (variant === "nn") gemmNN(a, b, c, m, n, k);
  else if (variant === "tn") gemmTN(a, b, c, m, n, k);
  else gemmNT(a, b, c, m, n, k);
}
