import type { Attachment, MessageContent } from '@hotline/core';
import type { ChatMessageView } from '../chat-port.js';
import { button, type Child, h } from '../dom/h.js';
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
  try {
    const { protocol, href } = new URL(url as string, location.href);
    return url && /^(https?|blob):$/.test(protocol) ? href : undefined;
  } catch {
    return undefined;
  }
}

/** `1.5 MB`, `12 KB`, `900 B`. */
export const formatBytes = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1048576
      ? `${Math.round(bytes / 1024)} KB`
      : // `+` drops a trailing `.0`.
        `${+(bytes / 1048576).toFixed(1)} MB`;

const link = (href: string, ...children: Child[]): HTMLAnchorElement =>
  h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, ...children);

/** Text with its http(s) URLs as links; never parsed as HTML. */
export function linkify(text: string): Child[] {
  return text.split(/(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)])/).map((part, i) => {
    const href = i % 2 ? safeUrl(part) : undefined;
    return href ? link(href, part) : part;
  });
}

/** A paragraph of text with its links, or nothing for no text. */
const paragraph = (text: string | undefined): Child => text && h('p', null, ...linkify(text));

function attachment(a: Attachment): Child {
  const href = a.scanStatus === 'infected' ? undefined : safeUrl(a.url);
  if (!href) return h('p', null, a.name);
  return a.mimeType.startsWith('image/') && a.scanStatus !== 'pending'
    ? link(href, h('img', { src: href, alt: a.name, loading: 'lazy', part: 'attachment-image' }))
    : h('p', null, link(href, `${a.name} (${formatBytes(a.size)})`));
}

function content(c: MessageContent, actions: MessageActions): Child[] {
  if (c.type === 'text') return [paragraph(c.text)];
  if (c.type === 'attachments') return [paragraph(c.text), ...c.attachments.map(attachment)];
  if (c.type !== 'card') return [];
  return [
    h(
      'div',
      { part: 'card' },
      h('strong', null, c.title),
      paragraph(c.body),
      ...(c.actions ?? []).map((action) => {
        const href = action.kind === 'url' && safeUrl(action.value);
        return href ? link(href, action.label) : button(undefined, () => actions.reply(action.value), action.label);
      }),
    ),
  ];
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
    failed && m.content.type === 'text' ? button('retry-button', () => actions.retry(m), t.t('retry')) : null,
  );
}
