import { defineConfig } from 'tsup';

// The demo's one build step: `@hotline/client` and `@hotline/telephony` as browser ES modules,
// served as /static/hotline-client.js (the agent desk and the wallboard: plain pages, no
// bundler) and /static/hotline-telephony.js (the desk's softphone).
// The server itself runs from TypeScript (tsx), and the widget's files come from its own build.
export default defineConfig({
  entry: {
    'static/hotline-client': 'src/browser/hotline-client.ts',
    'static/hotline-telephony': 'src/browser/hotline-telephony.ts',
  },
  format: ['esm'],
  // Each file whole: a shared chunk would sit outside /static/ and not be served.
  splitting: false,
  platform: 'browser',
  target: 'es2020',
  outExtension: () => ({ js: '.js' }),
  minify: true,
  sourcemap: true,
  clean: true,
  dts: false,
  noExternal: [/.*/],
  esbuildOptions(options) {
    // The client and the softphone from their sources: no build of either needed first.
    options.conditions = ['@hotline/source', 'browser', 'import', 'default'];
    options.legalComments = 'none';
  },
});
