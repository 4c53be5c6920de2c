import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // A temporary folder per run; the run fails when a test leaves anything in it.
    globalSetup: ['test/support/temp-check.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Vitest's default is one worker fewer than the cores: on 2 cores the files ran one at a time, and
    // many of them mostly wait (real processes, sockets, timers). Two at once took the suite from 558 to
    // 380 s there; from 4 cores up the default stands.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
