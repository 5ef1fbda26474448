import { resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * In the one-script-tag build, `extras/load.js` (the extras bundled) becomes
 * `extras/load-script.ts` (the extras file loaded when first needed), and `voice/load.js`
 * `voice/load-script.ts` (the voice file): one loader call in the widget, two implementations.
 */
const extrasOnDemand: Plugin = {
  name: 'extras-on-demand',
  setup(build) {
    build.onResolve({ filter: /\/(extras|voice)\/load\.js$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.replace(/\.js$/, '-script.ts')),
    }));
  },
};

/** A one-script-tag file: everything bundled and minified; it sets `window.Hotline` (or its `__extras`). */
const iife = (entry: Record<string, string>, plugins: Plugin[] = []): Options => ({
  entry,
  format: ['iife'],
  outExtension: () => ({ js: '.js' }),
  platform: 'browser',
  // Browsers with constructable stylesheets all run ES2022; ES2020 output is larger.
  target: 'es2022',
  // Terser packs these files about 3% tighter than esbuild's minifier (`.size-limit.json` budgets).
  minify: 'terser',
  terserOptions: {
    ecma: 2020,
    // "Unsafe" only for code that does what these assume, which this code does: no function
    // turned into an arrow or method is called with `new` or reads `arguments`, getters have
    // no side effects that matter, built-ins are not replaced, and nothing converted with
    // `String(x)` (now `"" + x`) is a symbol. The bundle test runs the built file.
    compress: {
      passes: 3,
      unsafe: true,
      unsafe_arrows: true,
      unsafe_methods: true,
      pure_getters: true,
      keep_fargs: false,
    },
    // `_name` members are internal by convention (`@hotline/client` marks its private and
    // package-internal members so): short names, chosen by each file on its own, so nothing
    // passed between the main and the extras file starts with `_`. Public API, wire and
    // storage fields never do either.
    mangle: { properties: { regex: /^_[a-z]/ } },
    // ASCII only: the script keeps working on a page served in another charset (GBK…).
    format: { ascii_only: true },
  },
  sourcemap: true,
  clean: false,
  dts: false,
  noExternal: [/.*/],
  esbuildPlugins: plugins,
  // Resolve workspace packages to their sources: core's per-file modules tree-shake
  // (`sideEffects: false`) where its built chunk would drag in every schema.
  esbuildOptions(options) {
    options.conditions = ['@hotline/source', 'browser', 'import', 'default'];
    options.legalComments = 'none';
    // esbuild's syntax pass first leaves terser less to do and the bundle ~70 B smaller (gz).
    options.minifySyntax = true;
  },
});

export default defineConfig([
  {
    // For bundler users: `@hotline/client` and `@hotline/core` stay external.
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // The configs build in parallel into dist/: this one must not delete the IIFE outputs.
    clean: ['!hotline-widget*'],
    target: 'es2022',
    treeshake: true,
  },
  // The main file: launcher, conversation, composer, English, themes, API, CustomerChat.
  iife({ 'hotline-widget': 'src/iife.ts' }, [extrasOnDemand]),
  // The rest (forms, rating, transcript, Chinese), loaded by the main file when first needed.
  iife({ 'hotline-widget-extras': 'src/extras/register.ts' }),
  // Click-to-call (the softphone with JsSIP), loaded by the main file on the first call.
  iife({ 'hotline-widget-voice': 'src/voice/register.ts' }),
]);
