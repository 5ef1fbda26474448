import { defineConfig } from 'tsup';

// The demo's one build step: `@hotline/client` as a browser ES module, served as
// /static/hotline-client.js to the agent desk and the wallboard (plain pages, no bundler).
// The server itself runs from TypeScript (tsx), and the widget's files come from its own build.
export default defineConfig({
  entry: { 'static/hotline-client': 'src/browser/hotline-client.ts' },
  format: ['esm'],
  platform: 'browser',
  target: 'es2020',
  outExtension: () => ({ js: '.js' }),
  minify: true,
  sourcemap: true,
  clean: true,
  dts: false,
  noExternal: [/.*/],
  esbuildOptions(options) {
    // The client from its sources: no build of @hotline/client needed first.
    options.conditions = ['@hotline/source', 'browser', 'import', 'default'];
    options.legalComments = 'none';
  },
});
