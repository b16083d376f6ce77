// Mutation testing (StrykerJS): the settings every run shares. `npm run mutation`
// (test/mutation/run.ts) runs it one area at a time, each with its own files to mutate,
// its own unit tests and its own report; `npx stryker run --mutate FILE` uses this file
// as it is, over every unit test file that covers FILE.
//
// The tap runner runs one test file per process, as `node --import tsx FILE`, reading the
// TAP node's runner prints. Without --test the file runs in the process the runner
// started, which is the one Stryker's hook counts the covered mutants in (with --test,
// node would run it in a child of its own). The reporter is named because Node 23 and
// later print "spec" by default even when the output is not a terminal. The areas whose
// tests never import TypeScript dynamically start faster with `--require tsx/cjs`
// (test/mutation/areas.ts).
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "tap",
  plugins: ["@stryker-mutator/tap-runner"],
  tap: {
    testFiles: ["test/unit/*.test.ts"],
    nodeArgs: ["--import", "tsx", "--test-reporter=tap"],
    forceBail: true,
  },
  // Per test: Stryker learns which test files reach each mutant and runs only those.
  coverageAnalysis: "perTest",
  // Mutants in code that only runs at import time (a constant, a table's name) would
  // each need every test file of the area, which costs more than all the others together
  // on two cores: they are left out (Stryker reports them as ignored).
  ignoreStatic: true,
  // Two cores, shared: never more than two test processes at once.
  concurrency: 2,
  // The library's numeric tests train small networks: give a slow mutant time to finish.
  timeoutMS: 5000,
  timeoutFactor: 2,
  reporters: ["html", "clear-text", "progress"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  clearTextReporter: { allowEmojis: false, logTests: false, reportMutants: true, reportScoreTable: true },
  tempDirName: ".stryker-tmp",
  // What the tests never read: run outputs, the datasets' cache, the generated notebooks.
  ignorePatterns: ["/test-artifacts", "/data/cache", "/.bench", "/grading", "/reports", "/deploy"],
  cleanTempDir: "always",
};
