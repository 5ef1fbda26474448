import { defineProject } from 'vitest/config';

export default defineProject({
  // Like every package's tests, the smoke test runs against core's source.
  resolve: { conditions: ['@hotline/source'] },
  test: {
    name: 'example-quickstart',
    include: ['src/**/*.test.ts'],
  },
});
