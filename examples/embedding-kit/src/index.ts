export type { App, AppOptions } from './example-hotline.js';
export {
  attachedApp,
  closeServer,
  createExampleHotline,
  HOTLINE_PATHS,
  PRODUCTS,
  runExample,
} from './example-hotline.js';
