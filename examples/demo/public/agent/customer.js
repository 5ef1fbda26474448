/**
 * The customer 360 panel (`GET /api/v1/contacts/{contactId}/overview`): who the customer is
 * (every identity), what this chat carries (page, language, pre-chat answers), and every
 * past conversation on every channel and every ticket, newest first.
 */
import { api, errorText, itemsOf } from './api.js';
import { customerName } from './chats.js';
import { fill, h } from './dom.js';
import { dateTime, label } from './format.js';

/**
 * The overview; when the server has no overview route, the same pieces from the list
 * endpoints (contact, conversations by contact, tickets by requester).
 */
async function overview(contactId) {
  try {
    return await api(`/contacts/${encodeURIComponent(contactId)}/overview`);
  } catch (error) {
    if (error.status !== 404) throw error;
    const [contact, conversations, tickets] = await Promise.all([
      api(`/contacts/${encodeURIComponent(contactId)}`),
      api('/conversations', { query: { contactId, limit: 50 } }),
      api('/tickets', { query: { requesterId: contactId, limit: 50 } }),
    ]);
    const byNewest = (a, b) => String(b.createdAt).localeCompare(String(a.createdAt));
    return { contact, conversations: itemsOf(conversations).sort(byNewest), tickets: itemsOf(tickets).sort(byNewest) };
  }
}

function section(title, ...children) {
  return h('section', { class: 'panel-section' }, h('h3', {}, title), ...children);
}

/** A titled list, or a line saying it is empty. */
function listSection(title, items, emptyText, listClass, item) {
  return section(
    title,
    items.length ? h('ul', { class: listClass }, items.map(item)) : h('p', { class: 'empty' }, emptyText),
  );
}

function facts(pairs) {
  const rows = pairs.filter(([, value]) => value !== undefined && value !== null && value !== '');
  return rows.length
    ? h(
        'dl',
        { class: 'facts' },
        rows.map(([key, value]) => [h('dt', {}, key), h('dd', {}, String(value))]),
      )
    : null;
}

function thisChat(conversation, queueName) {
  const a = conversation.attributes ?? {};
  const prechat = Object.entries(a.prechat ?? {}).map(([key, value]) => [label(key), value]);
  const custom = Object.entries(a.custom ?? {})
    .filter(([, value]) => typeof value !== 'object')
    .map(([key, value]) => [label(key), value]);
  return section(
    'This chat',
    facts([
      ['Page', a.page?.title ?? a.page?.url],
      ['Language', a.language],
      ['Queue', queueName(conversation.queueId ?? a.queueId)],
      ['Started', dateTime(conversation.createdAt)],
      ...prechat,
      ...custom,
    ]),
  );
}

/** @param {{ root: HTMLElement, queueName: (id?: string) => string }} options */
export function createCustomerPanel({ root, queueName }) {
  let current;
  let generation = 0;

  function render(conversation, data) {
    const contact = data?.contact ?? {};
    const conversations = data?.conversations ?? [];
    const tickets = data?.tickets ?? [];
    fill(
      root,
      h('p', { class: 'customer-name' }, contact.name || customerName(conversation)),
      facts([
        ['Contact', contact.id ?? conversation.contact?.id],
        ['Locale', contact.locale],
        ['Merged from', contact.mergedFrom?.length ? `${contact.mergedFrom.length} contact(s)` : undefined],
      ]),
      thisChat(conversation, queueName),
      listSection('Identities', contact.identities ?? [], 'No identity on record.', 'plain', (identity) =>
        h(
          'li',
          { testid: 'customer-identity', dataset: { channel: identity.channel } },
          h('span', { class: 'pill' }, label(identity.channel)),
          ' ',
          identity.address,
          identity.verified ? h('span', { class: 'verified' }, ' verified') : null,
        ),
      ),
      listSection(`Conversations (${conversations.length})`, conversations, 'No conversation.', 'plain history', (c) =>
        h(
          'li',
          {
            testid: 'customer-conversation',
            dataset: { conversationId: c.id, channel: c.channel ?? '', status: c.status },
            class: c.id === conversation.id ? 'current' : undefined,
          },
          h('span', { class: 'pill' }, label(c.channel ?? 'chat')),
          ' ',
          h('span', { class: `pill status-${c.status}` }, label(c.status)),
          ' ',
          h('time', { datetime: c.createdAt }, dateTime(c.createdAt)),
          c.id === conversation.id ? h('span', { class: 'meta' }, ' · this chat') : null,
          c.subject ? h('p', { class: 'meta' }, c.subject) : null,
        ),
      ),
      listSection(`Tickets (${tickets.length})`, tickets, 'No ticket.', 'plain history', (t) =>
        h(
          'li',
          { testid: 'customer-ticket', dataset: { ticketId: t.id, status: t.status } },
          h('strong', {}, `#${t.number ?? '?'}`),
          ' ',
          t.subject,
          ' ',
          h('span', { class: `pill status-${t.status}` }, label(t.status)),
          h('p', { class: 'meta' }, `${label(t.priority ?? 'normal')} · ${dateTime(t.createdAt)}`),
        ),
      ),
    );
  }

  /** Shows the customer of a conversation (or nothing); reloads the overview. */
  async function showFor(conversation) {
    current = conversation;
    const mine = ++generation;
    if (!conversation) {
      fill(root, h('p', { class: 'empty' }, 'Open a chat to see the customer.'));
      return;
    }
    root.setAttribute('aria-busy', 'true');
    render(conversation, undefined);
    const contactId = conversation.contact?.id;
    try {
      const data = contactId ? await overview(contactId) : undefined;
      if (mine === generation) render(conversation, data);
    } catch (error) {
      if (mine === generation)
        root.append(h('p', { class: 'error' }, `Customer history did not load: ${errorText(error)}`));
    } finally {
      if (mine === generation) root.removeAttribute('aria-busy');
    }
  }

  return {
    showFor,
    /** Reloads the panel (after a ticket was created). */
    refresh: () => showFor(current),
    get conversationId() {
      return current?.id;
    },
  };
}
