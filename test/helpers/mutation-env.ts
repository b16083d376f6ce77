/**
 * The variable through which mutation testing (StrykerJS, `npm run mutation`) names the
 * active mutant to a test process. A test that starts a child process with an
 * environment of its own passes it on, so that a mutant in the built library is active
 * in the child as well (test/mutation/areas.ts: inChildProcesses). Outside mutation
 * testing it is absent, and this adds nothing.
 */
export function mutationEnv(): Record<string, string> {
  const active = process.env.__STRYKER_ACTIVE_MUTANT__;
  return active === undefined ? {} : { __STRYKER_ACTIVE_MUTANT__: active };
}
