import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration suites share one moto_server per worker (test/support/moto.ts), reset per test.
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
  },
});
