import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { all, q, shows, submit, type } from '../test/dom.js';
import { FakeGateway } from '../test/fake-gateway.js';
import type { WidgetApi } from './widget.js';

// The built IIFE, as a page gets it. `npm test` builds first (`npm run build`).
const path = join(dirname(fileURLToPath(import.meta.url)), '../dist/hotline-widget.js');

describe('dist/hotline-widget.js', () => {
  const code = existsSync(path) ? readFileSync(path, 'utf8') : '';

  it('exists (run `npm run build -w @hotline/widget` first)', () => {
    expect(code.length).toBeGreaterThan(1000);
  });

  it.each([
    ['eval', /\beval\s*\(/],
    ['new Function', /\bnew\s+Function\b/],
    ['Function constructor call', /(^|[^.\w$])Function\s*\(/],
    ['string timers', /set(Timeout|Interval)\s*\(\s*["'`]/],
    ['innerHTML and friends', /\b(inner|outer)HTML\b|insertAdjacentHTML|document\.write/],
    ['inline event handler attributes', /setAttribute\(\s*["'`]on|<[a-z][^>]*\son[a-z]+\s*=/i],
    ['style attributes from strings', /setAttribute\(\s*["'`]style|\.cssText|\bstyle\s*=\s*["'`]/],
    ['postMessage', /postMessage/],
    ['iframes', /iframe/i],
    ['cookies', /document\.cookie/],
    ['sessionStorage or IndexedDB', /sessionStorage|indexedDB/],
  ])('contains no %s', (_name, pattern) => {
    expect(code).not.toMatch(pattern);
  });

  describe('in a page', () => {
    let widget: WidgetApi | undefined;
    afterAll(() => widget?.destroy());

    it('sets window.Hotline, mounts with Hotline.init, and chats', async () => {
      await import(/* @vite-ignore */ path);
      const Hotline = (globalThis as { Hotline?: { init(options: object): WidgetApi } }).Hotline;
      const gateway = new FakeGateway();
      widget = Hotline?.init({
        url: 'wss://chat.example.com/hotline/webchat',
        siteId: 'site_acme',
        locale: 'en',
        client: { WebSocket: gateway.Socket },
      });
      expect(widget?.element.isConnected).toBe(true);
      widget?.open();
      const w = widget as WidgetApi;
      for (let i = 0; i < 50 && !shows(w, 'composer'); i++) await new Promise((resolve) => setTimeout(resolve, 5));
      type(q(w, 'input'), 'Hello from the bundle');
      submit(q(w, 'composer'));
      for (let i = 0; i < 50 && all(w, 'message')[0]?.getAttribute('data-status') !== 'sent'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(all(w, 'message')[0]?.getAttribute('data-status')).toBe('sent');
      expect(gateway.frames.map((f) => f.type)).toEqual(expect.arrayContaining(['hello', 'start', 'send']));
    });
  });
});
