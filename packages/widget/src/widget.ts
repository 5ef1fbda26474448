import { Emitter } from '@hotline/client';
import type { IdentityClaim, WireConversation } from '@hotline/core';
import type { ChatFactory, ChatMessageView, ChatPort } from './chat-port.js';
import { button, h, ICONS, icon } from './dom/h.js';
import { defineElement, TAG } from './element.js';
import type { Extras, ExtrasLoader } from './extras/extras.js';
import type { Messages } from './i18n/en.js';
import { createTranslator, EXTRA_LOCALE, localeChain, type Translator } from './i18n/translator.js';
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
import { adoptStyles, CSS } from './theme/styles.js';
import { createComposer } from './views/composer.js';
import { formatBytes, isMine, messageKey } from './views/message.js';
import { createMessageList } from './views/message-list.js';
import { note } from './views/note.js';
import { callButton } from './voice/call-button.js';
import type { VoiceLoader } from './voice/voice-types.js';

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

/** The widget's events: the chat client's emitter, silent once the widget is destroyed. */
class Events extends Emitter<WidgetEvents> {
  _off = false;
  emit<E extends keyof WidgetEvents>(event: E, payload?: WidgetEvents[E]): void {
    if (!this._off) this._emit(event, payload as WidgetEvents[E]);
  }
}

type View = 'connecting' | 'failed' | 'prechat' | 'offline' | 'chat' | 'ended';

/**
 * Builds one widget. `init` passes a factory of the real `CustomerChat` and the loader of
 * the extras (forms, rating, other locales) of its build; tests pass stand-ins. Nothing
 * here touches storage or cookies: the chat client is created, and connects, only when the
 * visitor first opens the panel.
 */
export function createWidget(
  options: WidgetOptions,
  createChat: ChatFactory,
  loadExtras: ExtrasLoader,
  loadVoice?: VoiceLoader,
): WidgetApi {
  const o = resolveOptions(options);
  const source = o.source;
  const events = new Events();
  let locale = o.locale;
  let tr: Translator;
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
  let extras: Extras | undefined;
  let loadingExtras = false;
  // Until the next need (an open, a locale switch, a retry): the views get by without them.
  let extrasFailed = false;
  let placed = false;

  defineElement();
  const host = document.createElement(TAG);
  const shadow = host.attachShadow({ mode: 'open' });
  adoptStyles(shadow, source.nonce, CSS);

  const badge = h('span', { part: 'badge', 'aria-hidden': 'true' });
  const launcher = button('launcher', () => toggle(), icon(ICONS.chat), badge);
  launcher.setAttribute('aria-controls', 'hotline-panel');
  const title = h('h2', { id: 'hotline-title', part: 'title' });
  const status = h('p', { part: 'status' });
  const endButton = button('end-button', () => guard(() => chat?.end())());
  const closeButton = button('close-button', () => close(), icon(ICONS.close));
  const callIt =
    loadVoice &&
    callButton(source.voice, loadVoice, () => ({
      conversationId: conversation()?.id,
      locale: tr.locale,
      onError: (error) => events.emit('error', error),
    }));
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
    h('header', { part: 'header' }, h('div', null, title, status), callIt, endButton, closeButton),
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
    const colors = { ...source.colors, ...(theme === 'dark' && source.darkColors) };
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
    // Without the extras the chat goes on: the composer instead of the rating (writing
    // reopens or starts a conversation), and instead of the pre-chat form (no answers sent).
    if (c) return ENDED.includes(c.status) && continued !== c.id ? withExtras('ended', 'chat') : 'chat';
    if (!chat.queueOpen || offlineSent) return withExtras('offline', 'failed');
    return o.fields[0] && !prechat ? withExtras('prechat', 'chat') : 'chat';
  }

  /** `wanted` once the extras are here; `connecting` while they load; `fallback` if they failed. */
  const withExtras = (wanted: View, fallback: View): View => (need() ? wanted : extrasFailed ? fallback : 'connecting');

  /** The extras, or `undefined` while they load (the widget updates once they have) or after a failure. */
  function need(): Extras | undefined {
    if (!extras && !loadingExtras && !extrasFailed) {
      const got = loadExtras(source.extrasUrl);
      if ('then' in got) {
        loadingExtras = true;
        got
          .then(arrived, (error) => {
            extrasFailed = true;
            events.emit('error', error);
          })
          .then(() => {
            loadingExtras = false;
            // The texts are rendered anew (the log too, which a screen reader would read
            // again) only for a locale the extras carry.
            if (wantsExtras()) renderTexts();
            place();
            update();
          });
      } else arrived(got);
    }
    return extras;
  }

  function arrived(loaded: Extras): void {
    extras = loaded;
    adoptStyles(shadow, source.nonce, loaded.css);
    translator();
  }

  const translator = (): void => {
    tr = createTranslator(locale, o.texts, extras?.locales);
  };

  const wantsExtras = (): boolean => localeChain(locale).includes(EXTRA_LOCALE);

  /** Texts for `locale`; one that the extras carry waits for them (English if they fail). */
  function applyLocale(): void {
    if (wantsExtras()) need();
    translator();
    renderTexts();
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
    if (callIt) callIt.textContent = t('call');
    composer.setTexts(tr);
    list.clear();
    shown = undefined;
  }

  function renderLauncher(): void {
    const label = t(isOpen ? 'closeChat' : 'openChat');
    launcher.setAttribute('aria-label', unread ? `${label}, ${t('unread', { count: unread })}` : label);
    launcher.setAttribute('aria-expanded', `${isOpen}`);
    badge.textContent = unread > 99 ? '99+' : `${unread}`;
    badge.hidden = !unread;
  }

  function renderBody(): void {
    const next = view();
    if (next === shown) return;
    shown = next;
    const hadFocus = body.contains(shadow.activeElement);
    composer.setLimits(chat?.limits);
    body.replaceChildren(
      ...(next === 'chat'
        ? [list.el, typing, composer.el]
        : next === 'ended'
          ? [list.el, extrasView(next)]
          : next === 'prechat' || next === 'offline'
            ? [extrasView(next)]
            : next === 'failed'
              ? [
                  note(t('connectError'), 'failed'),
                  h(
                    'p',
                    { part: 'form' },
                    button(
                      'reconnect-button',
                      () => {
                        extrasFailed = false;
                        if (phase === 'failed') void connect();
                        else update();
                      },
                      t('retry'),
                    ),
                  ),
                ]
              : [note(t('connecting'), 'connecting')]),
    );
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
    if (isOpen && /chat|ended/.test(shown as string) && document.visibilityState !== 'hidden' && newest > readUpTo) {
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
    createChat({ ...o.client, url: o.url, siteId: o.siteId, locale: tr.locale, ...(user && { identity: user }) });

  function ensureChat(): void {
    if (chat) return;
    const created = newClient();
    chat = created;
    // Events the host hears too; every event but `error` changes what the widget shows.
    chatOffs = (['message', 'messages', 'conversation', 'state', 'queue', 'error'] as const).map((name) =>
      created.on(name, (payload) => {
        if (name === 'message' && !isMine(payload as ChatMessageView)) hideTyping();
        if (/^(message|conversation|error)$/.test(name)) events.emit(name as 'error', payload);
        if (name !== 'error') update();
      }),
    );
    chatOffs.push(
      created.on('typing', ({ on, author }) => {
        // The client sends `on: false` when the agent stops, or 6 s after the last refresh.
        if (author.kind !== 'contact') typing.textContent = on ? t('typing', { name: author.name ?? t('agent') }) : '';
      }),
    );
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
      ...(prechat && { prechat }),
      ...(Object.keys(custom)[0] && { custom }),
    };
  }

  /** Starts a conversation unless one is open (a wrapped-up or resolved one reopens when the visitor writes). */
  async function startConversation(): Promise<void> {
    const current = chat as ChatPort;
    const c = current.conversation;
    if (!c || TERMINAL.includes(c.status))
      await current.start({ ...(source.queueId && { queueId: source.queueId }), attributes: visitorAttributes() });
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
      showError(
        error,
        (error as { code?: string }).code === 'PAYLOAD_TOO_LARGE'
          ? t('fileTooLarge', { size: formatBytes(chat?.limits?.maxUploadBytes ?? 0) })
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

  // ---- views ----

  /** A view of the extras, with what it needs of the widget. */
  function extrasView(name: 'prechat' | 'offline' | 'ended'): HTMLElement {
    const id = `${conversation()?.id} `;
    const current = chat as ChatPort;
    return (extras as Extras)[name]({
      tr,
      fields: o.fields,
      answers: { ...(user as Record<string, string>), ...prechat },
      guard,
      start: async (answers) => {
        prechat = answers;
        await startConversation().catch((error) => {
          prechat = undefined;
          throw error;
        });
      },
      left: offlineSent,
      leave: async (message) => {
        await current.leaveMessage(message);
        offlineSent = true;
      },
      rated: rated === id,
      transcriptTo: transcriptTo.startsWith(id) ? transcriptTo.slice(id.length) : '',
      rate: async (score, comment) => {
        await current.rate(score, comment);
        rated = id;
      },
      transcript: async (email) => {
        await current.requestTranscript(email);
        transcriptTo = id + email;
      },
      newChat: () => {
        // Wrapped-up and resolved conversations reopen when the visitor writes; after a
        // closed one, the first message starts a new conversation.
        continued = id.trim();
        update();
      },
    });
  }

  // ---- API ----

  function open(): void {
    if (destroyed || isOpen) return;
    isOpen = true;
    panel.hidden = false;
    extrasFailed = false;
    if (wantsExtras()) need();
    ensureChat();
    update();
    focusInto();
    events.emit('open');
  }

  function close(): void {
    if (!isOpen) return;
    const hadFocus = !!shadow.activeElement;
    isOpen = false;
    panel.hidden = true;
    stopTyping();
    renderLauncher();
    if (hadFocus) launcher.focus();
    events.emit('close');
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

  document.addEventListener('visibilitychange', update);

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
    setLocale(next) {
      validate('locale', (check) => checkLocale(next, check));
      locale = next;
      extrasFailed = false;
      chat?.setLocale(locale);
      applyLocale();
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
      user = prechat = undefined;
      attributes = { ...source.attributes };
      offlineSent = false;
      rated = transcriptTo = continued = composer.input.value = '';
      readUpTo = 0;
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
      destroyed = events._off = true;
      clearTimeout(idleTimer);
      prefersDark?.removeEventListener?.('change', applyTheme);
      document.removeEventListener('visibilitychange', update);
      host.remove();
    },
    get isOpen() {
      return isOpen;
    },
    get unread() {
      return unread;
    },
    element: host,
  };

  const mount = (): void => {
    if (destroyed) return;
    document.body.append(host);
    queueMicrotask(() => {
      ready = true;
      events.emit('ready');
      if (source.openOnLoad) open();
    });
  };

  /** Puts the widget on the page, once, when its texts are ready (`need` calls it again). */
  function place(): void {
    if (placed || loadingExtras) return;
    placed = true;
    if (document.body) mount();
    else document.addEventListener('DOMContentLoaded', mount, { once: true });
  }

  applyTheme();
  applyLocale();
  update();
  place();
  return api;
}
