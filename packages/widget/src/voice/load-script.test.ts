import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadUnderScript, nth } from '../../test/script-loader.js';
import type { VoiceLoader, VoiceModule } from './voice-types.js';

const global = globalThis as { Hotline?: Record<string, unknown> };

/** `load-script.ts` of the voice file, evaluated under the widget's `<script>`. */
const importVoice = () => import('./load-script.js') as Promise<{ loadVoice: VoiceLoader }>;

afterEach(() => {
  delete global.Hotline;
  vi.restoreAllMocks();
});

describe('loadVoice in the one-script-tag build', () => {
  it('loads hotline-widget-voice.js next to the widget, and nothing before it is called', async () => {
    const { module, appended } = await loadUnderScript(
      { src: 'https://cdn.example.com/w/hotline-widget.js?v=2' },
      importVoice,
    );
    const { loadVoice } = module;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(appended).toEqual([]);
    const loading = loadVoice();
    const script = await nth(appended, 1);
    expect(script.src).toBe('https://cdn.example.com/w/hotline-widget-voice.js?v=2');
    const voice: VoiceModule = { start: () => undefined };
    global.Hotline = { __voice: voice };
    script.dispatchEvent(new Event('load'));
    await expect(loading).resolves.toBe(voice);
    expect(loadVoice()).toBe(voice);
  });

  it('rejects with UNAVAILABLE (voice_unavailable) when the file cannot load, and tries again', async () => {
    const { module, appended } = await loadUnderScript(
      { src: 'https://cdn.example.com/hotline-widget.js' },
      importVoice,
    );
    const { loadVoice } = module;
    const failed = loadVoice('https://other.example.com/voice.js');
    const script = await nth(appended, 1);
    expect(script.src).toBe('https://other.example.com/voice.js');
    script.dispatchEvent(new Event('error'));
    await expect(failed).rejects.toMatchObject({ code: 'UNAVAILABLE', reason: 'voice_unavailable' });
    const retried = loadVoice();
    expect(retried).not.toBe(failed);
    expect((await nth(appended, 2)).src).toBe('https://cdn.example.com/hotline-widget-voice.js');
  });
});
