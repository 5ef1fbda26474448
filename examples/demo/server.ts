import { isHotlineError } from '@hotline/core';
import { jsonLinesLogger } from '@hotline/server';
import { DEMO_AGENTS } from '@hotline/server/cli';
import { DEMO_PASSWORD } from './src/demo-routes.js';
import { startDemo } from './src/demo-server.js';

// `npm start` at the repository root builds the widget and the client bundle, then runs
// this file: PORT (default 8080), HOST (default 127.0.0.1), HOTLINE_DATA_DIR (default
// examples/demo/.hotline). HOTLINE_LOG=info also prints one JSON line per API request.

function port(value: string | undefined): number {
  if (value === undefined || value === '') return 8080;
  const number = Number(value);
  if (!/^\d{1,5}$/.test(value) || number > 65_535) {
    console.error(`PORT must be a port number from 0 to 65535, got "${value.slice(0, 20)}"`);
    process.exit(2);
  }
  return number;
}

const started = Date.now();
const host = process.env.HOST || '127.0.0.1';
const demo = await startDemo({
  port: port(process.env.PORT),
  host,
  ...(process.env.HOTLINE_DATA_DIR ? { dataDir: process.env.HOTLINE_DATA_DIR } : {}),
  logger:
    process.env.HOTLINE_LOG === 'info' ? jsonLinesLogger : { warn: jsonLinesLogger.warn, error: jsonLinesLogger.error },
}).catch((error: unknown) => {
  console.error(
    `The demo did not start: ${isHotlineError(error) || error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});

const agents = DEMO_AGENTS.filter((a) => !a.roles.includes('supervisor')).map((a) => a.id);
const supervisor = DEMO_AGENTS.find((a) => a.roles.includes('supervisor'))?.id;
console.log(`
Hotline demo ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${demo.location}${demo.seeded.created.length > 0 ? ', demo data seeded' : ''})

  Shop (customer chat)   ${demo.url}/
  Agent desk             ${demo.url}/agent       sign in as ${agents.join(', ')}
  Supervisor wallboard   ${demo.url}/wallboard   sign in as ${supervisor}

Demo only: every agent's password is "${DEMO_PASSWORD}". Ctrl+C stops it.
`);
if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
  console.warn(`Warning: listening on ${host}; anyone who reaches it can sign in with the demo password.`);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: stopping…`);
    demo.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
