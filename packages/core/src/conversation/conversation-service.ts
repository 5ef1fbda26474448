import { isoNow } from '../clock/clock.js';
import { IllegalTransitionError, NotFoundError } from '../errors/hotline-error.js';
import type { Unsubscribe } from '../events/event-bus.js';
import type { HotlineEventType } from '../events/event-map.js';
import type { ContactService } from '../identity/contact-service.js';
import { normalizeIdentity } from '../identity/normalize-identity.js';
import { idSchema, tenantIdSchema } from '../schemas/common.js';
import type { Contact } from '../schemas/contact.js';
import {
  type Conversation,
  type ConversationLeg,
  type ConversationStatus,
  type Participant,
  type StartConversationInput,
  startConversationInputSchema,
} from '../schemas/conversation.js';
import {
  type AppendMessageInput,
  type Message,
  type MessageDirection,
  type MessageStatus,
  messageStatusSchema,
} from '../schemas/message.js';
import type { ServiceDeps } from '../services/service-deps.js';
import type { ConversationFilter, ListOptions, MessageListOptions, Page, Storage } from '../storage/ports.js';
import type { TimerScheduler } from '../timers/timer-scheduler.js';
import { readModifyWrite } from '../util/read-modify-write.js';
import { parseInput } from '../validation/parse.js';
import { parseAppendMessageInput } from './append-input.js';
import {
  type ConversationPatch,
  conversationPatchSchema,
  type LegInput,
  legInputSchema,
} from './conversation-inputs.js';
import { type ConversationLifecycleEvent, conversationLifecycleEventSchema } from './lifecycle-events.js';
import {
  type ConversationMachineContext,
  canTransitionConversation,
  OPTIONAL_CONTEXT_KEYS,
  pickMachineContext,
  transitionConversation,
} from './machine.js';
import { markConversationRead } from './read-horizon.js';

/** The durable timer kind that wakes a snoozed conversation. */
export const SNOOZE_TIMER = 'conversation.snooze';

/** Optional collaborators of {@link ConversationService}. */
export interface ConversationServiceOptions {
  /** Schedules the durable wake-up of snoozed conversations. Without it, snoozes end only on a reply or `wake`. */
  timers?: TimerScheduler;
}

/** Options for lifecycle changes and patches. */
export interface ConversationWriteOptions {
  /** Fail with `CONFLICT` unless the stored version is this one; without it, races are retried. */
  expectedVersion?: number;
}

/** What `appendMessage` did. */
export interface AppendMessageResult {
  message: Message;
  /** `false` when an earlier message with the same idempotency key was returned. */
  created: boolean;
  /** The conversation after any lifecycle change the message caused (a customer reply reopens). */
  conversation: Conversation;
}

const MESSAGE_EVENT: Record<MessageDirection, HotlineEventType> = {
  inbound: 'message.received',
  outbound: 'message.sent',
  note: 'message.note_added',
  system: 'message.system_added',
};

const DEFAULT_STATUS: Record<MessageDirection, MessageStatus> = {
  // Inbound messages have reached us; `read` follows when an agent reads them.
  inbound: 'delivered',
  // Outbound messages wait for the channel adapter to send them.
  outbound: 'pending',
  note: 'sent',
  system: 'sent',
};

/** States in which a customer's message changes the lifecycle (reopen, wake, resume). */
const REPLY_REACTIVATES: readonly ConversationStatus[] = ['pending', 'resolved', 'snoozed'];

/**
 * Conversations: start them, append messages (gap-free `seq`, idempotent by
 * `clientMessageId` and `providerMessageId`), and move them through the lifecycle state
 * machine with optimistic concurrency. Every change emits a domain event after it is stored.
 *
 * @example
 * ```ts
 * const { conversation } = await hotline.conversations.start({
 *   tenantId, channel: 'webchat', contact: { identity: { channel: 'webchat', address: visitorId } },
 * });
 * await hotline.conversations.appendMessage({
 *   tenantId, conversationId: conversation.id, direction: 'inbound',
 *   author: { kind: 'contact', id: conversation.contactId },
 *   content: { type: 'text', text: 'Hi, my order is late' }, clientMessageId: 'c-1',
 * });
 * await hotline.conversations.apply(tenantId, conversation.id, { type: 'enqueue', queueId: 'support' });
 * ```
 */
export class ConversationService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly contacts: ContactService,
    private readonly options: ConversationServiceOptions = {},
  ) {}

  /**
   * Registers the durable-timer handler that wakes snoozed conversations. `createHotline`
   * calls it; call it yourself when you wire the services by hand.
   */
  registerTimers(timers: TimerScheduler): Unsubscribe {
    return timers.handle(SNOOZE_TIMER, async (timer) => {
      const conversationId = String(timer.payload['conversationId']);
      try {
        await this.apply(timer.tenantId, conversationId, { type: 'wake' });
      } catch (error) {
        // Already awake (the customer wrote, an agent woke it) or gone: nothing to do.
        if (error instanceof IllegalTransitionError || error instanceof NotFoundError) return;
        throw error;
      }
    });
  }

  /**
   * Starts a conversation with an existing contact or one found or created by identity.
   * With a caller-chosen `id`, starting twice returns the first conversation
   * (`created: false`).
   */
  async start(
    input: StartConversationInput,
  ): Promise<{ conversation: Conversation; contact: Contact; created: boolean }> {
    const parsed = parseInput(startConversationInputSchema, input, 'start conversation input');
    const { tenantId } = parsed;
    if (parsed.id !== undefined) {
      const existing = await this.deps.storage.conversations.get(tenantId, parsed.id);
      if (existing)
        return {
          conversation: existing,
          contact: await this.contacts.resolve(tenantId, existing.contactId),
          created: false,
        };
    }
    const contact =
      'contactId' in parsed.contact
        ? await this.contacts.resolve(tenantId, parsed.contact.contactId)
        : (
            await this.contacts.findOrCreate(
              tenantId,
              parsed.contact.identity,
              parsed.contact.name === undefined ? {} : { name: parsed.contact.name },
            )
          ).contact;
    const now = isoNow(this.deps.clock);
    const identityAddress =
      'identity' in parsed.contact ? normalizeIdentity(parsed.contact.identity).address : undefined;
    const leg: ConversationLeg = { id: this.deps.ids.next('leg'), channel: parsed.channel, startedAt: now };
    const address = parsed.address ?? identityAddress;
    if (address !== undefined) leg.address = address;
    if (parsed.externalRef !== undefined) leg.externalRef = parsed.externalRef;
    const conversation: Conversation = {
      id: parsed.id ?? this.deps.ids.next('conversation'),
      tenantId,
      version: 1,
      createdAt: now,
      updatedAt: now,
      contactId: contact.id,
      status: 'new',
      channel: parsed.channel,
      legs: [leg],
      participants: [{ kind: 'contact', id: contact.id, role: 'primary', joinedAt: now }],
      priority: parsed.priority,
      tags: parsed.tags,
      attributes: parsed.attributes,
      reopenCount: 0,
    };
    if (parsed.queueId !== undefined) conversation.queueId = parsed.queueId;
    if (parsed.language !== undefined) conversation.language = parsed.language;
    if (parsed.subject !== undefined) conversation.subject = parsed.subject;
    let stored: Conversation;
    try {
      stored = await this.deps.storage.conversations.create(conversation);
    } catch (error) {
      // Two starts with the same id raced: the loser returns the winner's conversation.
      const winner =
        parsed.id === undefined ? undefined : await this.deps.storage.conversations.get(tenantId, parsed.id);
      if (!winner) throw error;
      return { conversation: winner, contact, created: false };
    }
    await this.deps.bus.publish({
      type: 'conversation.created',
      tenantId,
      conversationId: stored.id,
      contactId: contact.id,
      channel: stored.channel,
    });
    return { conversation: stored, contact, created: true };
  }

  /** The conversation, or `NOT_FOUND`. */
  async get(tenantId: string, id: string): Promise<Conversation> {
    const conversation = await this.deps.storage.conversations.get(
      parseInput(tenantIdSchema, tenantId, 'tenant id'),
      parseInput(idSchema, id, 'conversation id'),
    );
    if (!conversation) throw new NotFoundError('conversation', id);
    return conversation;
  }

  /** Lists conversations, oldest first. */
  async list(tenantId: string, filter?: ConversationFilter, options?: ListOptions): Promise<Page<Conversation>> {
    return this.deps.storage.conversations.list(parseInput(tenantIdSchema, tenantId, 'tenant id'), filter, options);
  }

  /**
   * Appends a message. `seq` is assigned by storage (gap-free, monotonic); a repeated
   * `clientMessageId` (per conversation) or `providerMessageId` (per channel) returns the
   * first message with `created: false` and emits nothing. A customer message to a
   * pending, resolved or snoozed conversation moves it back to work. Closed and abandoned
   * conversations accept no messages (`ILLEGAL_TRANSITION`): start a new one.
   */
  async appendMessage(input: AppendMessageInput): Promise<AppendMessageResult> {
    const parsed = parseAppendMessageInput(input);
    // Both ids were just validated by the input schema: read directly, not through `get`.
    const conversation = await this.deps.storage.conversations.get(parsed.tenantId, parsed.conversationId);
    if (!conversation) throw new NotFoundError('conversation', parsed.conversationId);
    if (conversation.status === 'closed' || conversation.status === 'abandoned') {
      // Retries of a message stored before the close still get their original answer.
      const duplicate = await this.findDuplicate({ ...parsed, channel: parsed.channel ?? conversation.channel });
      if (duplicate) return { message: duplicate, created: false, conversation };
      throw new IllegalTransitionError('conversation', conversation.status, 'append_message');
    }
    const legId = parsed.legId ?? conversation.legs[conversation.legs.length - 1]?.id;
    if (legId !== undefined && !conversation.legs.some((leg) => leg.id === legId)) {
      throw new NotFoundError('leg', legId, { details: { conversationId: conversation.id } });
    }
    const draft: Omit<Message, 'seq'> = {
      id: this.deps.ids.next('message'),
      tenantId: parsed.tenantId,
      conversationId: conversation.id,
      direction: parsed.direction,
      author: parsed.author,
      content: parsed.content,
      channel: parsed.channel ?? conversation.channel,
      status: parsed.status ?? DEFAULT_STATUS[parsed.direction],
      metadata: parsed.metadata,
      createdAt: isoNow(this.deps.clock),
    };
    if (legId !== undefined) draft.legId = legId;
    if (parsed.clientMessageId !== undefined) draft.clientMessageId = parsed.clientMessageId;
    if (parsed.providerMessageId !== undefined) draft.providerMessageId = parsed.providerMessageId;
    const { message, created } = await this.deps.storage.messages.append(draft);
    if (!created) return { message, created, conversation };
    await this.deps.bus.publish({
      type: MESSAGE_EVENT[message.direction],
      tenantId: message.tenantId,
      conversationId: message.conversationId,
      messageId: message.id,
      seq: message.seq,
      direction: message.direction,
      channel: message.channel,
    } as Parameters<typeof this.deps.bus.publish>[0]);
    if (
      message.direction === 'inbound' &&
      message.author.kind === 'contact' &&
      REPLY_REACTIVATES.includes(conversation.status)
    ) {
      return { message, created, conversation: await this.reactivateOnReply(conversation) };
    }
    return { message, created, conversation };
  }

  /** A conversation's messages in `seq` order (resume with `afterSeq`). */
  async listMessages(tenantId: string, conversationId: string, options?: MessageListOptions): Promise<Message[]> {
    const conversation = await this.get(tenantId, conversationId);
    return this.deps.storage.messages.list(conversation.tenantId, conversation.id, options);
  }

  /** Moves a message's delivery status forward; stale receipts are ignored. */
  async updateMessageStatus(tenantId: string, messageId: string, status: MessageStatus): Promise<Message> {
    const tenant = parseInput(tenantIdSchema, tenantId, 'tenant id');
    const id = parseInput(idSchema, messageId, 'message id');
    const next = parseInput(messageStatusSchema, status, 'message status');
    const before = await this.deps.storage.messages.get(tenant, id);
    if (!before) throw new NotFoundError('message', id);
    const after = await this.deps.storage.messages.updateStatus(tenant, id, next);
    if (after.status !== before.status) {
      await this.deps.bus.publish({
        type: 'message.status_changed',
        tenantId: tenant,
        conversationId: after.conversationId,
        messageId: after.id,
        seq: after.seq,
        status: after.status,
      });
    }
    return after;
  }

  /**
   * Applies a lifecycle event through the state machine and stores the result. Illegal
   * events throw `ILLEGAL_TRANSITION` and change nothing.
   *
   * @example
   * ```ts
   * await conversations.apply(tenantId, id, { type: 'offer', agentId });
   * await conversations.apply(tenantId, id, { type: 'accept', agentId }, { expectedVersion: 3 });
   * ```
   */
  async apply(
    tenantId: string,
    conversationId: string,
    event: ConversationLifecycleEvent,
    options: ConversationWriteOptions = {},
  ): Promise<Conversation> {
    const parsed = parseInput(conversationLifecycleEventSchema, event, 'conversation lifecycle event');
    const { before, after } = await this.write(
      tenantId,
      conversationId,
      options,
      (current) => this.applyToRecord(current, parsed),
      (tx, previous, next) => this.syncSnoozeTimer(tx, previous, next),
    );
    if (before.status !== after.status || parsed.type === 'transfer') {
      const payload: Parameters<typeof this.deps.bus.publish>[0] = {
        type: 'conversation.status_changed',
        tenantId: after.tenantId,
        conversationId: after.id,
        from: before.status,
        to: after.status,
        cause: parsed.type,
      };
      if (after.assigneeId !== undefined) payload.assigneeId = after.assigneeId;
      if (after.queueId !== undefined) payload.queueId = after.queueId;
      await this.deps.bus.publish(payload);
    }
    return after;
  }

  /** Whether a lifecycle event is legal right now (for enabling buttons, not for racing). */
  async can(tenantId: string, conversationId: string, event: ConversationLifecycleEvent): Promise<boolean> {
    const conversation = await this.get(tenantId, conversationId);
    const parsed = parseInput(conversationLifecycleEventSchema, event, 'conversation lifecycle event');
    return canTransitionConversation(conversation.status, machineContextOf(conversation), parsed);
  }

  /** Changes tags, attributes (merged key by key), priority, subject or language. */
  async update(
    tenantId: string,
    conversationId: string,
    patch: ConversationPatch,
    options: ConversationWriteOptions = {},
  ): Promise<Conversation> {
    const parsed = parseInput(conversationPatchSchema, patch, 'conversation patch');
    const { after } = await this.write(tenantId, conversationId, options, (current) => {
      const next: Conversation = { ...current, attributes: { ...current.attributes, ...parsed.attributes } };
      if (parsed.tags !== undefined) next.tags = parsed.tags;
      if (parsed.priority !== undefined) next.priority = parsed.priority;
      if (parsed.subject !== undefined) next.subject = parsed.subject;
      if (parsed.language !== undefined) next.language = parsed.language;
      return next;
    });
    return after;
  }

  /**
   * Moves a read horizon forward: the contact (or an agent) has seen every message up to
   * `seq`. A horizon never moves back, so a late or repeated receipt changes nothing and
   * raises no event; a `seq` beyond the newest message is capped to it.
   *
   * @example
   * ```ts
   * await hotline.conversations.markRead(tenantId, conversationId, 'contact', 12);
   * ```
   */
  async markRead(tenantId: string, conversationId: string, reader: 'contact' | 'agent', seq: number) {
    return markConversationRead(this.deps, tenantId, conversationId, reader, seq);
  }

  /**
   * Adds a channel leg: a chat that becomes a call keeps one conversation and one history.
   * The new leg becomes the conversation's current channel.
   */
  async addLeg(tenantId: string, conversationId: string, leg: LegInput, options: ConversationWriteOptions = {}) {
    const parsed = parseInput(legInputSchema, leg, 'leg');
    const id = this.deps.ids.next('leg');
    const { after } = await this.write(tenantId, conversationId, options, (current) => {
      if (current.status === 'closed') throw new IllegalTransitionError('conversation', 'closed', 'add_leg');
      const added: ConversationLeg = { id, channel: parsed.channel, startedAt: isoNow(this.deps.clock) };
      if (parsed.address !== undefined) added.address = parsed.address;
      if (parsed.externalRef !== undefined) added.externalRef = parsed.externalRef;
      return { ...current, channel: parsed.channel, legs: [...current.legs, added] };
    });
    await this.deps.bus.publish({
      type: 'conversation.leg_added',
      tenantId: after.tenantId,
      conversationId: after.id,
      legId: id,
      channel: parsed.channel,
    });
    return after;
  }

  /** Marks a leg as ended (a call hung up). Ending an ended leg is a no-op. */
  async endLeg(tenantId: string, conversationId: string, legId: string, options: ConversationWriteOptions = {}) {
    const id = parseInput(idSchema, legId, 'leg id');
    let ended: ConversationLeg | undefined;
    const { after } = await this.write(tenantId, conversationId, options, (current) => {
      const leg = current.legs.find((l) => l.id === id);
      if (!leg) throw new NotFoundError('leg', id, { details: { conversationId } });
      if (leg.endedAt !== undefined) return current;
      ended = { ...leg, endedAt: isoNow(this.deps.clock) };
      return { ...current, legs: current.legs.map((l) => (l.id === id ? (ended as ConversationLeg) : l)) };
    });
    if (ended) {
      await this.deps.bus.publish({
        type: 'conversation.leg_ended',
        tenantId: after.tenantId,
        conversationId: after.id,
        legId: ended.id,
        channel: ended.channel,
      });
    }
    return after;
  }

  private applyToRecord(current: Conversation, event: ConversationLifecycleEvent): Conversation {
    const next = transitionConversation(current.status, machineContextOf(current), event);
    const now = isoNow(this.deps.clock);
    const record: Conversation = withMachineContext({ ...current, status: next.status }, next.context);
    record.participants = updateParticipants(current, record, now);
    if (next.status === 'resolved' && current.status !== 'resolved') record.resolvedAt = now;
    if (next.status === 'closed') record.closedAt = now;
    if (current.status === 'resolved' && next.status !== 'resolved' && next.status !== 'closed') {
      delete record.resolvedAt;
    }
    return record;
  }

  /**
   * Keeps the durable wake-up timer in step with the snooze, in the same transaction as
   * the status change, so a crash can neither lose a wake-up nor leave a stray one.
   */
  private async syncSnoozeTimer(tx: Storage, before: Conversation, after: Conversation): Promise<void> {
    const timers = this.options.timers;
    if (!timers) return;
    const id = `snooze:${after.id}`;
    if (after.status === 'snoozed' && after.snoozeUntil !== undefined) {
      await timers.schedule(
        {
          tenantId: after.tenantId,
          id,
          kind: SNOOZE_TIMER,
          dueAt: Date.parse(after.snoozeUntil),
          payload: { conversationId: after.id },
        },
        { storage: tx },
      );
    } else if (before.status === 'snoozed') {
      await timers.cancel(after.tenantId, id, { storage: tx });
    }
  }

  private async reactivateOnReply(conversation: Conversation): Promise<Conversation> {
    if (!REPLY_REACTIVATES.includes(conversation.status)) return conversation;
    const event: ConversationLifecycleEvent = { type: 'customer_replied' };
    try {
      return await this.apply(conversation.tenantId, conversation.id, event);
    } catch (error) {
      // Someone else moved it first (an agent resolved it a moment ago): the message is
      // stored either way, and the current state is what the caller should see.
      if (error instanceof IllegalTransitionError) return this.get(conversation.tenantId, conversation.id);
      throw error;
    }
  }

  private async findDuplicate(parsed: {
    tenantId: string;
    conversationId: string;
    clientMessageId?: string | undefined;
    providerMessageId?: string | undefined;
    channel?: Message['channel'] | undefined;
  }) {
    if (parsed.providerMessageId !== undefined && parsed.channel !== undefined) {
      const found = await this.deps.storage.messages.findByProviderMessageId(
        parsed.tenantId,
        parsed.channel,
        parsed.providerMessageId,
      );
      if (found) return found;
    }
    if (parsed.clientMessageId === undefined) return undefined;
    // Closed conversations are rare targets; a bounded scan from the end is enough.
    const recent = await this.deps.storage.messages.list(parsed.tenantId, parsed.conversationId, {
      order: 'desc',
      limit: 1000,
    });
    return recent.find((m) => m.clientMessageId === parsed.clientMessageId);
  }

  /**
   * Read-modify-write of one conversation with optimistic concurrency. Side effects that
   * must commit with the change (durable timers) run in the same transaction.
   */
  private async write(
    tenantId: string,
    conversationId: string,
    options: ConversationWriteOptions,
    change: (current: Conversation) => Conversation,
    sideEffects?: (tx: Storage, before: Conversation, after: Conversation) => Promise<void>,
  ): Promise<{ before: Conversation; after: Conversation }> {
    const tenant = parseInput(tenantIdSchema, tenantId, 'tenant id');
    const id = parseInput(idSchema, conversationId, 'conversation id');
    const { storage } = this.deps;
    return readModifyWrite<Conversation>({
      entity: 'conversation',
      id,
      load: () => storage.conversations.get(tenant, id),
      change,
      save: (changed, version, before) => {
        const next = { ...changed, updatedAt: isoNow(this.deps.clock) };
        if (sideEffects === undefined || this.options.timers === undefined)
          return storage.conversations.update(next, version);
        return storage.transaction(async (tx) => {
          const stored = await tx.conversations.update(next, version);
          await sideEffects(tx, before, stored);
          return stored;
        });
      },
      ...(options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion }),
    });
  }
}

/** The state machine's context as stored on a conversation record. */
export function machineContextOf(conversation: Conversation): ConversationMachineContext {
  return pickMachineContext(conversation);
}

/** The record with the machine's context written into it (absent fields cleared). */
function withMachineContext(record: Conversation, context: ConversationMachineContext): Conversation {
  const next: Conversation = { ...record };
  for (const key of OPTIONAL_CONTEXT_KEYS) delete next[key];
  return { ...next, ...context };
}

/** Keeps the participant list in step with the assignee: who joined, who left, when. */
function updateParticipants(before: Conversation, after: Conversation, now: string): Participant[] {
  if (before.assigneeId === after.assigneeId) return before.participants;
  const participants = before.participants.map((p) =>
    p.kind === 'agent' && p.id === before.assigneeId && p.leftAt === undefined && p.role === 'primary'
      ? { ...p, leftAt: now }
      : p,
  );
  if (after.assigneeId !== undefined) {
    participants.push({ kind: 'agent', id: after.assigneeId, role: 'primary', joinedAt: now });
  }
  return participants.slice(-200);
}
