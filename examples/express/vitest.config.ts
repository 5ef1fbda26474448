import { defineProject } from 'vitest/config';
import { sourceResolution } from '../../vitest.shared.js';

export default defineProject({
  // Like every package's tests, the example's run against the packages' sources.
  ...sourceResolution,
  test: {
    name: 'example-express',
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
