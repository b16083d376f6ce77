/**
 * nncourse/grading: the checks that exercise test cells call, and the pieces the
 * grader uses to trust their results.
 *
 *   import { check } from "nncourse/grading";
 *   check.close(sigmoidPrime(0), 0.25, "sigmoidPrime(0)");
 *
 * "nncourse/grading" is the package's public path for this module (lib/package.json:
 * "exports" for node, "typesVersions" for TypeScript's Node10 resolution, which tslab
 * uses and which ignores "exports"). The build output's own path, "nncourse/dist/grading",
 * keeps working for notebooks written before; both load the same module instance.
 *
 * Loading this module freezes it (see seal.ts for the threat model); inside a tslab
 * kernel it also seals the kernel, so that student cells that run after the master's
 * setup cell cannot replace the checks or patch the kernel's reply.
 */
import { check, CheckFailure } from "./check";
import { beginGradingRun, finishGradingRun } from "./record";
import { freezeIntrinsics, lockLibrary, sealGrading } from "./seal";

export { check, CheckFailure } from "./check";
export type { Check, CheckOptions, CloseOptions, Score } from "./check";
export { beginGradingRun, finishGradingRun, canonicalJson, recordTag, GRADE_MIME, GRADE_LINE_PREFIX } from "./record";
export type { GradeRecord, PartialRecord, RunEndRecord } from "./record";
export { freezeIntrinsics, sealGrading } from "./seal";

lockLibrary([check, CheckFailure, beginGradingRun, finishGradingRun, sealGrading, freezeIntrinsics]);
if (typeof (globalThis as { __tslab__?: unknown }).__tslab__ === "object") sealGrading();
