import { button } from '../dom/h.js';
import type { VoiceCallContext, VoiceLoader, WidgetVoiceOptions } from './voice-types.js';

/**
 * The header's call button, or nothing without the `voice` option. Nothing of the voice file
 * loads before the first press; a file that cannot load is reported through `onError`, and
 * the next press tries again.
 */
export function callButton(
  voice: WidgetVoiceOptions | undefined,
  load: VoiceLoader,
  context: () => Omit<VoiceCallContext, 'voice' | 'anchor'>,
): HTMLButtonElement | undefined {
  if (!voice) return undefined;
  const self = button('call-button', async () => {
    const call = context();
    try {
      (await load(voice.url)).start({ ...call, voice, anchor: self });
    } catch (error) {
      call.onError(error);
    }
  });
  return self;
}
