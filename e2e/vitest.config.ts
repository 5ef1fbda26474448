import { defineProject } from 'vitest/config';
import { sourceResolution } from '../vitest.shared.js';

export default defineProject({
  ...sourceResolution,
  test: {
    name: 'e2e',
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Browsers and servers are heavy and CI machines have 2 cores: one file at a time.
    fileParallelism: false,
  },
});
