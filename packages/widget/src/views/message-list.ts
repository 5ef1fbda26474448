import type { ChatMessageView } from '../chat-port.js';
import { h } from '../dom/h.js';
import type { Translator } from '../i18n/translator.js';
import { type MessageActions, messageKey, renderMessage } from './message.js';

/** The conversation log: the welcome text, then each message once, in the client's order. */
export interface MessageList {
  /** The scrollable `role="log"` element. */
  readonly el: HTMLElement;
  readonly welcome: HTMLElement;
  /** Brings the log in line with `messages`, touching only what changed. */
  render(messages: readonly ChatMessageView[], t: Translator, actions: MessageActions): void;
  /** Forgets every rendered message (a locale change renders them anew). */
  clear(): void;
}

/**
 * A keyed list rather than a re-render: an element is created once per message key (the
 * `clientMessageId`, so a pending message becomes its stored self) and replaced only when
 * its status changes. The live region then announces new messages, not the whole history,
 * and a message delivered twice by a flaky network still shows once.
 */
export function createMessageList(labelledBy: string): MessageList {
  const welcome = h('p', { part: 'welcome' });
  const el = h(
    'div',
    // Focusable so that keyboard users can scroll it.
    { part: 'log', role: 'log', 'aria-live': 'polite', 'aria-labelledby': labelledBy, tabindex: '0' },
    welcome,
  );
  const nodes = new Map<string, { el: HTMLElement; status: string }>();
  return {
    el,
    welcome,
    render(messages, t, actions) {
      const stick = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
      let previous: Element = welcome;
      const seen = new Set<string>();
      for (const message of messages) {
        const key = messageKey(message);
        if (seen.has(key)) continue;
        seen.add(key);
        let node = nodes.get(key);
        if (node?.status !== message.status) {
          const rendered = renderMessage(message, t, actions);
          if (!rendered) continue;
          if (node) node.el.replaceWith(rendered);
          node = { el: rendered, status: message.status };
          nodes.set(key, node);
        }
        if (previous.nextElementSibling !== node.el) previous.after(node.el);
        previous = node.el;
      }
      for (const [key, node] of nodes) {
        if (!seen.has(key)) {
          node.el.remove();
          nodes.delete(key);
        }
      }
      if (stick) el.scrollTop = el.scrollHeight;
    },
    clear() {
      for (const node of nodes.values()) node.el.remove();
      nodes.clear();
    },
  };
}
