import { defineProject } from 'vitest/config';
import { sourceResolution } from '../../vitest.shared.js';

export default defineProject({
  ...sourceResolution,
  test: {
    name: 'widget',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // happy-dom: shadow DOM, custom elements and constructable stylesheets, at a fraction of jsdom's start-up.
    environment: 'happy-dom',
  },
});
