import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@hotline/source'] },
  test: {
    name: 'core',
    include: ['src/**/*.test.ts'],
  },
});
