import { defineProject } from 'vitest/config';

// No `@hotline/source` resolve condition on purpose: like a third-party adapter, this one is
// tested against the built `@hotline/core` (its dist), which turbo builds before `test`.
export default defineProject({
  test: {
    name: 'example-custom-storage-adapter',
    include: ['src/**/*.test.ts'],
  },
});
