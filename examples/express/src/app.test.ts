import { embeddingSuite } from '@hotline/example-embedding-kit/suite';
import { startApp } from './app.js';

embeddingSuite('Express', startApp);
