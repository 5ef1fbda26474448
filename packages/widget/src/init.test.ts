import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { all, flush, q, shows, submit, type } from '../test/dom.js';
import { FakeGateway, memoryStorage } from '../test/fake-gateway.js';
import { init } from './init.js';
import type { WidgetApi } from './widget.js';

const URL_ = 'wss://chat.example.com/hotline/webchat';
let widgets: WidgetApi[] = [];

afterEach(() => {
  for (const widget of widgets) widget.destroy();
  widgets = [];
  vi.restoreAllMocks();
  localStorage.clear();
});

/** Waits until `check` passes (the fake gateway answers on timers). */
async function until(check: () => unknown): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if (check() !== false) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  check();
  throw new Error('condition not met');
}

describe('with the real CustomerChat', () => {
  let gateway: FakeGateway;
  beforeEach(() => {
    gateway = new FakeGateway();
  });

  function start(options: Record<string, unknown> = {}): WidgetApi {
    const widget = init({
      url: URL_,
      siteId: 'site_acme',
      locale: 'en',
      client: { WebSocket: gateway.Socket },
      ...options,
    });
    widgets.push(widget);
    return widget;
  }

  it('touches no storage, cookie or socket before the visitor opens it, and uses storage after', async () => {
    const spies = [
      vi.spyOn(Storage.prototype, 'getItem'),
      vi.spyOn(Storage.prototype, 'setItem'),
      vi.spyOn(Storage.prototype, 'removeItem'),
      vi.spyOn(Storage.prototype, 'key'),
    ];
    const cookieGet = vi.spyOn(Document.prototype, 'cookie', 'get');
    const cookieSet = vi.spyOn(Document.prototype, 'cookie', 'set');
    const widget = start({ attributes: { plan: 'pro' } });
    widget.setLocale('zh-CN');
    widget.setAttributes({ cart: 3 });
    widget.setUser({ userId: 'u1', hash: 'a'.repeat(64) });
    widget.close();
    await flush();
    expect(spies.map((spy) => spy.mock.calls.length)).toEqual([0, 0, 0, 0]);
    expect(cookieGet).not.toHaveBeenCalled();
    expect(cookieSet).not.toHaveBeenCalled();
    expect(gateway.frames).toEqual([]);
    widget.open();
    await until(() => expect(shows(widget, 'composer')).toBe(true));
    expect(spies[1]?.mock.calls.length).toBeGreaterThan(0);
    expect(gateway.frames[0]).toMatchObject({ type: 'hello', siteId: 'site_acme', locale: 'zh-CN' });
    expect(cookieSet).not.toHaveBeenCalled();
  });

  it('reset before any open forgets what an earlier page stored, without connecting', async () => {
    localStorage.setItem('hotline:site_acme', JSON.stringify({ v: 1, token: 'old' }));
    const widget = start();
    widget.reset();
    await flush();
    expect(localStorage.getItem('hotline:site_acme')).toBeNull();
    expect(gateway.frames).toEqual([]);
  });

  it('sends, shows the reply, and after a reload shows the same history exactly once', async () => {
    const storage = memoryStorage();
    const first = start({ client: { WebSocket: gateway.Socket, storage } });
    first.open();
    await until(() => expect(shows(first, 'composer')).toBe(true));
    type(q(first, 'input'), 'Hello, I need help');
    submit(q(first, 'composer'));
    await until(() => expect(all(first, 'message')[0]?.getAttribute('data-status')).toBe('sent'));
    const conversationId = [...gateway.conversations.keys()][0] as string;
    gateway.agentSays(conversationId, 'Hi! Anna here.');
    await until(() => expect(all(first, 'message')).toHaveLength(2));
    first.destroy();

    const second = start({ client: { WebSocket: gateway.Socket, storage } });
    second.open();
    await until(() => expect(all(second, 'message')).toHaveLength(2));
    await flush();
    const texts = all(second, 'message').map((m) => m.querySelector('p')?.textContent);
    expect(texts).toEqual(['Hello, I need help', 'Hi! Anna here.']);
    expect(gateway.messages.get(conversationId)).toHaveLength(2);
  });

  it('shows the offline form when no agent can be reached and leaves the message', async () => {
    gateway.queueOpen = false;
    const widget = start();
    widget.open();
    await until(() => expect(shows(widget, 'offline')).toBe(true));
    type(q(widget, '#offline-email'), 'ada@example.com');
    type(q(widget, '#offline-message'), 'Call me back');
    submit(q(widget, 'offline'));
    await until(() => expect(shows(widget, 'offline-sent')).toBe(true));
    expect(gateway.frames.find((f) => f.type === 'offline')).toMatchObject({
      email: 'ada@example.com',
      message: 'Call me back',
    });
  });
});
