/**
 * The areas mutation testing covers (`npm run mutation`), each with the files Stryker
 * mutates, the unit test files that may kill their mutants, and the mutation score the
 * area must reach. The targets are the ones the project set: 85% where a planted bug
 * costs the most (the from-scratch models a learner reads and compares against, and
 * the grader's scoring and sanitizing), 70% elsewhere.
 *
 * The grader's modules that only run inside a graded kernel or a whole grading run
 * (grade-all, grade-one, run-in-sandbox, self-check, shard), and the authoring tools'
 * runs of a master in a kernel (solution-run, wrong-answer-run), are left out: the
 * integration tests exercise them, and those start kernels, far too slow to run once
 * per mutant. lib/core's WebAssembly kernels (lib/core/wasm, generated) are left out for
 * the same reason as their generator: their tests compare them with the JavaScript
 * kernels, which are mutated here.
 */
export interface MutationArea {
  /** Short name: the report's file name and the `--area` filter. */
  name: string;
  /** Files to mutate (globs, relative to the project root; `!` excludes). */
  mutate: string[];
  /** The unit test files that may cover them (globs). */
  tests: string[];
  /** Mutation score the area must reach, in percent. */
  target: number;
  /**
   * Whether a test file imports TypeScript with a dynamic import(), which only tsx's ES
   * module loader handles: its processes start with `--import tsx` (about 0.5 s of CPU
   * each) instead of `--require tsx/cjs` (about 0.1 s). With one process per mutant and
   * test file, the start is most of a mutant's cost.
   */
  dynamicImports?: boolean;
  /**
   * Whether the tests reach the mutated code only in child processes that load the
   * built library (lib/dist), as the grading library's attack tests do: each runs a
   * stand-in kernel in a fresh process, because sealing changes the whole realm. Stryker
   * then builds lib/dist from the mutated sources in its sandbox, and runs every test of
   * the area on every mutant: it cannot see which mutants a child process reaches, so it
   * would otherwise count them as covered by no test and never run them. The children
   * get the active mutant from the environment (test/helpers/mutation-env.ts).
   */
  inChildProcesses?: boolean;
}

/** How a test process loads TypeScript: see MutationArea.dynamicImports. */
export function nodeArgsFor(area: MutationArea): string[] {
  return [...(area.dynamicImports ? ["--import", "tsx"] : ["--require", "tsx/cjs"]), "--test-reporter=tap"];
}

/** The grader's scoring: score.ts and the helpers it scores with. CI runs this one (`--quick`). */
export const GRADER_SCORING: MutationArea = {
  name: "grader-scoring",
  mutate: [
    "scripts/src/grade/score.ts",
    "scripts/src/grade/points.ts",
    "scripts/src/grade/records.ts",
    "scripts/src/assign/partial-credit.ts",
  ],
  tests: [
    "test/unit/grade-score.test.ts",
    "test/unit/grade-score-integrity.test.ts",
    "test/unit/grade-points.test.ts",
    "test/unit/assign-partial-credit.test.ts",
  ],
  target: 85,
};

export const AREAS: MutationArea[] = [
  // lib/nn in two: its formulas, whose tests are quick, and the network and its training
  // loop, whose tests train networks and run five to ten times slower instrumented.
  {
    name: "nn-math",
    mutate: ["lib/nn/activations.ts", "lib/nn/losses.ts", "lib/nn/initializers.ts", "lib/nn/optimizers.ts", "lib/nn/gradient-check.ts"],
    tests: ["test/unit/nn-activations-losses.test.ts", "test/unit/nn-gradient-check.test.ts", "test/unit/nn-training-rules.test.ts"],
    target: 85,
  },
  {
    name: "nn-training",
    mutate: [
      "lib/nn/*.ts",
      "!lib/nn/index.ts",
      ...["activations", "losses", "initializers", "optimizers", "gradient-check"].map((f) => `!lib/nn/${f}.ts`),
    ],
    tests: ["test/unit/nn-*.test.ts"],
    target: 85,
  },
  {
    name: "neurons",
    mutate: ["lib/neurons/*.ts", "!lib/neurons/index.ts"],
    tests: ["test/unit/neurons-*.test.ts", "test/unit/mcculloch-pitts.test.ts"],
    target: 85,
  },
  GRADER_SCORING,
  {
    name: "grader-sanitizing",
    mutate: ["scripts/src/grade/sanitize.ts", "scripts/src/grade/redact.ts", "scripts/src/grade/suspicious.ts"],
    tests: [
      "test/unit/grade-sanitize.test.ts",
      "test/unit/grade-suspicious.test.ts",
      "test/unit/grade-redact.test.ts",
      "test/unit/grade-released-cells.test.ts",
    ],
    target: 85,
    dynamicImports: true,
  },
  {
    name: "grader-other",
    mutate: [
      "scripts/src/grade/*.ts",
      ...["score", "points", "records", "sanitize", "redact", "suspicious"].map((f) => `!scripts/src/grade/${f}.ts`),
      ...["grade-all", "grade-one", "run-in-sandbox", "self-check", "shard"].map((f) => `!scripts/src/grade/${f}.ts`),
    ],
    tests: ["test/unit/grade-*.test.ts", "test/unit/written-answers.test.ts", "test/unit/assign-grade-filter.test.ts"],
    target: 70,
    dynamicImports: true,
  },
  {
    name: "assign",
    // Running a master with its solutions, or its wrong answers, is a kernel session from
    // the first line to the last (solution-run.ts, wrong-answer-run.ts): the integration
    // tests exercise them (authoring-build-run, wrong-answers).
    mutate: [
      "scripts/src/assign/*.ts",
      ...["partial-credit", "solution-run", "wrong-answer-run"].map((f) => `!scripts/src/assign/${f}.ts`),
    ],
    tests: ["test/unit/assign-*.test.ts", "test/unit/time-limits.test.ts", "test/unit/written-answers.test.ts"],
    target: 70,
    dynamicImports: true,
  },
  // The checks, their messages and the grade records, tested in process. The attack tests
  // reach this code only in stand-in kernels of their own (grading-seal below), where
  // this area's mutants are never active, so they are not run here.
  {
    name: "grading-checks",
    mutate: ["lib/grading/*.ts", "!lib/grading/index.ts", "!lib/grading/seal.ts"],
    tests: [
      "test/unit/grading-check.test.ts",
      "test/unit/grading-describe.test.ts",
      "test/unit/grading-records.test.ts",
      "test/unit/grade-score.test.ts",
    ],
    target: 70,
  },
  // The sealing of the grading library against student code: its tests are attacks, each
  // in a stand-in kernel process of its own that loads the built library.
  {
    name: "grading-seal",
    mutate: ["lib/grading/seal.ts"],
    tests: ["test/unit/grading-hardening.test.ts", "test/unit/grading-freeze.test.ts"],
    target: 70,
    inChildProcesses: true,
  },
  {
    name: "core-js",
    mutate: ["lib/core/*.ts", "!lib/core/index.ts"],
    tests: ["test/unit/core-*.test.ts", "test/unit/nn-*.test.ts"],
    target: 70,
    dynamicImports: true,
  },
];
