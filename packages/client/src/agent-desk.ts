import type {
  AgentHelloResult,
  ConversationResult,
  HistoryResult,
  ReadHorizon,
  SendResult,
  ServerFrame,
  WireConversation,
  WireMessage,
  WireOffer,
} from '@hotline/core';
import { Emitter } from './emitter.js';
import { ClientError } from './errors.js';
import { catchUp, MessageLog } from './message-log.js';
import type { OutFrame, RequestOptions } from './transport/requests.js';
import { createTransport, type Transport } from './transport/transport.js';
import type { ConnectionState, TransportOptions } from './transport/types.js';
import { uid } from './util.js';

/** Options of {@link AgentDesk}. */
export interface AgentDeskOptions extends TransportOptions {
  /**
   * The gateway URL: the customer endpoint (`wss://host/hotline/webchat`) or the agent one
   * (`…/agent`); `/agent` is added when missing.
   */
  url: string;
  /** A JWT the host signed for this agent (`sub` = agent id, `tid` = tenant id, `exp`). */
  agentToken: string;
}

/** Events of {@link AgentDesk}. */
export interface AgentDeskEvents {
  /** Routing reserved a conversation for this agent: accept or reject before `expiresAt`. */
  offer: WireOffer;
  /** An offer is over (accepted, rejected, timed out, withdrawn or canceled). */
  offer_ended: { reservationId: string; reason: string };
  /** A new message in one of the agent's conversations (also the agent's own, once stored). */
  message: WireMessage;
  /** A conversation was assigned, changed, or ended. */
  conversation: WireConversation;
  /** The customer is typing (or stopped). */
  typing: { conversationId: string; author: WireMessage['author']; on: boolean };
  /** Read horizons changed. */
  read: { conversationId: string; read: ReadHorizon };
  state: ConnectionState;
  error: ClientError;
}

/** The server resumes at most this many conversations per `hello`. */
const MAX_RESUME = 20;
const GONE = ['resolved', 'closed', 'abandoned'];

/**
 * The agent's side of the web chat: offers, accepting and rejecting them, the assigned
 * conversations with their messages (each once, in seq order, gaps filled), sending
 * (retried safely with the same `clientMessageId`), notes, typing, read receipts, ending
 * and resolving. It uses the same reconnecting transport as `CustomerChat`.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * const desk = new AgentDesk({ url: 'wss://support.example.com/hotline/webchat', agentToken, WebSocket });
 * desk.on('offer', (offer) => desk.accept(offer.reservationId));
 * desk.on('message', (m) => console.log(m.conversationId, m.content));
 * await desk.connect();
 * await desk.setActivity('available');
 * ```
 */
export class AgentDesk extends Emitter<AgentDeskEvents> {
  private readonly transport: Transport;
  private readonly assigned = new Map<string, WireConversation>();
  private readonly waiting = new Map<string, WireOffer>();
  private readonly logs = new Map<string, MessageLog<WireMessage>>();
  private readonly typedAt = new Map<string, number>();
  private me: AgentHelloResult['agent'] | undefined;
  /** The conversations the last `hello` resumed (their messages come as pages). */
  private resumed = new Set<string>();

  constructor(private readonly options: AgentDeskOptions) {
    super();
    if (!/^wss?:\/\//i.test(options?.url) || typeof options.agentToken !== 'string' || !options.agentToken) {
      throw new ClientError('VALIDATION_FAILED', 'AgentDesk needs a ws:// or wss:// `url` and an `agentToken`', {
        reason: 'invalid_options',
      });
    }
    const url = options.url.replace(/\/+$/, '');
    this.transport = createTransport(
      { ...options, url: url.endsWith('/agent') ? url : `${url}/agent` },
      {
        hello: () => this.hello(),
        opened: (result) => this.opened(result as AgentHelloResult),
        push: (frame) => this.push(frame),
        state: (state) => this._emit('state', state),
        error: (error) => this._emit('error', error),
      },
    );
  }

  /** The connection's state. */
  get state(): ConnectionState {
    return this.transport.state;
  }

  /** Who the agent is, with the current activity (after `connect()`). */
  get agent(): AgentHelloResult['agent'] | undefined {
    return this.me;
  }

  /** The conversations assigned to the agent and not resolved. */
  get conversations(): WireConversation[] {
    return [...this.assigned.values()];
  }

  /** Offers waiting for an answer. */
  get offers(): WireOffer[] {
    return [...this.waiting.values()];
  }

  /** The messages of a conversation held so far, in seq order, each once. */
  messages(conversationId: string): readonly WireMessage[] {
    return this.logs.get(conversationId)?._list ?? [];
  }

  /** Connects (and keeps reconnecting); resolves when `hello` is answered. */
  connect(): Promise<void> {
    return this.transport.connect();
  }

  /** Sets the agent's activity (`available`, `break`…). */
  async setActivity(activity: string): Promise<void> {
    await this.request({ type: 'activity', activity }, { retry: true });
    if (this.me) this.me = { ...this.me, activity };
  }

  /** Takes an offer; the conversation's messages are then fetched. */
  async accept(reservationId: string): Promise<WireConversation> {
    const { conversation } = await this.request<ConversationResult>({ type: 'accept', reservationId });
    this.waiting.delete(reservationId);
    this.update(conversation);
    return conversation;
  }

  /** Declines an offer; the conversation goes back in line. */
  async reject(reservationId: string): Promise<void> {
    await this.request({ type: 'reject', reservationId });
    this.waiting.delete(reservationId);
  }

  /**
   * Sends a text message, or an internal note (`{ note: true }`, never shown to the customer).
   * A send that failed (timed out, connection closed) may have been stored: repeat it with
   * the same `clientMessageId` and the server answers with the stored message, never a copy.
   */
  async send(
    conversationId: string,
    text: string,
    options: { note?: boolean; clientMessageId?: string } = {},
  ): Promise<WireMessage> {
    if (typeof text !== 'string' || !text.trim()) {
      throw new ClientError('VALIDATION_FAILED', 'a message needs text', { reason: 'empty_text' });
    }
    const { message } = await this.request<SendResult>(
      {
        type: 'send',
        conversationId,
        clientMessageId: options.clientMessageId ?? uid(),
        content: { type: 'text', text },
        note: options.note || undefined,
      },
      { retry: true },
    );
    this.take(conversationId, [message]);
    return message;
  }

  /** Reads messages of a conversation (after or before a seq); they are also added to `messages()`. */
  async history(
    conversationId: string,
    options: { afterSeq?: number; beforeSeq?: number; limit?: number } = {},
  ): Promise<HistoryResult> {
    const result = await this.request<HistoryResult>({ type: 'history', conversationId, ...options }, { retry: true });
    this.take(conversationId, result.messages);
    return result;
  }

  /** Tells the customer the agent is typing (`true` at most every 2 s) or stopped. */
  setTyping(conversationId: string, on: boolean): void {
    const now = Date.now();
    const last = this.typedAt.get(conversationId) ?? 0;
    if (on ? now - last < 2000 : !last) return;
    this.typedAt.set(conversationId, on ? now : 0);
    this.transport.notify({ type: 'typing', conversationId, on });
  }

  /** Moves the agent's read horizon to `seq`. */
  markRead(conversationId: string, seq: number): void {
    this.transport.notify({ type: 'read', conversationId, seq });
  }

  /** The interaction is over: the conversation goes to wrap-up. */
  end(conversationId: string): Promise<void> {
    return this.finish(conversationId, 'end');
  }

  /** Wrap-up is done: the conversation is resolved and the agent free again. */
  resolve(conversationId: string): Promise<void> {
    return this.finish(conversationId, 'resolve');
  }

  /** Closes the connection. */
  close(): void {
    this.transport.close();
  }

  private request = <T>(frame: OutFrame, options?: RequestOptions): Promise<T> =>
    this.transport.requests.request<T>(frame, options);

  private async finish(conversationId: string, type: 'end' | 'resolve'): Promise<void> {
    const result = await this.request<Partial<ConversationResult> | undefined>({ type, conversationId });
    if (result?.conversation) this.update(result.conversation);
  }

  private hello(): OutFrame {
    const resume = [...this.assigned.keys()]
      .slice(0, MAX_RESUME)
      .map((conversationId) => ({ conversationId, afterSeq: this.logs.get(conversationId)?._lastSeq ?? 0 }));
    this.resumed = new Set(resume.map((entry) => entry.conversationId));
    return { type: 'hello', v: 1, agentToken: this.options.agentToken, resume: resume.length ? resume : undefined };
  }

  private opened(result: AgentHelloResult): void {
    this.me = result.agent;
    this.assigned.clear();
    this.waiting.clear();
    for (const offer of result.offers) {
      this.waiting.set(offer.reservationId, offer);
      this._emit('offer', offer);
    }
    for (const conversation of result.conversations) this.update(conversation, this.resumed.has(conversation.id));
  }

  private push(frame: ServerFrame): void {
    switch (frame.type) {
      case 'offer':
        this.waiting.set(frame.offer.reservationId, frame.offer);
        this._emit('offer', frame.offer);
        return;
      case 'offer_ended':
        this.waiting.delete(frame.reservationId);
        this._emit('offer_ended', { reservationId: frame.reservationId, reason: frame.reason });
        return;
      case 'conversation':
        this.update(frame.conversation);
        return;
      case 'message':
        this.take(frame.message.conversationId, [frame.message]);
        return;
      case 'messages': {
        const log = this.take(frame.conversationId, frame.messages);
        log._cover(frame.messages[frame.messages.length - 1]?.seq ?? 0);
        if (!frame.more && log._gap) this.fill(frame.conversationId);
        return;
      }
      case 'typing':
        this._emit('typing', { conversationId: frame.conversationId, author: frame.author, on: frame.on });
        return;
      case 'read': {
        const conversation = this.assigned.get(frame.conversationId);
        if (conversation) this.assigned.set(conversation.id, { ...conversation, read: frame.read });
        this._emit('read', { conversationId: frame.conversationId, read: frame.read });
      }
    }
  }

  /** Records a conversation; a newly assigned one has its messages fetched unless resumed. */
  private update(conversation: WireConversation, resumed = false): void {
    const id = conversation.id;
    if (GONE.includes(conversation.status)) {
      this.assigned.delete(id);
      this.logs.delete(id);
    } else {
      this.assigned.set(id, conversation);
      if (!resumed && conversation.lastSeq > this.logOf(id)._lastSeq) this.fill(id);
    }
    this._emit('conversation', conversation);
  }

  private logOf(conversationId: string): MessageLog<WireMessage> {
    const log = this.logs.get(conversationId) ?? new MessageLog();
    this.logs.set(conversationId, log);
    return log;
  }

  /** Adds messages, each once, emitting the new ones; fills a gap a live message reveals. */
  private take(conversationId: string, messages: WireMessage[]): MessageLog<WireMessage> {
    const log = this.logOf(conversationId);
    for (const message of messages) if (log._add(message) >= 0) this._emit('message', message);
    if (messages.length === 1 && log._gap) this.fill(conversationId);
    return log;
  }

  private fill(conversationId: string): void {
    catchUp(this.request, conversationId, this.logOf(conversationId), (messages) =>
      this.take(conversationId, messages),
    ).catch((error) => this._emit('error', error));
  }
}
