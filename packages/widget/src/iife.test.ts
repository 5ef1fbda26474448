import { afterEach, describe, expect, it, vi } from 'vitest';
import { q } from '../test/dom.js';
import type { WidgetApi } from './widget.js';

interface HotlineGlobal {
  init(options: object): WidgetApi;
  open(): void;
  close(): void;
  on(event: string, listener: () => void): () => void;
  instance: WidgetApi | undefined;
}
const global = globalThis as { Hotline?: HotlineGlobal };

/** Loads the IIFE entry as if from `<script>` with these attributes. */
async function load(attributes: Record<string, string>): Promise<HotlineGlobal> {
  const script = document.createElement('script');
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  if (attributes.nonce) script.nonce = attributes.nonce;
  Object.defineProperty(document, 'currentScript', { value: script, configurable: true });
  vi.resetModules();
  await import('./iife.js');
  return global.Hotline as HotlineGlobal;
}

afterEach(() => {
  global.Hotline?.instance?.destroy();
  delete global.Hotline;
  Reflect.deleteProperty(document, 'currentScript');
  vi.unstubAllGlobals();
});

describe('window.Hotline', () => {
  it('starts by itself from the data attributes of its script tag', async () => {
    const Hotline = await load({
      'data-url': 'wss://chat.example.com/hotline/webchat',
      'data-site-id': 'site_acme',
      'data-locale': 'zh-CN',
      'data-position': 'left',
    });
    const widget = Hotline.instance as WidgetApi;
    expect(document.querySelector('hotline-chat')).toBe(widget.element);
    expect(q(widget, 'launcher').getAttribute('aria-label')).toBe('打开聊天');
    expect(q(widget, 'root').getAttribute('data-position')).toBe('left');
  });

  it('waits for Hotline.init without data-site-id; the functions act on the last widget', async () => {
    const Hotline = await load({});
    expect(document.querySelector('hotline-chat')).toBeNull();
    expect(() => Hotline.open()).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    const first = Hotline.init({ url: 'wss://a.example.com/hotline/webchat', siteId: 'site_a' });
    const second = Hotline.init({ url: 'wss://b.example.com/hotline/webchat', siteId: 'site_b' });
    expect(Hotline.instance).toBe(second);
    const opened = vi.fn();
    const off = Hotline.on('open', opened);
    Hotline.open();
    expect(second.isOpen).toBe(true);
    expect(first.isOpen).toBe(false);
    Hotline.close();
    off();
    Hotline.open();
    expect(opened).toHaveBeenCalledTimes(1);
    first.destroy();
  });

  it('styles through a <style> with the script nonce where constructable stylesheets are missing', async () => {
    vi.stubGlobal(
      'CSSStyleSheet',
      class {
        constructor() {
          throw new TypeError('Illegal constructor');
        }
      },
    );
    const Hotline = await load({ 'data-url': 'wss://chat.example.com/x', 'data-site-id': 'site_acme', nonce: 'n0nc3' });
    const style = Hotline.instance?.element.shadowRoot?.querySelector('style');
    expect(style?.nonce).toBe('n0nc3');
    expect(style?.textContent).toContain('--hotline-accent');
  });
});
