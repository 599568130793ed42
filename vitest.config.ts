import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'web/test/**/*.test.ts'],
    globalSetup: ['test/harness/global-setup.ts', 'test/web/global-setup.ts'],
    // Each file opens its own clone of a migrated template (PGlite instances are heavy): two
    // workers on a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
