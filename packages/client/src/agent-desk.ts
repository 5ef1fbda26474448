import type {
  AgentHelloResult,
  ConversationResult,
  HistoryResult,
  ReadHorizon,
  SendResult,
  ServerFrame,
  StatsSnapshot,
  TransferTarget,
  WatchResult,
  WireConversation,
  WireMessage,
  WireOffer,
  WrapUp,
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
  /**
   * A conversation was assigned, changed, ended, or left the agent (transferred away: its
   * status is then `queued` or `offered`). Also for the conversations the agent `watch`es.
   */
  conversation: WireConversation;
  /** The customer is typing (or stopped); on watched conversations, the agent too. */
  typing: { conversationId: string; author: WireMessage['author']; on: boolean };
  /** Read horizons changed. */
  read: { conversationId: string; read: ReadHorizon };
  /** Live queue and agent figures, while `monitor` is on (supervisors). */
  stats: StatsSnapshot;
  state: ConnectionState;
  error: ClientError;
}

/** The server resumes at most this many conversations per `hello`. */
const MAX_RESUME = 20;
/** Statuses in which a conversation stays with its agent; in any other it has left the desk. */
const HELD = ['active', 'pending', 'wrap_up', 'snoozed'];

/**
 * The agent's side of the web chat: offers, accepting and rejecting them, the assigned
 * conversations with their messages (each once, in seq order, gaps filled), sending
 * (retried safely with the same `clientMessageId`), notes, typing, read receipts,
 * transfers, ending with a disposition and resolving; for supervisors, live figures
 * (`monitor`) and read-only watching of any conversation of the tenant (`watch`), both
 * resumed after a reconnection. It uses the same reconnecting transport as `CustomerChat`.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * const desk = new AgentDesk({ url: 'wss://support.example.com/hotline/webchat', agentToken, WebSocket });
 * desk.on('offer', (offer) => desk.accept(offer.reservationId));
 * desk.on('message', (m) => console.log(m.conversationId, m.content));
 * await desk.connect();
 * await desk.setActivity('available');
 * // later: await desk.transfer(conversationId, { queueId: 'billing' });
 * // or:    await desk.end(conversationId, { disposition: 'refund_issued' });
 * ```
 */
export class AgentDesk extends Emitter<AgentDeskEvents> {
  private readonly transport: Transport;
  private readonly assigned = new Map<string, WireConversation>();
  private readonly waiting = new Map<string, WireOffer>();
  private readonly logs = new Map<string, MessageLog<WireMessage>>();
  private readonly typedAt = new Map<string, number>();
  /** Conversations watched read-only (supervisors), with their latest view. */
  private readonly watchedViews = new Map<string, WireConversation | undefined>();
  private monitoring = false;
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

  /** The conversations watched read-only (`watch`), as last seen. */
  get watched(): WireConversation[] {
    return [...this.watchedViews.values()].filter((c): c is WireConversation => c !== undefined);
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
    // A watched conversation the agent now holds is its own: the server stopped the watch.
    this.watchedViews.delete(conversation.id);
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

  /**
   * The interaction is over: the conversation goes to wrap-up. `wrapUp` records its
   * outcome (`disposition`, 1 to 64 characters) and `notes` (up to 2000); given for a
   * conversation already in wrap-up (the customer left first), only those are recorded.
   */
  end(conversationId: string, wrapUp: WrapUp = {}): Promise<void> {
    return this.finish(conversationId, 'end', wrapUp);
  }

  /** Wrap-up is done: the conversation is resolved and the agent free again. */
  resolve(conversationId: string): Promise<void> {
    return this.finish(conversationId, 'resolve');
  }

  /**
   * Hands a conversation, history and all, to a queue (`{ queueId }`) or to one agent
   * (`{ agentId }`, offered to that agent only, back to the queue if refused). It leaves
   * this desk: a `conversation` event follows with its new status. Errors: `CONFLICT`
   * (`reason` `agent_offline`, `agent_unavailable`, `agent_at_capacity`,
   * `agent_not_eligible`), `NOT_FOUND` for an unknown queue or agent.
   */
  async transfer(conversationId: string, target: TransferTarget): Promise<void> {
    // The server checks the target (exactly one of the two): one place for the rule.
    await this.request({ type: 'transfer', conversationId, ...target });
    this.assigned.delete(conversationId);
    if (!this.watchedViews.has(conversationId)) this.logs.delete(conversationId);
  }

  /**
   * Supervisors: starts (or, with `false`, stops) live figures. Resolves with the figures
   * now; `stats` events follow after each change, at most every 500 ms, and monitoring
   * resumes by itself after a reconnection. Without the supervisor or admin role: `FORBIDDEN`.
   */
  async monitor(on = true): Promise<StatsSnapshot> {
    const stats = await this.request<StatsSnapshot>({ type: 'monitor', on }, { retry: true });
    this.monitoring = on;
    return stats;
  }

  /**
   * Supervisors: follows a conversation of the tenant read-only — its `message`
   * (notes included), `typing` and `conversation` events — starting with its newest 50
   * messages (also in `messages()`); `false` stops. Sending to it, ending or transferring
   * it stays `FORBIDDEN`. Watching resumes by itself after a reconnection.
   */
  watch(conversationId: string, on?: true): Promise<WatchResult>;
  watch(conversationId: string, on: false): Promise<undefined>;
  async watch(conversationId: string, on = true): Promise<WatchResult | undefined> {
    if (!on) {
      await this.request({ type: 'watch', conversationId, on: false }, { retry: true });
      this.watchedViews.delete(conversationId);
      if (!this.assigned.has(conversationId)) this.logs.delete(conversationId);
      return undefined;
    }
    // Listed first: its pushes may come before the reply.
    const known = this.watchedViews.has(conversationId);
    if (!known) this.watchedViews.set(conversationId, undefined);
    try {
      return await this.rewatch(conversationId);
    } catch (error) {
      if (!known) this.watchedViews.delete(conversationId);
      throw error;
    }
  }

  /** Closes the connection. */
  close(): void {
    this.transport.close();
  }

  private request = <T>(frame: OutFrame, options?: RequestOptions): Promise<T> =>
    this.transport.requests.request<T>(frame, options);

  private async finish(conversationId: string, type: 'end' | 'resolve', wrapUp: WrapUp = {}): Promise<void> {
    const result = await this.request<Partial<ConversationResult> | undefined>({ ...wrapUp, type, conversationId });
    if (result?.conversation) this.update(result.conversation);
  }

  private async rewatch(conversationId: string): Promise<WatchResult> {
    const result = await this.request<WatchResult>({ type: 'watch', conversationId, on: true }, { retry: true });
    if (this.watchedViews.has(conversationId) && !this.assigned.has(conversationId)) {
      this.watchedViews.set(conversationId, result.conversation);
      this.take(conversationId, result.messages);
      this._emit('conversation', result.conversation);
    }
    return result;
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
    // What a supervisor followed on the previous connection, followed again on this one.
    if (this.monitoring) {
      this.request<StatsSnapshot>({ type: 'monitor', on: true }, { retry: true }).then(
        (stats) => this._emit('stats', stats),
        (error) => this._emit('error', error),
      );
    }
    for (const conversationId of this.watchedViews.keys()) {
      this.rewatch(conversationId).catch((error) => this._emit('error', error));
    }
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
        return;
      }
      case 'stats':
        this._emit('stats', frame.stats);
    }
  }

  /**
   * Records a conversation: one the agent holds (a newly assigned one has its messages
   * fetched unless resumed), one it watches, or one that left it (transferred, resolved).
   */
  private update(conversation: WireConversation, resumed = false): void {
    const id = conversation.id;
    if (this.watchedViews.has(id) && !this.assigned.has(id)) {
      this.watchedViews.set(id, conversation);
    } else if (HELD.includes(conversation.status)) {
      this.assigned.set(id, conversation);
      if (!resumed && conversation.lastSeq > this.logOf(id)._lastSeq) this.fill(id);
    } else {
      this.assigned.delete(id);
      if (!this.watchedViews.has(id)) this.logs.delete(id);
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
