/**
 * Environments for kernels. A kernel inherits everything by default; to run code we do
 * not trust (a student's submission), pass a scrubbed environment instead so that
 * tokens and credentials in ours are not readable from a cell.
 */

/** Variables a kernel needs to behave normally: finding programs, locale, time zone, temp folder. */
export const SAFE_ENV_VARS = ["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT"] as const;

/**
 * Only the SAFE_ENV_VARS of `from` (default: this process's environment), plus `extra`.
 * `HOME` is left out unless given in `extra`, so that a kernel does not read files
 * such as ~/.npmrc or ~/.ssh through it.
 */
export function scrubbedEnv(extra: NodeJS.ProcessEnv = {}, from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of SAFE_ENV_VARS) {
    if (from[name] !== undefined) env[name] = from[name];
  }
  return { ...env, ...extra };
}
