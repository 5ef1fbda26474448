// Measures what `@hotline/client` adds to a browser bundle (the widget's whole IIFE has its
// own budget, packages/widget/.size-limit.json).
// Run: `npm run size -w @hotline/client`; `test/size.test.ts` enforces the budgets.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** Sizes in bytes of one bundle. */
export interface BundleSize {
  minified: number;
  gzipped: number;
}

const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** Bundles `import { <names> } from src/index.ts` for browsers (ES2020, minified) and measures it. */
export async function measure(names: string[]): Promise<BundleSize> {
  const result = await build({
    stdin: {
      contents: `export { ${names.join(', ')} } from ${JSON.stringify(src)};`,
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    conditions: ['@hotline/source'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const names of [['CustomerChat'], ['AgentDesk'], ['CustomerChat', 'AgentDesk', 'ClientError', 'backoffDelay']]) {
    const size = await measure(names);
    console.log(JSON.stringify({ bundle: names.join('+'), ...size }));
  }
}
