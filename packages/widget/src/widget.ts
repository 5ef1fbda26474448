import type { IdentityClaim, WireConversation } from '@hotline/core';
import type { ChatFactory, ChatMessageView, ChatPort } from './chat-port.js';
import { h, ICONS, icon } from './dom/h.js';
import { defineElement, TAG } from './element.js';
import { createEmitter } from './emitter.js';
import type { Messages } from './i18n/en.js';
import { createTranslator } from './i18n/translator.js';
import {
  type AttributeValue,
  checkAttributes,
  checkLocale,
  checkUser,
  resolveOptions,
  validate,
  type WidgetOptions,
} from './options.js';
import { cssVar, PALETTES, resolvePalette } from './theme/palette.js';
import { adoptStyles } from './theme/styles.js';
import { createComposer } from './views/composer.js';
import { renderEnded } from './views/ended.js';
import { type FieldSpec, note, renderForm } from './views/form.js';
import { formatBytes, isMine, messageKey } from './views/message.js';
import { createMessageList } from './views/message-list.js';

/** What the widget tells the host; `on` returns the unsubscribe. */
export interface WidgetEvents {
  /** The panel opened. */
  open: undefined;
  /** The panel closed. */
  close: undefined;
  /** A message arrived or changed (the visitor's own: pending, then sent or failed). */
  message: ChatMessageView;
  /** The number of unread messages changed. */
  unread: number;
  /** The widget is on the page and its API usable; a listener added later is called at once. */
  ready: undefined;
  /** The conversation started or changed (status, agent), or there is none any more. */
  conversation: WireConversation | undefined;
  /** Something failed: the connection, a send, a form. */
  error: unknown;
}

/** The API of one widget, returned by `init` (and mirrored on `window.Hotline`). */
export interface WidgetApi {
  /** Opens the panel; the first open creates the chat client, which connects and from then on uses storage. */
  open(): void;
  /** Closes the panel (the connection stays, so the unread badge keeps counting). */
  close(): void;
  toggle(): void;
  /** Identifies the visitor (`{ userId, hash }` or `{ jwt }`), or forgets the identity with `null`. */
  setUser(user: IdentityClaim | null): void;
  /** Merges attributes sent with the next conversation (`attributes.custom`); a `null` value removes one. */
  setAttributes(attributes: Record<string, AttributeValue>): void;
  /** Switches every text, the built-in and the host-configured ones. */
  setLocale(locale: string): void;
  /** Forgets the visitor, the conversation and the identity, also in storage (a logout). */
  reset(): void;
  on<E extends keyof WidgetEvents>(event: E, listener: (payload: WidgetEvents[E]) => void): () => void;
  /** Removes the widget from the page and closes its connection. */
  destroy(): void;
  readonly isOpen: boolean;
  readonly unread: number;
  /** The `<hotline-chat>` element. */
  readonly element: HTMLElement;
}

// The visitor can no longer write into these: the next message starts a new conversation.
const TERMINAL = ['closed', 'abandoned'];
const ENDED = ['wrap_up', 'resolved', ...TERMINAL];
const WAITING = ['new', 'bot', 'queued', 'offered'];

type View = 'connecting' | 'failed' | 'prechat' | 'offline' | 'chat' | 'ended';

/**
 * Builds one widget. `init` passes a factory of the real `CustomerChat`; tests pass a
 * stand-in. Nothing here touches storage or cookies: the chat client is created, and
 * connects, only when the visitor first opens the panel.
 */
export function createWidget(options: WidgetOptions, createChat: ChatFactory): WidgetApi {
  const o = resolveOptions(options);
  const source = o.source;
  const events = createEmitter<WidgetEvents>();
  let tr = createTranslator(o.locale, o.texts);
  const t = (key: keyof Messages, vars?: Record<string, string | number>): string => tr.t(key, vars);
  let user = source.user;
  let attributes: Record<string, AttributeValue> = { ...source.attributes };
  let chat: ChatPort | undefined;
  let chatOffs: (() => void)[] = [];
  let phase: 'connecting' | 'failed' | 'ready' = 'connecting';
  let isOpen = false;
  let ready = false;
  let destroyed = false;
  let unread = 0;
  let readUpTo = 0;
  let readIn: string | undefined;
  let prechat: Record<string, string> | undefined;
  let offlineSent = false;
  // Per conversation id: rated, where the transcript went, ended but the visitor writes on.
  let rated = '';
  let transcriptTo = '';
  let continued = '';
  let shown: View | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const dismissed = new Set<string>();

  defineElement();
  const host = document.createElement(TAG);
  const shadow = host.attachShadow({ mode: 'open' });
  adoptStyles(shadow, source.nonce);

  const button = (part: string, onClick: () => unknown, ...children: (Node | string)[]): HTMLButtonElement =>
    h('button', { type: 'button', part, onClick }, ...children);
  const badge = h('span', { part: 'badge', 'aria-hidden': 'true' });
  const launcher = button('launcher', () => toggle(), icon(ICONS.chat), badge);
  launcher.setAttribute('aria-controls', 'hotline-panel');
  const title = h('h2', { id: 'hotline-title', part: 'title' });
  const status = h('p', { part: 'status' });
  const endButton = button('end-button', endChat);
  const closeButton = button('close-button', () => close(), icon(ICONS.close));
  const alert = h('p', { part: 'alert', role: 'alert', hidden: true });
  const body = h('div', { part: 'body' });
  const panel = h(
    'section',
    {
      id: 'hotline-panel',
      part: 'panel',
      role: 'dialog',
      'aria-labelledby': title.id,
      hidden: true,
      onKeydown: (event: KeyboardEvent) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          close();
        }
      },
    },
    h('header', { part: 'header' }, h('div', null, title, status), endButton, closeButton),
    alert,
    body,
  );
  const root = h('div', { part: 'root', 'data-position': o.position }, panel, launcher);
  shadow.append(root);

  // The conversation's elements live as long as the widget: switching views keeps the
  // draft, and the live region announces only what is new.
  const list = createMessageList(title.id);
  const typing = h('p', { part: 'typing', 'aria-live': 'polite' });
  const composer = createComposer({ send: sendText, file: sendFile, draft: onDraft });

  const prefersDark = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
  function applyTheme(): void {
    const theme = o.theme === 'auto' ? (prefersDark?.matches ? 'dark' : 'light') : o.theme;
    host.setAttribute('data-theme', theme);
    const colors = theme === 'dark' ? { ...source.colors, ...source.darkColors } : { ...source.colors };
    const custom = Object.keys(colors).length > 0;
    // Custom properties through the CSSOM: allowed by a CSP without 'unsafe-inline'.
    for (const [name, value] of Object.entries(custom ? resolvePalette(theme, colors) : PALETTES[theme])) {
      if (custom) host.style.setProperty(cssVar(name), value);
      else host.style.removeProperty(cssVar(name));
    }
  }
  prefersDark?.addEventListener?.('change', applyTheme);

  // ---- state and rendering ----

  const conversation = (): WireConversation | undefined => chat?.conversation;

  function view(): View {
    const c = conversation();
    if (!chat || phase === 'connecting') return 'connecting';
    if (phase === 'failed') return 'failed';
    if (c) return ENDED.includes(c.status) && continued !== c.id ? 'ended' : 'chat';
    if (!chat.queueOpen || offlineSent) return 'offline';
    return o.fields.length > 0 && !prechat ? 'prechat' : 'chat';
  }

  function statusText(): string {
    const c = conversation();
    if (!chat || phase === 'connecting' || /conn/.test(chat.state)) return t('connecting');
    if (c?.agent && !ENDED.includes(c.status)) return t('agentJoined', { name: c.agent.name });
    if (c && WAITING.includes(c.status)) return t('waiting');
    return chat.queueOpen ? t('online') : '';
  }

  function renderTexts(): void {
    root.lang = tr.locale;
    root.dir = tr.dir;
    title.textContent = t('title');
    list.welcome.textContent = t('welcome');
    closeButton.setAttribute('aria-label', t('closeChat'));
    endButton.textContent = t('endChat');
    composer.setTexts(tr);
    list.clear();
    shown = undefined;
  }

  function renderLauncher(): void {
    const label = t(isOpen ? 'closeChat' : 'openChat');
    launcher.setAttribute('aria-label', unread ? `${label}, ${t('unread', { count: unread })}` : label);
    launcher.setAttribute('aria-expanded', String(isOpen));
    badge.textContent = unread > 99 ? '99+' : String(unread);
    badge.hidden = !unread;
  }

  function renderBody(): void {
    const next = view();
    if (next === shown) return;
    shown = next;
    const hadFocus = body.contains(shadow.activeElement);
    composer.setLimits(chat?.limits);
    const views: Record<View, () => Node[]> = {
      chat: () => [list.el, typing, composer.el],
      ended: () => [list.el, endedView()],
      prechat: () => [prechatView()],
      offline: () => [offlineView()],
      failed: () => [
        note(t('connectError'), 'failed'),
        h('p', { part: 'form' }, button('reconnect-button', connect, t('retry'))),
      ],
      connecting: () => [note(t('connecting'), 'connecting')],
    };
    body.replaceChildren(...views[next]());
    if (hadFocus) focusInto();
  }

  function update(): void {
    if (destroyed) return;
    renderBody();
    list.render(
      (chat?.messages ?? []).filter((m) => !dismissed.has(messageKey(m))),
      tr,
      { retry, reply: sendText },
    );
    status.textContent = statusText();
    endButton.hidden = shown !== 'chat' || !conversation();
    countUnread();
    renderLauncher();
  }

  function focusInto(): void {
    (body.querySelector<HTMLElement>('[data-autofocus]') ?? closeButton).focus();
  }

  /** Unread: the other side's messages after the read horizon; shown ones are marked read. */
  function countUnread(): void {
    const c = conversation();
    const messages = chat?.messages ?? [];
    const newest = messages.reduce((max, m) => Math.max(max, m.seq ?? 0), 0);
    // Seqs start at 1 in every conversation: what was read of the last one says nothing here.
    if (c?.id !== readIn) {
      readIn = c?.id;
      readUpTo = 0;
    }
    if (isOpen && /chat|ended/.test(shown ?? '') && document.visibilityState !== 'hidden' && newest > readUpTo) {
      readUpTo = newest;
      chat?.markRead().catch(() => {});
    }
    const horizon = Math.max(readUpTo, c?.read.contact ?? 0);
    const count = messages.filter((m) => !isMine(m) && (m.seq ?? 0) > horizon).length;
    if (count !== unread) {
      unread = count;
      events.emit('unread', unread);
    }
  }

  function showError(error: unknown, text?: string): void {
    alert.textContent = text ?? t('error');
    alert.hidden = false;
    events.emit('error', error);
  }

  const clearError = (): void => {
    alert.hidden = true;
  };

  // ---- the chat client ----

  const newClient = (): ChatPort =>
    createChat({ ...o.client, url: o.url, siteId: o.siteId, locale: tr.locale, ...(user ? { identity: user } : {}) });

  function ensureChat(): void {
    if (chat) return;
    const created = newClient();
    chat = created;
    chatOffs = [
      created.on('message', (message) => {
        if (!isMine(message)) hideTyping();
        events.emit('message', message);
        update();
      }),
      created.on('messages', update),
      created.on('conversation', (c) => {
        events.emit('conversation', c);
        update();
      }),
      created.on('typing', ({ on, author }) => {
        // The client sends `on: false` when the agent stops, or 6 s after the last refresh.
        if (author.kind !== 'contact') typing.textContent = on ? t('typing', { name: author.name ?? t('agent') }) : '';
      }),
      created.on('state', update),
      created.on('queue', update),
      created.on('error', (error) => events.emit('error', error)),
    ];
    void connect();
  }

  async function connect(): Promise<void> {
    const current = chat as ChatPort;
    phase = 'connecting';
    update();
    try {
      await current.connect();
      phase = 'ready';
    } catch (error) {
      phase = 'failed';
      events.emit('error', error);
    }
    if (current === chat) update();
  }

  function hideTyping(): void {
    typing.textContent = '';
  }

  function visitorAttributes() {
    const custom = Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== null));
    return {
      page: {
        url: location.href.slice(0, 2048),
        title: document.title.slice(0, 500),
        referrer: document.referrer.slice(0, 2048),
      },
      language: tr.locale,
      ...(prechat ? { prechat } : {}),
      ...(Object.keys(custom).length > 0 ? { custom } : {}),
    };
  }

  /** Starts a conversation unless one is open (a wrapped-up or resolved one reopens when the visitor writes). */
  function startConversation(): Promise<unknown> {
    const current = chat as ChatPort;
    const c = current.conversation;
    return !c || TERMINAL.includes(c.status)
      ? current.start({ ...(source.queueId ? { queueId: source.queueId } : {}), attributes: visitorAttributes() })
      : Promise.resolve();
  }

  function sendText(text: string): boolean {
    clearError();
    try {
      // The start is not awaited: the client keeps it and the message (in storage) until the
      // server has both, so the message shows at once and survives a reload or a lost network.
      startConversation().catch(showError);
      stopTyping();
      (chat as ChatPort).send(text);
      return true;
    } catch (error) {
      showError(error);
      return false;
    }
  }

  function retry(message: ChatMessageView): void {
    // A refused message stays in the client's list: hide it and send its text anew.
    if (message.content.type !== 'text') return;
    dismissed.add(messageKey(message));
    sendText(message.content.text);
  }

  async function sendFile(picked: File): Promise<void> {
    // The picker offers the server's allowed types (`accept`); the client refuses a file
    // over the size limit before uploading it.
    clearError();
    try {
      startConversation().catch(showError);
      await (chat as ChatPort).sendFile(picked);
    } catch (error) {
      const max = chat?.limits?.maxUploadBytes ?? 0;
      showError(
        error,
        (error as { code?: string }).code === 'PAYLOAD_TOO_LARGE'
          ? t('fileTooLarge', { size: formatBytes(max) })
          : undefined,
      );
    }
  }

  function onDraft(): void {
    if (!chat?.conversation) return;
    // The client sends `typing: true` at most every 2 s; `false` follows 3 s after the last key.
    chat.setTyping(true);
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stopTyping, 3000);
  }

  function stopTyping(): void {
    clearTimeout(idleTimer);
    chat?.setTyping(false);
  }

  /** Runs an action (a form, ending the chat); a failure shows in the alert and keeps the view. */
  const guard =
    <A extends unknown[]>(action: (...args: A) => Promise<unknown> | undefined) =>
    async (...args: A): Promise<void> => {
      clearError();
      try {
        await action(...args);
        shown = undefined;
        update();
        // The form that had the focus is gone: the next step takes it.
        if (isOpen) focusInto();
      } catch (error) {
        showError(error);
      }
    };

  function endChat(): Promise<void> {
    return guard(() => chat?.end())();
  }

  // ---- views ----

  const prefill = (name: string): string | undefined =>
    prechat?.[name] ?? (user as Record<string, string> | undefined)?.[name];

  function prechatView(): HTMLElement {
    const fields: FieldSpec[] = o.fields.map((field) => ({
      name: field.name,
      label:
        tr.pick(field.label) ||
        (/^(name|email|phone|message)$/.test(field.name) ? t(field.name as keyof Messages) : field.name),
      type: field.type ?? 'text',
      required: field.required,
      options: field.options?.map((option) => ({ value: option.value, label: tr.pick(option.label) })),
      value: prefill(field.name),
    }));
    return renderForm(
      {
        id: 'prechat',
        title: t('prechatTitle'),
        fields,
        submit: t('startChat'),
        onSubmit: guard(async (values) => {
          prechat = values;
          await startConversation().catch((error) => {
            prechat = undefined;
            throw error;
          });
        }),
      },
      tr,
    );
  }

  function offlineView(): HTMLElement {
    if (offlineSent) return note(t('offlineSent'), 'offline-sent');
    return renderForm(
      {
        id: 'offline',
        title: t('offlineTitle'),
        intro: t('offlineMessage'),
        fields: [
          { name: 'name', label: t('name'), type: 'text', value: prefill('name'), max: 200 },
          { name: 'email', label: t('email'), type: 'email', required: true, value: prefill('email'), max: 320 },
          { name: 'message', label: t('message'), type: 'textarea', required: true, max: 5000 },
        ],
        submit: t('send'),
        onSubmit: guard(async ({ name, email, message }) => {
          await (chat as ChatPort).leaveMessage({
            ...(name ? { name } : {}),
            email: email as string,
            message: message as string,
          });
          offlineSent = true;
        }),
      },
      tr,
    );
  }

  function endedView(): HTMLElement {
    const id = `${conversation()?.id} `;
    return renderEnded(
      {
        rated: rated === id,
        transcriptTo: transcriptTo.startsWith(id) ? transcriptTo.slice(id.length) : '',
        email: prefill('email') ?? '',
        rate: guard(async (score, comment) => {
          await (chat as ChatPort).rate(score, comment);
          rated = id;
        }),
        transcript: guard(async (email) => {
          await (chat as ChatPort).requestTranscript(email);
          transcriptTo = id + email;
        }),
        newChat: () => {
          // Wrapped-up and resolved conversations reopen when the visitor writes; after a
          // closed one, the first message starts a new conversation.
          continued = id.trim();
          update();
        },
      },
      tr,
    );
  }

  // ---- API ----

  function open(): void {
    if (destroyed || isOpen) return;
    isOpen = true;
    panel.hidden = false;
    ensureChat();
    update();
    focusInto();
    events.emit('open', undefined);
  }

  function close(): void {
    if (!isOpen) return;
    const hadFocus = !!shadow.activeElement;
    isOpen = false;
    panel.hidden = true;
    stopTyping();
    renderLauncher();
    if (hadFocus) launcher.focus();
    events.emit('close', undefined);
  }

  function toggle(): void {
    if (isOpen) close();
    else open();
  }

  function dropChat(): void {
    for (const off of chatOffs) off();
    chatOffs = [];
    chat?.close();
    chat = undefined;
    hideTyping();
  }

  const onVisibility = (): void => update();
  document.addEventListener('visibilitychange', onVisibility);

  const api: WidgetApi = {
    open,
    close,
    toggle,
    setUser(next) {
      validate('user', (check) => next === null || checkUser(next, check));
      user = next ?? undefined;
      chat?.setIdentity(user);
    },
    setAttributes(next) {
      validate('attributes', (check) => checkAttributes(next, check));
      attributes = { ...attributes, ...next };
    },
    setLocale(locale) {
      validate('locale', (check) => checkLocale(locale, check));
      tr = createTranslator(locale, o.texts);
      chat?.setLocale(locale);
      renderTexts();
      update();
    },
    reset() {
      // Before the first open there is no client, but an earlier page may have stored a
      // visitor: a logout must forget it too (the client clears storage without connecting).
      const client = chat ?? newClient();
      client.reset();
      if (client !== chat) client.close();
      dropChat();
      dismissed.clear();
      user = undefined;
      attributes = { ...source.attributes };
      prechat = undefined;
      offlineSent = false;
      rated = transcriptTo = continued = '';
      readUpTo = 0;
      composer.input.value = '';
      clearError();
      shown = undefined;
      if (isOpen) ensureChat();
      update();
    },
    on(event, listener) {
      if (event === 'ready' && ready) queueMicrotask(() => listener(undefined as never));
      return events.on(event, listener);
    },
    destroy() {
      if (destroyed) return;
      dropChat();
      destroyed = true;
      clearTimeout(idleTimer);
      prefersDark?.removeEventListener?.('change', applyTheme);
      document.removeEventListener('visibilitychange', onVisibility);
      host.remove();
      events.clear();
    },
    get isOpen() {
      return isOpen;
    },
    get unread() {
      return unread;
    },
    element: host,
  };

  applyTheme();
  renderTexts();
  update();

  const mount = (): void => {
    if (destroyed) return;
    document.body.append(host);
    queueMicrotask(() => {
      ready = true;
      events.emit('ready', undefined);
      if (source.openOnLoad) open();
    });
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
  return api;
}
