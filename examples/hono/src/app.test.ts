import { embeddingSuite } from '@hotline/example-embedding-kit/suite';
import { startApp } from './app.js';

embeddingSuite('Hono', startApp);
