/**
 * Node flags whose spelling depends on the Node release that runs the kernel.
 *
 * The permission model was `--experimental-permission` in Node 20 and 22, became
 * `--permission` in 22.13 and 23.5, and Node 24 dropped the old spelling ("bad option").
 * Node 25 added `--allow-net`: with the permission model on, the network is refused
 * unless that flag is given, which is what a graded kernel wants. Rather than compare
 * version numbers, we ask the running Node which flags it knows.
 */

export interface PermissionFlags {
  /** The flag that turns the permission model on. */
  enable: string;
  /** True when this Node's permission model also refuses the network (Node 25 and later). */
  coversNetwork: boolean;
}

/**
 * The permission model's flags for the Node at `known` (default: this one, which is the
 * one the course tools start kernels with: process.execPath).
 */
export function permissionFlags(known: ReadonlySet<string> = process.allowedNodeEnvironmentFlags): PermissionFlags {
  // allowedNodeEnvironmentFlags: the flags NODE_OPTIONS accepts, which include these two.
  const enable = known.has("--permission") ? "--permission" : "--experimental-permission";
  return { enable, coversNetwork: known.has("--allow-net") };
}

/**
 * Node 20 and 22 print an ExperimentalWarning for the permission model on every start,
 * which would land in every graded notebook's kernel log; this flag silences that one
 * warning and nothing else.
 */
export const QUIET_PERMISSION_WARNING = "--no-warnings=ExperimentalWarning";

/**
 * WebAssembly relaxed SIMD, on by default from Node 22 (which no longer knows this flag)
 * and behind it in Node 20. The library turns it on for itself in Node 20
 * (lib/core/kernels.ts), except where it may not load `v8`, as in a graded kernel
 * (guard.ts); so the grader starts Node 20 kernels with the flag, and they compute the
 * same figures as the learner's own kernel.
 */
export function relaxedSimdFlags(version: string = process.versions.node): string[] {
  return version.split(".")[0] === "20" ? ["--experimental-wasm-relaxed-simd"] : [];
}
