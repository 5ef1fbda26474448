/** `npm start -w @hotline/example-hono`: the host app with Hotline on PORT (default 3000). */
import { runExample } from '@hotline/example-embedding-kit';
import { startApp } from './app.js';

await runExample('Hono', startApp);
