import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // For bundler users: `@hotline/client` and `@hotline/core` stay external.
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Both configs build in parallel into dist/: this one must not delete the IIFE output.
    clean: ['!hotline-widget.*'],
    target: 'es2022',
    treeshake: true,
  },
  {
    // The one-script-tag build: everything bundled and minified; it sets `window.Hotline` itself.
    entry: { 'hotline-widget': 'src/iife.ts' },
    format: ['iife'],
    outExtension: () => ({ js: '.js' }),
    platform: 'browser',
    // Browsers with constructable stylesheets all run ES2022; ES2020 output is larger.
    target: 'es2022',
    // Terser packs this bundle about 3% tighter than esbuild's minifier: it counts against 15 KB.
    minify: 'terser',
    terserOptions: { ecma: 2020, compress: { passes: 3 }, format: { ascii_only: true } },
    sourcemap: true,
    clean: false,
    dts: false,
    noExternal: [/.*/],
    // Resolve workspace packages to their sources: core's per-file modules tree-shake
    // (`sideEffects: false`) where its built chunk would drag in every schema.
    esbuildOptions(options) {
      options.conditions = ['@hotline/source', 'browser', 'import', 'default'];
      options.legalComments = 'none';
    },
  },
]);
