import {
  type Conversation,
  type DispatchNotice,
  type DispatchOffer,
  type HotlineEvent,
  type Message,
  OPEN_CONVERSATION_STATES,
  type ReadHorizon,
  type ServerFrame,
  type Unsubscribe,
  type WireOffer,
} from '@hotline/core';
import type { Connection } from './connection.js';
import type { ConversationEntry } from './connection-index.js';
import type { GatewayContext } from './context.js';
import './events.js';

/** A delivery prepared off the ordered path (storage reads), run in event order. */
type Delivery = (() => void) | undefined;

type MessageEvent = HotlineEvent<'message.received' | 'message.sent' | 'message.note_added' | 'message.system_added'>;
const MESSAGE_EVENT_TYPES: ReadonlySet<string> = new Set<MessageEvent['type']>([
  'message.received',
  'message.sent',
  'message.note_added',
  'message.system_added',
]);

/**
 * Pushes what happens to the connections that care. Bus events and dispatcher notices
 * are queued and handled after the current turn of the event loop (so an in-process
 * bus, which delivers during `appendMessage`, lets the appending connection push first),
 * their storage reads run concurrently, and their pushes go out in the order the events
 * came. Each event costs at most one read, whatever the number of connections.
 */
export class PushHub {
  private pending: (HotlineEvent | DispatchNotice)[] = [];
  private scheduled = false;
  private tail: Promise<void> = Promise.resolve();
  private readonly unsubscribes: Unsubscribe[] = [];

  constructor(private readonly ctx: GatewayContext) {}

  start(): void {
    const { bus } = this.ctx.hotline;
    const queue = (event: HotlineEvent | DispatchNotice) => this.enqueue(event);
    this.unsubscribes.push(
      bus.subscribe('message.received', queue),
      bus.subscribe('message.sent', queue),
      bus.subscribe('message.note_added', queue),
      bus.subscribe('message.system_added', queue),
      bus.subscribe('conversation.status_changed', queue),
      bus.subscribe('conversation.read', queue),
      bus.subscribe('conversation.created', queue),
      this.ctx.dispatcher.subscribe(queue),
    );
    if (this.ctx.crossProcess) this.unsubscribes.push(bus.subscribe('webchat.typing', queue));
  }

  /** Stops listening and waits for queued pushes. */
  async stop(): Promise<void> {
    for (const off of this.unsubscribes.splice(0)) off();
    await this.tail;
  }

  /**
   * The fast path: the connection that appended a message pushes it to the others on the
   * conversation. `wire` is the message as the wire carries it, already encoded for the ack.
   */
  deliverLocal(entry: ConversationEntry, message: Message, sender: Connection, wire: string): void {
    if (this.ctx.ledger.consume(message.id)) return;
    this.pushMessage(entry, message, sender, wire);
    this.ctx.ledger.mark(message.id, this.ctx.clock.now());
  }

  /** A read horizon moved: tell every connection on the conversation but the reader's own. */
  pushRead(entry: ConversationEntry, horizon: ReadHorizon | undefined, except?: Connection): void {
    if (!horizon || (horizon.contact <= entry.read.contact && horizon.agent <= entry.read.agent)) return;
    entry.read = {
      contact: Math.max(horizon.contact, entry.read.contact),
      agent: Math.max(horizon.agent, entry.read.agent),
    };
    const data = JSON.stringify({ type: 'read', conversationId: entry.conversationId, read: entry.read });
    for (const connection of entry.connections) if (connection !== except) connection.sendRaw(data);
    for (const connection of entry.watchers) connection.sendRaw(data);
  }

  /** Relays typing to the other side's connections here (and through the bus to other processes). */
  relayTyping(entry: ConversationEntry, side: 'contact' | 'agent', name: string | undefined, on: boolean): void {
    this.sendTyping(entry, side, name, on);
    if (!this.ctx.crossProcess) return;
    const event = {
      type: 'webchat.typing' as const,
      tenantId: entry.tenantId,
      conversationId: entry.conversationId,
      side,
      on,
      origin: this.ctx.instanceId,
      ...(name === undefined ? {} : { name }),
    };
    this.ctx.hotline.bus.publish(event).catch((error: unknown) => this.ctx.report(error, 'typing relay'));
  }

  private enqueue(event: HotlineEvent | DispatchNotice): void {
    this.pending.push(event);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    for (const event of batch) {
      // Most message events were pushed by the appending connection already: skip them without a promise.
      if (this.deliveredOrUnwatched(event)) continue;
      let prepared: Promise<Delivery>;
      try {
        prepared = this.prepare(event).catch((error: unknown) => this.failed(error, event));
      } catch (error) {
        prepared = Promise.resolve(this.failed(error, event));
      }
      this.tail = this.tail.then(async () => {
        const deliver = await prepared;
        try {
          deliver?.();
        } catch (error) {
          this.failed(error, event);
        }
      });
    }
  }

  /** Whether a message event has nothing left to do here: no one listens to its conversation, or it was pushed. */
  private deliveredOrUnwatched(event: HotlineEvent | DispatchNotice): boolean {
    if (!MESSAGE_EVENT_TYPES.has(event.type)) return false;
    const { tenantId, conversationId, messageId } = event as MessageEvent;
    // The mark first: in the common case it is there, and no index key needs building.
    return this.ctx.ledger.consume(messageId) || !this.ctx.index.conversation(tenantId, conversationId);
  }

  private failed(error: unknown, event: HotlineEvent | DispatchNotice): undefined {
    this.ctx.report(error, `webchat push of ${event.type}`);
    return undefined;
  }

  private async prepare(event: HotlineEvent | DispatchNotice): Promise<Delivery> {
    // Dispatcher notices have one-word types; domain events are dotted.
    if (!event.type.includes('.')) return this.prepareNotice(event as DispatchNotice);
    const domain = event as HotlineEvent;
    switch (domain.type) {
      case 'message.received':
      case 'message.sent':
      case 'message.note_added':
      case 'message.system_added':
        return this.prepareMessage(domain);
      case 'conversation.read': {
        const entry = this.ctx.index.conversation(domain.tenantId, domain.conversationId);
        if (!entry) return undefined;
        const horizon = { ...entry.read, [domain.reader]: domain.seq };
        return () => this.pushRead(entry, horizon);
      }
      case 'conversation.status_changed':
        return this.prepareStatus(domain.tenantId, domain.conversationId, domain.assigneeId);
      case 'conversation.created':
        if (domain.channel === 'webchat') this.attachContact(domain.tenantId, domain.conversationId, domain.contactId);
        return undefined;
      case 'webchat.typing': {
        if (domain.origin === this.ctx.instanceId) return undefined;
        const entry = this.ctx.index.conversation(domain.tenantId, domain.conversationId);
        return entry && (() => this.sendTyping(entry, domain.side, domain.name, domain.on));
      }
      default:
        return undefined;
    }
  }

  /** A message appended elsewhere (another process, core called directly); `flush` skipped the ones pushed here. */
  private async prepareMessage(event: MessageEvent): Promise<Delivery> {
    const { index, ledger } = this.ctx;
    const message = await this.ctx.hotline.storage.messages.get(event.tenantId, event.messageId);
    if (!message) return undefined;
    return () => {
      const entry = index.conversation(event.tenantId, event.conversationId);
      if (!entry || ledger.consume(message.id)) return;
      const sender = entry.appending.find((a) => a.clientMessageId === message.clientMessageId)?.connection;
      this.pushMessage(entry, message, sender);
      // An append of this process is still running: its fast path must not push this again.
      if (entry.appending.length > 0) ledger.mark(message.id, this.ctx.clock.now());
    };
  }

  /**
   * Pushes a message to the conversation's connections but `except`, and to its watchers;
   * customers never get notes. Encoded once, when needed.
   */
  private pushMessage(entry: ConversationEntry, message: Message, except: Connection | undefined, wire?: string): void {
    let data: string | undefined;
    for (const connection of entry.connections) {
      if (connection === except || (connection.role === 'customer' && message.direction === 'note')) continue;
      data ??= `{"type":"message","message":${wire ?? JSON.stringify(this.ctx.views.message(message))}}`;
      connection.sendMessage(entry.key, message.seq, data);
    }
    for (const connection of entry.watchers) {
      data ??= `{"type":"message","message":${wire ?? JSON.stringify(this.ctx.views.message(message))}}`;
      connection.sendRaw(data);
    }
  }

  /** A new web chat conversation of a contact: every tab of that visitor listens to it. */
  private attachContact(tenantId: string, conversationId: string, contactId: string): void {
    for (const connection of this.ctx.index.contactConnections(tenantId, contactId)) {
      this.ctx.index.attach(connection, conversationId);
    }
  }

  private async prepareStatus(tenantId: string, conversationId: string, assigneeId?: string): Promise<Delivery> {
    const { index } = this.ctx;
    const assigneeHere = assigneeId !== undefined && index.agentConnections(tenantId, assigneeId).length > 0;
    if (!index.conversation(tenantId, conversationId) && !assigneeHere) return undefined;
    const conversation = await this.ctx.hotline.storage.conversations.get(tenantId, conversationId);
    if (!conversation) return undefined;
    const assignee = conversation.assigneeId;
    const [forCustomer, forAgent] = await Promise.all([
      this.ctx.views.conversation(conversation, false),
      this.ctx.views.conversation(conversation, true),
    ]);
    return () => {
      const open = OPEN_CONVERSATION_STATES.includes(conversation.status);
      if (open && assignee !== undefined) {
        for (const connection of index.agentConnections(tenantId, assignee)) index.attach(connection, conversationId);
      }
      const entry = index.conversation(tenantId, conversationId);
      if (!entry) return;
      const customerData = JSON.stringify({ type: 'conversation', conversation: forCustomer });
      const agentData = JSON.stringify({ type: 'conversation', conversation: forAgent });
      for (const connection of [...entry.connections]) {
        if (connection.role === 'customer') {
          connection.sendRaw(customerData);
          continue;
        }
        connection.sendRaw(agentData);
        // The conversation left this agent (transferred, resolved): no more pushes to them.
        if (!open || connection.principalId !== assignee) index.detach(connection, conversationId);
      }
      for (const connection of entry.watchers) connection.sendRaw(agentData);
    };
  }

  private async prepareNotice(notice: DispatchNotice): Promise<Delivery> {
    if (notice.type === 'agent') return undefined;
    if (notice.type === 'stats') return this.prepareStats(notice.tenantId);
    const { tenantId, agentId } = notice.type === 'offer' ? notice.offer : notice;
    const connections = () => this.ctx.index.agentConnections(tenantId, agentId);
    if (connections().length === 0) return undefined;
    if (notice.type === 'offer_ended') {
      const frame: ServerFrame = { type: 'offer_ended', reservationId: notice.reservationId, reason: notice.reason };
      return () => broadcast(connections(), frame);
    }
    const offer = await this.wireOffer(notice.offer);
    return offer && (() => broadcast(connections(), { type: 'offer', offer }));
  }

  /** The tenant's figures changed: a snapshot to its monitoring supervisors, taken when it goes out. */
  private prepareStats(tenantId: string): Delivery {
    if (this.ctx.index.monitorsOf(tenantId).length === 0) return undefined;
    return () => {
      const monitors = this.ctx.index.monitorsOf(tenantId);
      if (monitors.length > 0) broadcast(monitors, { type: 'stats', stats: this.ctx.dispatcher.stats(tenantId) });
    };
  }

  /** An offer as agents see it: who the customer is comes from the conversation. */
  async wireOffer(offer: DispatchOffer): Promise<WireOffer | undefined> {
    const { storage } = this.ctx.hotline;
    const conversation: Conversation | undefined = await storage.conversations.get(
      offer.tenantId,
      offer.conversationId,
    );
    if (!conversation) return undefined;
    const contact = await storage.contacts.get(offer.tenantId, conversation.contactId);
    const wire: WireOffer = {
      reservationId: offer.reservationId,
      conversationId: offer.conversationId,
      channel: offer.channel,
      expiresAt: new Date(offer.expiresAt).toISOString(),
      contact:
        contact?.name === undefined
          ? { id: conversation.contactId }
          : { id: conversation.contactId, name: contact.name },
      attributes: offer.attributes,
    };
    if (offer.queueId !== undefined) wire.queueId = offer.queueId;
    return wire;
  }

  private sendTyping(entry: ConversationEntry, side: 'contact' | 'agent', name: string | undefined, on: boolean): void {
    const author = name === undefined || side === 'contact' ? { kind: side } : { kind: side, name };
    const data = JSON.stringify({ type: 'typing', conversationId: entry.conversationId, author, on });
    const to = side === 'contact' ? 'agent' : 'customer';
    for (const connection of entry.connections) if (connection.role === to) connection.sendRaw(data);
    for (const connection of entry.watchers) connection.sendRaw(data);
  }
}

function broadcast(connections: readonly Connection[], frame: ServerFrame): void {
  if (connections.length === 0) return;
  const data = JSON.stringify(frame);
  for (const connection of connections) connection.sendRaw(data);
}
