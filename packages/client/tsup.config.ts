import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  // The widget bundles this package for browsers, so it stays on syntax every supported browser parses.
  target: 'es2020',
  treeshake: true,
});
