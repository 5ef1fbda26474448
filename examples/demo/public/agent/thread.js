/**
 * The message thread of the open chat: customer, agent, internal notes and system events
 * look different; each message once, in seq order; the agent's own message shows at once as
 * "sending" and is replaced by the stored one when the server acknowledges it.
 */
import { customerName, messageText } from './chats.js';
import { fill, h } from './dom.js';
import { clockTime } from './format.js';

function kindOf(message) {
  if (message.direction === 'note') return 'note';
  if (message.author?.kind === 'contact') return 'customer';
  if (message.author?.kind === 'agent') return 'agent';
  return 'system';
}

function authorLabel(message, conversation) {
  const kind = kindOf(message);
  if (kind === 'customer') return customerName(conversation);
  if (kind === 'note') return `Internal note · ${message.author?.name ?? 'agent'}`;
  if (kind === 'agent') return message.author?.name ?? 'Agent';
  return message.author?.name ?? (message.author?.kind === 'bot' ? 'Bot' : 'System');
}

function body(content) {
  if (content?.type === 'attachments') {
    return [
      content.text ? h('p', { class: 'msg-text' }, content.text) : null,
      h(
        'ul',
        { class: 'attachments' },
        (content.attachments ?? []).map((file) =>
          h(
            'li',
            {},
            file.url && /^image\//.test(file.mimeType)
              ? h('img', { src: file.url, alt: file.name, class: 'attachment-image', loading: 'lazy' })
              : null,
            file.url
              ? h('a', { href: file.url, target: '_blank', rel: 'noopener noreferrer' }, file.name)
              : h('span', {}, file.name),
          ),
        ),
      ),
    ];
  }
  if (content?.type === 'card') {
    return h(
      'div',
      { class: 'card-content' },
      h('p', { class: 'msg-text card-title' }, content.title),
      content.body ? h('p', { class: 'msg-text' }, content.body) : null,
      (content.actions ?? []).length
        ? h(
            'ul',
            { class: 'card-actions' },
            content.actions.map((action) => h('li', {}, action.label)),
          )
        : null,
    );
  }
  return h('p', { class: 'msg-text' }, messageText({ content }));
}

/** @param {{ list: HTMLElement, typing: HTMLElement }} elements */
export function createThread({ list, typing }) {
  let conversation;
  let typingTimer;

  function item(message) {
    const kind = kindOf(message);
    return h(
      'div',
      {
        class: `msg msg-${kind}`,
        testid: 'message',
        dataset: {
          id: message.id,
          seq: String(message.seq),
          direction: message.direction,
          author: kind,
          status: 'sent',
          ...(message.clientMessageId ? { clientMessageId: message.clientMessageId } : {}),
        },
      },
      h(
        'p',
        { class: 'msg-head' },
        h('span', { class: 'msg-author' }, authorLabel(message, conversation)),
        ' ',
        h('time', { datetime: message.createdAt }, clockTime(message.createdAt)),
      ),
      body(message.content),
    );
  }

  function nearBottom() {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  function scrollDown() {
    list.scrollTop = list.scrollHeight;
  }

  /** Shows a conversation with the messages held so far. */
  function open(next, messages) {
    conversation = next;
    fill(list, messages.map(item));
    setTyping(false);
    scrollDown();
  }

  /** Adds a stored message in seq order (once); it replaces its "sending" copy. */
  function add(message) {
    if (!conversation || message.conversationId !== conversation.id) return;
    if (list.querySelector(`[data-id="${CSS.escape(message.id)}"]`)) return;
    const stick = nearBottom();
    if (message.clientMessageId) {
      list
        .querySelector(`[data-status][data-client-message-id="${CSS.escape(message.clientMessageId)}"]:not([data-id])`)
        ?.remove();
    }
    const after = [...list.children].find(
      (el) => !el.dataset.id || Number(el.dataset.seq) > message.seq, // pending ones stay last
    );
    list.insertBefore(item(message), after ?? null);
    if (message.author?.kind === 'contact') setTyping(false);
    if (stick || message.author?.kind !== 'contact') scrollDown();
  }

  /** Shows the agent's own message before the server stored it. */
  function pending(clientMessageId, text, note) {
    list.append(
      h(
        'div',
        {
          class: `msg msg-${note ? 'note' : 'agent'} msg-pending`,
          testid: 'message',
          dataset: {
            clientMessageId,
            direction: note ? 'note' : 'outbound',
            author: note ? 'note' : 'agent',
            status: 'pending',
          },
        },
        h(
          'p',
          { class: 'msg-head' },
          h('span', { class: 'msg-author' }, note ? 'Internal note · you' : 'You'),
          ' sending…',
        ),
        h('p', { class: 'msg-text' }, text),
      ),
    );
    scrollDown();
  }

  /** Marks a pending message as failed, with a Retry button. */
  function failed(clientMessageId, retry) {
    const el = list.querySelector(`[data-client-message-id="${CSS.escape(clientMessageId)}"][data-status="pending"]`);
    if (!el) return;
    el.dataset.status = 'failed';
    el.classList.add('msg-failed');
    el.querySelector('.msg-head')?.replaceChildren(
      h('span', { class: 'msg-author' }, 'Not sent'),
      ' ',
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: () => {
            el.remove();
            retry();
          },
        },
        'Retry',
      ),
    );
  }

  /** The customer is typing (cleared after 6 s without a refresh, as the protocol says). */
  function setTyping(on) {
    clearTimeout(typingTimer);
    typing.textContent = on ? `${customerName(conversation)} is typing…` : '';
    if (on) typingTimer = setTimeout(() => setTyping(false), 6000);
  }

  return {
    open,
    add,
    pending,
    failed,
    setTyping,
    get conversationId() {
      return conversation?.id;
    },
    /** Updates the conversation the author labels come from. */
    set conversation(next) {
      conversation = next;
    },
  };
}
