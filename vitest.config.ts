import { defineConfig } from 'vitest/config';

/** `--reporter verbose` (or `--reporter=verbose`, `--reporters …`) on the command line. */
const verboseReporter = process.argv.some(
  (arg, i, argv) => /^--reporters?=verbose$/.test(arg) || (/^--reporters?$/.test(arg) && argv[i + 1] === 'verbose'),
);

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'cdk.out/**', '.local/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Powertools logs through the global console in dev mode, which vitest captures per test; else it
    // writes to stdout through a console of its own, past vitest, between the results.
    env: { POWERTOOLS_DEV: 'true' },
    // Captured logs are shown for failing tests only, unless LOG_LEVEL asks for them or the reporter is verbose.
    silent: process.env.LOG_LEVEL !== undefined || verboseReporter ? false : 'passed-only',
  },
});
