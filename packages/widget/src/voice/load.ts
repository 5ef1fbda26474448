import type { VoiceModule } from './voice-types.js';

/**
 * The voice module for the ESM and CommonJS builds: a dynamic import, which an application's
 * bundler splits into its own chunk. The one-script-tag build resolves this module to
 * `load-script.ts` instead (`tsup.config.ts`).
 */
export const loadVoice = (_url?: string): Promise<VoiceModule> => import('./voice.js').then((m) => m.voice);
