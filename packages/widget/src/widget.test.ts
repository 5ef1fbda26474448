import { describe, expect, it, vi } from 'vitest';
import { all, flush, focused, press, q, shows, submit, type } from '../test/dom.js';
import { deferred, type FakeChat } from '../test/fake-chat.js';
import { mount, OPTIONS } from '../test/mount.js';
import { createWidget } from './widget.js';

async function opened(options: Parameters<typeof mount>[0] = {}) {
  const { widget, chats } = mount(options);
  widget.open();
  await flush();
  return { widget, chat: chats[0] as FakeChat, chats };
}

describe('rendering', () => {
  it('mounts <hotline-chat> with a shadow root, constructable styles, a closed panel and a labelled launcher', () => {
    const { widget, chats } = mount();
    const host = document.querySelector('hotline-chat');
    expect(host).toBe(widget.element);
    expect(host?.shadowRoot?.adoptedStyleSheets).toHaveLength(1);
    expect(host?.shadowRoot?.querySelector('style')).toBeNull();
    const launcher = q(widget, 'launcher');
    expect(launcher.tagName).toBe('BUTTON');
    expect(launcher.getAttribute('aria-label')).toBe('Open chat');
    expect(launcher.getAttribute('aria-expanded')).toBe('false');
    expect(shows(widget, 'panel')).toBe(false);
    expect(chats).toHaveLength(0);
  });

  it('creates and connects the client on the first open only, then shows the conversation', async () => {
    const gate = deferred();
    const { widget, chats } = mount({}, (chat) => {
      chat.connectGate = gate.promise;
    });
    widget.open();
    expect(chats).toHaveLength(1);
    expect(chats[0]?.settings).toMatchObject({ url: OPTIONS.url, siteId: 'site_acme', locale: 'en' });
    expect(shows(widget, 'connecting')).toBe(true);
    expect(q(widget, 'status').textContent).toBe('Connecting…');
    gate.resolve();
    await flush();
    expect(shows(widget, 'log')).toBe(true);
    expect(q(widget, 'status').textContent).toBe('We typically reply in a few minutes');
    expect(q(widget, 'welcome').textContent).toBe('Hi! How can we help you today?');
    expect(focused(widget)).toBe(q(widget, 'input'));
    widget.close();
    widget.open();
    expect(chats).toHaveLength(1);
  });

  it('gives the panel a dialog role, the log role="log" with aria-live, and a labelled composer', async () => {
    const { widget } = await opened();
    const panel = q(widget, 'panel');
    expect(panel.getAttribute('role')).toBe('dialog');
    expect(widget.element.shadowRoot?.getElementById(panel.getAttribute('aria-labelledby') ?? '')?.textContent).toBe(
      'Chat with us',
    );
    const log = q(widget, 'log');
    expect(log.getAttribute('role')).toBe('log');
    expect(log.getAttribute('aria-live')).toBe('polite');
    expect(log.getAttribute('tabindex')).toBe('0');
    expect(q(widget, 'input').getAttribute('aria-label')).toBe('Message');
    expect(q(widget, 'send-button').getAttribute('aria-label')).toBe('Send');
    expect(q(widget, 'attach-button').getAttribute('aria-label')).toBe('Attach a file');
    expect(q(widget, 'close-button').getAttribute('aria-label')).toBe('Close chat');
  });

  it('shows a failed connection with a retry', async () => {
    const { widget, chats } = mount({}, (chat) => {
      chat.failNext.connect = new Error('unreachable');
    });
    const errors: unknown[] = [];
    widget.on('error', (error) => errors.push(error));
    widget.open();
    await flush();
    expect(shows(widget, 'failed')).toBe(true);
    expect(errors).toHaveLength(1);
    q(widget, 'reconnect-button').click();
    await flush();
    expect(shows(widget, 'log')).toBe(true);
    expect(chats[0]?.called('connect')).toHaveLength(2);
  });

  it('places the widget on the left when asked', () => {
    const { widget } = mount({ position: 'left' });
    expect(q(widget, 'root').getAttribute('data-position')).toBe('left');
  });
});

describe('sending and receiving', () => {
  it('starts the conversation with the visitor attributes on the first message, then sends', async () => {
    const { widget, chat } = await opened({ queueId: 'q_sales', attributes: { plan: 'pro' } });
    const input = q<HTMLTextAreaElement>(widget, 'input');
    type(input, '  Hello there  ');
    submit(q(widget, 'composer'));
    await flush();
    const [options] = chat.called('start')[0] as [{ queueId: string; attributes: Record<string, unknown> }];
    expect(options.queueId).toBe('q_sales');
    expect(options.attributes).toMatchObject({
      language: 'en',
      custom: { plan: 'pro' },
      page: { url: location.href, title: document.title },
    });
    expect(chat.called('send')).toEqual([['Hello there']]);
    expect(input.value).toBe('');
    const [message] = all(widget, 'message');
    expect(message?.getAttribute('data-status')).toBe('pending');
    expect(message?.textContent).toContain('Sending…');
    expect(message?.textContent).toContain('You: ');
  });

  it('shows a pending message once, then as sent in place, and an agent reply with its name', async () => {
    const { widget, chat } = await opened();
    type(q(widget, 'input'), 'Hi');
    submit(q(widget, 'composer'));
    await flush();
    const pending = all(widget, 'message');
    expect(pending).toHaveLength(1);
    chat.ack(chat.messages[0]?.clientMessageId as string);
    chat.agentSays('Hello, how can I help?');
    const shown = all(widget, 'message');
    expect(shown).toHaveLength(2);
    expect(shown[0]?.getAttribute('data-status')).toBe('sent');
    expect(shown[0]?.textContent).not.toContain('Sending');
    expect(shown[1]?.textContent).toContain('Anna: ');
    expect(shown[1]?.getAttribute('part')).toBe('message message-agent');
  });

  it('shows a message delivered twice (same key) once, and keeps the client order', async () => {
    const { widget, chat } = await opened();
    await chat.start();
    const first = chat.agentSays('one');
    chat.agentSays('two');
    chat.push({ ...first });
    expect(all(widget, 'message').map((m) => m.querySelector('p')?.textContent)).toEqual(['one', 'two']);
    chat.messages = [...chat.messages].reverse();
    chat.emit('messages', chat.messages);
    expect(all(widget, 'message').map((m) => m.querySelector('p')?.textContent)).toEqual(['one', 'two']);
  });

  it('marks a failed message and retries it', async () => {
    const { widget, chat } = await opened();
    type(q(widget, 'input'), 'Are you there?');
    submit(q(widget, 'composer'));
    await flush();
    chat.failSend(chat.messages[0]?.clientMessageId as string);
    const [failed] = all(widget, 'message');
    expect(failed?.getAttribute('data-status')).toBe('failed');
    expect(failed?.textContent).toContain('Not sent');
    q(widget, 'retry-button').click();
    await flush();
    expect(chat.called('send')).toEqual([['Are you there?'], ['Are you there?']]);
    const shown = all(widget, 'message');
    expect(shown).toHaveLength(1);
    expect(shown[0]?.getAttribute('data-status')).toBe('pending');
  });

  it('puts the draft back and shows an alert when the client refuses the message', async () => {
    const { widget, chat } = await opened();
    chat.failNext.send = new Error('too long');
    const input = q<HTMLTextAreaElement>(widget, 'input');
    type(input, 'Hello');
    submit(q(widget, 'composer'));
    await flush();
    expect(input.value).toBe('Hello');
    expect(q(widget, 'alert').textContent).toBe('Something went wrong. Please try again.');
    expect(q(widget, 'alert').getAttribute('role')).toBe('alert');
  });

  it('shows the message at once, without waiting for the conversation to start, and reports a failed start', async () => {
    const { widget, chat } = await opened();
    const errors: unknown[] = [];
    widget.on('error', (error) => errors.push(error));
    chat.failNext.start = new Error('refused');
    type(q(widget, 'input'), 'Hello');
    submit(q(widget, 'composer'));
    expect(all(widget, 'message')).toHaveLength(1);
    await flush();
    expect(q(widget, 'alert').hidden).toBe(false);
    expect(errors).toEqual([new Error('refused')]);
  });

  it('renders text as text, links only http(s) URLs, images as thumbnails and other files as links', async () => {
    const { widget, chat } = await opened();
    await chat.start();
    chat.serverSays(
      { type: 'text', text: '<img src=x onerror=alert(1)> see https://example.com/help. javascript:alert(1)' },
      { kind: 'agent', name: 'Anna' },
    );
    chat.serverSays({
      type: 'attachments',
      attachments: [
        { id: 'a1', name: 'shot.png', mimeType: 'image/png', size: 2048, url: 'https://files.example.com/a1?sig=x' },
        {
          id: 'a2',
          name: 'invoice.pdf',
          mimeType: 'application/pdf',
          size: 3 * 1024 * 1024,
          url: 'https://files.example.com/a2',
        },
        { id: 'a3', name: 'evil.png', mimeType: 'image/png', size: 1, url: 'javascript:alert(1)' },
      ],
    });
    const [text, files] = all(widget, 'message');
    expect(text?.querySelector('img')).toBeNull();
    expect(text?.textContent).toContain('<img src=x onerror=alert(1)>');
    const links = [...(text?.querySelectorAll('a') ?? [])];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/help']);
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(files?.querySelector('img')?.getAttribute('src')).toBe('https://files.example.com/a1?sig=x');
    expect(files?.querySelector('img')?.getAttribute('alt')).toBe('shot.png');
    expect(files?.textContent).toContain('invoice.pdf (3 MB)');
    expect(files?.textContent).toContain('evil.png');
    expect(
      [...(files?.querySelectorAll('a') ?? [])].some((a) => a.getAttribute('href')?.startsWith('javascript')),
    ).toBe(false);
    expect(text?.textContent).toContain('Anna: ');
    expect(files?.textContent).toContain('Agent: ');
  });

  it('sends a card postback as the visitor message and hides system events', async () => {
    const { widget, chat } = await opened();
    await chat.start();
    chat.serverSays(
      {
        type: 'card',
        title: 'Pick one',
        actions: [
          { label: 'Billing', value: 'billing', kind: 'postback' },
          { label: 'Docs', value: 'https://docs.example.com', kind: 'url' },
        ],
      },
      { kind: 'bot' },
    );
    chat.serverSays({ type: 'event', name: 'conversation.transferred', data: {} }, { kind: 'system' });
    expect(all(widget, 'message')).toHaveLength(1);
    const card = all(widget, 'message')[0];
    expect(card?.textContent).toContain('Agent: ');
    expect(card?.querySelector('a')?.getAttribute('href')).toBe('https://docs.example.com/');
    card?.querySelector('button')?.click();
    await flush();
    expect(chat.called('send')).toEqual([['billing']]);
  });

  it('offers the allowed types in the file picker, uploads, and explains a file too large', async () => {
    const { widget, chat } = await opened();
    const input = q<HTMLInputElement>(widget, 'file');
    expect(input.accept).toBe('image/png,image/jpeg,application/pdf');
    expect(input.hidden).toBe(true);
    const pick = (file: File) => {
      Object.defineProperty(input, 'files', { value: [file], configurable: true });
      input.dispatchEvent(new Event('change'));
    };
    q(widget, 'attach-button').click();
    pick(new File(['x'.repeat(10)], 'a.png', { type: 'image/png' }));
    await flush();
    expect(chat.called('sendFile')).toHaveLength(1);
    expect(chat.called('start')).toHaveLength(1);
    expect(q(widget, 'alert').hidden).toBe(true);
    pick(new File(['x'.repeat(2 * 1024 * 1024)], 'big.png', { type: 'image/png' }));
    await flush();
    expect(q(widget, 'alert').textContent).toBe('The file is too large (at most 1 MB).');
  });

  it('hides the attach button when the server takes no uploads', async () => {
    const { widget } = mount({}, (c) => {
      c.serverLimits = { ...c.serverLimits, maxUploadBytes: 0 };
    });
    widget.open();
    await flush();
    expect(shows(widget, 'composer')).toBe(true);
    expect(shows(widget, 'attach-button')).toBe(false);
  });

  it('shows the agent typing until they stop or their message arrives', async () => {
    const { widget, chat } = await opened();
    await chat.start();
    chat.emit('typing', { on: true, author: { kind: 'agent', name: 'Anna' } });
    expect(q(widget, 'typing').textContent).toBe('Anna is typing…');
    expect(q(widget, 'typing').getAttribute('aria-live')).toBe('polite');
    chat.agentSays('Here I am');
    expect(q(widget, 'typing').textContent).toBe('');
    chat.emit('typing', { on: true, author: { kind: 'agent' } });
    expect(q(widget, 'typing').textContent).toBe('Agent is typing…');
    chat.emit('typing', { on: true, author: { kind: 'contact' } });
    expect(q(widget, 'typing').textContent).toBe('Agent is typing…');
    chat.emit('typing', { on: false, author: { kind: 'agent' } });
    expect(q(widget, 'typing').textContent).toBe('');
  });

  it('reports the visitor typing on each key, and stopping 3 s after the last one or on send', async () => {
    const { widget, chat } = await opened();
    const input = q<HTMLTextAreaElement>(widget, 'input');
    type(input, 'H');
    expect(chat.called('setTyping')).toEqual([]);
    await chat.start();
    vi.useFakeTimers();
    try {
      type(input, 'He');
      type(input, 'Hel');
      expect(chat.called('setTyping')).toEqual([[true], [true]]);
      vi.advanceTimersByTime(2999);
      expect(chat.called('setTyping')).toHaveLength(2);
      vi.advanceTimersByTime(1);
      expect(chat.called('setTyping').at(-1)).toEqual([false]);
      type(input, 'Hello');
      submit(q(widget, 'composer'));
      expect(chat.called('setTyping').slice(-2)).toEqual([[true], [false]]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('keyboard and focus', () => {
  it('opens from the launcher with the focus inside the panel; Escape closes and returns it to the launcher', async () => {
    const { widget } = mount();
    const launcher = q(widget, 'launcher');
    launcher.focus();
    launcher.click();
    await flush();
    expect(widget.isOpen).toBe(true);
    expect(launcher.getAttribute('aria-expanded')).toBe('true');
    expect(launcher.getAttribute('aria-label')).toBe('Close chat');
    const input = q(widget, 'input');
    expect(focused(widget)).toBe(input);
    press(input, 'Escape');
    expect(widget.isOpen).toBe(false);
    expect(shows(widget, 'panel')).toBe(false);
    expect(focused(widget)).toBe(launcher);
  });

  it('closes from the close button back to the launcher', async () => {
    const { widget } = await opened();
    q(widget, 'close-button').click();
    expect(widget.isOpen).toBe(false);
    expect(focused(widget)).toBe(q(widget, 'launcher'));
  });

  it('sends on Enter, not on Shift+Enter nor while an input method composes', async () => {
    const { widget, chat } = await opened();
    const input = q<HTMLTextAreaElement>(widget, 'input');
    type(input, 'line one');
    expect(press(input, 'Enter', { shiftKey: true }).defaultPrevented).toBe(false);
    expect(press(input, 'Enter', { isComposing: true }).defaultPrevented).toBe(false);
    await flush();
    expect(chat.called('send')).toEqual([]);
    expect(press(input, 'Enter').defaultPrevented).toBe(true);
    await flush();
    expect(chat.called('send')).toEqual([['line one']]);
    press(input, 'Enter');
    await flush();
    expect(chat.called('send')).toHaveLength(1);
  });
});

describe('unread badge', () => {
  it('counts agent messages while closed, announces the count on the launcher, and clears on open', async () => {
    const { widget, chat } = await opened();
    await chat.start();
    chat.agentSays('first, seen');
    expect(chat.called('markRead')).toHaveLength(1);
    const counts: number[] = [];
    widget.on('unread', (count) => counts.push(count));
    widget.close();
    chat.agentSays('one');
    chat.agentSays('two');
    const badge = q(widget, 'badge');
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe('2');
    expect(badge.getAttribute('aria-hidden')).toBe('true');
    expect(q(widget, 'launcher').getAttribute('aria-label')).toBe('Open chat, 2 unread');
    expect(widget.unread).toBe(2);
    widget.open();
    expect(badge.hidden).toBe(true);
    expect(counts).toEqual([1, 2, 0]);
    expect(chat.called('markRead')).toHaveLength(2);
  });

  it('does not count the visitor own messages', async () => {
    const { widget, chat } = await opened();
    widget.close();
    await chat.start();
    chat.send('mine');
    chat.ack(chat.messages[0]?.clientMessageId as string);
    expect(widget.unread).toBe(0);
  });

  it('counts afresh in a new conversation (seqs start again at 1)', async () => {
    const { widget, chat } = await opened();
    await chat.start();
    for (const text of ['one', 'two', 'three']) chat.agentSays(text);
    chat.setStatus('closed');
    q(widget, 'new-chat').click();
    type(q(widget, 'input'), 'A new question');
    submit(q(widget, 'composer'));
    await flush();
    expect(chat.conversation?.status).toBe('queued');
    widget.close();
    chat.agentSays('Answer in the new conversation');
    expect(widget.unread).toBe(1);
  });

  it('counts from the server read horizon when history is resumed while closed', async () => {
    const { widget, chat } = await opened();
    widget.close();
    chat.setStatus('active', 'Anna');
    chat.conversation = {
      ...(chat.conversation as NonNullable<FakeChat['conversation']>),
      read: { contact: 1, agent: 0 },
    };
    chat.messages = [1, 2, 3].map((seq) => ({
      id: `m${seq}`,
      seq,
      direction: 'outbound' as const,
      author: { kind: 'agent' as const },
      content: { type: 'text' as const, text: `m${seq}` },
      createdAt: new Date().toISOString(),
      status: 'sent' as const,
    }));
    chat.emit('messages', chat.messages);
    expect(widget.unread).toBe(2);
    expect(all(widget, 'message')).toHaveLength(3);
    widget.open();
    expect(widget.unread).toBe(0);
  });
});

describe('API', () => {
  it('open, close and toggle emit events once each', async () => {
    const { widget } = mount();
    const seen: string[] = [];
    widget.on('open', () => seen.push('open'));
    const off = widget.on('close', () => seen.push('close'));
    widget.toggle();
    widget.open();
    widget.toggle();
    widget.close();
    off();
    widget.open();
    widget.close();
    expect(seen).toEqual(['open', 'close', 'open']);
  });

  it('emits ready once mounted, and calls a late ready listener too', async () => {
    const { widget } = mount();
    const early = vi.fn();
    widget.on('ready', early);
    await flush();
    expect(early).toHaveBeenCalledTimes(1);
    const late = vi.fn();
    widget.on('ready', late);
    await flush();
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('forwards message and conversation events', async () => {
    const { widget, chat } = await opened();
    const messages: string[] = [];
    const statuses: string[] = [];
    widget.on('message', (m) => messages.push(m.status));
    widget.on('conversation', (c) => statuses.push(c?.status ?? 'none'));
    await chat.start();
    chat.setStatus('active', 'Anna');
    chat.agentSays('hi');
    expect(statuses).toEqual(['queued', 'active']);
    expect(messages).toEqual(['sent']);
    expect(q(widget, 'status').textContent).toBe('Anna joined the chat');
  });

  it('setUser validates the identity and hands it to the client; the first open passes it', async () => {
    const { widget, chats } = mount();
    expect(() => widget.setUser({ userId: 'u1', hash: 'not-hex' })).toThrow(/user/);
    const identity = { userId: 'u1', hash: 'a'.repeat(64), name: 'Ada', email: 'ada@example.com' };
    widget.setUser(identity);
    widget.open();
    await flush();
    expect(chats[0]?.settings.identity).toEqual(identity);
    widget.setUser({ jwt: 'eyJ.payload.sig' });
    widget.setUser(null);
    expect(chats[0]?.called('setIdentity')).toEqual([[{ jwt: 'eyJ.payload.sig' }], [undefined]]);
  });

  it('setAttributes validates and merges, and the next conversation carries them', async () => {
    const { widget, chat } = await opened({ attributes: { plan: 'pro', trial: true } });
    expect(() => widget.setAttributes({ 'bad key': 1 })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => widget.setAttributes({ nested: { a: 1 } as never })).toThrow(/nested/);
    widget.setAttributes({ cart: 42, trial: null });
    type(q(widget, 'input'), 'hi');
    submit(q(widget, 'composer'));
    await flush();
    const [options] = chat.called('start')[0] as [{ attributes: { custom: unknown } }];
    expect(options.attributes.custom).toEqual({ plan: 'pro', cart: 42 });
  });

  it('reset forgets the visitor: the client is reset and closed, the next open starts afresh', async () => {
    const { widget, chats } = await opened({ prechat: { fields: [{ name: 'name', required: true }] } });
    type(q<HTMLInputElement>(widget, '#prechat-name'), 'Ada');
    submit(q(widget, 'prechat'));
    await flush();
    expect(shows(widget, 'log')).toBe(true);
    widget.close();
    widget.reset();
    expect(chats[0]?.called('reset')).toHaveLength(1);
    expect(chats[0]?.called('close')).toHaveLength(1);
    expect(chats[0]?.listenerCount()).toBe(0);
    expect(chats).toHaveLength(1);
    widget.open();
    await flush();
    expect(chats).toHaveLength(2);
    expect(shows(widget, 'prechat')).toBe(true);
    expect(q<HTMLInputElement>(widget, '#prechat-name').value).toBe('');
  });

  it('reset while open reconnects at once', async () => {
    const { widget, chats } = await opened();
    widget.reset();
    await flush();
    expect(chats).toHaveLength(2);
    expect(chats[1]?.called('connect')).toHaveLength(1);
  });

  it('destroy removes the element and closes the client; further calls do nothing', async () => {
    const { widget, chats } = await opened();
    widget.destroy();
    expect(document.querySelector('hotline-chat')).toBeNull();
    expect(chats[0]?.called('close')).toHaveLength(1);
    widget.open();
    expect(chats).toHaveLength(1);
  });

  it('openOnLoad opens once ready', async () => {
    const { widget, chats } = mount({ openOnLoad: true });
    expect(chats).toHaveLength(0);
    await flush();
    expect(widget.isOpen).toBe(true);
    expect(chats).toHaveLength(1);
  });

  it('rejects bad options with a VALIDATION_FAILED error naming each problem, and mounts nothing', () => {
    expect(() =>
      createWidget(
        { url: 'ftp://x', siteId: '' } as never,
        () => never(),
        () => never(),
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: expect.objectContaining({
          issues: [expect.objectContaining({ path: 'url' }), expect.objectContaining({ path: 'siteId' })],
        }),
      }),
    );
    expect(document.querySelector('hotline-chat')).toBeNull();
  });

  it('waits for the body when initialised from <head>', async () => {
    const body = document.body;
    body.remove();
    try {
      const { widget } = mount();
      expect(widget.element.isConnected).toBe(false);
      document.documentElement.append(body);
      document.dispatchEvent(new Event('DOMContentLoaded'));
      expect(widget.element.isConnected).toBe(true);
    } finally {
      if (!body.isConnected) document.documentElement.append(body);
    }
  });
});

function never(): never {
  throw new Error('the client must not be created');
}
