/**
 * The agent's chats as a vertical tab list: customer, status, last message and the unread
 * count. Arrow keys move between tabs (roving tabindex), Enter or a click opens one.
 */
import { fill, h, show } from './dom.js';
import { label } from './format.js';

/** Statuses in which a conversation is still the agent's and shown as a tab. */
export const MINE = new Set(['active', 'pending', 'wrap_up', 'snoozed']);

/** The customer's display name for a conversation. */
export function customerName(conversation) {
  const attributes = conversation?.attributes ?? {};
  return conversation?.contact?.name || attributes.prechat?.name || 'Visitor';
}

/** The text of a message's content, whatever its type. */
export function messageText(message) {
  const content = message?.content ?? {};
  if (content.type === 'text') return content.text;
  if (content.type === 'attachments') return content.text || `${content.attachments?.length ?? 1} attachment(s)`;
  if (content.type === 'card') return content.title;
  if (content.type === 'event') return label(content.name);
  return `[${content.type ?? 'message'}]`;
}

/**
 * @param {{ root: HTMLElement, empty: HTMLElement, panelId: string, onSelect: (id: string) => void }} options
 */
export function createChatList({ root, empty, panelId, onSelect }) {
  function tab(conversation, selected, unread, last) {
    const name = customerName(conversation);
    const preview = last ? `${last.author?.kind === 'contact' ? '' : 'You: '}${messageText(last)}` : 'No messages yet';
    return h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${conversation.id}`,
        class: 'chat-tab',
        testid: 'chat-tab',
        dataset: { conversationId: conversation.id, status: conversation.status },
        'aria-selected': String(selected),
        'aria-controls': panelId,
        tabindex: selected ? '0' : '-1',
        onclick: () => onSelect(conversation.id),
      },
      h('span', { class: 'chat-name' }, name),
      h('span', { class: `pill status-${conversation.status}` }, label(conversation.status)),
      unread ? h('span', { class: 'badge', testid: 'unread', 'aria-label': `${unread} unread` }, String(unread)) : null,
      h('span', { class: 'chat-preview' }, preview),
    );
  }

  root.addEventListener('keydown', (event) => {
    if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return;
    const tabs = [...root.querySelectorAll('[role="tab"]')];
    const at = tabs.indexOf(document.activeElement);
    if (at < 0) return;
    event.preventDefault();
    const next = {
      ArrowDown: (at + 1) % tabs.length,
      ArrowUp: (at - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    }[event.key];
    tabs[next]?.focus();
  });

  /**
   * Renders the tabs. `items`: `[{ conversation, unread, last }]`. Focus stays on the tab it
   * was on.
   */
  function render(items, selectedId) {
    const focusedId = root.contains(document.activeElement) ? document.activeElement.dataset.conversationId : undefined;
    fill(
      root,
      items.map(({ conversation, unread, last }) => tab(conversation, conversation.id === selectedId, unread, last)),
    );
    show(empty, items.length === 0);
    if (focusedId) document.getElementById(`tab-${focusedId}`)?.focus();
  }

  return { render };
}
