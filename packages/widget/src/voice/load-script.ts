import { loadFile } from '../extras/load-script.js';
import type { VoiceModule } from './voice-types.js';

/** `hotline-widget-voice.js`, next to the widget's script or from `url`, loaded on the first call. */
export const loadVoice = (url?: string): VoiceModule | Promise<VoiceModule> =>
  loadFile<VoiceModule>('__voice', 'hotline-widget-voice.js', url);
