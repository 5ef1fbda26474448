import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { all, q, shows, submit, type } from '../test/dom.js';
import { FakeGateway } from '../test/fake-gateway.js';
import type { WidgetApi } from './widget.js';

// The built IIFE files, as a page gets them. `npm test` builds first (`npm run build`).
const dist = (file: string) => join(dirname(fileURLToPath(import.meta.url)), '../dist', file);
const path = dist('hotline-widget.js');
const extrasPath = dist('hotline-widget-extras.js');
const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

describe.each([path, extrasPath])('%s', (file) => {
  const code = read(file);

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
});

describe('dist/hotline-widget.js', () => {
  const code = read(path);

  it('leaves the forms, the rating and the Chinese texts to the extras file', () => {
    const extras = read(extrasPath);
    // Texts of the pre-chat form, the rating, and 打开聊天 (ASCII-escaped, as both files are).
    for (const text of ['Before we start', 'How was your chat?', '\\u6253\\u5f00\\u804a\\u5929', 'novalidate']) {
      expect(code).not.toContain(text);
      expect(extras).toContain(text);
    }
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

    it('loads the extras file for Simplified Chinese and the pre-chat form', async () => {
      const Hotline = (globalThis as { Hotline?: { init(options: object): WidgetApi } }).Hotline;
      const gateway = new FakeGateway();
      widget?.destroy();
      widget = Hotline?.init({
        url: 'wss://chat.example.com/hotline/webchat',
        siteId: 'site_acme',
        locale: 'zh-CN',
        prechat: { fields: [{ name: 'email', type: 'email', required: true }] },
        extrasUrl: pathToFileURL(extrasPath).href,
        client: { WebSocket: gateway.Socket },
      });
      const w = widget as WidgetApi;
      // On the page once the Chinese texts are there.
      for (let i = 0; i < 100 && !w.element.isConnected; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(q(w, 'launcher').getAttribute('aria-label')).toBe('打开聊天');
      w.open();
      for (let i = 0; i < 100 && !shows(w, 'prechat'); i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(q(w, 'prechat').textContent).toContain('开始之前');
      type(q(w, '#prechat-email'), 'ada@example.com');
      submit(q(w, 'prechat'));
      for (let i = 0; i < 100 && !shows(w, 'composer'); i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(gateway.frames.find((f) => f.type === 'start')).toMatchObject({
        attributes: { prechat: { email: 'ada@example.com' } },
      });
    });

    it('uses the extras file run before it (a tag of the page), loading nothing', async () => {
      widget?.destroy();
      delete (globalThis as { Hotline?: unknown }).Hotline;
      // Fresh copies of both files, in the order of two tags: the extras first.
      await import(/* @vite-ignore */ `${pathToFileURL(extrasPath).href}?first`);
      await import(/* @vite-ignore */ `${pathToFileURL(path).href}?second`);
      const Hotline = (globalThis as { Hotline?: { init(options: object): WidgetApi } }).Hotline;
      widget = Hotline?.init({
        url: 'wss://chat.example.com/hotline/webchat',
        siteId: 'site_acme',
        locale: 'zh-CN',
        extrasUrl: 'https://cdn.example.com/never-loaded.js',
      });
      // On the page at once, in Chinese: nothing was waited for.
      expect(widget?.element.isConnected).toBe(true);
      expect(q(widget as WidgetApi, 'launcher').getAttribute('aria-label')).toBe('打开聊天');
    });
  });
});
