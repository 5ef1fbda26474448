/**
 * The agent desk of the Hotline demo: sign in, presence, offers, several chats in tabs,
 * replies with canned responses, transfer, wrap-up, tickets and the customer 360 panel, and
 * a softphone for calls (`softphone.js`). It uses `@hotline/client` (AgentDesk over the web
 * chat WebSocket), `@hotline/telephony` and the REST API.
 */
import { AgentDesk } from '/static/hotline-client.js';
import { api, errorText, itemsOf, onUnauthorized } from './api.js';
import { createCanned } from './canned.js';
import { createChatList, customerName, MINE } from './chats.js';
import { createComposer } from './composer.js';
import { createCustomerPanel } from './customer.js';
import { createDialogs } from './dialogs.js';
import { announce, byId, fill, h, show, toast } from './dom.js';
import { dateTime, label } from './format.js';
import { signIn } from './login.js';
import { createOffers } from './offers.js';
import { getSession, isSupervisor, loadConfig, signOut, socketUrl, takeSignOutReason } from './session.js';
import { createSoftphonePanel } from './softphone.js';
import { armSound, setMuted } from './sound.js';
import { createThread } from './thread.js';

/** Activities routing knows by default (`available` is the only one that receives chats). */
const ACTIVITIES = ['available', 'break', 'lunch', 'training', 'meeting', 'offline'];

async function main() {
  armSound();
  const session = getSession() ?? (await signIn({ notice: takeSignOutReason() }));
  onUnauthorized(() => signOut('Your session expired: please sign in again.'));
  const config = await loadConfig();
  await openDesk(session, config);
}

async function openDesk(session, config) {
  const me = session.agent;
  show(byId('desk-view'), true);
  byId('me-name').textContent = me.name ?? me.id;
  show(byId('wallboard-link'), isSupervisor(me));
  byId('sign-out').addEventListener('click', () => signOut());
  const soundToggle = byId('sound-toggle');
  soundToggle.addEventListener('click', () => {
    const on = soundToggle.getAttribute('aria-pressed') !== 'true';
    soundToggle.setAttribute('aria-pressed', String(on));
    setMuted(!on);
  });

  const desk = new AgentDesk({ url: socketUrl(config.wsPath), agentToken: session.agentToken });
  let queues = [];
  const queueName = (id) => (id ? (queues.find((q) => q.id === id)?.name ?? id) : '');
  let selectedId;
  /** Seq read per conversation on this page (the server's horizon may lag a moment behind). */
  const readSeq = new Map();
  const tickets = new Map();

  const current = () => desk.conversations.find((c) => c.id === selectedId);
  const thread = createThread({ list: byId('thread'), typing: byId('typing') });
  const customer = createCustomerPanel({ root: byId('customer-body'), queueName });
  const canned = createCanned({
    list: byId('canned-list'),
    button: byId('canned-open'),
    textarea: byId('composer'),
    context: () => {
      const conversation = current();
      const name = customerName(conversation);
      return {
        language: conversation?.attributes?.language,
        queueId: conversation?.attributes?.queueId,
        vars: { 'contact.name': name, 'customer.name': name, name, 'agent.name': me.name ?? '' },
      };
    },
  });
  const composer = createComposer({
    form: byId('composer-form'),
    textarea: byId('composer'),
    note: byId('note-toggle'),
    desk,
    thread,
    canned,
  });
  const chats = createChatList({
    root: byId('chats'),
    empty: byId('chats-empty'),
    panelId: 'conversation-view',
    onSelect: select,
  });
  const offers = createOffers({
    list: byId('offers'),
    empty: byId('offers-empty'),
    count: byId('offers-count'),
    desk,
    queueName,
    onAccepted: (id) => select(id),
  });
  const dialogs = createDialogs({
    desk,
    current,
    me,
    queues: () => queues,
    onTransferred: (id) => drop(id),
    onTicket: (id, ticket) => {
      tickets.set(id, ticket);
      renderHeader();
      customer.refresh();
    },
  });
  byId('transfer-open').addEventListener('click', () => dialogs.openTransfer());
  byId('wrapup-open').addEventListener('click', () => dialogs.openWrapUp());
  byId('ticket-create').addEventListener('click', () => dialogs.openTicket());
  byId('resolve').addEventListener('click', async (event) => {
    const conversation = current();
    if (!conversation) return;
    event.currentTarget.disabled = true;
    try {
      await desk.resolve(conversation.id);
    } catch (error) {
      toast(`Could not resolve: ${errorText(error)}`, 'error');
      renderHeader();
    }
  });

  function lastSeen(conversation) {
    return Math.max(conversation.read?.agent ?? 0, readSeq.get(conversation.id) ?? 0);
  }

  function unreadOf(conversation) {
    const seen = lastSeen(conversation);
    return desk.messages(conversation.id).filter((m) => m.author?.kind === 'contact' && m.seq > seen).length;
  }

  function mine() {
    return desk.conversations
      .filter((c) => MINE.has(c.status))
      .sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
  }

  function renderChats() {
    const items = mine().map((conversation) => ({
      conversation,
      unread: conversation.id === selectedId ? 0 : unreadOf(conversation),
      last: desk
        .messages(conversation.id)
        .filter((m) => m.direction !== 'note')
        .at(-1),
    }));
    chats.render(items, selectedId);
    const waiting = desk.offers.length + items.reduce((sum, item) => sum + (item.unread ? 1 : 0), 0);
    document.title = `${waiting ? `(${waiting}) ` : ''}Agent desk · Hotline demo`;
  }

  function renderHeader() {
    const conversation = current();
    show(byId('conversation-empty'), !conversation);
    show(byId('conversation-view'), Boolean(conversation));
    if (!conversation) return;
    const { status } = conversation;
    const attributes = conversation.attributes ?? {};
    byId('conversation-title').textContent = customerName(conversation);
    byId('conversation-meta').textContent = [
      attributes.language && `Language ${attributes.language}`,
      attributes.page?.title ?? attributes.page?.url,
      `since ${dateTime(conversation.createdAt)}`,
    ]
      .filter(Boolean)
      .join(' · ');
    const pill = byId('conversation-status');
    pill.textContent = label(status);
    pill.className = `pill status-${status}`;
    const working = status === 'active' || status === 'pending';
    byId('transfer-open').disabled = !working;
    // In wrap-up (the customer left, or the agent ended), `end` still records the disposition and notes.
    byId('wrapup-open').disabled = !(working || status === 'wrap_up');
    byId('resolve').disabled = !(working || status === 'wrap_up');
    byId('resolve').classList.toggle('primary', status === 'wrap_up');
    show(byId('wrapup-banner'), status === 'wrap_up');
    const ticket = tickets.get(conversation.id);
    const created = byId('ticket-created');
    show(created, Boolean(ticket));
    if (ticket) created.textContent = `Ticket #${ticket.number ?? ''} · ${label(ticket.status ?? 'new')}`;
  }

  function markRead(conversation) {
    if (document.visibilityState !== 'visible') return;
    const last = desk.messages(conversation.id).at(-1)?.seq ?? 0;
    if (last > lastSeen(conversation)) desk.markRead(conversation.id, last);
    readSeq.set(conversation.id, Math.max(readSeq.get(conversation.id) ?? 0, last));
  }

  function select(id) {
    const conversation = desk.conversations.find((c) => c.id === id);
    selectedId = conversation && MINE.has(conversation.status) ? id : undefined;
    composer.switchTo(selectedId);
    renderHeader();
    const open = current();
    if (open) {
      thread.open(open, desk.messages(open.id));
      markRead(open);
    }
    customer.showFor(open);
    renderChats();
    if (open) byId('composer').focus();
  }

  /** Chats shown as tabs, to say once when one goes. */
  const shownTabs = new Set();

  /** A conversation left the agent (resolved, transferred, closed): its tab goes. */
  function drop(id) {
    shownTabs.delete(id);
    composer.forget(id);
    readSeq.delete(id);
    tickets.delete(id);
    if (selectedId === id) select(mine().find((c) => c.id !== id)?.id);
    else renderChats();
  }

  desk.on('conversation', (conversation) => {
    if (!MINE.has(conversation.status)) {
      if (shownTabs.has(conversation.id)) {
        const gone =
          conversation.status === 'resolved'
            ? 'resolved'
            : conversation.status === 'abandoned'
              ? 'abandoned'
              : 'moved on';
        toast(`Chat with ${customerName(conversation)} ${gone}.`);
      }
      drop(conversation.id);
      return;
    }
    shownTabs.add(conversation.id);
    if (conversation.id === selectedId) {
      thread.conversation = conversation;
      renderHeader();
    } else if (!selectedId) {
      select(conversation.id);
      return;
    }
    renderChats();
  });

  desk.on('message', (message) => {
    const conversation = desk.conversations.find((c) => c.id === message.conversationId);
    if (message.conversationId === selectedId) {
      thread.add(message);
      if (conversation) markRead(conversation);
    } else if (message.author?.kind === 'contact' && conversation && message.seq > lastSeen(conversation)) {
      announce(`New message from ${customerName(conversation)}.`);
    }
    renderChats();
  });

  desk.on('typing', ({ conversationId, author, on }) => {
    if (conversationId === selectedId && author?.kind === 'contact') thread.setTyping(on);
  });
  desk.on('read', () => renderChats());
  desk.on('offer', () => renderChats());
  desk.on('offer_ended', () => renderChats());

  const connection = byId('connection');
  desk.on('state', (state) => {
    if (state === 'open') syncPresence();
    connection.textContent =
      { open: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }[state] ?? label(state);
    connection.dataset.state = state;
  });
  desk.on('error', (error) => {
    if (error.fatal && error.code === 'UNAUTHENTICATED') signOut('Your session expired: please sign in again.');
    else if (error.reason !== 'connection_lost') toast(errorText(error), 'error');
  });
  document.addEventListener('visibilitychange', () => {
    const open = current();
    if (open && document.visibilityState === 'visible') {
      markRead(open);
      renderChats();
    }
  });

  const phone = createSoftphonePanel({ session, config });
  const presence = byId('presence');
  function renderPresence(activity) {
    phone.setAvailable(activity === 'available');
    const names = ACTIVITIES.includes(activity) || !activity ? ACTIVITIES : [...ACTIVITIES, activity];
    fill(
      presence,
      names.map((name) => h('option', { value: name, selected: name === activity }, label(name))),
    );
    presence.dataset.activity = activity ?? '';
  }
  /**
   * The status to show after (re)connecting. The hello reply may say `offline` although
   * routing put the agent back in the status last chosen (it answers before the agent is
   * connected); the agent record holds that status.
   */
  async function syncPresence() {
    let activity = desk.agent?.activity;
    if (activity === 'offline') {
      try {
        activity = (await api(`/agents/${encodeURIComponent(me.id)}`))?.activity ?? activity;
      } catch {
        // Keep what the hello said.
      }
    }
    renderPresence(activity);
  }
  presence.addEventListener('change', async () => {
    const next = presence.value;
    presence.disabled = true;
    try {
      await desk.setActivity(next);
      renderPresence(next);
      announce(`Status: ${label(next)}.`);
    } catch (error) {
      renderPresence(desk.agent?.activity);
      toast(`Status not changed: ${errorText(error)}`, 'error');
    } finally {
      presence.disabled = false;
    }
  });
  renderPresence(undefined);

  api('/queues', { query: { limit: 100 } })
    .then((data) => {
      queues = itemsOf(data);
      offers.render();
    })
    .catch((error) => toast(`Queues did not load: ${errorText(error)}`, 'error'));
  canned.load();

  try {
    await desk.connect();
  } catch (error) {
    if (error.code === 'UNAUTHENTICATED') signOut(`Sign-in refused by the chat server: ${errorText(error)}`);
    else toast(`Not connected: ${errorText(error)}`, 'error');
    return;
  }
  renderChats();
  if (!selectedId && mine()[0]) select(mine()[0].id);
  renderHeader();
}

main().catch((error) => {
  toast(`The desk did not start: ${errorText(error)}`, 'error');
  console.error(error);
});
