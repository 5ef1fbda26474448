import { defineConfig } from 'vitest/config';

// One project per package; `npx vitest` at the root runs them all in watch mode.
// `npm test` goes through turbo so each package runs after its dependencies build.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*', 'e2e'],
  },
});
