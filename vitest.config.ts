import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration suites share one moto_server per worker (test/support/moto.ts), reset per test.
    // One test file per core, not vitest's default of one fewer: most of a file's time is spent
    // waiting on moto_server, cfn-lint or Chromium in another process. On 2 cores this took the
    // run from about 150 s to about 95 s.
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Handlers log one JSON line per evaluation (and one per failed run) and flush EMF metrics to
    // stdout; tests assert on outcomes, and the metric tests switch metrics on for themselves
    // (test/support/emf.ts). Local Node is 20; the SDK's notice that releases after January 2027
    // need Node 22 is known.
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    setupFiles: ['test/support/setup.ts'],
    globalSetup: ['test/support/build-functions.ts', 'test/support/outside-tools.ts'],
    // A local run without moto_server, cfn-lint or Chromium ends with one SKIPPED: line.
    reporters: ['default', './test/support/skipped-summary.ts'],
    // `npm test` runs with --coverage; a run of single test files collects none. The floors sit just
    // under the figures measured when they were set (core 96.6% statements, 92.3% branches, 99.6%
    // functions, 97.3% lines; config-rule 90.2 / 80.5 / 100 / 89.6), on the code every verdict
    // passes through: a change that leaves part of it untested fails the run.
    coverage: {
      provider: 'v8',
      include: ['functions/shared/core/**/*.ts', 'functions/shared/config-rule/**/*.ts'],
      reporter: ['text-summary', ['text', { skipFull: true }]],
      thresholds: {
        'functions/shared/core/**': { statements: 95, branches: 91, functions: 99, lines: 96 },
        'functions/shared/config-rule/**': { statements: 89, branches: 79, functions: 100, lines: 88 },
      },
    },
  },
});
