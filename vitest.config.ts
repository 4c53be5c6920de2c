import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // A temporary folder per run; the run fails when a test leaves anything in it.
    globalSetup: ['test/support/temp-check.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
