import { describe, expect, it } from 'vitest';
import { all, flush, focused, q, shows, submit, type } from '../../test/dom.js';
import type { FakeChat } from '../../test/fake-chat.js';
import { mount } from '../../test/mount.js';

const PRECHAT = {
  fields: [
    { name: 'name', required: true },
    { name: 'email', type: 'email' as const, required: true },
    { name: 'phone', type: 'tel' as const },
    {
      name: 'topic',
      type: 'select' as const,
      label: { en: 'Topic', 'zh-CN': '主题' },
      required: true,
      options: [
        { value: 'billing', label: { en: 'Billing', 'zh-CN': '账单' } },
        { value: 'tech', label: 'Technical' },
      ],
    },
    { name: 'order_id', label: 'Order number' },
  ],
};

async function opened(options: Parameters<typeof mount>[0] = {}, prepare?: Parameters<typeof mount>[1]) {
  const { widget, chats } = mount(options, prepare);
  widget.open();
  await flush();
  return { widget, chat: chats[0] as FakeChat };
}

describe('pre-chat form', () => {
  it('renders the configured fields with labels, types and required marks, and focuses the first', async () => {
    const { widget } = await opened({ prechat: PRECHAT });
    expect(shows(widget, 'prechat')).toBe(true);
    expect(shows(widget, 'composer')).toBe(false);
    const labels = [...q(widget, 'prechat').querySelectorAll('label')].map((l) => l.firstChild?.textContent);
    expect(labels).toEqual(['Name *', 'Email *', 'Phone', 'Topic *', 'Order number']);
    expect(q<HTMLInputElement>(widget, '#prechat-email').type).toBe('email');
    expect(q<HTMLInputElement>(widget, '#prechat-email').getAttribute('autocomplete')).toBe('email');
    expect(q<HTMLInputElement>(widget, '#prechat-phone').type).toBe('tel');
    expect(q<HTMLInputElement>(widget, '#prechat-name').required).toBe(true);
    const options = [...q<HTMLSelectElement>(widget, '#prechat-topic').options].map((o) => o.textContent);
    expect(options).toEqual(['Choose…', 'Billing', 'Technical']);
    expect(focused(widget)).toBe(q(widget, '#prechat-name'));
    expect(q(widget, 'prechat').hasAttribute('novalidate')).toBe(true);
  });

  it('refuses empty required fields and a bad email, marks them invalid and focuses the first', async () => {
    const { widget, chat } = await opened({ prechat: PRECHAT });
    type(q(widget, '#prechat-email'), 'not-an-email');
    type(q(widget, '#prechat-phone'), 'call me');
    submit(q(widget, 'prechat'));
    await flush();
    expect(chat.called('start')).toEqual([]);
    const name = q(widget, '#prechat-name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(q(widget, '#prechat-name-error').textContent).toBe('This field is required.');
    expect(name.getAttribute('aria-describedby')).toBe('prechat-name-error');
    expect(q(widget, '#prechat-email-error').textContent).toBe('Enter a valid email address.');
    expect(q(widget, '#prechat-phone-error').textContent).toBe('');
    expect(q(widget, '#prechat-topic-error').textContent).toBe('This field is required.');
    expect(q(widget, '#prechat-order_id').getAttribute('aria-invalid')).toBe('false');
    expect(focused(widget)).toBe(name);
  });

  it('starts the conversation with the answers and moves to the composer', async () => {
    const { widget, chat } = await opened({ prechat: PRECHAT, queueId: 'q1' });
    type(q(widget, '#prechat-name'), ' Ada ');
    type(q(widget, '#prechat-email'), 'ada@example.com');
    type(q(widget, '#prechat-topic'), 'tech');
    submit(q(widget, 'prechat'));
    await flush();
    const [options] = chat.called('start')[0] as [{ queueId: string; attributes: { prechat: unknown } }];
    expect(options.queueId).toBe('q1');
    expect(options.attributes.prechat).toEqual({ name: 'Ada', email: 'ada@example.com', topic: 'tech' });
    expect(shows(widget, 'composer')).toBe(true);
    expect(focused(widget)).toBe(q(widget, 'input'));
  });

  it('keeps the form and shows the error when starting fails', async () => {
    const { widget, chat } = await opened({ prechat: { fields: [{ name: 'name' }] } });
    chat.failNext.start = new Error('down');
    submit(q(widget, 'prechat'));
    await flush();
    expect(shows(widget, 'prechat')).toBe(true);
    expect(q(widget, 'alert').hidden).toBe(false);
    submit(q(widget, 'prechat'));
    await flush();
    expect(shows(widget, 'composer')).toBe(true);
    expect(q(widget, 'alert').hidden).toBe(true);
  });

  it('prefills name and email from the identity', async () => {
    const user = { userId: 'u1', hash: 'b'.repeat(64), name: 'Ada', email: 'ada@example.com' };
    const { widget } = await opened({ prechat: PRECHAT, user });
    expect(q<HTMLInputElement>(widget, '#prechat-name').value).toBe('Ada');
    expect(q<HTMLInputElement>(widget, '#prechat-email').value).toBe('ada@example.com');
  });

  it('is skipped for a conversation the client resumed', async () => {
    const { widget } = await opened({ prechat: PRECHAT }, (chat) => {
      chat.setStatus('active');
    });
    expect(shows(widget, 'prechat')).toBe(false);
    expect(shows(widget, 'composer')).toBe(true);
  });
});

describe('offline form', () => {
  it('replaces the chat when the queue is closed, and leaves a message', async () => {
    const { widget, chat } = await opened({ texts: { en: { offlineMessage: 'Back at 9 am.' } } }, (c) => {
      c.queueOpen = false;
    });
    expect(shows(widget, 'offline')).toBe(true);
    expect(q(widget, 'offline').textContent).toContain('We are away right now');
    expect(q(widget, 'offline').textContent).toContain('Back at 9 am.');
    expect(focused(widget)).toBe(q(widget, '#offline-name'));
    submit(q(widget, 'offline'));
    await flush();
    expect(q(widget, '#offline-email-error').textContent).toBe('This field is required.');
    expect(q(widget, '#offline-message-error').textContent).toBe('This field is required.');
    expect(q(widget, '#offline-name-error').textContent).toBe('');
    type(q(widget, '#offline-email'), 'ada@example.com');
    type(q(widget, '#offline-message'), 'Please call me back.');
    submit(q(widget, 'offline'));
    await flush();
    expect(chat.called('leaveMessage')).toEqual([[{ email: 'ada@example.com', message: 'Please call me back.' }]]);
    expect(shows(widget, 'offline-sent')).toBe(true);
    expect(focused(widget)).toBe(q(widget, 'offline-sent'));
    expect(chat.called('start')).toEqual([]);
  });

  it('switches to the chat when the queue opens', async () => {
    const { widget, chat } = await opened({}, (c) => {
      c.queueOpen = false;
    });
    chat.queueOpen = true;
    chat.emit('queue', { open: true });
    expect(shows(widget, 'composer')).toBe(true);
  });
});

describe('end of the conversation', () => {
  async function ended() {
    const context = await opened({ user: { userId: 'u1', hash: 'c'.repeat(64), email: 'ada@example.com' } });
    await context.chat.start();
    context.chat.agentSays('Anything else?');
    q(context.widget, 'input').focus();
    context.chat.setStatus('resolved');
    return context;
  }

  it('lets the visitor end the chat from the header', async () => {
    const { widget, chat } = await opened();
    expect(shows(widget, 'end-button')).toBe(false);
    await chat.start();
    expect(shows(widget, 'end-button')).toBe(true);
    expect(q(widget, 'end-button').textContent).toBe('End chat');
    q(widget, 'end-button').click();
    await flush();
    expect(chat.called('end')).toHaveLength(1);
    expect(shows(widget, 'ended')).toBe(true);
    expect(shows(widget, 'end-button')).toBe(false);
  });

  it('shows the history, the rating and the transcript request; the rating needs a score', async () => {
    const { widget, chat } = await ended();
    expect(shows(widget, 'ended')).toBe(true);
    expect(shows(widget, 'composer')).toBe(false);
    expect(all(widget, 'message')).toHaveLength(1);
    expect(focused(widget)).toBe(q(widget, '#csat-1'));
    expect(q(widget, 'csat').querySelector('legend')?.textContent).toBe('How was your chat?');
    expect(q(widget, '#csat-4').closest('label')?.textContent).toContain('4 out of 5');
    submit(q(widget, 'csat'));
    await flush();
    expect(q(widget, '#csat-error').textContent).toBe('This field is required.');
    expect(chat.called('rate')).toEqual([]);
    const four = q<HTMLInputElement>(widget, '#csat-4');
    four.checked = true;
    four.dispatchEvent(new Event('change'));
    type(q(widget, '#csat-comment'), 'Quick and kind');
    submit(q(widget, 'csat'));
    await flush();
    expect(chat.called('rate')).toEqual([[4, 'Quick and kind']]);
    expect(q(widget, 'csat-thanks').textContent).toBe('Thank you for your feedback!');
  });

  it('sends a score without a comment', async () => {
    const { widget, chat } = await ended();
    const five = q<HTMLInputElement>(widget, '#csat-5');
    five.checked = true;
    submit(q(widget, 'csat'));
    await flush();
    expect(chat.called('rate')).toEqual([[5, undefined]]);
  });

  it('requests a transcript to the prefilled address', async () => {
    const { widget, chat } = await ended();
    expect(q<HTMLInputElement>(widget, '#transcript-email').value).toBe('ada@example.com');
    type(q(widget, '#transcript-email'), 'nope');
    submit(q(widget, 'transcript'));
    await flush();
    expect(chat.called('requestTranscript')).toEqual([]);
    type(q(widget, '#transcript-email'), 'ada@example.org');
    submit(q(widget, 'transcript'));
    await flush();
    expect(chat.called('requestTranscript')).toEqual([['ada@example.org']]);
    expect(q(widget, 'transcript-sent').textContent).toBe('Transcript sent to ada@example.org.');
  });

  it('starts a new chat: the composer comes back, and a closed conversation makes way for a new one', async () => {
    const { widget, chat } = await ended();
    chat.setStatus('closed');
    q(widget, 'new-chat').click();
    expect(shows(widget, 'composer')).toBe(true);
    expect(focused(widget)).toBe(q(widget, 'input'));
    type(q(widget, 'input'), 'Another question');
    submit(q(widget, 'composer'));
    await flush();
    expect(chat.called('start')).toHaveLength(2);
    expect(chat.conversation?.status).toBe('queued');
    expect(all(widget, 'message')).toHaveLength(1);
  });
});
