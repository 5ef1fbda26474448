import { type Extras, extras } from './extras.js';

/**
 * The extras for the ESM and CommonJS builds: a plain import, since an application's
 * bundler splits code as it sees fit. The one-script-tag build resolves this module to
 * `load-script.ts` instead (`tsup.config.ts`).
 */
export const loadExtras = (_url?: string): Extras => extras;
