import type {
  Attachment,
  ConversationResult,
  CustomerHelloResult,
  IdentityClaim,
  SendResult,
  ServerFrame,
  WireConversation,
  WireLimits,
  WireMessage,
  WireSendContent,
} from '@hotline/core';
import { fromOutbox, fromWire, type StoredMessage } from './chat-message.js';
import type {
  ChatMessage,
  CustomerChatEvents,
  CustomerChatOptions,
  OfflineMessage,
  SentMessage,
  StartOptions,
} from './chat-types.js';
import { Emitter } from './emitter.js';
import { ClientError } from './errors.js';
import { catchUp, MessageLog } from './message-log.js';
import { type OutboxEntry, type PendingStart, Persisted } from './storage.js';
import { backoffDelay } from './transport/backoff.js';
import type { OutFrame, RequestOptions } from './transport/requests.js';
import { createTransport, type Transport } from './transport/transport.js';
import type { ConnectionState, Timers } from './transport/types.js';
import { upload } from './upload.js';
import { claim, uid, userOf } from './util.js';

type Author = WireMessage['author'];

/** Statuses after which `start()` begins a new conversation. */
const ENDED = ['resolved', 'closed', 'abandoned'];
/** Statuses after which even a message cannot reopen the conversation. */
const GONE = ['closed', 'abandoned'];

/**
 * The visitor's side of the web chat, in browsers and in Node. It keeps every message the
 * visitor sends in an outbox (in storage) until the server acknowledged it, resends it
 * with the same `clientMessageId` after a reconnect or a page reload, resumes from the
 * last `seq` it holds and fills any gap, and shows each message once.
 *
 * @example
 * ```ts
 * const chat = new CustomerChat({ url: 'wss://support.example.com/hotline/webchat', siteId: 'site_acme' });
 * chat.on('message', () => render(chat.messages));
 * await chat.connect();
 * chat.start({ attributes: { page: { url: location.href } } });
 * const sent = chat.send('Hello');
 * await sent.acked; // stored by the server
 * ```
 */
export class CustomerChat extends Emitter<CustomerChatEvents> {
  private readonly _transport: Transport;
  private readonly _timers: Timers;
  private readonly _saved: Persisted;
  private _log = new MessageLog<StoredMessage>();
  /** The visitor's messages not stored yet (pending), or refused (failed), in order. */
  private _pending: ChatMessage[] = [];
  private readonly _acks = new Map<string, [(message: WireMessage) => void, (error: ClientError) => void]>();
  private _view: readonly ChatMessage[] | undefined;
  private _conversationId: string | undefined;
  private _current: WireConversation | undefined;
  private _identity: IdentityClaim | undefined;
  /** A `hello` carrying the identity was answered: later ones rely on the visitor token. */
  private _identified = false;
  private _locale: string | undefined;
  private _enabled = false;
  private _open: boolean | undefined;
  private _visitor: string | undefined;
  private _wireLimits: WireLimits | undefined;
  private _sending: string | undefined;
  private _retries = 0;
  private _retryTimer: unknown;
  private _starting: Promise<WireConversation> | undefined;
  private _typedAt = 0;
  private _typer: Author | undefined;
  private _typingTimer: unknown;
  private _readSeq = 0;
  private readonly _options: CustomerChatOptions;

  constructor(options: CustomerChatOptions) {
    super();
    this._options = options;
    if (!/^wss?:\/\//i.test(options?.url) || !options.siteId) throw invalid('a ws(s):// url and a siteId');
    this._identity = options.identity;
    this._locale = options.locale;
    this._saved = new Persisted(options.storage, `${options.storageKey ?? 'hotline'}:${options.siteId}`);
    this._transport = createTransport(options, {
      hello: () => this._hello(),
      opened: (result) => this._opened(result as CustomerHelloResult),
      push: (frame) => this._push(frame),
      state: (state) => this._emit('state', state),
      error: (error) => this._emit('error', error),
      recover: (error) => this._recover(error),
    });
    this._timers = this._transport.timers;
  }

  /** The connection's state. */
  get state(): ConnectionState {
    return this._transport.state;
  }

  /** The current conversation, once the server told about it. */
  get conversation(): WireConversation | undefined {
    return this._current;
  }

  /** Stored messages in seq order, then the visitor's pending and failed ones; each once. */
  get messages(): readonly ChatMessage[] {
    this._view ??= [...this._log._list, ...this._pending];
    return this._view;
  }

  /** Whether an agent can be reached now (from the last `hello`). */
  get queueOpen(): boolean {
    return this._open ?? false;
  }

  /** The server's limits (text length, upload size and types, rate). */
  get limits(): WireLimits | undefined {
    return this._wireLimits;
  }

  /** The visitor's id (from the visitor token, else the contact id), once connected. */
  get visitorId(): string | undefined {
    return this._visitor;
  }

  /**
   * Connects (and keeps reconnecting); resolves when the first `hello` is answered. The
   * first call is when storage is first used: it loads what an earlier page left (the
   * visitor token, the conversation, unsent messages) and resumes it.
   */
  connect(): Promise<void> {
    if (!this._enabled) {
      this._enabled = true;
      const saved = this._saved._enable();
      this._checkUser();
      this._conversationId ??= saved.conversation?.id;
      const shown = new Set(this._pending.map((m) => m.clientMessageId));
      const restored = (saved.outbox ?? []).filter((entry) => !shown.has(entry.clientMessageId));
      if (restored.length) {
        this._pending.push(...restored.map(fromOutbox));
        this._changed();
      }
    }
    return this._transport.connect();
  }

  /**
   * Starts a conversation, or returns the current one while it is not over. Idempotent:
   * its key is stored before the request, so a retry, a reconnect or a reload never makes
   * a second conversation. `send` need not wait for it.
   *
   * @throws ClientError `UNAVAILABLE` (`not_connected`) before `connect()`.
   */
  async start(options: StartOptions = {}): Promise<WireConversation> {
    // Before connect() the stored conversation is not known yet: starting could make a second one.
    if (!this._enabled) throw notConnected();
    const current = this._current;
    if (current && !ENDED.includes(current.status)) return current;
    if (this._conversationId && !current) {
      // A stored conversation is being resumed: start only if the server no longer has it.
      return new Promise((resolve, reject) => {
        const off = this.on('conversation', () => {
          off();
          this.start(options).then(resolve, reject);
        });
      });
    }
    const start = this._saved._state.start ?? { key: uid(), ...options };
    this._saved._set('start', start);
    return this._issueStart(start);
  }

  /**
   * Sends a text message. It is shown at once (pending), kept in the outbox (storage)
   * until the server acknowledges it, and resent with the same `clientMessageId` after
   * reconnects and reloads. Starts a conversation first when there is none.
   *
   * @throws ClientError `VALIDATION_FAILED` (`empty_text`, `text_too_long`).
   */
  send(text: string): SentMessage {
    if (typeof text !== 'string' || !text.trim()) throw invalid('text', 'empty_text');
    if (text.length > (this._wireLimits?.maxTextLength ?? 32_000)) throw invalid('shorter text', 'text_too_long');
    return this._enqueue({ type: 'text', text });
  }

  /**
   * Uploads a file (`POST {path}/upload`), then sends it as an attachments message with
   * an optional caption. The upload needs the network; the message then goes through the
   * outbox like any other.
   */
  async sendFile(file: Blob, options: { caption?: string | undefined } = {}): Promise<SentMessage> {
    const max = this._wireLimits?.maxUploadBytes ?? Infinity;
    if (file.size > max) throw new ClientError('PAYLOAD_TOO_LARGE', `over ${max} bytes`, { reason: 'file_too_large' });
    const conversationId = this._conversationId ?? (await this.start()).id;
    const token = this._saved._state.token;
    if (!token) throw notConnected();
    const attachment = await upload(this._options.fetch ?? fetch, this._options.url, conversationId, token, file);
    const text = options.caption?.trim() ? options.caption : undefined;
    return this._enqueue({ type: 'attachments', attachmentIds: [attachment.id], text }, [attachment]);
  }

  /**
   * Tells the agent the visitor is typing (`true`, sent at most every 2 s) or stopped
   * (`false`). Call it on every keystroke; it drops what the protocol does not need.
   */
  setTyping(on: boolean): void {
    const conversationId = this._conversationId;
    const now = Date.now();
    if (!conversationId || (on ? now - this._typedAt < 2000 : !this._typedAt)) return;
    this._typedAt = on ? now : 0;
    this._transport.notify({ type: 'typing', conversationId, on });
  }

  /** Marks everything shown as read (sent now, or after reconnecting). */
  async markRead(): Promise<void> {
    const current = this._current;
    const seq = this._log._maxSeq;
    if (current && seq > current.read.contact) {
      this._current = { ...current, read: { ...current.read, contact: seq } };
      this._readSeq = seq;
      this._flushRead();
    }
  }

  /** Ends the conversation from the visitor's side. */
  end(): Promise<void> {
    return this._call({ type: 'end' });
  }

  /** Rates the conversation, 1 to 5, with an optional comment (the server validates both). */
  rate(score: number, comment?: string): Promise<void> {
    return this._call({ type: 'csat', score, comment });
  }

  /** Asks for the transcript by email. */
  requestTranscript(email: string): Promise<void> {
    return this._call({ type: 'transcript', email });
  }

  /** Sends the offline form (when no agent can be reached); retried safely across reconnects. */
  async leaveMessage(message: OfflineMessage): Promise<void> {
    await this._request({ ...message, type: 'offline', key: uid() }, { retry: true });
  }

  /**
   * Identifies the visitor (or stops sending an identity with `undefined`) and reconnects
   * with it. A different user than the one the stored visitor belongs to starts from a
   * clean slate (as after `reset()`), so one browser shared by two people never mixes
   * their conversations.
   */
  setIdentity(identity: IdentityClaim | undefined): void {
    this._identity = identity;
    this._identified = false;
    this._checkUser();
    this._transport.restart();
  }

  /** Changes the visitor's language (reconnects to tell the server). */
  setLocale(locale: string): void {
    this._locale = locale;
    this._transport.restart();
  }

  /**
   * Forgets the visitor, the conversation, the identity and unsent messages, in memory and
   * in storage (a logout), and reconnects as a new anonymous visitor if connected.
   */
  reset(): void {
    this._identity = undefined;
    this._forget();
    this._transport.restart();
  }

  /** Closes the connection. Unsent messages stay in storage for the next `connect()`. */
  close(): void {
    this._transport.close();
    this._timers.clearTimeout(this._retryTimer);
    this._timers.clearTimeout(this._typingTimer);
    this._rejectAcks('closed');
  }

  private _request = <T>(frame: OutFrame, options?: RequestOptions): Promise<T> =>
    this._transport.requests.request<T>(frame, options);

  private _hello(): OutFrame {
    const conversationId = this._conversationId;
    return {
      type: 'hello',
      v: 1,
      siteId: this._options.siteId,
      visitorToken: this._saved._state.token,
      identity: this._identified ? undefined : this._identity,
      locale: this._locale,
      resume: conversationId && [{ conversationId, afterSeq: this._log._lastSeq }],
    };
  }

  private _opened(result: CustomerHelloResult): void {
    const saved = this._saved;
    const user = userOf(this._identity);
    this._identified = !!this._identity;
    saved._set('token', result.visitorToken);
    if (user) saved._set('user', user);
    this._visitor = claim(result.visitorToken, 'vid') ?? result.contactId;
    this._wireLimits = result.limits;
    if (result.queueOpen !== this._open) {
      this._open = result.queueOpen;
      this._emit('queue', { open: result.queueOpen });
    }
    const id = this._conversationId;
    const listed = result.conversations.find((c) => c.id === id);
    if (listed) this._adopt(listed, false);
    // Not among the visitor's conversations any more: the server does not know it.
    else if (id) this._forgetConversation();
    if (!this._conversationId) {
      // Another tab or device of the same customer may have started one.
      const newest = result.conversations
        .filter((c) => !ENDED.includes(c.status))
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
      if (saved._state.start) this._issueStart(saved._state.start).catch(this._report);
      else if (newest) this._adopt(newest, true);
      else if (saved._state.outbox?.length) this.start().catch(this._report);
    }
    this._pump();
    this._flushRead();
  }

  private _recover({ reason }: ClientError): boolean {
    const saved = this._saved._state;
    if (!saved.token) return false;
    if ((reason === 'token_replayed' || reason === 'identity_expired') && !this._identified) {
      // A reused one-time JWT, or one that expired since the page was rendered: the stored
      // token was issued for that same user and carries on without it.
      this._identified = saved.user !== undefined && saved.user === userOf(this._identity);
      return this._identified;
    }
    if (reason !== 'token_invalid' && reason !== 'token_expired') return false;
    this._saved._set('token', undefined);
    if (!this._identity) this._forgetConversation();
    return true;
  }

  private _push(frame: ServerFrame): void {
    const log = this._log;
    const mine = (conversationId: string) => conversationId === this._conversationId;
    if (frame.type === 'message' && mine(frame.message.conversationId)) {
      if (this._typer && frame.message.direction !== 'inbound') this._typing(false, this._typer);
      this._take([frame.message]);
      if (log._gap) this._fill();
    } else if (frame.type === 'messages' && mine(frame.conversationId)) {
      this._take(frame.messages);
      // A resume page holds every message after the resumed seq, up to its last one.
      log._cover(frame.messages[frame.messages.length - 1]?.seq ?? 0);
      this._saveConversation();
      if (!frame.more && log._gap) this._fill();
    } else if (frame.type === 'typing' && mine(frame.conversationId)) {
      this._typing(frame.on, frame.author);
    } else if (frame.type === 'read' && mine(frame.conversationId) && this._current) {
      this._current = { ...this._current, read: frame.read };
      this._emit('read', frame.read);
    } else if (frame.type === 'conversation') {
      const id = frame.conversation.id;
      if (mine(id) || !(this._conversationId || this._saved._state.start)) this._adopt(frame.conversation, true);
    }
  }

  /**
   * Ingests stored messages: each once by id; a pending message with the same
   * `clientMessageId` becomes the stored one (whether the ack, a push or a resume page
   * brought it first) and leaves the outbox.
   */
  private _take(messages: WireMessage[]): void {
    let changed = false;
    let appended: ChatMessage | undefined;
    let moved = false;
    for (const message of messages) {
      const cid = message.clientMessageId;
      if (cid && this._settle(cid, message)) changed = true;
      if (message.conversationId !== this._conversationId) continue;
      const shown = fromWire(message);
      const at = this._log._add(shown);
      if (at < 0) continue;
      changed = true;
      appended = shown;
      moved ||= at < this._log._list.length - 1;
    }
    if (!changed) return;
    this._view = undefined;
    if (messages.length === 1 && appended && !moved) this._emit('message', appended);
    else this._changed();
    this._saveConversation();
  }

  /** Settles the visitor's message `cid`: stored (`message`) or refused (`error`). True if it was shown. */
  private _settle(cid: string, message?: WireMessage, error?: ClientError): boolean {
    const other = (entry: OutboxEntry) => entry.clientMessageId !== cid;
    if (!this._saved._state.outbox?.every(other)) {
      this._saved._update((saved) => {
        saved.outbox = saved.outbox?.filter(other);
      });
    }
    const ack = this._acks.get(cid);
    this._acks.delete(cid);
    if (message) ack?.[0](message);
    else if (error) ack?.[1](error);
    const at = this._pending.findIndex((m) => m.clientMessageId === cid);
    const shown = this._pending[at];
    if (!shown) return false;
    if (message) this._pending.splice(at, 1);
    else {
      const failed: ChatMessage = { ...shown, status: 'failed' };
      this._pending[at] = failed;
      this._emit('message', failed);
    }
    this._view = undefined;
    return true;
  }

  private _enqueue(content: WireSendContent, attachments?: Attachment[]): SentMessage {
    const current = this._current;
    // Before connect() the first `hello` decides (resume the stored conversation, or start).
    const none = !(this._conversationId || this._saved._state.start) || (current && GONE.includes(current.status));
    if (none && this._enabled) this.start().catch(this._report);
    this.setTyping(false);
    const entry: OutboxEntry = {
      clientMessageId: uid(),
      // While a start is pending the entry waits for the conversation it makes.
      conversationId: this._saved._state.start ? undefined : this._conversationId,
      content,
      attachments,
      createdAt: new Date().toISOString(),
    };
    this._saved._update((saved) => {
      saved.outbox = [...(saved.outbox ?? []), entry];
    });
    const shown = fromOutbox(entry);
    this._pending.push(shown);
    this._view = undefined;
    const acked = new Promise<WireMessage>((resolve, reject) =>
      this._acks.set(entry.clientMessageId, [resolve, reject]),
    );
    // Nobody has to await it: a refusal also shows as a failed message and an `error` event.
    acked.catch(() => {});
    this._emit('message', shown);
    this._pump();
    return { ...shown, acked };
  }

  /** Sends the outbox's oldest entry; one at a time, so the server stores them in order. */
  private _pump(): void {
    const entry = this._saved._state.outbox?.[0];
    const conversationId = entry?.conversationId ?? this._conversationId;
    if (!entry || !conversationId || this._sending || !this._transport.requests.live) return;
    const cid = entry.clientMessageId;
    this._sending = cid;
    this._request<SendResult>({ type: 'send', conversationId, clientMessageId: cid, content: entry.content }).then(
      (result) => {
        this._sending = undefined;
        this._retries = 0;
        this._take([result.message]);
        this._pump();
      },
      (error: ClientError) => {
        this._sending = undefined;
        // Lost with the connection: the next `hello` flushes the outbox again.
        if (error.reason === 'connection_lost' || error.reason === 'closed') return;
        if (error.retryable) {
          const { reconnect, random } = this._options;
          this._timers.clearTimeout(this._retryTimer);
          this._retryTimer = this._timers.setTimeout(
            () => this._pump(),
            error.retryAfterMs ?? backoffDelay(this._retries++, reconnect, random),
          );
          return;
        }
        this._settle(cid, undefined, error);
        this._report(error);
        this._pump();
      },
    );
  }

  private _issueStart({ key, queueId, attributes }: PendingStart): Promise<WireConversation> {
    this._starting ??= this._request<ConversationResult>({ type: 'start', key, queueId, attributes }, { retry: true })
      .then(
        ({ conversation }) => {
          this._saved._set('start', undefined);
          this._adopt(conversation, true);
          return conversation;
        },
        (error: ClientError) => {
          // A refused start (unknown queue, bad attributes) is not retried on the next `hello`.
          if (!error.retryable) this._saved._set('start', undefined);
          throw error;
        },
      )
      .finally(() => {
        this._starting = undefined;
      });
    return this._starting;
  }

  /** Makes `conversation` the current one; a new one starts an empty list and fetches its history. */
  private _adopt(conversation: WireConversation, fetch: boolean): void {
    const id = conversation.id;
    if (id !== this._conversationId) {
      this._conversationId = id;
      this._log = new MessageLog();
      this._saved._update((saved) => {
        for (const entry of saved.outbox ?? []) entry.conversationId ??= id;
      });
      this._changed();
    }
    this._current = conversation;
    this._saveConversation();
    this._emit('conversation', conversation);
    if (fetch && conversation.lastSeq > this._log._lastSeq) this._fill();
    this._pump();
  }

  private _fill(): void {
    const { _conversationId: conversationId, _log: log } = this;
    if (!conversationId) return;
    catchUp(this._request, conversationId, log, (messages) => log === this._log && this._take(messages)).then(
      () => this._saveConversation(),
      this._report,
    );
  }

  private async _call(frame: OutFrame): Promise<void> {
    const conversationId = this._conversationId;
    if (!conversationId) throw new ClientError('NOT_FOUND', 'no conversation yet', { reason: 'no_conversation' });
    const result = await this._request<Partial<ConversationResult> | undefined>({ ...frame, conversationId });
    const conversation = result?.conversation;
    if (conversation?.id === this._conversationId) this._adopt(conversation as WireConversation, false);
  }

  private _typing(on: boolean, author: Author): void {
    this._timers.clearTimeout(this._typingTimer);
    this._typer = on ? author : undefined;
    // Receivers clear a typing indicator that was not refreshed for 6 s.
    if (on) this._typingTimer = this._timers.setTimeout(() => this._typing(false, author), 6000);
    this._emit('typing', { on, author });
  }

  private _flushRead(): void {
    const { _conversationId: conversationId, _readSeq: seq } = this;
    if (seq && conversationId && this._transport.notify({ type: 'read', conversationId, seq })) this._readSeq = 0;
  }

  private _saveConversation(): void {
    const id = this._conversationId;
    this._saved._set('conversation', id ? { id, lastSeq: this._log._lastSeq } : undefined);
  }

  /** A different user than the stored visitor's: forget the stored visitor first. */
  private _checkUser(): void {
    const user = userOf(this._identity);
    const previous = this._saved._state.user;
    if (user && previous && user !== previous) this._forget();
  }

  private _forgetConversation(): void {
    const id = this._conversationId;
    // Unsent messages of a conversation the server no longer knows go to the next one.
    this._saved._update((saved) => {
      for (const entry of saved.outbox ?? []) if (entry.conversationId === id) entry.conversationId = undefined;
    });
    this._conversationId = this._current = undefined;
    this._log = new MessageLog();
    this._saveConversation();
    this._changed();
    this._emit('conversation', undefined);
  }

  private _forget(): void {
    this._rejectAcks('reset');
    this._pending = [];
    this._identified = false;
    this._visitor = undefined;
    this._readSeq = 0;
    this._saved._clear();
    this._forgetConversation();
  }

  private _rejectAcks(reason: string): void {
    for (const [, reject] of this._acks.values()) reject(new ClientError('UNAVAILABLE', reason, { reason }));
    this._acks.clear();
  }

  private _report = (error: ClientError): void => this._emit('error', error);

  private _changed(): void {
    this._view = undefined;
    this._emit('messages', this.messages);
  }
}

const notConnected = (): ClientError => new ClientError('UNAVAILABLE', 'connect() first', { reason: 'not_connected' });

function invalid(what: string, reason = 'invalid_options'): ClientError {
  return new ClientError('VALIDATION_FAILED', `needs ${what}`, { reason });
}
