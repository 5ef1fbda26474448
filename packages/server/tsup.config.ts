import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'cli/index': 'src/cli/index.ts', 'cli/main': 'src/cli/main.ts' },
  format: ['esm', 'cjs'],
  // `cli/main` is the executable behind bin/hotline.mjs: no types to publish.
  dts: { entry: { index: 'src/index.ts', 'cli/index': 'src/cli/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  treeshake: true,
  splitting: true,
});
