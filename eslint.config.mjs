// A small rule set that finds bugs, not style (Prettier owns the layout): promises
// nobody awaits or catches, promises handed where a plain value is expected, code
// nobody uses, and the handful of core rules that are never right to break.
import tseslint from "typescript-eslint";

const bugRules = {
  "no-cond-assign": "error",
  "no-dupe-keys": "error",
  "no-duplicate-case": "error",
  "no-fallthrough": "error",
  "no-self-assign": "error",
  "no-self-compare": "error",
  "no-sparse-arrays": "error",
  "no-unreachable": "error",
  "no-unsafe-finally": "error",
  "no-unused-private-class-members": "error",
  "use-isnan": "error",
  "valid-typeof": "error",
};

export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "node_modules/**",
      "data/**",
      "exercises/**",
      "solutions/**",
      "grading/**",
      "test-artifacts/**",
      ".cache/**",
      ".stryker-tmp/**",
      "reports/**",
    ],
  },
  {
    files: ["**/*.ts"],
    plugins: { "@typescript-eslint": tseslint.plugin },
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      ...bugRules,
      "@typescript-eslint/await-thenable": "error",
      // node:test's test() and describe() return promises the runner itself awaits.
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["test", "describe", "it", "suite", "before", "after"] }],
        },
      ],
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-expressions": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly", __dirname: "readonly" },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: { ...bugRules, "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }], "no-undef": "error" },
  },
);
