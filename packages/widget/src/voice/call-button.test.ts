import { afterEach, describe, expect, it, vi } from 'vitest';
import { flush } from '../../test/dom.js';
import { fakeFactory } from '../../test/fake-chat.js';
import { OPTIONS } from '../../test/mount.js';
import { loadExtras } from '../extras/load.js';
import type { WidgetOptions } from '../options.js';
import { createWidget, type WidgetApi } from '../widget.js';
import type { VoiceLoader, VoiceModule } from './voice-types.js';

const VOICE = { wsUrl: 'wss://sip.example.com', domain: 'sip.example.com', queue: 'support', url: '/v.js' };
const widgets: WidgetApi[] = [];

function mount(options: Partial<WidgetOptions>, loadVoice: VoiceLoader) {
  const widget = createWidget({ ...OPTIONS, ...options }, fakeFactory().factory, loadExtras, loadVoice);
  widgets.push(widget);
  return widget;
}

const callButton = (widget: WidgetApi) =>
  widget.element.shadowRoot?.querySelector<HTMLElement>('[part~="call-button"]');

afterEach(() => {
  for (const widget of widgets.splice(0)) widget.destroy();
  document.body.replaceChildren();
});

describe('click-to-call', () => {
  it('has no call button without the voice option, and loads nothing', () => {
    const load = vi.fn<VoiceLoader>();
    const widget = mount({}, load);
    expect(callButton(widget)).toBeNull();
    expect(load).not.toHaveBeenCalled();
  });

  it('loads the voice file only when the call button is pressed, then starts the call', async () => {
    const module: VoiceModule = { start: vi.fn() };
    const load = vi.fn<VoiceLoader>(async () => module);
    const widget = mount({ voice: VOICE }, load);
    widget.open();
    await flush();
    const button = callButton(widget) as HTMLElement;
    expect(button.textContent).toBe('Call');
    expect(load).not.toHaveBeenCalled();
    button.click();
    await flush();
    expect(load).toHaveBeenCalledWith('/v.js');
    expect(module.start).toHaveBeenCalledWith(
      expect.objectContaining({ voice: VOICE, anchor: button, locale: 'en', conversationId: undefined }),
    );
  });

  it('emits error when the voice file cannot load, and tries again on the next press', async () => {
    const failure = Object.assign(new Error('could not load /v.js'), { code: 'UNAVAILABLE' });
    const module: VoiceModule = { start: vi.fn() };
    const load = vi.fn<VoiceLoader>().mockRejectedValueOnce(failure).mockResolvedValueOnce(module);
    const widget = mount({ voice: VOICE }, load);
    const errors: unknown[] = [];
    widget.on('error', (error) => errors.push(error));
    (callButton(widget) as HTMLElement).click();
    await flush();
    expect(errors).toEqual([failure]);
    expect(module.start).not.toHaveBeenCalled();
    (callButton(widget) as HTMLElement).click();
    await flush();
    expect(load).toHaveBeenCalledTimes(2);
    expect(module.start).toHaveBeenCalledTimes(1);
  });

  it('refuses voice options without a queue address', () => {
    expect(() => mount({ voice: { ...VOICE, queue: '' } }, vi.fn())).toThrow(/voice/);
  });
});
