/** `npm start -w @hotline/example-fastify`: the host app with Hotline on PORT (default 3000). */
import { runExample } from '@hotline/example-embedding-kit';
import { startApp } from './app.js';

await runExample('Fastify', startApp);
