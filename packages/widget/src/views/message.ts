import type { Attachment, MessageContent } from '@hotline/core';
import type { ChatMessageView } from '../chat-port.js';
import { type Child, h } from '../dom/h.js';
import type { Translator } from '../i18n/translator.js';

/** What a rendered message can ask the widget to do. */
export interface MessageActions {
  retry(message: ChatMessageView): void;
  /** A card's postback button: sends its value as the visitor's message. */
  reply(text: string): void;
}

/** The one key of a message through its life (pending, then stored): each message is shown once. */
export const messageKey = (m: ChatMessageView): string => m.clientMessageId ?? m.id ?? '';

/** Whether the visitor wrote it (in this tab or another). */
export const isMine = (m: ChatMessageView): boolean => m.local === true || m.author.kind === 'contact';

/** Only http(s) and blob links; a `javascript:` URL from anywhere never becomes a link. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url, location.href);
    return ['http:', 'https:', 'blob:'].includes(parsed.protocol) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** `1.5 MB`, `12 KB`, `900 B`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
}

const link = (href: string, ...children: Child[]): HTMLAnchorElement =>
  h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, ...children);

/** Text with its http(s) URLs as links; never parsed as HTML. */
export function linkify(text: string): Child[] {
  return text.split(/(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)])/).map((part, i) => {
    const href = i % 2 === 1 ? safeUrl(part) : undefined;
    return href ? link(href, part) : part;
  });
}

function attachment(a: Attachment): Child {
  const href = a.scanStatus === 'infected' ? undefined : safeUrl(a.url);
  if (!href) return h('p', null, a.name);
  return a.mimeType.startsWith('image/') && a.scanStatus !== 'pending'
    ? link(href, h('img', { src: href, alt: a.name, loading: 'lazy', part: 'attachment-image' }))
    : h('p', null, link(href, `${a.name} (${formatBytes(a.size)})`));
}

function content(c: MessageContent, actions: MessageActions): Child[] {
  switch (c.type) {
    case 'text':
      return [h('p', null, ...linkify(c.text))];
    case 'attachments':
      return [c.text ? h('p', null, ...linkify(c.text)) : null, ...c.attachments.map(attachment)];
    case 'card':
      return [
        h(
          'div',
          { part: 'card' },
          h('strong', null, c.title),
          c.body ? h('p', null, ...linkify(c.body)) : null,
          ...(c.actions ?? []).map((action) => {
            const href = action.kind === 'url' && safeUrl(action.value);
            return href
              ? link(href, action.label)
              : h('button', { type: 'button', onClick: () => actions.reply(action.value) }, action.label);
          }),
        ),
      ];
    default:
      return [];
  }
}

/**
 * One message: who wrote it (for screen readers; the side shows it visually), its content,
 * and for the visitor's own, until stored, the delivery state (with a retry when refused).
 * `undefined` for content the widget does not show (system events).
 */
export function renderMessage(m: ChatMessageView, t: Translator, actions: MessageActions): HTMLElement | undefined {
  if (m.content.type === 'event') return undefined;
  const mine = isMine(m);
  const kind = mine ? 'local' : m.author.kind;
  const who = mine ? t.t('you') : (m.author.name ?? t.t('agent'));
  const failed = m.status === 'failed';
  return h(
    'div',
    { part: `message message-${kind}`, 'data-status': m.status },
    h('span', { class: 'sr' }, `${who}: `),
    ...content(m.content, actions),
    m.status === 'sent' ? null : h('span', { part: 'meta' }, t.t(failed ? 'failed' : 'sending')),
    failed && m.content.type === 'text'
      ? h('button', { type: 'button', part: 'retry-button', onClick: () => actions.retry(m) }, t.t('retry'))
      : null,
  );
}
