/**
 * Values written as Python source, for the JupyterHub configuration file (a Python
 * script). Only what the configuration needs: strings, whole numbers, booleans, lists,
 * sets and string-keyed dicts.
 */
export type PythonValue = string | number | boolean | PythonValue[] | { set: string[] } | { dict: Record<string, PythonValue> };

/**
 * A Python expression for `value`. A JSON string is a valid Python string literal with
 * the same meaning (the same escapes: \n, \", \\, \uXXXX; JSON.stringify writes no
 * "\/"), so strings go through JSON.stringify.
 */
export function pythonLiteral(value: PythonValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`only whole numbers are written to the hub's configuration, got ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(", ")}]`;
  if ("set" in value) return value.set.length === 0 ? "set()" : `{${[...new Set(value.set)].sort().map(pythonLiteral).join(", ")}}`;
  return `{${Object.entries(value.dict)
    .map(([key, item]) => `${pythonLiteral(key)}: ${pythonLiteral(item)}`)
    .join(", ")}}`;
}

/**
 * A word for a POSIX shell, single-quoted unless it needs no quotes: the learners'
 * start command is a shell line (see hub-config.ts), and course paths may hold spaces.
 */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
