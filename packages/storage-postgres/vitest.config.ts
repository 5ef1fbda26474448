import { defineProject } from 'vitest/config';
import { sourceResolution } from '../../vitest.shared.js';

export default defineProject({
  ...sourceResolution,
  test: {
    name: 'storage-postgres',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One PostgreSQL server for the whole run (test/global-setup.ts); suites use their own schemas.
    globalSetup: './test/global-setup.ts',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Test files run one at a time: they share that server, and CI machines have 2 cores.
    fileParallelism: false,
  },
});
